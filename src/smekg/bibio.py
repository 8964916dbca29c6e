"""BibTeX and CSL-JSON in and out: `smekg import refs FILE` and `smekg export --bibtex|--csl-json`.

Import adds records to the curated reference files without ever rewriting what is there: it appends
(or writes a new file), reports each record already present (same DOI, or same first author, year and
title) and checks the result as the build reads it, restoring the file if the check fails. Export
writes every record, or the works behind one canned query's answer, so a user can cite them.
"""

from __future__ import annotations

import json
import re
import tempfile
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from itertools import permutations
from pathlib import Path

import click
import pyoxigraph as ox
from pybtex.database import Entry, Person

from .bibliography import (
    SOURCES_FILE,
    Bibliography,
    BibRecord,
    ascii_slug,
    decode_utf8,
    load_bibliography,
    normalise_doi,
    parse_bib,
    plain,
)
from .checks import validate_compiled
from .entry import key_values
from .errors import Finding, SmekgError, fail, os_problem
from .linking import LINKS_FILE, read_links, read_records
from .query import Store, run_query
from .safeio import atomic_write, file_lock
from .sources import Project, compile_sources
from .vocab import KG, WORK

Identity = tuple[str, str, str]
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$")
IMPORT_LOCK = ".import.lock"  # beside the reference files; created by the first import, never deleted
IMPORT_WAIT = 300.0  # seconds an import waits for another one to finish
WORK_IRI = re.compile(re.escape(str(WORK)) + r"([A-Za-z0-9_.:+-]+)")
KG_IRI = re.compile(re.escape(str(KG)) + r"[A-Za-z0-9_.:+-]+")
SEPARATORS = re.compile(r"[\s,]*")
STOP_WORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to", "at", "by", "with", "from", "is", "are"}

CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "incollection": "chapter",
    "inbook": "chapter",
    "book": "book",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
    "unpublished": "manuscript",
    "misc": "document",
    "online": "webpage",
}
BIB_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "thesis": "phdthesis",
    "report": "techreport",
    "manuscript": "unpublished",
    "webpage": "online",
}
CSL_FIELDS = {
    "title": "title",
    "journal": "container-title",
    "booktitle": "container-title",
    "volume": "volume",
    "number": "issue",
    "pages": "page",
    "doi": "DOI",
    "url": "URL",
    "publisher": "publisher",
    "school": "publisher",
    "institution": "publisher",
    "address": "publisher-place",
    "series": "collection-title",
    "edition": "edition",
    "eid": "number",
    "type": "genre",
    "note": "note",
    "identification": "annote",
}
CONTAINERS = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
PUBLISHERS = {"phdthesis": "school", "mastersthesis": "school", "techreport": "institution"}


# ---------------------------------------------------------------- BibTeX and CSL-JSON writers


def bibtex_value(value: str) -> str:
    """A field value between braces; braces that do not pair up are dropped, since BibTeX cannot hold them."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    return "{" + (value if depth == 0 else value.replace("{", "").replace("}", "")) + "}"


def bibtex_entry(key: str, entry: Entry) -> str:
    """One entry in the project's BibTeX style: persons first, then the fields as written."""
    lines = [f"@{entry.type}{{{key},"]
    for role in ("author", "editor"):
        people = entry.persons.get(role, [])
        if people:
            lines.append(f"  {role} = {bibtex_value(' and '.join(str(p) for p in people))},")
    lines += [f"  {name.lower()} = {bibtex_value(value)}," for name, value in entry.fields.items()]
    lines[-1] = lines[-1].rstrip(",")
    return "\n".join(lines) + "\n}\n"


def csl_name(person: Person) -> dict[str, str]:
    """A CSL name: family (with its particle apart) and given names; a braced single name is a literal."""
    family = plain(" ".join(person.last_names))
    given = plain(" ".join(person.first_names + person.middle_names))
    if not given and not person.prelast_names and " ".join(person.last_names).startswith("{"):
        return {"literal": family}
    name = {"family": family, "given": given}
    if person.prelast_names:
        name["non-dropping-particle"] = plain(" ".join(person.prelast_names))
    return {k: v for k, v in name.items() if v}


