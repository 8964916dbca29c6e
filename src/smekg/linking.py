"""`smekg link`: find DOIs (Crossref), OpenAlex works and Wikidata items for the bibliographic records.

Every request goes through one polite HTTP client (linkhttp: allow-listed origins, a descriptive User-Agent,
a minimum interval per service, retries with back-off, time and size limits) and an on-disk cache of the
answers that arrived whole and well shaped, so a second run asks nothing already answered and `--offline`
asks nothing at all. Candidates
are validated field by field (year, volume, issue, pages, title, first author) as Crossref's
search-based reference matcher does; only those above the thresholds are linked automatically, the
rest are written as candidates for review. Links and their provenance go to ontology/links/links.ttl.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path

import click
from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from .bibliography import BibRecord, ascii_slug, citation_string, load_bibliography, normalise_doi, plain
from .canonical import canonical_turtle
from .errors import SmekgError, os_problem
from .jsonshape import WrongShape, json_name, member, members
from .linkhttp import LinkError, Origin, PoliteClient, allowed_origins, ensure_allowed, sparql_request
from .safeio import atomic_write, file_lock
from .sources import Project
from .vocab import BASE, PREFIXES, PRISM, PROV, SCHEMA, WORK

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9]+$")
OPENALEX_WORK = re.compile(r"^https://openalex\.org/W\d+$")
WIKIDATA_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q\d+$")
SERVICES = ("crossref", "openalex", "wikidata")
POSITIVE = ("timeout", "connect_timeout", "deadline", "max_answer_bytes", "rows")  # settings that must be > 0
PREDICATES = {"crossref": PRISM.doi, "openalex": OWL.sameAs, "wikidata": OWL.sameAs}
SCHEMES = {"crossref": "DOI", "openalex": "OpenAlex", "wikidata": "Wikidata"}
AGENT = URIRef(BASE + "agent/smekg-link")
LINKS_FILE = "ontology/links/links.ttl"
LOCK_WAIT = 60.0  # seconds a run waits for another to finish writing the links file

Key = tuple[str, str]  # a link's record key and service
Reader = Callable[[object], list["Candidate"]]  # an answer's body → its candidates (WrongShape if it cannot)

AUTOMATIC = "accepted automatically"
BY_PERSON = "accepted by a person"
REVIEW = "candidate for review"
REJECTED = "rejected by a person"
DECIDED = (AUTOMATIC, BY_PERSON, REJECTED)

WEIGHTS = {"title": 2.0}

DEFAULTS: dict[str, dict[str, object]] = {
    "polite": {
        "mailto": "",
        "user_agent": "smekg-link/0.1 (https://w3id.org/smekg; mailto:{mailto})",
        "timeout": 30.0,
        "connect_timeout": 10.0,
        "deadline": 60.0,
        "max_answer_bytes": 20_000_000,
        "max_retries": 5,
        "backoff": 1.0,
        "max_wait": 120.0,
        "allowed_hosts": ["api.crossref.org", "api.openalex.org", "query-scholarly.wikidata.org"],
    },
    "cache": {"dir": "~/.cache/smekg/link"},
    "links": {"file": LINKS_FILE},
    "crossref": {"base_url": "https://api.crossref.org", "rows": 5, "min_interval": 0.2},
    "openalex": {"base_url": "https://api.openalex.org", "api_key": "", "min_interval": 0.2},
    "wikidata": {"endpoint": "https://query-scholarly.wikidata.org/sparql", "min_interval": 1.0},
    "matching": {
        "min_normalised_score": 0.25,
        "min_similarity": 0.85,
        "min_title_similarity": 0.9,
        "min_author_similarity": 0.8,
        "review_similarity": 0.5,
    },
}

WIKIDATA_QUERY = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?title ?date WHERE {
  VALUES ?doi { %s }
  ?item wdt:P356 ?doi .
  OPTIONAL { ?item wdt:P1476 ?title }
  OPTIONAL { ?item wdt:P577 ?date }
}"""


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Thresholds:
    """When a candidate is linked automatically, listed for review, or dropped (see ontology/links/README.md)."""

    min_normalised_score: float
    min_similarity: float
    min_title_similarity: float
    min_author_similarity: float
    review_similarity: float


@dataclass(frozen=True)
class Settings:
    """Everything `smekg link` reads from its TOML configuration."""

    mailto: str
    user_agent: str
    timeout: float
    connect_timeout: float
    deadline: float
    max_answer_bytes: int
    max_retries: int
    backoff: float
    max_wait: float
    allowed_hosts: tuple[Origin, ...]
    cache_dir: Path
    links_file: Path
    crossref_url: str
    crossref_rows: int
    openalex_url: str
    openalex_api_key: str
    wikidata_endpoint: str
    min_interval: dict[str, float]
    thresholds: Thresholds


def read_config(path: Path | None) -> dict[str, dict[str, object]]:
    """The defaults overlaid with the TOML file; an unknown section or key, or a wrong type, is an error."""
    values = {section: dict(keys) for section, keys in DEFAULTS.items()}
    if path is None:
        return values
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise LinkError(str(path), f"cannot read the configuration: {err}") from err
    for section, keys in given.items():
        if section not in DEFAULTS or not isinstance(keys, dict):
            raise LinkError(str(path), f"unknown section [{section}]; known: {', '.join(DEFAULTS)}")
        for key, value in keys.items():
            if key not in DEFAULTS[section]:
                raise LinkError(str(path), f"[{section}] unknown key {key!r}; known: {', '.join(DEFAULTS[section])}")
            values[section][key] = checked_value(path, section, key, value)
    return values


