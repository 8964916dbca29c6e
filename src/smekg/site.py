"""The static web site of a release: `smekg site --out DIR`.

Every page is built from SPARQL over the release (Oxigraph, in process) and rendered by Jinja2 templates
(`templates/`, autoescaped); the CSS, the JavaScript and the search index are files of the site itself, so it
opens from `file://` and from any static host and never fetches anything.

**Where each entity lives.** An IRI below `https://w3id.org/smekg/` maps to the path below the base with
`.html` added, its description (the triples whose subject it is, with any blank nodes they hold) beside it as
`.ttl` and `.jsonld`:

    https://w3id.org/smekg/ontology/Cluster        DIR/ontology/Cluster.html, .ttl, .jsonld
    https://w3id.org/smekg/kg/gao2019-firm-a       DIR/kg/gao2019-firm-a.html, …
    https://w3id.org/smekg/work/gao2019role        DIR/work/gao2019role.html, …

Each path segment is percent-encoded (RFC 3986 unreserved characters kept; `.`, `..` and empty segments
encoded too), so a server maps an IRI path to its files by adding the extension. The site's own pages sit at
the top: `index.html` (the research questions), `questions/NAME.html|.csv|.json|.rq`, `maps.html`,
`disagreements.html`, `reference.html`, `search.html`, `static/`. An entity path that would take one of those
names is refused.

**Safety.** The site is written into a staging folder beside DIR and renamed into place; DIR must be new, empty
or a site this command wrote (its `.smekg-site` manifest lists every file, and DIR holds nothing else), so the
command never deletes or replaces a file it did not write.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import quote

import jinja2
import pyoxigraph as ox
from markupsafe import Markup, escape

from .errors import fail, os_problem
from .owners import owner_pid, process_alive, remove_dead_owners_folders, tagged
from .query import Rows, Store, code_only, format_rows, list_queries, run_query
from .safeio import file_lock
from .sources import Project
from .vocab import BASE, DOCUMENTED_KINDS, PREFIXES, compact

STEP = "site"
MANIFEST = ".smekg-site"
SITE_PAGES = ("index.html", "maps.html", "disagreements.html", "reference.html", "search.html", "editor.html")
SITE_FOLDERS = ("questions", "static", "claims")
PREVIEW_ROWS = 10  # rows of each answer shown on the home page; the question's page has them all
INCOMING_CAP = 30  # entities listed per property under "Referred to by" (a document's claims have their section)
STATEMENT_CAP = 50  # values listed per property under "All statements" (the Turtle beside the page has them all)
CLAIM_CAP = 20  # claims of one group (relation and direction) on a concept's page; all on its continuation pages
CLAIM_PAGE = 200  # claims per continuation page (claims/STEM/GROUP-N.html)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
DCTERMS = "http://purl.org/dc/terms/"
SMEKG = BASE + "ontology/"
PROPERTY_KINDS = {OWL + kind for kind in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
READER_KINDS = tuple(kind for kind in DOCUMENTED_KINDS if not kind.startswith(OWL))
SOURCE_DOCUMENT = SMEKG + "SourceDocument"
MAPS = {"barriers": "evidence-map-barriers", "impacts": "evidence-map-impacts"}
GROUP_CONCAT_AS = re.compile(
    r'GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*?;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s*\?(\w+)', re.I
)  # (GROUP_CONCAT(…; separator="S") AS ?name), two levels of parentheses inside
ORDER_BY = re.compile(r"\bORDER\s+BY\b(.*?)(?:\bLIMIT\b|\bOFFSET\b|$)", re.I | re.S)  # the outer one: at depth 0


# --- paths ---------------------------------------------------------------------------------------------------


def segment(text: str) -> str:
    """One IRI path segment as a file name: percent-encoded, never '', '.' or '..'."""
    if text in ("", ".", ".."):
        return "".join(f"%{ord(ch):02X}" for ch in text) or "%"
    return quote(text, safe="-._~")


def entity_stem(iri: str) -> str | None:
    """The site path of an IRI under the base, without extension (ontology/Cluster); None for any other IRI."""
    if not iri.startswith(BASE) or iri == BASE:
        return None
    return "/".join(segment(part) for part in iri[len(BASE) :].split("/"))


# --- reading the release -------------------------------------------------------------------------------------


def site_query(name: str) -> str:
    return resources.files("smekg").joinpath("site_queries", f"{name}.rq").read_text(encoding="utf-8")


def solutions(store: ox.Store, name: str) -> list[tuple]:
    """The rows of a site query (site_queries/NAME.rq) as tuples of Oxigraph terms (None when unbound), sorted:
    Oxigraph's order of solutions changes from run to run (its hash maps are seeded at random), and the pages
    list many things in the order read."""
    rows = [tuple(row) for row in store.query(site_query(name), prefixes=PREFIXES)]
    return sorted(rows, key=lambda row: tuple("" if term is None else str(term) for term in row))


def settled(rows: Rows, text: str, known: set[str]) -> Rows:
    """A canned answer in one order whatever the run (Oxigraph's hash maps are seeded at random, so rows that
    its ORDER BY leaves equal, and the items of a GROUP_CONCAT, come in an order that changes from run to run):
    the items of each list sorted, then the rows its ORDER BY leaves equal sorted by their other values, the
    ORDER BY's own order kept. A query ordered by a variable it does not project keeps its rows' order."""
    lists = {name: separator for separator, name in GROUP_CONCAT_AS.findall(text) if separator}
    rows = Rows(rows.columns, [{k: sorted_list(v, lists.get(k), known) for k, v in row.items()} for row in rows])
    code = code_only(text)
    outer = [m for m in ORDER_BY.finditer(code) if code.count("{", 0, m.start()) == code.count("}", 0, m.start())]
    keys = re.findall(r"\?(\w+)", outer[0].group(1)) if outer else []
    if not set(keys) <= set(rows.columns):
        return rows
    tie = lambda row: tuple(repr(row[k]) for k in keys)  # noqa: E731
    settled_rows = []
    for _, run in itertools.groupby(rows, key=tie):
        settled_rows += sorted(run, key=lambda row: tuple(repr(row[c]) for c in rows.columns))
    return Rows(rows.columns, settled_rows)


def sorted_list(value: object, separator: str | None, known: set[str]) -> object:
    """A GROUP_CONCAT's value with its items sorted, when splitting it at the separator gives values the graph
    holds (never a value cut at a separator inside it); anything else as it is."""
    if separator is None or not isinstance(value, str):
        return value
    items = value.split(separator)
    return separator.join(sorted(items)) if all(item in known for item in items) else value


def text(term: object) -> str:
    return "" if term is None else term.value


@dataclass
class Graph:
    """What the pages need from the release, read with the site queries and grouped by entity."""

    triples: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)
    citations: dict[str, str] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)
    incoming: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    shown: dict[tuple[str, ox.Term | str], Markup] = field(default_factory=dict)  # Page.a's links, once made

    @classmethod
    def read(cls, store: ox.Store) -> Graph:
        graph = cls()
        for s, p, o in solutions(store, "triples"):
            graph.triples[s].append(ox.Triple(s, p, o))
            if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and o.value.startswith(BASE):
                graph.incoming[o.value].append((p.value, s.value))
        graph.labels = {s.value: label.value for s, label in solutions(store, "labels")}
        graph.citations = {s.value: short.value for s, short in solutions(store, "citations")}
        graph.stems = {s.value: entity_stem(s.value) for s in graph.triples if isinstance(s, ox.NamedNode)}
        return graph

    def values_held(self) -> set[str]:
        """Every IRI and literal value the entities' triples hold."""
        return {term.value for triples in self.triples.values() for t in triples for term in (t.subject, t.object)}

    def entities(self) -> list[str]:
        return sorted(self.stems)

    def values(self, iri: str, predicate: str) -> list[ox.Term]:
        return [t.object for t in self.triples.get(ox.NamedNode(iri), ()) if t.predicate.value == predicate]

    def first(self, iri: str, predicate: str) -> str:
        found = self.values(iri, predicate)
        return min(v.value for v in found) if found else ""

    def types(self, iri: str) -> set[str]:
        return {v.value for v in self.values(iri, RDF_TYPE)}

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or compact(iri)

    def name(self, iri: str) -> str:
        """How a link names an entity: a work by its short citation, anything else by its label."""
        return self.citations.get(iri) or self.label(iri)

    def by_label(self, iri: str) -> tuple[str, str]:
        """A sort key: the label, then the IRI (two entities may share a label)."""
        return self.label(iri), iri

    def by_name(self, term: ox.Term) -> tuple[str, str]:
        """A sort key of a value as a page names it, then the term (a blank node by what it holds: its label
        changes from run to run)."""
        return self.name(term.value), self.shape(term)

    def description(self, iri: str) -> list[ox.Triple]:
        """The entity's triples and, recursively, those of the blank nodes they hold, in one order whatever the
        run: each node's triples sorted (a blank node by what it holds), the blank nodes named b1, b2, … as they
        are reached (Oxigraph gives them new random labels on every load)."""
        names: dict[ox.BlankNode, ox.BlankNode] = {}
        found, queue = [], [ox.NamedNode(iri)]
        while queue:
            node = queue.pop(0)
            for triple in sorted(self.triples.get(node, ()), key=lambda t: (t.predicate.value, self.shape(t.object))):
                if isinstance(triple.object, ox.BlankNode) and triple.object not in names:
                    names[triple.object] = ox.BlankNode(f"b{len(names) + 1}")
                    queue.append(triple.object)
                found.append(
                    ox.Triple(names.get(node, node), triple.predicate, names.get(triple.object, triple.object))
                )
        return found

    def shape(self, term: ox.Term, within: frozenset = frozenset()) -> str:
        """A term as text, a blank node as the sorted text of what it holds (not its label)."""
        if not isinstance(term, ox.BlankNode):
            return str(term)
        if term in within:
            return "[…]"
        held = (f"{t.predicate} {self.shape(t.object, within | {term})}" for t in self.triples.get(term, ()))
        return "[" + "; ".join(sorted(held)) + "]"