def csl_item(key: str, entry: Entry) -> dict[str, object]:
    """A CSL-JSON item for one record."""
    item: dict[str, object] = {"id": key, "type": CSL_TYPES.get(entry.type, "document")}
    for role in ("author", "editor"):
        if entry.persons.get(role):
            item[role] = [csl_name(p) for p in entry.persons[role]]
    year = entry.fields.get("year", "")
    if re.fullmatch(r"\d{4}", year):
        item["issued"] = {"date-parts": [[int(year)]]}
    for name, value in entry.fields.items():
        variable = CSL_FIELDS.get(name.lower())
        if variable and variable not in item:
            text = plain(value)
            item[variable] = text.replace("--", "-") if variable == "page" else text
    if "DOI" in item:
        item["DOI"] = normalise_doi(str(item["DOI"]))
    return item


# ---------------------------------------------------------------- readers


def person_from_csl(name: dict[str, str]) -> Person:
    if "literal" in name:
        return Person(last="{" + name["literal"] + "}")
    return Person(
        first=name.get("given", ""), prelast=name.get("non-dropping-particle", ""), last=name.get("family", "")
    )


def entry_from_csl(item: dict[str, object]) -> Entry:
    """A BibTeX entry for one CSL-JSON item."""
    kind = BIB_TYPES.get(str(item.get("type", "")), "misc")
    genre = str(item.get("genre", "")).lower()
    if kind == "phdthesis" and ("master" in genre or "bachelor" in genre):
        kind = "mastersthesis"
    fields: dict[str, str] = {}
    for bib, variable in CSL_FIELDS.items():
        value = item.get(variable)
        if value and bib not in fields and bib_field_fits(kind, bib):
            fields[bib] = str(value).replace("-", "--") if bib == "pages" else str(value)
    issued = item.get("issued")
    parts = issued.get("date-parts") if isinstance(issued, dict) else None
    if parts and parts[0]:
        fields["year"] = str(parts[0][0])
    persons = {role: [person_from_csl(n) for n in item.get(role, [])] for role in ("author", "editor")}
    return Entry(kind, fields={k: v for k, v in fields.items() if v}, persons={k: v for k, v in persons.items() if v})


def bib_field_fits(kind: str, bib: str) -> bool:
    """Whether a BibTeX field is the one this entry type uses for a CSL variable (journal vs booktitle, …)."""
    if bib in ("journal", "booktitle"):
        return CONTAINERS.get(kind, "booktitle") == bib
    if bib in ("publisher", "school", "institution"):
        return PUBLISHERS.get(kind, "publisher") == bib
    return kind == "article" if bib == "eid" else True


def new_key(entry: Entry, taken: set[str]) -> str:
    """A key in the project's convention (author + year + first title word that is not a stop word), unused."""
    people = entry.persons.get("author", []) or entry.persons.get("editor", [])
    family = ascii_slug(plain(" ".join(people[0].last_names))) if people else "anon"
    title_words = [w for w in re.findall(r"[a-z0-9]+", ascii_words(entry.fields.get("title", ""))) if w]
    word = next((w for w in title_words if w not in STOP_WORDS), "")
    base = f"{family}{entry.fields.get('year', '')}{word}"
    key, suffix = base, ord("b")
    while key in taken:
        key, suffix = f"{base}{chr(suffix)}", suffix + 1
    return key


def ascii_words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", plain(text).lower().encode("ascii", "ignore").decode())


def read_entries(path: Path) -> list[BibRecord]:
    """The records of a .bib or CSL-JSON (.json) file, each with its line; any fault is a finding."""
    suffix = path.suffix.lower()
    if suffix not in (".bib", ".json"):
        raise fail("import", path, "expected a .bib (BibTeX) or .json (CSL-JSON) file")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise fail("import", path, f"cannot read: {os_problem(err)}") from None
    text, findings = decode_utf8(data, str(path))
    if findings:
        raise SmekgError("import", findings)
    records, errors = read_csl(path, text) if suffix == ".json" else parse_bib(text, str(path))
    if errors:
        raise SmekgError("import", errors)
    return records