def checked_value(path: Path, section: str, key: str, value: object) -> object:
    """A configuration value of the same type as its default (an int may stand for a float)."""
    default = DEFAULTS[section][key]
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not type(default):
        raise LinkError(str(path), f"[{section}] {key} should be a {type(default).__name__}, not {value!r}")
    if isinstance(value, int | float) and (value < 0 or (value == 0 and key in POSITIVE)):
        limit = "above 0" if key in POSITIVE else "0 or more"
        raise LinkError(str(path), f"[{section}] {key} should be {limit}, not {value!r}")
    return value


def load_settings(path: Path | None, root: Path) -> Settings:
    """Settings from a TOML file (or the defaults), with paths resolved against the project root."""
    cfg = read_config(path)
    polite, match = cfg["polite"], cfg["matching"]
    mailto = str(polite["mailto"])
    return Settings(
        mailto=mailto,
        user_agent=str(polite["user_agent"]).replace("{mailto}", mailto),
        timeout=float(polite["timeout"]),
        connect_timeout=float(polite["connect_timeout"]),
        deadline=float(polite["deadline"]),
        max_answer_bytes=int(polite["max_answer_bytes"]),
        max_retries=int(polite["max_retries"]),
        backoff=float(polite["backoff"]),
        max_wait=float(polite["max_wait"]),
        allowed_hosts=allowed_origins(list(polite["allowed_hosts"]), str(path)),
        cache_dir=root / Path(str(cfg["cache"]["dir"])).expanduser(),
        links_file=root / str(cfg["links"]["file"]),
        crossref_url=str(cfg["crossref"]["base_url"]).rstrip("/"),
        crossref_rows=int(cfg["crossref"]["rows"]),
        openalex_url=str(cfg["openalex"]["base_url"]).rstrip("/"),
        openalex_api_key=str(cfg["openalex"]["api_key"]) or os.environ.get("OPENALEX_API_KEY", ""),
        wikidata_endpoint=str(cfg["wikidata"]["endpoint"]),
        min_interval={s: float(cfg[s]["min_interval"]) for s in SERVICES},
        thresholds=Thresholds(**{k: float(v) for k, v in match.items()}),
    )


def check_settings(settings: Settings, services: tuple[str, ...], offline: bool, where: str) -> None:
    """Fail early on what a run that asks the services needs: a contact address, an API key, allowed hosts."""
    urls = {
        "crossref": settings.crossref_url,
        "openalex": settings.openalex_url,
        "wikidata": settings.wikidata_endpoint,
    }
    for service in services:
        ensure_allowed(urls[service], settings.allowed_hosts)
    if offline:
        return
    if not settings.mailto:
        raise LinkError(where, "set [polite] mailto: Crossref asks for a contact address (its polite pool)")
    if "openalex" in services and not settings.openalex_api_key:
        raise LinkError(where, "set [openalex] api_key (or OPENALEX_API_KEY): OpenAlex requires one")


@dataclass
class Answer:
    """A service's answer: the query (without secrets), when it was answered, and the parsed body."""

    query: str
    fetched: str
    body: object
    candidates: list[Candidate] = field(default_factory=list)  # read from the body; not stored

    def stored(self) -> str:
        """The answer as its cache file holds it (the body as the service sent it; candidates are re-read)."""
        return json.dumps({"query": self.query, "fetched": self.fetched, "body": self.body}, ensure_ascii=False)