# --- what a page shows ---------------------------------------------------------------------------------------


@dataclass
class Page:
    """One page being rendered: its path (relative to the site root) turns entity IRIs into relative links."""

    path: str
    graph: Graph

    def __post_init__(self) -> None:
        self.root = "../" * self.path.count("/")

    def link(self, iri: str) -> str | None:
        stem = self.graph.stems.get(iri)
        return f"{self.root}{quote(stem, safe='/-._~')}.html" if stem else None

    def to(self, path: str) -> str:
        return self.root + quote(path, safe="/-._~")

    def term(self, value: object) -> dict:
        """A value as the templates show it: label, link (a page of the site, or an external IRI), title, language."""
        shown = {"href": None, "title": "", "local": False, "lang": None}
        if isinstance(value, ox.NamedNode) or (isinstance(value, str) and value.startswith(("http://", "https://"))):
            iri = value.value if isinstance(value, ox.NamedNode) else value
            local = self.link(iri)
            return {**shown, "label": self.graph.name(iri), "href": local or iri, "local": bool(local)}
        if isinstance(value, ox.Literal):
            return {**shown, "label": value.value, "lang": value.language}
        if isinstance(value, ox.BlankNode):
            return {**shown, "label": "(an anonymous node: see the Turtle)"}
        return {**shown, "label": "" if value is None else str(value)}

    def cell(self, value: object) -> list[Markup]:
        """A cell of a canned answer: an IRI linked (shown compact, as `smekg query` shows it), a '; '-separated
        list of IRIs as several links, anything else as text."""
        if isinstance(value, str):
            parts = value.split("; ")
            if all(part.startswith(("http://", "https://")) for part in parts):
                return [html({**self.term(part), "label": compact(part), "title": part}) for part in parts]
        return [self.a(value)]

    def named(self, pairs: list[tuple[str, str | None]]) -> Markup:
        """Names from a canned answer, '; '-separated, each linked to its entity when it has one."""
        shown = [html({**self.term(iri), "label": name}) if iri else escape(name) for name, iri in pairs]
        return Markup("; ").join(shown)

    def a(self, value: object) -> Markup:
        """A value as HTML: a link to its page (or its IRI) named by its label, or its text. An RDF term or a string
        is made once per folder depth (pages link the same few thousand values over a hundred thousand times);
        never a number, which would share a key with an equal one of another type (1, 1.0, True)."""
        if not isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, str)):
            return html(self.term(value))
        key = (self.root, value)
        if key not in self.graph.shown:
            self.graph.shown[key] = html(self.term(value))
        return self.graph.shown[key]