def read_csl(path: Path, text: str) -> tuple[list[BibRecord], list[Finding]]:
    """CSL-JSON items (a list, or one item) as records; an item without an id gets a key in our convention."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return [], [Finding(str(path), err.lineno, "", f"not JSON: {err.msg}")]
    if isinstance(document, dict) and "type" in document:
        located = [(document, 1)]
    elif isinstance(document, list):
        located = list(zip(document, item_lines(text, len(document)), strict=True))
    else:
        shape = f"an object with keys {', '.join(map(str, document))}" if isinstance(document, dict) else "not a list"
        return [], [
            Finding(str(path), 1, "", f"CSL-JSON is a list of items (objects); this file's top level is {shape}")
        ]
    findings = [
        Finding(str(path), line, item_name(item, number), problem)
        for number, (item, line) in enumerate(located, start=1)
        for problem in csl_problems(item)
    ]
    if findings:
        return [], findings
    records, taken = [], set()
    for item, line in located:
        entry = entry_from_csl(item)
        key = str(item.get("id") or new_key(entry, taken))
        taken.add(key)
        records.append(BibRecord(key, entry, str(path), line))
    return records, []


def item_lines(text: str, count: int) -> list[int]:
    """The line on which each item of a top-level JSON array opens."""
    decoder, lines = json.JSONDecoder(), []
    position = text.index("[") + 1
    line, counted = 1, 0
    for _ in range(count):
        position = SEPARATORS.match(text, position).end()
        line += text.count("\n", counted, position)
        counted = position
        lines.append(line)
        position = decoder.raw_decode(text, position)[1]
    return lines


def item_name(item: object, number: int) -> str:
    """How a finding names a CSL-JSON item: its number and, if it has one, its id."""
    has_id = isinstance(item, dict) and isinstance(item.get("id"), (str, int))
    return f"item {number} ({item['id']})" if has_id else f"item {number}"


def csl_problems(item: object) -> list[str]:
    """What keeps a CSL-JSON item from becoming a BibTeX entry: wrong shapes of names, dates and fields."""
    if not isinstance(item, dict):
        return [f"an item is an object, not {json.dumps(item)[:40]}"]
    problems = [
        f"{variable} is {json.dumps(item[variable])[:40]}, not text or a number"
        for variable in {"id", "type", "genre", *CSL_FIELDS.values()}
        if variable in item and not isinstance(item[variable], (str, int, float))
    ]
    for role in ("author", "editor"):
        problems += name_problems(role, item.get(role, []))
    return problems + date_problems(item.get("issued"))


def name_problems(role: str, names: object) -> list[str]:
    """A CSL name list is a list of objects whose parts are text."""
    if not isinstance(names, list):
        return [f'{role} is {json.dumps(names)[:40]}, not a list of names such as [{{"family": "Barney"}}]']
    problems = []
    for number, name in enumerate(names, start=1):
        if not isinstance(name, dict):
            problems.append(f"{role} {number} is {json.dumps(name)[:40]}, not a name object")
            continue
        problems += [
            f"{role} {number}: {part} is {json.dumps(name[part])[:40]}, not text"
            for part in ("family", "given", "literal", "non-dropping-particle")
            if part in name and not isinstance(name[part], str)
        ]
    return problems


def date_problems(issued: object) -> list[str]:
    """issued is an object whose date-parts is a list of dates, each a list of numbers: [[2020, 5]]."""
    if issued is None:
        return []
    parts = issued.get("date-parts", []) if isinstance(issued, dict) else None
    dated = isinstance(parts, list) and all(
        isinstance(date, list) and all(isinstance(p, (int, str)) for p in date) for date in parts
    )
    if dated:
        return []
    shown = json.dumps(parts if parts is not None else issued)[:40]
    return [f"issued date-parts is {shown}, not a list of dates such as [[2020, 5]]"]


# ---------------------------------------------------------------- import


@dataclass
class ImportReport:
    """What an import did, entry by entry."""

    target: Path
    created: bool
    added: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)

    def summary(self, root: Path) -> str:
        where = self.target.relative_to(root)
        verb = "wrote a new file" if self.created else "appended to"
        lines = [f"{len(self.added)} record(s) added, {len(self.cited)} recorded as cited, {len(self.skipped)} skipped"]
        lines += [f"renamed: {r}" for r in self.renamed]
        lines += [f"already present, cited under its key: {c}" for c in self.cited]
        lines += [f"already present, skipped: {s}" for s in self.skipped]
        lines.append(f"{verb} {where}" if self.added or self.cited else f"{where} left unchanged")
        return "\n".join(lines)


def target_file(project: Project, bib: Bibliography, source: Path, into: str | None) -> Path:
    """Where imported records go: sources.bib (`sources`) or the reference list of a known work."""
    name = into or source.stem
    if name == Path(SOURCES_FILE).stem:
        return project.references_dir / SOURCES_FILE
    if name in bib.records:
        return project.references_dir / f"{name}.bib"
    raise SmekgError(
        "import",
        [
            Finding(
                str(source),
                0,
                name,
                "say where the records go: --into sources (new source documents) or --into KEY "
                "(the reference list of the work KEY, which must already have a record)",
            )
        ],
    )


def same_work(
    rec: BibRecord, dois: dict[str, BibRecord], works: dict[Identity, BibRecord]
) -> tuple[BibRecord, str] | None:
    """The record already present for this entry, and why it is the same: its DOI, or author, year and title."""
    doi = normalise_doi(rec.entry.fields.get("doi", ""))
    if doi and doi in dois:
        return dois[doi], f"same DOI {doi}"
    ident = rec.identity()
    if ident[2] and ident in works:
        return works[ident], "same first author, year and title"
    return None


@dataclass
class Chunk:
    """An entry to append, and the input record it comes from."""

    key: str
    text: str
    origin: BibRecord


def import_refs(project: Project, source: Path, into: str | None = None) -> ImportReport:
    """Add the records of a BibTeX or CSL-JSON file to a reference file, reporting those already present.

    Nothing is written unless the result passes the build's own checks; then the file is replaced at once. One
    import at a time: a second waits for the first (up to IMPORT_WAIT seconds), so neither loses the other's records.
    """
    with file_lock(project.references_dir / IMPORT_LOCK, "import", wait=IMPORT_WAIT):
        return import_locked(project, source, into)


def import_locked(project: Project, source: Path, into: str | None) -> ImportReport:
    """import_refs, under the import lock: read the reference files, add the records, write the target."""
    bib, findings = load_bibliography(project.references_dir, project.root)
    if findings:
        raise SmekgError("import (the current reference files)", findings)
    target = target_file(project, bib, source, into)
    listed = set(bib.source_keys if target.name == SOURCES_FILE else bib.reference_lists.get(target.stem, []))
    dois = {normalise_doi(r.entry.fields["doi"]): r for r in bib.records.values() if r.entry.fields.get("doi")}
    works = {r.identity(): r for r in bib.records.values()}
    taken = set(bib.records)
    report, chunks = ImportReport(target, not target.is_file()), []
    for rec in read_entries(source):
        key, entry, where = rec.key, rec.entry, f"{source}:{rec.line}" if rec.line else str(source)
        if not KEY_PATTERN.match(key):
            raise SmekgError("import", [Finding(str(source), rec.line, key, "a key is letters, digits and _.:+- only")])
        match = same_work(rec, dois, works)
        if match:
            present, why = match
            note = f"{where} {key}: {why} as {present.key} ({present.file}:{present.line})"
            if target.name != SOURCES_FILE and present.key not in listed:
                chunks.append(Chunk(present.key, bibtex_entry(present.key, present.entry), rec))
                listed.add(present.key)
                report.cited.append(note)
            else:
                report.skipped.append(note)
            continue
        if key in taken:
            key = new_key(entry, taken)
            other = bib.records.get(rec.key)
            where_else = f"{other.file}:{other.line}" if other else "this import"
            report.renamed.append(f"{where} {rec.key} → {key}: the key already names another work ({where_else})")
        chunks.append(Chunk(key, bibtex_entry(key, entry), rec))
        report.added.append(key)
        taken.add(key)
        listed.add(key)
        works[rec.identity()] = rec
        if entry.fields.get("doi"):
            dois[normalise_doi(entry.fields["doi"])] = rec
    if chunks:
        write_checked(project, target, source, chunks)
    return report


def write_checked(project: Project, target: Path, source: Path, chunks: list[Chunk]) -> None:
    """Append the entries (or write a new file) only if the result passes the build's checks; all at once."""
    step = f"import (nothing written to {target.name})"
    before = target.read_text(encoding="utf-8") if target.is_file() else ""
    note = f"% {len(chunks)} record(s) imported from {source.name} by `smekg import refs` on {date.today()}\n\n"
    head = before + ("\n" if before else "") + note
    starts = [head.count("\n") + 1]
    for chunk in chunks[:-1]:
        starts.append(starts[-1] + chunk.text.count("\n") + 1)
    text = head + "\n".join(chunk.text for chunk in chunks)
    errors = staged_errors(project, target, text)
    if errors:
        raise SmekgError(step, [at_origin(f, starts, chunks) for f in errors])
    atomic_write(target, text, step)