class Cache:
    """Answers on disk, one JSON file per query, so nothing is asked twice."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.hits = 0

    def path(self, service: str, query: str) -> Path:
        return self.folder / service / f"{hashlib.sha256(query.encode()).hexdigest()}.json"

    def get(self, service: str, query: str) -> Answer | None:
        """The stored answer to a query, None if there is none; a LinkError naming a file that cannot be used."""
        path = self.path(service, query)
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_bytes())
        except OSError as err:
            raise LinkError(str(path), f"cannot read the cached answer: {os_problem(err)}") from None
        except ValueError as err:  # not UTF-8, or not JSON
            raise corrupt_cache(path, f"not JSON: {err}") from None
        if not isinstance(data, dict) or not isinstance(data.get("fetched"), str) or "body" not in data:
            raise corrupt_cache(path, "not an object with query, fetched and body")
        if data.get("query") != query:
            raise corrupt_cache(path, f"it answers another query ({str(data.get('query'))[:80]!r})")
        self.hits += 1
        return Answer(query, data["fetched"], data["body"])

    def put(self, service: str, answer: Answer) -> None:
        """Write atomically, so an interrupted run never leaves a half-written answer."""
        path = self.path(service, answer.query)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise LinkError(str(path.parent), f"cannot create the cache folder: {os_problem(err)}") from None
        atomic_write(path, answer.stored(), step="linking")


def corrupt_cache(path: Path, why: str) -> LinkError:
    return LinkError(str(path), f"the cached answer is corrupt ({why}); delete this file to have it asked again")


class Services:
    """The three lookups, each answered from the cache when it can, else (unless offline) by the service."""

    def __init__(self, settings: Settings, client: PoliteClient, cache: Cache, offline: bool):
        self.settings, self.client, self.cache, self.offline = settings, client, cache, offline

    def ask(self, service: str, query: str, fetch: Callable[[], object], read: Reader) -> Answer | None:
        """The cached answer to a query, or a fresh one, with its candidates; None when offline and not cached.

        Only a complete answer of the right shape is cached."""
        answer = self.cache.get(service, query)
        if answer is not None:
            try:
                answer.candidates = read(answer.body)
            except WrongShape as err:
                raise corrupt_cache(self.cache.path(service, query), f"wrongly shaped: {err}") from None
            return answer
        if self.offline:
            return None
        answer = Answer(query, now_iso(), fetch())
        try:
            answer.candidates = read(answer.body)
        except WrongShape as err:
            raise LinkError(query, f"{service}: the answer is not shaped as the service documents: {err}") from None
        self.cache.put(service, answer)
        return answer

    def crossref(self, reference: str) -> Answer | None:
        """Crossref works for a bibliographic reference string, best first, each with its relevance score."""
        params = {
            "query.bibliographic": reference,
            "rows": str(self.settings.crossref_rows),
            "select": "DOI,title,subtitle,author,issued,volume,issue,page,container-title,type,score",
        }
        url = f"{self.settings.crossref_url}/works?{urllib.parse.urlencode(params)}"
        secret = f"{url}&{urllib.parse.urlencode({'mailto': self.settings.mailto})}"
        read = partial(crossref_candidates, reference=reference)
        return self.ask("crossref", url, lambda: self.client.get_json(secret, "crossref"), read)

    def openalex(self, filters: str) -> Answer | None:
        """OpenAlex works matching a filter (by DOI, or by title words and year)."""
        params = {"filter": filters, "select": "id,doi,title,display_name,publication_year,authorships,biblio"}
        url = f"{self.settings.openalex_url}/works?{urllib.parse.urlencode(params)}"
        secret = f"{url}&{urllib.parse.urlencode({'api_key': self.settings.openalex_api_key})}"
        return self.ask("openalex", url, lambda: self.client.get_json(secret, "openalex"), openalex_candidates)

    def wikidata(self, doi: str) -> Answer | None:
        """Wikidata items whose DOI (P356, stored upper-case) is this one; the DOI is bound, never spliced."""
        text = WIKIDATA_QUERY % Literal(valid_doi(doi).upper()).n3()
        url = f"{self.settings.wikidata_endpoint}?{urllib.parse.urlencode({'query': text})}"
        request = sparql_request(self.settings.wikidata_endpoint, text, self.settings.user_agent)
        return self.ask("wikidata", url, lambda: self.client.get_json(request, "wikidata"), wikidata_candidates)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def valid_doi(doi: str) -> str:
    """A normalised DOI that matches the strict pattern, or a LinkError naming it."""
    value = normalise_doi(doi)
    if not DOI_PATTERN.match(value):
        raise LinkError(doi, "not a DOI this tool will send anywhere (expected 10.NNNN/suffix of [-._;()/:a-z0-9])")
    return value


# ---------------------------------------------------------------- validation of candidates


@dataclass(frozen=True)
class Fields:
    """What is compared between a record and a candidate; empty strings are unknown."""

    titles: tuple[str, ...] = ()
    author: str = ""
    year: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""


@dataclass
class Candidate:
    """One answer of a service for a record, with what it links to and how it was scored."""

    value: str
    fields: Fields
    doi: str = ""
    score: float | None = None
    normalised_score: float | None = None
    similarity: float = 0.0
    features: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def words(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, for comparing titles."""
    decomposed = plain(text).lower().encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", decomposed))


def page_numbers(pages: str) -> tuple[str, str]:
    """First and last page, with an abbreviated last page completed ('1425-37' → '1425', '1437')."""
    numbers = re.findall(r"\d+", pages)
    if not numbers:
        return "", ""
    first, last = numbers[0], numbers[1] if len(numbers) > 1 else ""
    if last and len(last) < len(first) and int(first[-len(last) :]) <= int(last):
        last = first[: len(first) - len(last)] + last
    return first, last


def record_fields(rec: BibRecord) -> Fields:
    fields = rec.entry.fields
    return Fields(
        titles=(rec.title,) if rec.title else (),
        author=rec.first_author,
        year=rec.year if re.fullmatch(r"\d{4}", rec.year) else "",
        volume=plain(fields.get("volume", "")),
        issue=plain(fields.get("number", "")),
        pages=plain(fields.get("pages", "")),
    )