def html(term: dict) -> Markup:
    """A term (see Page.term) as escaped HTML: every value put in goes through escape (f-strings, not
    Markup.format, which took a third of the site's generation time)."""
    if term["href"]:
        title = f' title="{escape(term["title"])}"' if term["title"] else ""
        external = "" if term["local"] else ' class="external"'
        return Markup(f'<a href="{escape(term["href"])}"{title}{external}>{escape(term["label"])}</a>')
    lang = f' <span class="lang">@{escape(term["lang"])}</span>' if term["lang"] else ""
    return Markup(f"{escape(term['label'])}{lang}")


@dataclass
class Knowledge:
    """Claims, definitions, evidence, firms, hierarchy and documents, grouped by the entity they concern."""

    claims: dict[str, dict] = field(default_factory=dict)
    by_concept: dict[str, list[tuple[str, dict]]] = field(default_factory=lambda: defaultdict(list))
    by_document: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    cited_for: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    definitions: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    firms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    direct: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    kinds: dict[str, str] = field(default_factory=dict)
    documents: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    stages: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    disagreements: list[dict] = field(default_factory=list)

    @classmethod
    def read(cls, store: ox.Store, answers: dict[str, list[dict]]) -> Knowledge:
        known = cls()
        known.read_claims(store)
        known.read_evidence(store)
        for definition, concept, statement, document, locator in solutions(store, "definitions"):
            known.definitions[concept.value].append(
                {"iri": definition.value, "text": text(statement), "document": document, "locator": text(locator)}
            )
        for concept, firm in solutions(store, "firms"):
            known.firms[concept.value].append(firm.value)
        for term, kind, parent in solutions(store, "hierarchy"):
            known.kinds.setdefault(term.value, kind.value)
            if parent is not None:
                known.parents[term.value].add(parent.value)
        known.place_terms()
        known.read_documents(store)
        known.disagreements = answers["disagreements"]
        return known

    def read_claims(self, store: ox.Store) -> None:
        for claim, subject, relation, obj, direction, statement, document, locator, curator in solutions(
            store, "claims"
        ):
            row = {
                "iri": claim.value,
                "subject": subject,
                "relation": relation,
                "object": obj,
                "direction": direction,
                "text": text(statement),
                "document": document,
                "locator": text(locator),
                "curator": curator,
            }
            self.claims[claim.value] = row
            for role, concept in (("subject", subject), ("object", obj)):
                self.by_concept[concept.value].append((role, row))
            if document is not None:
                self.by_document[document.value].append(row)

    def read_evidence(self, store: ox.Store) -> None:
        """What each claim or definition cites, and, for each work, what cites it (directly or through an
        in-text citation that resolves to it)."""
        for source, cited, record in solutions(store, "evidence"):
            self.evidence[source.value].append(cited.value)
            for work in {cited.value, text(record)} - {""}:
                self.cited_for[work].append(source.value)

    def read_documents(self, store: ox.Store) -> None:
        for document, part, value in solutions(store, "documents"):
            parts = self.documents.setdefault(document.value, defaultdict(list))
            if part is not None:
                parts[part.value].append(value.value)
        for method, stage, order, count, label in solutions(store, "stages"):
            self.stages[method.value].append(
                {"iri": stage.value, "order": text(order), "count": text(count), "label": text(label)}
            )

    def place_terms(self) -> None:
        """Each class's and property's direct parents (the named parents that no other of its parents lies
        below; the full release holds indirect ones too) and its direct children."""
        for term, ancestors in self.parents.items():
            self.direct[term] = sorted(
                p
                for p in ancestors
                if not any(p in self.parents.get(q, ()) and q not in self.parents.get(p, ()) for q in ancestors)
            )
            for parent in self.direct[term]:
                self.children[parent].append(term)