def staged_errors(project: Project, target: Path, text: str) -> list[Finding]:
    """The errors the build would report in target once it holds text, checked on a staged copy of the project.

    If the staged project does not compile, every compile error is returned (the import cannot be checked)."""
    rel = str(target.relative_to(project.root))
    try:
        with tempfile.TemporaryDirectory(prefix="smekg-import-") as folder:
            try:
                compiled = compile_sources(stage(project, target, text, Path(folder)))
            except SmekgError as err:
                return err.findings
            return [f for f in validate_compiled(compiled) if f.level == "error" and f.file == rel]
    except OSError as err:
        raise fail("import", target, f"nothing written: cannot stage the check ({os_problem(err)})") from None


def stage(project: Project, target: Path, text: str, folder: Path) -> Project:
    """A project in folder that links to every source of project, except target, which holds text."""
    staged = Project(folder)
    staged.references_dir.mkdir(parents=True)
    for path in (project.ontology, project.imports_dir, project.knowledge_dir, project.links_dir, project.shapes_dir):
        if path.exists():
            link = folder / path.relative_to(project.root)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)
    for path in project.references_dir.glob("*.bib"):
        if path.name != target.name:
            (staged.references_dir / path.name).symlink_to(path)
    (staged.references_dir / target.name).write_text(text, encoding="utf-8")
    return staged