def similarity(ref: Fields, cand: Fields) -> tuple[float, dict[str, float]]:
    """Weighted share of agreeing fields (a generalised Jaccard similarity), and each field's agreement."""
    features: dict[str, float] = {}
    if ref.titles and cand.titles:
        features["title"] = max(
            SequenceMatcher(None, words(a), words(b)).ratio() for a in ref.titles for b in cand.titles
        )
    if ref.author and cand.author:
        features["author"] = author_similarity(ref.author, cand.author)
    if ref.year and cand.year:
        gap = abs(int(ref.year) - int(cand.year))
        features["year"] = 1.0 if gap == 0 else 0.5 if gap == 1 else 0.0
    for name in ("volume", "issue"):
        if getattr(ref, name) and getattr(cand, name):
            features[name] = float(words(getattr(ref, name)) == words(getattr(cand, name)))
    pages = zip(("first page", "last page"), page_numbers(ref.pages), page_numbers(cand.pages), strict=True)
    for name, mine, theirs in pages:
        if mine and theirs:
            features[name] = float(mine == theirs)
    if not features:
        return 0.0, features
    total = sum(WEIGHTS.get(k, 1.0) for k in features)
    return sum(WEIGHTS.get(k, 1.0) * v for k, v in features.items()) / total, features


def author_similarity(family: str, candidate: str) -> float:
    """How alike the record's first-author family name is to the candidate's (which may be a full name)."""
    theirs = ascii_slug(candidate)
    if family and family in theirs and theirs.endswith(family):
        return 1.0
    last = ascii_slug(candidate.split()[-1]) if candidate.split() else ""
    return max(SequenceMatcher(None, family, theirs).ratio(), SequenceMatcher(None, family, last).ratio())


def problems(ref: Fields, cand: Candidate, th: Thresholds) -> list[str]:
    """Why a candidate may not be linked automatically, by its field similarities; empty when it may."""
    found = []
    if cand.similarity < th.min_similarity:
        found.append(f"similarity {cand.similarity:.2f} below {th.min_similarity}")
    if cand.features.get("title", 1.0) < th.min_title_similarity:
        found.append(f"title similarity {cand.features['title']:.2f} below {th.min_title_similarity}")
    if cand.features.get("author", 1.0) < th.min_author_similarity:
        found.append(f"first-author similarity {cand.features['author']:.2f} below {th.min_author_similarity}")
    if cand.features.get("year", 1.0) < 1.0:
        found.append(f"year {cand.fields.year} differs from the record's {ref.year}")
    return found


def judge(ref: Fields, candidates: list[Candidate], th: Thresholds, scored: bool) -> Candidate | None:
    """The best candidate with its problems (none: link it), or None when nothing is worth a review."""
    if scored:
        candidates = [c for c in candidates if (c.normalised_score or 0.0) >= th.min_normalised_score]
    for cand in candidates:
        cand.similarity, cand.features = similarity(ref, cand.fields)
        cand.problems = problems(ref, cand, th)
    ranked = sorted(candidates, key=lambda c: (not c.problems, c.similarity), reverse=True)
    if not ranked or ranked[0].similarity < th.review_similarity:
        return None
    best = ranked[0]
    rivals = [c.value for c in ranked[1:] if not c.problems and c.value != best.value]
    if not best.problems and rivals:
        best.problems = [f"ambiguous: {', '.join(rivals)} also passes"]
    return best


def crossref_candidates(body: object, reference: str) -> list[Candidate]:
    """Candidates from a Crossref work list, with the score normalised by the reference's length."""
    message = member(body, "message", dict, "the answer", required=True)
    found = []
    for n, item in enumerate(members(message, "items", dict, "message", required=True)):
        where = f"message.items[{n}]"
        doi = normalise_doi(member(item, "DOI", str, where) or "")
        if not DOI_PATTERN.match(doi):
            continue
        title, subtitle = ((members(item, k, str, where) or [""])[0] for k in ("title", "subtitle"))
        authors = members(item, "author", dict, where) or [{}]
        fields = Fields(
            titles=tuple(t for t in (title, f"{title}: {subtitle}" if subtitle else "") if t),
            author=member(authors[0], "family", str, where) or member(authors[0], "name", str, where) or "",
            year=crossref_year(item, where),
            volume=member(item, "volume", str, where) or "",
            issue=member(item, "issue", str, where) or "",
            pages=member(item, "page", str, where) or "",
        )
        score = float(member(item, "score", (int, float), where) or 0.0)
        found.append(Candidate(doi, fields, doi, score, score / len(reference)))
    return found


def crossref_year(item: dict, where: str) -> str:
    """The year of a Crossref work's issued date-parts ([[year, month, day]], [[null]] when unknown)."""
    issued = member(item, "issued", dict, where) or {}
    parts = members(issued, "date-parts", list, f"{where}.issued") or [[]]
    year = parts[0][0] if parts[0] else None
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise WrongShape(f"{where}.issued.date-parts[0][0] is {json_name(year)}, not a number")
    return str(year) if year else ""