# --- rendering ---------------------------------------------------------------------------------------------------


def environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("smekg", "templates")
    return jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )


@dataclass
class Site:
    """The site being generated: the release read, the templates, and the files written so far."""

    graph: Graph
    known: Knowledge
    queries: list
    answers: dict[str, list[dict]]
    meta: dict
    env: jinja2.Environment = field(default_factory=environment)
    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, data: bytes | str) -> None:
        if path in self.files:
            raise fail(STEP, path, "two parts of the site would write the same file")
        self.files[path] = data.encode("utf-8") if isinstance(data, str) else data

    def render(self, template: str, path: str, **context: object) -> None:
        page = Page(path, self.graph)
        html = self.env.get_template(template).render(page=page, meta=self.meta, **context)
        self.add(path, html)


def entity_kind(graph: Graph, known: Knowledge, iri: str) -> str:
    """What the page is about, for its heading: document, work, claim, property, concept or entity."""
    types = graph.types(iri)
    if SOURCE_DOCUMENT in types:
        return "document"
    if SMEKG + "Claim" in types:
        return "claim"
    if known.kinds.get(iri) in PROPERTY_KINDS:
        return "property"
    if known.kinds.get(iri) == OWL + "Class" or any(kind in types for kind in READER_KINDS):
        return "concept"
    if graph.values(iri, SMEKG + "citationKey"):
        return "work"
    return "entity"