def at_origin(finding: Finding, starts: list[int], chunks: list[Chunk]) -> Finding:
    """A finding on an appended entry, moved to the input file and entry it was imported from."""
    if finding.line < starts[0]:
        return finding
    chunk = chunks[bisect_right(starts, finding.line) - 1]
    renamed = f" (imported as {chunk.key})" if chunk.key != chunk.origin.key else ""
    origin = chunk.origin
    return Finding(origin.file, origin.line, origin.key, finding.message + renamed, finding.level)


# ---------------------------------------------------------------- export


def linked_dois(project: Project) -> dict[str, str]:
    """DOIs that `smekg link` accepted, by record key (none when there is no links file)."""
    links = read_links(project.root / LINKS_FILE)
    return {k: x.value for (k, s), x in links.items() if s == "crossref" and x.accepted}


def export_entries(project: Project, keys: list[str] | None = None) -> list[tuple[str, Entry]]:
    """The records to export (all, or these keys in this order), with DOIs found by `smekg link` added."""
    records = read_records(project)
    chosen = list(records) if keys is None else keys
    dois = linked_dois(project)
    entries = []
    for key in chosen:
        entry = records[key].entry
        if key in dois and not entry.fields.get("doi"):
            entry = Entry(entry.type, fields={**entry.fields, "doi": dois[key]}, persons=entry.persons)
        entries.append((key, entry))
    return entries


STATED_OR_CITED = """SELECT DISTINCT ?work WHERE {
  { ?claim smekg:statedIn ?work } UNION { ?claim cito:citesAsEvidence ?work }
  UNION { ?claim cito:citesAsEvidence/smekg:resolvesTo ?work }
}"""
BETWEEN = "SELECT DISTINCT ?claim WHERE { ?claim smekg:claimSubject ?subject ; smekg:claimObject ?object }"
# statements typed by a class of the row (a support programme of a kind), for a row with no claim at all
OF_KIND = "SELECT DISTINCT ?claim WHERE { ?claim a ?kind ; smekg:statedIn ?document }"
NAMED_WORKS = """SELECT DISTINCT ?work ?label WHERE {
  { ?work smekg:shortCitation ?label } UNION { ?citation smekg:citationLabel ?label ; smekg:resolvesTo ?work }
}"""
LIST_SEPARATOR = re.compile(r"; | \| |, ")