def openalex_candidates(body: object) -> list[Candidate]:
    """Candidates from an OpenAlex work list."""
    found = []
    for n, work in enumerate(members(body, "results", dict, "the answer", required=True)):
        where = f"results[{n}]"
        ident = member(work, "id", str, where) or ""
        if not OPENALEX_WORK.match(ident):
            continue
        authorships = members(work, "authorships", dict, where) or [{}]
        author = member(authorships[0], "author", dict, f"{where}.authorships[0]") or {}
        biblio = member(work, "biblio", dict, where) or {}
        volume, issue, first, last = (
            member(biblio, k, str, f"{where}.biblio") or "" for k in ("volume", "issue", "first_page", "last_page")
        )
        fields = Fields(
            titles=tuple(t for t in (member(work, k, str, where) for k in ("title", "display_name")) if t),
            author=member(author, "display_name", str, f"{where}.authorships[0].author") or "",
            year=str(member(work, "publication_year", int, where) or ""),
            volume=volume,
            issue=issue,
            pages="-".join(p for p in (first, last) if p),
        )
        doi = normalise_doi(member(work, "doi", str, where) or "")
        found.append(Candidate(ident, fields, doi, member(work, "relevance_score", (int, float), where)))
    return found


def wikidata_candidates(body: object) -> list[Candidate]:
    """Candidates from a SPARQL JSON result of the DOI query."""
    results = member(body, "results", dict, "the answer", required=True)
    by_item: dict[str, Candidate] = {}
    for n, row in enumerate(members(results, "bindings", dict, "results", required=True)):
        item, title, date = (bound(row, name, f"results.bindings[{n}]") for name in ("item", "title", "date"))
        if WIKIDATA_ITEM.match(item):
            by_item.setdefault(item, Candidate(item, Fields(titles=(title,) if title else (), year=date[:4])))
    return list(by_item.values())


def bound(row: dict, name: str, where: str) -> str:
    """The value of a variable in a SPARQL JSON result row, '' when unbound."""
    cell = member(row, name, dict, where)
    return "" if cell is None else member(cell, "value", str, f"{where}.{name}", required=True)


def judge_by_doi(ref: Fields, candidates: list[Candidate], th: Thresholds) -> Candidate | None:
    """A candidate found by its DOI is the work unless its title plainly differs or several share the DOI."""
    if not candidates:
        return None
    for cand in candidates:
        cand.similarity, cand.features = similarity(ref, cand.fields)
        cand.problems = []
        if cand.features.get("title", 1.0) < th.review_similarity:
            cand.problems.append(f"title similarity {cand.features['title']:.2f}: is the DOI right?")
    best = max(candidates, key=lambda c: c.similarity)
    others = [c.value for c in candidates if c is not best]
    if others:
        best.problems.append(f"ambiguous: the DOI is also on {', '.join(others)}")
    return best


# ---------------------------------------------------------------- links and their provenance


@dataclass
class Link:
    """A link (or a candidate) between a record and an external identifier, with its provenance."""

    key: str
    service: str
    value: str
    query: str
    fetched: str
    status: str
    similarity: float
    score: float | None = None
    normalised_score: float | None = None
    notes: list[str] = field(default_factory=list)
    reviewer: str = ""
    decided: str = ""

    @property
    def node(self) -> URIRef:
        return WORK[f"{self.key}/link/{self.service}"]

    @property
    def accepted(self) -> bool:
        return self.status in (AUTOMATIC, BY_PERSON)

    def measures(self) -> dict[str, float]:
        """The numbers behind the decision, by name: score, normalisedScore, similarity."""
        named = {"score": self.score, "normalisedScore": self.normalised_score, "similarity": self.similarity}
        return {name: float(value) for name, value in named.items() if value is not None}

    def object(self) -> Node:
        return Literal(self.value) if self.service == "crossref" else URIRef(self.value)


def make_link(key: str, service: str, answer: Answer, cand: Candidate) -> Link:
    return Link(
        key=key,
        service=service,
        value=cand.value,
        query=answer.query,
        fetched=answer.fetched,
        status=REVIEW if cand.problems else AUTOMATIC,
        similarity=round(cand.similarity, 3),
        score=cand.score,
        normalised_score=None if cand.normalised_score is None else round(cand.normalised_score, 3),
        notes=list(cand.problems),
        decided="" if cand.problems else answer.fetched,
    )


def person_iri(name: str) -> URIRef:
    return URIRef(BASE + "agent/" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))


def links_graph(links: list[Link]) -> Graph:
    """The links file: accepted links asserted on the works, and one provenance node per link or candidate."""
    g = Graph()
    for prefix in ("work", "owl", "rdf", "rdfs", "xsd", "skos", "dcterms", "prism", "prov", "schema"):
        g.bind(prefix, PREFIXES[prefix])
    g.add((AGENT, RDF.type, PROV.SoftwareAgent))
    g.add(
        (AGENT, RDFS.label, Literal("smekg link, accepting automatically above the documented thresholds", lang="en"))
    )
    for link in sorted(links, key=lambda x: (x.key, SERVICES.index(x.service))):
        add_link(g, link)
    return g