def grouped_claims(rows: list[tuple[str, dict]], stem: str) -> list[dict]:
    """Claims about a concept grouped by its role (subject or object), the relation and the direction: the
    first CLAIM_CAP of each on the concept's page, all of a longer group on continuation pages of CLAIM_PAGE."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for role, row in rows:
        groups[(role, row["relation"].value, text(row["direction"]))].append(row)
    found = []
    for number, ((role, relation, direction), claims) in enumerate(sorted(groups.items()), start=1):
        claims.sort(key=lambda r: r["iri"])
        pages = range(1, -(-len(claims) // CLAIM_PAGE) + 1) if len(claims) > CLAIM_CAP else range(0)
        found.append(
            {
                "role": role,
                "relation": relation,
                "direction": direction,
                "claims": claims[:CLAIM_CAP],
                "all": claims,
                "pages": [f"claims/{stem}/{number}-{n}.html" for n in pages],
            }
        )
    return found


def by_section(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """A document's claims grouped by the first part of their locator (the section)."""
    sections: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        sections[row["locator"].split(";")[0].strip() or "(no locator)"].append(row)
    return sorted(sections.items())


def linked_side(graph: Graph, known: Knowledge, row: dict) -> dict:
    """A row of the disagreements answer with its sources and cited works as (name, IRI or None): each name of
    the answer's '; '-separated lists matched to the document or cited work of the side's claims that bears it."""
    claims = [known.claims[c] for c in (row["claimIds"] or "").split("; ") if c in known.claims]
    documents = {c["document"].value for c in claims if c["document"] is not None}
    works = {work for c in claims for work in known.evidence.get(c["iri"], ())}

    def names(iri: str) -> set[str]:
        return {graph.citations.get(iri, ""), *(v.value for v in graph.values(iri, SMEKG + "citationLabel"))}

    def linked(listed: str | None, candidates: set[str]) -> list[tuple[str, str | None]]:
        by_name = defaultdict(set)
        for iri in candidates:
            for name in names(iri) - {""}:
                by_name[name].add(iri)
        found = [(part, by_name.get(part, set())) for part in (listed or "").split("; ") if part]
        return [(part, min(iris) if len(iris) == 1 else None) for part, iris in found]

    return {**row, "source_links": linked(row["sources"], documents), "holder_links": linked(row["holders"], works)}


def identifiers(graph: Graph, iri: str) -> list[tuple[str, str]]:
    """A work's external identifiers as (scheme, URL): its DOI, OpenAlex work and Wikidata item."""
    found = [("DOI", "https://doi.org/" + doi.value) for doi in graph.values(iri, PREFIXES["prism"] + "doi")]
    for same in graph.values(iri, OWL + "sameAs"):
        if same.value.startswith("https://openalex.org/W"):
            found.append(("OpenAlex", same.value))
        elif same.value.startswith("http://www.wikidata.org/entity/Q"):
            found.append(("Wikidata", same.value))
    return found


def screening_flow(known: Knowledge, methods: list[str]) -> list[dict]:
    """The screening stages of a document's methods in order, each with the records it removed."""
    stages = sorted(
        (stage for method in methods for stage in known.stages.get(method, ())),
        key=lambda s: (int(s["order"]) if s["order"].isdigit() else 0, s["iri"]),
    )
    for before, stage in zip([None, *stages], stages, strict=False):
        counts = before and before["count"].isdigit() and stage["count"].isdigit()
        stage["removed"] = int(before["count"]) - int(stage["count"]) if counts else None
    return stages


def entity_context(site: Site, iri: str) -> dict:
    """Everything the entity template shows about one entity."""
    graph, known = site.graph, site.known
    kind = entity_kind(graph, known, iri)
    parts = known.documents.get(iri, {})
    return {
        "iri": iri,
        "kind": kind,
        "label": graph.label(iri),
        "stem": graph.stems[iri],
        "definition": graph.first(iri, SKOS_DEFINITION),
        "def_source": graph.values(iri, DCTERMS + "source"),
        "def_locator": graph.first(iri, SMEKG + "sourceLocator"),
        "parents": known.direct.get(iri, []),
        "children": sorted(known.children.get(iri, []), key=graph.by_label),
        "definitions": known.definitions.get(iri, []),
        "claim_groups": grouped_claims(known.by_concept.get(iri, []), graph.stems[iri]),
        "disagreements": [row for row in known.disagreements if iri in (row["subject"], row["object"])],
        "firms": sorted(set(known.firms.get(iri, []))),
        "claim": known.claims.get(iri),
        "evidence": known.evidence,
        "questions": parts.get(PREFIXES["smekg"] + "hasResearchQuestion", []),
        "methods": parts.get(PREFIXES["smekg"] + "hasMethod", []),
        "flow": screening_flow(known, parts.get(PREFIXES["smekg"] + "hasMethod", [])),
        "sections": by_section(known.by_document.get(iri, [])) if kind == "document" else [],
        "references": sorted(parts.get(PREFIXES["cito"] + "cites", []), key=graph.by_label),
        "identifiers": identifiers(graph, iri),
        "cited_by": sorted({d for d, ds in known.documents.items() if iri in ds.get(PREFIXES["cito"] + "cites", [])}),
        "cited_for": sorted(set(known.cited_for.get(iri, []))),
        "statements": statements(graph, iri),
        "incoming": incoming(graph, iri),
    }