def query_work_keys(project: Project, name: str, params: dict[str, str], store: Store | None = None) -> list[str]:
    """Keys of the works behind a canned query's answer: the works its cells name (an IRI, or a short citation or
    an in-text citation label, alone or in a list), and the documents stating and the works cited by its claims
    (the claims in its cells; in a row without any, the claims between two of the row's IRIs, else the statements
    typed by one of its IRIs)."""
    store = store or Store.for_project(project)
    rows = run_query(name, params, store=store, project=project)
    texts = [[v for v in row.values() if isinstance(v, str)] for row in rows]
    keys = [m.group(1) for row in texts for t in row for m in WORK_IRI.finditer(t)]
    keys += cited_by_label(store, [t for row in texts for t in row])
    keys += cited_by_claims(store, texts)
    records = read_records(project)
    known = [k.split("/")[0] for k in keys if k.split("/")[0] in records]
    if not known:
        raise SmekgError("export", [Finding("", 0, name, "the answer names no work (no work, citation or claim)")])
    return list(dict.fromkeys(known))


def cited_by_label(store: Store, texts: list[str]) -> list[str]:
    """Works named in cells by their short citation or by the label of an in-text citation resolved to them."""
    items = {t for text in texts for t in (text, *LIST_SEPARATOR.split(text))}
    return [work_key(r["work"]) for r in store.select(NAMED_WORKS) if str(r["label"]) in items]


def cited_by_claims(store: Store, texts: list[list[str]]) -> list[str]:
    """The documents stating, and the works cited by, the claims of the rows (see query_work_keys)."""
    claims: set[str] = set()
    for row in texts:
        named = {m.group(0) for t in row for m in KG_IRI.finditer(t)}
        iris = [t for t in row if t.startswith(("http://", "https://"))]
        found = named or {str(r["claim"]) for a, b in permutations(iris, 2) for r in between(store, a, b)}
        claims |= found or {str(r["claim"]) for i in iris for r in store.select(OF_KIND, {"kind": ox.NamedNode(i)})}
    works = [r for claim in claims for r in store.select(STATED_OR_CITED, {"claim": ox.NamedNode(claim)})]
    return [work_key(r["work"]) for r in works]


def between(store: Store, subject: str, obj: str) -> list[dict]:
    """The claims whose subject and object are these."""
    return store.select(BETWEEN, {"subject": ox.NamedNode(subject), "object": ox.NamedNode(obj)})


def work_key(iri: object) -> str:
    return str(iri).removeprefix(str(WORK))


def render(entries: list[tuple[str, Entry]], fmt: str) -> str:
    if fmt == "csl-json":
        return json.dumps([csl_item(k, e) for k, e in entries], indent=2, ensure_ascii=False) + "\n"
    return "\n".join(bibtex_entry(k, e) for k, e in entries)


# ---------------------------------------------------------------- commands


@click.group("import")
def import_group() -> None:
    """Add records from reference managers to the curated sources."""


@import_group.command("refs")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, help="Project folder.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--into",
    default=None,
    metavar="sources|KEY",
    help="sources.bib (new source documents) or the reference list of the work KEY (default: the file's name).",
)
def import_refs_command(root: Path | None, file: Path, into: str | None) -> None:
    """Append the records of FILE (.bib or CSL-JSON .json), reporting those already present."""
    project = Project.at(root, checkout=True)
    click.echo(import_refs(project, file, into).summary(project.root))


@click.command("export")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None, help="Project folder.")
@click.option("--bibtex", is_flag=True, help="BibTeX (the default).")
@click.option("--csl-json", is_flag=True, help="CSL-JSON, for Zotero, Pandoc and citeproc.")
@click.option("--query", "query_name", default=None, metavar="NAME", help="Only the works behind this query's answer.")
@click.option("--param", "-p", multiple=True, metavar="KEY=VALUE", help="A parameter of the query (repeatable).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout).")
def export_command(
    root: Path | None, bibtex: bool, csl_json: bool, query_name: str | None, param: tuple[str, ...], out: Path | None
) -> None:
    """Export every record, or the works behind one canned query's answer, as BibTeX or CSL-JSON."""
    if bibtex and csl_json:
        raise click.UsageError("--bibtex and --csl-json together: choose one format")
    fmt = "csl-json" if csl_json else "bibtex"
    project = Project.at(root)
    keys = query_work_keys(project, query_name, key_values(param)) if query_name else None
    entries = export_entries(project, keys)
    text = render(entries, fmt)
    if out:
        atomic_write(out, text, "export")
        click.echo(f"{len(entries)} record(s) written to {out}", err=True)
    else:
        click.echo(text, nl=False)