def add_link(g: Graph, link: Link) -> None:
    node, work = link.node, WORK[link.key]
    if link.accepted:
        g.add((work, PREDICATES[link.service], link.object()))
    g.add((node, RDF.type, PROV.Entity))
    g.add((node, RDF.type, SCHEMA.PropertyValue))
    g.add((node, SCHEMA.about, work))
    g.add((node, SCHEMA.propertyID, Literal(SCHEMES[link.service])))
    value = link.object()
    g.add((node, SCHEMA.value, value if isinstance(value, Literal) else Literal(value, datatype=XSD.anyURI)))
    g.add((node, DCTERMS.source, URIRef(link.query)))
    g.add((node, PROV.generatedAtTime, Literal(link.fetched, datatype=XSD.dateTime)))
    g.add((node, SCHEMA.creativeWorkStatus, Literal(link.status)))
    for name, value in link.measures().items():
        measure = URIRef(f"{node}/{name}")
        g.add((node, SCHEMA.additionalProperty, measure))
        g.add((measure, RDF.type, SCHEMA.PropertyValue))
        g.add((measure, SCHEMA.propertyID, Literal(name)))
        g.add((measure, SCHEMA.value, Literal(Decimal(str(round(value, 3))))))
    for note in link.notes:
        g.add((node, SKOS.note, Literal(note, lang="en")))
    if link.status in DECIDED:
        agent = person_iri(link.reviewer) if link.reviewer else AGENT
        g.add((node, PROV.wasAttributedTo, agent))
        g.add((node, DCTERMS.dateAccepted, Literal(link.decided, datatype=XSD.dateTime)))
        if link.reviewer:
            g.add((agent, RDF.type, PROV.Person))
            g.add((agent, SCHEMA.name, Literal(link.reviewer)))


LINKS_HEADER = """\
# Links of smekg's bibliographic records to external identifiers, written by `smekg link`.
# Accepted links are asserted on the work (prism:doi, owl:sameAs). Every link and every candidate
# for review has a provenance node work:KEY/link/SERVICE, a schema:PropertyValue about the work
# (identifier scheme and value) with the query sent (dcterms:source), when it was answered
# (prov:generatedAtTime), its score and similarity, its status (schema:creativeWorkStatus) and who
# accepted it (prov:wasAttributedTo). See ontology/links/README.md. Review candidates with
# `smekg link --accept KEY:SERVICE --reviewer NAME` (or --reject): each run rewrites this file.

"""


def write_links(path: Path, links: list[Link]) -> None:
    """Write the links file atomically, keeping its mode, in the canonical layout of `smekg fmt`."""
    body = links_graph(links).serialize(format="longturtle").strip()
    atomic_write(path, canonical_turtle(f"{LINKS_HEADER}{body}\n"), step="linking")