def statements(graph: Graph, iri: str) -> list[dict]:
    """The entity's own triples by predicate (in IRI order), at most STATEMENT_CAP values each (with the total)."""
    table: dict[str, list[ox.Term]] = defaultdict(list)
    for triple in graph.triples.get(ox.NamedNode(iri), ()):
        table[triple.predicate.value].append(triple.object)
    return [
        {"predicate": p, "objects": sorted(vs, key=graph.by_name)[:STATEMENT_CAP], "total": len(vs)}
        for p, vs in sorted(table.items())
    ]


def incoming(graph: Graph, iri: str) -> list[dict]:
    """The entities that refer to this one, by property, at most INCOMING_CAP per property (with the total)."""
    table: dict[str, list[str]] = defaultdict(list)
    for predicate, subject in graph.incoming.get(iri, ()):
        table[predicate].append(subject)
    return [
        {"predicate": p, "subjects": sorted(set(ss), key=graph.by_label)[:INCOMING_CAP], "total": len(set(ss))}
        for p, ss in sorted(table.items())
    ]


def write_entities(site: Site) -> None:
    """A page per entity, with its description as Turtle and JSON-LD beside it."""
    for iri in site.graph.entities():
        stem = site.graph.stems[iri]
        triples = site.graph.description(iri)
        site.add(f"{stem}.ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
        site.add(f"{stem}.jsonld", ox.serialize(triples, format=ox.RdfFormat.JSON_LD, prefixes=PREFIXES))
        context = entity_context(site, iri)
        site.render("entity.html", f"{stem}.html", e=context, page_size=CLAIM_PAGE)
        write_claim_pages(site, context)


def write_claim_pages(site: Site, entity: dict) -> None:
    """The continuation pages of an entity's longer claim groups, CLAIM_PAGE claims each."""
    for group in entity["claim_groups"]:
        for number, path in enumerate(group["pages"]):
            claims = group["all"][number * CLAIM_PAGE : (number + 1) * CLAIM_PAGE]
            site.render("claims.html", path, e=entity, g=group, claims=claims, number=number, first=number * CLAIM_PAGE)


def write_questions(site: Site) -> None:
    """The home page (every question with the start of its answer) and a page per question with all of it, its
    CSV, JSON and SPARQL."""
    for query in site.queries:
        rows = site.answers[query.name]
        site.add(f"questions/{query.name}.csv", format_rows(rows, "csv") + "\n")
        site.add(f"questions/{query.name}.json", format_rows(rows, "json") + "\n")
        site.add(f"questions/{query.name}.rq", query.text)
        site.render("question.html", f"questions/{query.name}.html", q=query, rows=rows)
    documents = sorted((d for d in site.known.documents), key=site.graph.by_label)
    site.render(
        "index.html",
        "index.html",
        queries=site.queries,
        answers=site.answers,
        documents=documents,
        preview=PREVIEW_ROWS,
    )


def heatmap(site: Site, name: str, store: ox.Store) -> dict:
    """An evidence map from its canned query: rows, columns, counts, and the claims behind each cell."""
    rows = site.answers[MAPS[name]]
    row_var, column_var = rows.columns[0], rows.columns[2]
    row_labels = {r[row_var]: r[rows.columns[1]] for r in rows}
    column_labels = {r[column_var]: r[rows.columns[3]] for r in rows}
    cells = defaultdict(list)
    for row, column, claim in solutions(store, f"cells-{name}"):
        cells[(row.value, column.value)].append(claim.value)
    counts = {(r[row_var], r[column_var]): r["claims"] for r in rows}
    for key, count in counts.items():
        if count != len(cells.get(key, ())):
            raise fail(
                STEP,
                f"site_queries/cells-{name}.rq",
                f"the claims found for {key} ({len(cells.get(key, ()))}) differ from the count of"
                f" queries/{MAPS[name]}.rq ({count})",
            )
    return {
        "name": name,
        "rows": sorted(row_labels, key=lambda i: (row_labels[i].lower(), i)),
        "columns": sorted(column_labels, key=lambda i: (column_labels[i].lower(), i)),
        "labels": {**row_labels, **column_labels},
        "counts": counts,
        "cells": {key: sorted(claims) for key, claims in cells.items() if key in counts},
        "top": max(counts.values(), default=0),
        "query": MAPS[name],
    }


def write_views(site: Site, store: ox.Store) -> None:
    """The evidence maps, the disagreements, the ontology reference and the search page."""
    maps = [heatmap(site, name, store) for name in MAPS]
    site.render("maps.html", "maps.html", maps=maps)
    site.render("disagreements.html", "disagreements.html", rows=site.known.disagreements)
    site.render("reference.html", "reference.html", tree=reference_tree(site), readers=reader_individuals(site))
    site.render("search.html", "search.html")
    site.render("editor.html", "editor.html", queries=editor_queries(site.queries), prefixes=PREFIXES)


def editor_queries(queries: list) -> list[dict]:
    """The canned queries as the query editor loads them (as `smekg serve`'s editor shows them)."""
    from .serve import editor_text  # the server's stack is imported only where the editor needs its text

    return [{"name": q.name, "title": q.title, "question": q.question, "text": editor_text(q)} for q in queries]


def reference_tree(site: Site) -> dict[str, list[dict]]:
    """Classes and properties as trees (each under every direct parent), roots first by label."""
    known, graph = site.known, site.graph
    order = lambda t: (graph.label(t).lower(), t)  # noqa: E731 (the IRI settles a tie: schema:about, smekg:about)

    def node(term: str, path: frozenset[str]) -> dict:
        below = [] if term in path else sorted(known.children.get(term, []), key=order)
        return {"iri": term, "kids": [node(k, path | {term}) for k in below]}

    trees = {}
    for title, kinds in (("Classes", {OWL + "Class"}), ("Properties", PROPERTY_KINDS)):
        terms = {t for t, k in known.kinds.items() if k in kinds}
        roots = sorted((t for t in terms if not known.direct.get(t)), key=order)
        trees[title] = [node(root, frozenset()) for root in roots]
    return trees


def reader_individuals(site: Site) -> list[tuple[str, list[str]]]:
    """The individuals a reader needs to read a claim (theories, directions, structures): by kind."""
    found = []
    for kind in READER_KINDS:
        members = [iri for iri in site.graph.entities() if kind in site.graph.types(iri)]
        found.append((kind, sorted(members, key=site.graph.by_label)))
    return found


def search_index(site: Site) -> str:
    """Every entity's label, kind, definition or statement and page, as a script that sets SMEKG_INDEX (a script,
    not JSON, so that it loads from file:// too)."""
    entries = []
    for iri in site.graph.entities():
        kind = entity_kind(site.graph, site.known, iri)
        words = site.graph.first(iri, SKOS_DEFINITION) or site.graph.first(iri, DCTERMS + "description")
        entries.append([site.graph.label(iri), kind, words, f"{site.graph.stems[iri]}.html"])
    return "window.SMEKG_INDEX = " + json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + ";\n"


def write_static(site: Site) -> None:
    folder = resources.files("smekg").joinpath("static")
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_file():
            site.add(f"static/{item.name}", item.read_bytes())
    assets = resources.files("smekg").joinpath("serve_assets")  # the editor's, shared with smekg serve's
    site.add("static/editor-common.js", assets.joinpath("editor-common.js").read_bytes())
    for item in sorted(assets.joinpath("vendor").iterdir(), key=lambda i: i.name):  # Yasqe and Yasr
        site.add(f"static/vendor/{item.name}", item.read_bytes())
    site.add("static/search-index.js", search_index(site))


def release_meta(graph: Graph) -> dict:
    """The release's title, description and version, from its ontology header."""
    for iri in graph.entities():
        if OWL + "Ontology" in graph.types(iri):
            return {
                "title": graph.first(iri, DCTERMS + "title") or graph.label(iri),
                "description": graph.first(iri, DCTERMS + "description"),
                "version": graph.first(iri, OWL + "versionInfo"),
                "ontology": iri,
            }
    return {"title": "smekg", "description": "", "version": "", "ontology": ""}


def generate(release: Path, project: Project) -> dict[str, bytes]:
    """Every file of the site, by path, from the release in folder release."""
    full = Store(release / "smekg-full.nt").store
    answering = Store.for_release(release)
    queries = list_queries(project)
    graph = Graph.read(full)
    held = graph.values_held()
    answers = {q.name: settled(run_query(q.name, {}, store=answering, project=project), q.text, held) for q in queries}
    refuse_reserved(graph)
    known = Knowledge.read(full, answers)
    known.disagreements = [linked_side(graph, known, row) for row in known.disagreements]
    site = Site(graph, known, queries, answers, release_meta(graph))
    write_entities(site)
    write_questions(site)
    write_views(site, full)
    write_static(site)
    return site.files


def refuse_reserved(graph: Graph) -> None:
    """An entity whose path is one of the site's own pages or folders would overwrite it: refused."""
    for iri, stem in graph.stems.items():
        if f"{stem}.html" in SITE_PAGES or stem.split("/")[0] in SITE_FOLDERS:
            raise fail(STEP, iri, f"its page {stem}.html would take the place of one of the site's own pages")


# --- writing safely ----------------------------------------------------------------------------------------------


def manifest(folder: Path) -> set[str] | None:
    """The files a site folder's manifest lists, or None when folder holds no manifest."""
    try:
        return set(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise fail(STEP, folder / MANIFEST, f"unreadable site manifest ({err}); choose a new or empty folder") from None


def present(folder: Path) -> Iterator[str]:
    """Every file under folder (not folders), as a path relative to it."""
    for parent, _, names in os.walk(folder):
        for name in names:
            yield Path(parent, name).relative_to(folder).as_posix()


def refuse_foreign(out: Path) -> None:
    """Unless out is missing, empty or a site this command wrote (and nothing else), refuse it untouched."""
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir() or out.is_symlink():
        raise fail(STEP, out, "is not a folder; choose a new or empty folder for the site")
    files = set(present(out))
    if not files:
        return
    listed = manifest(out)
    if listed is None or not files <= listed | {MANIFEST}:
        sample = ", ".join(sorted(files - (listed or set()))[:3])
        raise fail(
            STEP,
            out,
            f"holds files smekg site did not write ({sample}); nothing was changed: choose a new or empty folder",
        )


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / MANIFEST).write_text(json.dumps({"files": sorted(files)}, indent=0) + "\n", encoding="utf-8")


def remove_site(folder: Path, files: Iterable[str]) -> None:
    """Remove the listed files of a site folder we wrote, then its folders that are left empty, manifest last."""
    for path in files:
        (folder / path).unlink(missing_ok=True)
    for parent, _, _ in sorted(os.walk(folder, topdown=False), key=lambda w: -len(w[0])):
        if Path(parent) != folder and not any(Path(parent).iterdir()):
            Path(parent).rmdir()
    if [p.name for p in folder.iterdir()] in ([MANIFEST], []):
        (folder / MANIFEST).unlink(missing_ok=True)
        folder.rmdir()


def swap_in(staging: Path, out: Path) -> None:
    """Put the staged site in place of out with renames only; the old site's files are then removed."""
    retired = out.with_name(tagged(f".{out.name}.site-") + "old")
    old = manifest(out) if out.exists() else None
    if out.exists():
        os.replace(out, retired)
    try:
        os.replace(staging, out)
    except BaseException:
        if retired.exists() and not out.exists():
            os.replace(retired, out)
        raise
    if retired.exists():
        remove_site(retired, old or ())


def recover(out: Path) -> None:
    """Finish what a killed run left beside out: put its retired site back if none is in place, then remove the
    staging and retired folders of runs that no longer run."""
    prefix = f".{out.name}.site-"
    if not out.exists():
        for path in sorted(out.parent.glob(f"{glob.escape(prefix)}*-old")):
            pid = owner_pid(path.name, prefix)
            if pid is not None and not process_alive(pid) and manifest(path) is not None:
                os.replace(path, out)
                break
    remove_dead_owners_folders(out.parent, prefix)


def publish(files: dict[str, bytes], out: Path) -> None:
    """Write the site into out all at once (staged beside it, then renamed), under a lock beside it."""
    out = out.absolute()
    refuse_foreign(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(out.with_name(f".{out.name}.site-lock"), f"smekg site writing {out}", wait=0):
        recover(out)
        refuse_foreign(out)
        staging = Path(tempfile.mkdtemp(prefix=tagged(f".{out.name}.site-"), dir=out.parent))
        try:
            staging.chmod(0o755)
            write_tree(staging, files)
            swap_in(staging, out)
        finally:
            if staging.exists():
                remove_site(staging, files)


def default_folder(project: Project) -> Path:
    """site/ in the project, or in the current folder for the copy an installed package ships (never inside it)."""
    return (Path.cwd() if project.shipped else project.root) / "site"


def build_site(project: Project, release: Path | None, out: Path | None) -> tuple[Path, int]:
    """Generate the site from the release and write it to out (default: site/ in the project, or in the current
    folder for the release an installed package ships, never inside the package); where, how many
    files."""
    release = release or project.release_dir
    out = out or default_folder(project)
    refuse_foreign(out.absolute())
    files = generate(release, project)
    try:
        publish(files, out)
    except OSError as err:
        raise fail(STEP, out, f"not written ({os_problem(err)}); the previous site is intact") from None
    return out, len(files)