@contextmanager
def links_lock(path: Path) -> Iterator[None]:
    """Hold the links file's lock (a hidden file beside it) while reading, merging and writing it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LinkError(str(path.parent), f"cannot create the folder: {os_problem(err)}") from None
    with file_lock(path.with_name(f".{path.name}.lock"), "smekg link", wait=LOCK_WAIT):
        yield


def merge(start: dict[Key, Link], ours: dict[Key, Link], now: dict[Key, Link]) -> dict[Key, Link]:
    """This run's changes (from start, the file it read, to ours) applied onto the file as it is now.

    An entry that changed meanwhile (a person's --accept or --reject, another run) keeps its new state: this
    run only replaces or drops entries that are still as it read them."""
    merged = dict(now)
    for key in start.keys() | ours.keys():
        if ours.get(key) == start.get(key) or now.get(key) != start.get(key):
            continue
        if key in ours:
            merged[key] = ours[key]
        else:
            merged.pop(key, None)
    return merged


def read_links(path: Path) -> dict[Key, Link]:
    """The links of an earlier run, by record key and service."""
    if not path.is_file():
        return {}
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as err:  # rdflib raises several exception types for bad Turtle
        raise LinkError(str(path), f"cannot read the links file: {err}") from err
    found = {}
    for node in g.subjects(SCHEMA.about, None):
        key, _, service = str(node).removeprefix(str(WORK)).partition("/link/")
        if service not in SERVICES:
            continue
        try:
            found[(key, service)] = link_from_graph(g, node, key, service)
        except ValueError as err:  # a missing value, a number that is not one, an unknown status
            raise LinkError(str(path), f"{node}: {err}; correct or remove this link (smekg link rewrites it)") from None
    return found


def the(g: Graph, node: Node, prop: URIRef) -> str:
    """The value of prop on node, as text; a ValueError if there is none."""
    value = g.value(node, prop)
    if value is None:
        raise ValueError(f"no {g.namespace_manager.normalizeUri(prop)}")
    return str(value)


def link_from_graph(g: Graph, node: Node, key: str, service: str) -> Link:
    """One Link read back from its provenance node."""
    measures = {
        the(g, m, SCHEMA.propertyID): float(the(g, m, SCHEMA.value)) for m in g.objects(node, SCHEMA.additionalProperty)
    }
    agent = g.value(node, PROV.wasAttributedTo)
    reviewer = g.value(agent, SCHEMA.name) if agent is not None else None
    status = the(g, node, SCHEMA.creativeWorkStatus)
    if status not in (*DECIDED, REVIEW):
        raise ValueError(f"unknown status {status!r} (known: {', '.join((*DECIDED, REVIEW))})")
    return Link(
        key=key,
        service=service,
        value=the(g, node, SCHEMA.value),
        query=the(g, node, DCTERMS.source),
        fetched=the(g, node, PROV.generatedAtTime),
        status=status,
        similarity=measures.get("similarity", 0.0),
        score=measures.get("score"),
        normalised_score=measures.get("normalisedScore"),
        notes=sorted(str(n) for n in g.objects(node, SKOS.note)),
        reviewer=str(reviewer) if reviewer is not None else "",
        decided=str(g.value(node, DCTERMS.dateAccepted) or ""),
    )


# ---------------------------------------------------------------- a run


@dataclass
class LinkReport:
    """What a run did: the links now in the file, what is left for review, what was not asked."""

    links: list[Link]
    records: int
    stated_dois: int
    not_asked: list[str]
    requests: int
    retries: int
    cache_hits: int
    dropped: list[str]
    links_file: Path

    def accepted(self, service: str) -> list[Link]:
        return [x for x in self.links if x.service == service and x.accepted]

    def review(self) -> list[Link]:
        return [x for x in self.links if x.status == REVIEW]

    def summary(self) -> str:
        """A few lines for the terminal."""
        linked = {x.key for x in self.links if x.accepted}
        lines = [
            f"{len(linked)} of {self.records} records linked: DOI {len(self.accepted('crossref'))} found "
            f"(+{self.stated_dois} stated in the sources), OpenAlex {len(self.accepted('openalex'))}, "
            f"Wikidata {len(self.accepted('wikidata'))}; {len(self.review())} candidate(s) for review",
            f"{self.requests} request(s) sent ({self.retries} retried), {self.cache_hits} answered from the cache",
        ]
        if self.not_asked:
            lines.append(f"{len(self.not_asked)} lookup(s) not made (offline and not in the cache)")
        lines += [f"dropped: {d}" for d in self.dropped]
        for x in self.review():
            score = f"score {x.score:.1f}, normalised {x.normalised_score:.2f}, " if x.score is not None else ""
            lines.append(
                f"review {x.key}:{x.service} → {x.value} ({score}similarity {x.similarity:.2f}): {'; '.join(x.notes)}"
            )
        lines.append(f"links written to {self.links_file}")
        return "\n".join(lines)


def reference_string(rec: BibRecord) -> str:
    """The record formatted as a reference, as Crossref's bibliographic query expects."""
    fields = rec.entry.fields
    parts = [plain(fields.get("volume", "")), f"({plain(fields['number'])})" if fields.get("number") else ""]
    numbers = "".join(parts)
    pages = plain(fields.get("pages", "")).replace("--", "-")
    tail = ", ".join(p for p in (numbers, pages) if p)
    return citation_string(rec) + (f" {tail}." if tail else "")


class Linker:
    """Links records service by service, keeping what an earlier run or a person decided."""

    def __init__(self, services: Services, existing: dict[Key, Link], asked: tuple[str, ...]):
        self.services, self.existing, self.asked = services, existing, asked
        self.th = services.settings.thresholds
        self.not_asked: list[str] = []

    def record(self, rec: BibRecord) -> list[Link]:
        """The links of one record: a DOI first (stated, or from Crossref), then OpenAlex and Wikidata."""
        links = []
        stated = normalise_doi(rec.entry.fields.get("doi", ""))
        crossref = None if stated else self.step(rec, "crossref", lambda: self.crossref(rec))
        doi = stated or (crossref.value if crossref and crossref.accepted else "")
        for link in (crossref, self.step(rec, "openalex", lambda: self.openalex(rec, doi))):
            links += [link] if link else []
        if doi:
            wikidata = self.step(rec, "wikidata", lambda: self.wikidata(rec, doi))
            links += [wikidata] if wikidata else []
        return links

    def step(self, rec: BibRecord, service: str, lookup: Callable[[], Link | None]) -> Link | None:
        """A decided link is kept as it is; otherwise look it up if this service is asked this run."""
        earlier = self.existing.get((rec.key, service))
        if earlier and earlier.status in DECIDED:
            return earlier
        if service not in self.asked:
            return earlier
        unanswered = len(self.not_asked)
        found = lookup()
        return earlier if len(self.not_asked) > unanswered else found

    def unanswered(self, rec: BibRecord, service: str) -> None:
        self.not_asked.append(f"{rec.key}:{service}")

    def crossref(self, rec: BibRecord) -> Link | None:
        if not rec.title:
            return None
        reference = reference_string(rec)
        answer = self.services.crossref(reference)
        if answer is None:
            return self.unanswered(rec, "crossref")
        best = judge(record_fields(rec), answer.candidates, self.th, scored=True)
        return make_link(rec.key, "crossref", answer, best) if best else None

    def openalex(self, rec: BibRecord, doi: str) -> Link | None:
        """By DOI when there is one; else by title words and year."""
        if doi:
            answer = self.services.openalex(f"doi:{valid_doi(doi)}")
            if answer is None:
                return self.unanswered(rec, "openalex")
            found = [c for c in answer.candidates if c.doi == doi]
            best = judge_by_doi(record_fields(rec), found, self.th)
        else:
            if not (rec.title and re.fullmatch(r"\d{4}", rec.year)):
                return None
            answer = self.services.openalex(f"title.search:{words(rec.title)},publication_year:{rec.year}")
            if answer is None:
                return self.unanswered(rec, "openalex")
            best = judge(record_fields(rec), answer.candidates, self.th, scored=False)
        return make_link(rec.key, "openalex", answer, best) if best else None

    def wikidata(self, rec: BibRecord, doi: str) -> Link | None:
        answer = self.services.wikidata(doi)
        if answer is None:
            return self.unanswered(rec, "wikidata")
        best = judge_by_doi(record_fields(rec), answer.candidates, self.th)
        return make_link(rec.key, "wikidata", answer, best) if best else None


def review(links: dict[Key, Link], choices: list[tuple[str, str, str]], reviewer: str) -> None:
    """Record a person's decisions on candidates: (key, service, accepted or rejected status)."""
    for key, service, status in choices:
        link = links.get((key, service))
        if link is None:
            raise LinkError(f"{key}:{service}", "no link or candidate to review; run `smekg link` first")
        links[(key, service)] = replace(link, status=status, reviewer=reviewer, decided=now_iso())


def read_records(project: Project) -> dict[str, BibRecord]:
    """The bibliographic records, read as the build reads them; a BibTeX error stops the run."""
    bibliography, findings = load_bibliography(project.references_dir, project.root)
    if findings:
        raise SmekgError("reading the bibliographic records", findings)
    return bibliography.records


def link_records(
    project: Project,
    settings: Settings,
    offline: bool = False,
    only: tuple[str, ...] = (),
    services: tuple[str, ...] = SERVICES,
    client: PoliteClient | None = None,
) -> LinkReport:
    """Look up every record (or only some), merge with the links file's earlier decisions, write it."""
    records = read_records(project)
    unknown = [k for k in only if k not in records]
    if unknown:
        raise LinkError(str(project.references_dir), f"no record with key {', '.join(unknown)}")
    check_settings(settings, services, offline, str(settings.links_file))
    client = client or PoliteClient(settings)
    cache = Cache(settings.cache_dir)
    existing = read_links(settings.links_file)
    linker = Linker(Services(settings, client, cache, offline), existing, services)
    links = {k: v for k, v in existing.items() if k[0] in records}
    dropped = sorted(f"{k}:{s} (no such record)" for k, s in existing if k not in records)
    for key, rec in records.items():
        if only and key not in only:
            continue
        for service in SERVICES:
            links.pop((key, service), None)
        links.update({(x.key, x.service): x for x in linker.record(rec)})
    with links_lock(settings.links_file):
        links = merge(existing, links, read_links(settings.links_file))
        write_links(settings.links_file, list(links.values()))
    return LinkReport(
        links=sorted(links.values(), key=lambda x: (x.key, x.service)),
        records=len(records),
        stated_dois=sum(1 for r in records.values() if r.entry.fields.get("doi")),
        not_asked=linker.not_asked,
        requests=client.requests,
        retries=client.retries,
        cache_hits=cache.hits,
        dropped=dropped,
        links_file=settings.links_file,
    )


def review_links(settings: Settings, choices: list[tuple[str, str, str]], reviewer: str) -> list[Link]:
    """Apply a person's decisions to the links file, asking no service; read and written under its lock."""
    with links_lock(settings.links_file):
        links = read_links(settings.links_file)
        review(links, choices, reviewer)
        write_links(settings.links_file, list(links.values()))
    return [links[(k, s)] for k, s, _ in choices]


def parse_choice(text: str, status: str) -> tuple[str, str, str]:
    key, sep, service = text.partition(":")
    if not sep or service not in SERVICES:
        raise click.BadParameter(f"{text!r} is not KEY:SERVICE with SERVICE one of {', '.join(SERVICES)}")
    return key, service, status


@click.command("link")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, help="Project folder.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML configuration (default: config/smekg-link.toml; see config/smekg-link.example.toml).",
)
@click.option("--offline", is_flag=True, help="Use the cache only: send no request.")
@click.option("--only", multiple=True, metavar="KEY", help="Link only this record (repeatable).")
@click.option("--service", "services", multiple=True, type=click.Choice(SERVICES), help="Ask only this service.")
@click.option("--accept", multiple=True, metavar="KEY:SERVICE", help="Accept a candidate for review (repeatable).")
@click.option("--reject", multiple=True, metavar="KEY:SERVICE", help="Reject a candidate for review (repeatable).")
@click.option("--reviewer", default="", help="Who accepts or rejects (required with --accept/--reject).")
def link_command(
    root: Path | None,
    config_path: Path | None,
    offline: bool,
    only: tuple[str, ...],
    services: tuple[str, ...],
    accept: tuple[str, ...],
    reject: tuple[str, ...],
    reviewer: str,
) -> None:
    """Find DOIs, OpenAlex works and Wikidata items for the records; write ontology/links/links.ttl."""
    project = Project.at(root, checkout=True)
    default = project.root / "config" / "smekg-link.toml"
    path = config_path or (default if default.is_file() else None)
    settings = load_settings(path, project.root)
    if accept or reject:
        if not reviewer:
            raise click.UsageError("--accept and --reject need --reviewer NAME (who decided)")
        choices = [parse_choice(a, BY_PERSON) for a in accept] + [parse_choice(r, REJECTED) for r in reject]
        for x in review_links(settings, choices, reviewer):
            click.echo(f"{x.key}:{x.service} → {x.value}: {x.status} ({x.reviewer})")
        return
    report = link_records(project, settings, offline, only, services or SERVICES)
    click.echo(report.summary())
