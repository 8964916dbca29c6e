"""BibTeX reference files → RDF records (FaBiO, DCTERMS, PRISM, CiTO, schema.org names; PROV-O and ORG agents)."""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec plain() uses)
import pyoxigraph as ox
from anyascii import anyascii
from pybtex.database import BibliographyData, BibliographyDataError, Entry, Person
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexError, PybtexSyntaxError
from rdflib import DC, DCTERMS, RDF, RDFS, SKOS, XSD

from .errors import Finding, os_problem
from .vocab import CITO, FABIO, KG, ORG, PERSON, PRISM, PROV, SCHEMA, SMEKG, WORK

SOURCES_FILE = "sources.bib"

# The records are built as Oxigraph terms, which the store takes as they are; the vocabulary's IRIs are made once.
iri = ox.NamedNode
TYPE = iri(RDF.type)
LABEL = iri(RDFS.label)
ALT_LABEL = iri(SKOS.altLabel)
INTEGER = iri(XSD.integer)
ANY_URI = iri(XSD.anyURI)
SOURCE_DOCUMENT = iri(SMEKG.SourceDocument)
CITATION_KEY = iri(SMEKG.citationKey)
SHORT_CITATION = iri(SMEKG.shortCitation)
CITATION = iri(DCTERMS.bibliographicCitation)
TITLE = iri(DCTERMS.title)
CREATOR = iri(DCTERMS.creator)
YEAR_PUBLISHED = iri(SMEKG.yearPublished)
CONTAINER = iri(SMEKG.container)
DOI = iri(PRISM.doi)
URL = iri(FABIO.hasURL)
LICENSE = iri(SCHEMA.license)
CITES = iri(CITO.cites)
PAGE_RANGE = iri(PRISM.pageRange)
STARTING_PAGE = iri(PRISM.startingPage)
ENDING_PAGE = iri(PRISM.endingPage)
HAS_AUTHORSHIP = iri(SMEKG.hasAuthorship)
HAS_EDITORSHIP = iri(SMEKG.hasEditorship)
AUTHORSHIP = iri(SMEKG.Authorship)
AUTHOR = iri(SMEKG.author)
AUTHOR_POSITION = iri(SMEKG.authorPosition)
NAME = iri(SCHEMA.name)
FAMILY_NAME = iri(SCHEMA.familyName)
GIVEN_NAME = iri(SCHEMA.givenName)
PERSON_CLASS = iri(PROV.Person)
PROV_ORGANIZATION = iri(PROV.Organization)
ORG_ORGANIZATION = iri(ORG.Organization)
EXPRESSION = iri(FABIO.Expression)
BACHELORS_THESIS = iri(FABIO.BachelorsThesis)

ENTRY_CLASSES = {
    "article": iri(FABIO.JournalArticle),
    "inproceedings": iri(FABIO.ConferencePaper),
    "conference": iri(FABIO.ConferencePaper),
    "incollection": iri(FABIO.BookChapter),
    "inbook": iri(FABIO.BookChapter),
    "book": iri(FABIO.Book),
    "phdthesis": iri(FABIO.DoctoralThesis),
    "mastersthesis": iri(FABIO.MastersThesis),
    "techreport": iri(FABIO.ReportDocument),
    "unpublished": iri(FABIO.Manuscript),
    "misc": EXPRESSION,
    "online": iri(FABIO.WebPage),
}

# A publisher's name is a literal: dc:publisher (DCMI's element, an annotation property), not dcterms:publisher,
# which FaBiO declares an object property (and an annotation property: any use of it puns in a merge with FaBiO).
TEXT_FIELDS = {
    "publisher": iri(DC.publisher),
    "address": iri(SMEKG.publisherPlace),
    "school": iri(SMEKG.school),
    "institution": iri(DC.publisher),
    "degree": iri(SMEKG.degree),
    "tutor": iri(SMEKG.tutor),
    "note": iri(SKOS.note),
    "identification": iri(SMEKG.identificationNote),
    "volume": iri(PRISM.volume),
    "number": iri(PRISM.issueIdentifier),
    "edition": iri(PRISM.edition),
    "eid": iri(SMEKG.articleNumber),
    "series": iri(SMEKG.series),
}


@dataclass(frozen=True)
class BibRecord:
    """One BibTeX entry with the file and line it was read from (shared once parsed: see parse_bib)."""

    key: str
    entry: Entry
    file: str
    line: int

    @property
    def title(self) -> str:
        return plain(self.entry.fields.get("title", ""))

    @property
    def year(self) -> str:
        return self.entry.fields.get("year", "")

    @property
    def first_author(self) -> str:
        people = self.entry.persons.get("author", [])
        return ascii_slug(plain(" ".join(people[0].last_names))) if people else ""

    def identity(self) -> tuple[str, str, str]:
        """What makes two entries the same work: first author, year, normalised title."""
        return (self.first_author, self.year, ascii_slug(self.title))


@dataclass
class Bibliography:
    """All records (one per key) and, per citing work, the keys of its reference list."""

    records: dict[str, BibRecord] = field(default_factory=dict)
    reference_lists: dict[str, list[str]] = field(default_factory=dict)
    source_keys: list[str] = field(default_factory=list)
    duplicates: dict[str, BibRecord] = field(default_factory=dict)

    def work_key(self, key: str) -> str:
        """The key of the work an entry stands for: its own, or the one its duplicateof field names."""
        marked = self.duplicates.get(key)
        return marked.entry.fields["duplicateof"] if marked else key


# Fields whose value is an identifier or address, not text: taken as written, never decoded.
VERBATIM_FIELDS = {"url", "doi", "license", "eprint", "file"}
# Text-formatting commands whose argument is the text (\\emph{x} → x), and spacing commands, which latexcodec keeps.
FORMATTING = re.compile(r"\\(?:emph|text(?:it|bf|sc|tt|rm|sf|up|sl|md|normal)|mbox|url|nolinkurl)\s*(?=\{)")
SPACING = {"\\,": " ", "\\ ": " ", "\\@": "", "\\-": "", "\\/": ""}
# What is left of LaTeX after decoding: a command (\\foo, \\'), or math mode ($…$, unless written \\$).
UNDECODED = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z\s])")
MATH = re.compile(r"(?<!\\)\$")


# What latexcodec's decoding gives a meaning in ASCII text: a command, a group, a comment, a tie, math, a quote
# mark, a dash, low quotes. ASCII text without them decodes to itself (test_records compares the two).
LATEX_ACTIVE = re.compile(r"[\\{}%~`$]|--|,,|''")


@functools.lru_cache(maxsize=16384)  # a record's names and title are asked for many times; latexcodec is slow
def plain(text: str) -> str:
    """BibTeX text as plain Unicode: formatting commands reduced to their text (\\emph{x} → x), spacing commands to
    spaces, LaTeX escapes and accents decoded (\\& → &, {\\'e} → é, by latexcodec, which pybtex depends on), braces
    stripped, whitespace collapsed. Markup it cannot decode stays, and latex_left() reports it."""
    if text.isascii() and not LATEX_ACTIVE.search(text):  # nothing to decode: more than half of the texts
        return re.sub(r"\s+", " ", text).strip()
    return decoded(text)


def decoded(text: str) -> str:
    """plain() by latexcodec."""
    for command, space in SPACING.items():
        text = text.replace(command, space)
    decoded = codecs.decode(FORMATTING.sub("", text), "ulatex")
    return re.sub(r"\s+", " ", decoded.replace("{", "").replace("}", "")).strip()


def latex_left(text: str) -> str:
    """The first LaTeX markup plain() leaves in the text (a command it does not decode, math mode), or ''."""
    if MATH.search(text):
        return "$"
    left = UNDECODED.search(plain(text))
    return left.group() if left else ""


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, for IRIs and for comparing names and titles: every letter
    transliterated by anyascii (é → e, ł → l, ı → i, ß → ss, 张伟 → zhangwei), none dropped."""
    return re.sub(r"[^a-z0-9]", "", anyascii(text).lower())


def normalise_doi(doi: str) -> str:
    """Lower-case a DOI and drop any resolver prefix, so case variants are one DOI."""
    doi = doi.strip()
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    return doi.lower()


ENTRY_START = re.compile(r"@(\w+)\s*([{(])\s*([^\s,{}()]+)\s*[,})]")
BRACE = re.compile(r"[{}]")
YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class EntryStart:
    """Where an entry opens: offset of its '@', its line, its opening bracket and its key."""

    offset: int
    line: int
    opener: str
    key: str


def entry_starts(text: str) -> list[EntryStart]:
    """Every entry opening in the text, in order, with its line: one pass over the text."""
    starts, line, counted = [], 1, 0
    for match in ENTRY_START.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        starts.append(EntryStart(match.start(), line, match.group(2), match.group(3)))
    return starts


def entry_lines(text: str) -> dict[str, int]:
    """The line where each key's entry first opens."""
    lines: dict[str, int] = {}
    for start in entry_starts(text):
        lines.setdefault(start.key, start.line)
    return lines


def unclosed_entry(text: str) -> EntryStart | None:
    """The first entry whose braces do not close before the next entry opens (or the file ends)."""
    starts = entry_starts(text)
    for start, after in zip(starts, [*starts[1:], None], strict=True):
        if start.opener != "{":
            continue
        end = after.offset if after else len(text)
        depth = 0
        for brace in BRACE.finditer(text, text.index("{", start.offset), end):
            depth += 1 if brace.group() == "{" else -1
            if depth == 0:
                break
        else:
            return start
    return None


def decode_utf8(data: bytes, shown: str) -> tuple[str, list[Finding]]:
    """The text of a file; bytes that are not UTF-8 become a finding with their line (and BibTeX entry)."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as err:
        before = data[: err.start].decode("utf-8")
        starts = entry_starts(before)
        line = before.count("\n") + 1
        message = f"not UTF-8: byte 0x{data[err.start]:02x} on line {line}; save the file as UTF-8"
        return "", [Finding(shown, line, starts[-1].key if starts else "", message)]


def parse_bib(text: str, shown: str) -> tuple[list[BibRecord], list[Finding]]:
    """The records of BibTeX text, each with its line; syntax errors become findings with line and entry.

    Parsed once per text (parsing is most of the bibliography's time): a process that compiles the sources again
    (a Python session, an editor checking on save, the tests) parses only the files that changed. The records are
    shared, so nothing changes them after parsing."""
    records, findings = parsed_bib(text, shown)
    return list(records), list(findings)


@functools.lru_cache(maxsize=64)
def parsed_bib(text: str, shown: str) -> tuple[tuple[BibRecord, ...], tuple[Finding, ...]]:
    """parse_bib's answer, kept for the next call with the same text."""
    # The parser class itself: pybtex's parse_string(text, "bibtex") looks it up on every call among the installed
    # packages' entry points, about 6 ms a file (parsing sources.bib itself takes 2 ms).
    try:
        data: BibliographyData = Parser().parse_string(text)
    except PybtexSyntaxError as err:
        return (), (syntax_finding(text, shown, err),)
    except (BibliographyDataError, PybtexError) as err:
        key = str(err).rsplit(":", 1)[-1].strip()
        return (), (Finding(shown, entry_lines(text).get(key, 0), key, f"BibTeX error: {err}"),)
    lines = entry_lines(text)
    return tuple(BibRecord(k, e, shown, lines.get(k, 0)) for k, e in data.entries.items()), ()


def syntax_finding(text: str, shown: str, err: PybtexSyntaxError) -> Finding:
    """A syntax error at the entry whose braces never close, if one does not, else where pybtex stopped."""
    unclosed = unclosed_entry(text)
    if unclosed is None:
        return Finding(shown, err.lineno or 0, "", f"BibTeX syntax error: {err}")
    message = f"a '{{' in this entry (from line {unclosed.line}) is never closed; the parser then found a {err}"
    return Finding(shown, unclosed.line, unclosed.key, message)


def record_findings(rec: BibRecord) -> list[Finding]:
    """What every record needs: a four-digit year and an author or editor, or an identification note
    (the `identification` field) saying why it has none."""
    findings = []
    noted = bool(rec.entry.fields.get("identification", "").strip())
    if rec.year and not YEAR.fullmatch(rec.year):
        findings.append(Finding(rec.file, rec.line, rec.key, f"year {rec.year!r} is not a year of four digits"))
    elif not rec.year and not noted:
        findings.append(
            Finding(rec.file, rec.line, rec.key, "no year: give one, or an identification note saying why not")
        )
    if not (rec.entry.persons.get("author") or rec.entry.persons.get("editor") or noted):
        message = "no author or editor: give one (an organisation in braces counts), or an identification note"
        findings.append(Finding(rec.file, rec.line, rec.key, message))
    return findings + markup_findings(rec) + slug_findings(rec)


def slug_findings(rec: BibRecord) -> list[Finding]:
    """Names that give no readable IRI: no letter or digit, even transliterated (all such names would share one)."""
    findings = []
    for role, people in rec.entry.persons.items():
        for person in people:
            family = " ".join(person.prelast_names + person.last_names)
            if not ascii_slug(plain(family)):
                message = f"{role} {str(person)!r}: the name has no letter or digit to make its IRI from"
                findings.append(Finding(rec.file, rec.line, rec.key, message))
    return findings


def markup_findings(rec: BibRecord) -> list[Finding]:
    """LaTeX that plain() cannot turn into text, in any field or name: it would reach the graph as markup."""
    texts = [(name, value) for name, value in rec.entry.fields.items() if name not in VERBATIM_FIELDS]
    texts += [(role, str(person)) for role, people in rec.entry.persons.items() for person in people]
    findings = []
    for name, value in texts:
        left = latex_left(value)
        if left:
            message = f"{name}: the LaTeX {left!r} is not supported; write the text itself in Unicode (é, –, “ ”)"
            findings.append(Finding(rec.file, rec.line, rec.key, message))
    return findings


def read_bib(path: Path, root: Path) -> tuple[list[BibRecord], list[Finding]]:
    """Parse one BibTeX file; bad bytes, syntax errors and incomplete records become findings with file and line."""
    rel = str(path.relative_to(root))
    try:
        data = path.read_bytes()
    except OSError as err:
        return [], [Finding(rel, 0, "", f"cannot read: {os_problem(err)}")]
    text, findings = decode_utf8(data, rel)
    if findings:
        return [], findings
    records, findings = parse_bib(text, rel)
    return records, findings + [f for rec in records for f in record_findings(rec)]


def load_bibliography(ref_dir: Path, root: Path) -> tuple[Bibliography, list[Finding]]:
    """Read sources.bib, then every reference list, merging records that share a key."""
    bib, findings = Bibliography(), []
    paths = sorted(ref_dir.glob("*.bib"), key=lambda p: (p.name != SOURCES_FILE, p.name))
    for path in paths:
        records, errors = read_bib(path, root)
        findings += errors
        keys = []
        for rec in records:
            findings += merge_record(bib, rec)
            keys.append(rec.key)
        if path.name == SOURCES_FILE:
            bib.source_keys = keys
        else:
            bib.reference_lists[path.stem] = keys
    findings += find_duplicate_works(bib)
    return bib, findings


def merge_record(bib: Bibliography, rec: BibRecord) -> list[Finding]:
    """Keep the first record of a key; a later one must agree on title and year."""
    if rec.entry.fields.get("duplicateof"):
        bib.duplicates[rec.key] = rec
        return []
    first = bib.records.get(rec.key)
    if first is None:
        bib.records[rec.key] = rec
        return []
    if (ascii_slug(first.title), first.year) != (ascii_slug(rec.title), rec.year):
        return [
            Finding(
                rec.file,
                rec.line,
                rec.key,
                f"key already used for a different work in {first.file}:{first.line} "
                f"({first.title!r}, {first.year}); give this entry another key",
            )
        ]
    return []


def find_duplicate_works(bib: Bibliography) -> list[Finding]:
    """Two keys for the same work (author, year, title) are an error unless marked duplicateof."""
    seen: dict[tuple[str, str, str], BibRecord] = {}
    findings = []
    for rec in bib.records.values():
        ident = rec.identity()
        if not ident[2]:
            continue
        other = seen.setdefault(ident, rec)
        if other is not rec:
            findings.append(
                Finding(
                    rec.file,
                    rec.line,
                    rec.key,
                    f"same work as {other.key} ({other.file}:{other.line}); "
                    f"use that key or add duplicateof = {{{other.key}}}",
                )
            )
    for key, marked in bib.duplicates.items():
        target = bib.work_key(key)
        if target not in bib.records:
            findings.append(Finding(marked.file, marked.line, key, f"duplicateof names unknown key {target!r}"))
    return findings


def work_iri(key: str) -> ox.NamedNode:
    return iri(WORK + key)


def is_organisation(person: Person) -> bool:
    """Whether a name is a corporate author: one braced name with no given names, as BibTeX writes an organisation
    (author = {{OECD}}); a braced family name with given names ({Van Bergeijk}, P.) is a person's."""
    names = person.first_names + person.middle_names + person.prelast_names + person.lineage_names
    return not names and len(person.last_names) == 1 and person.last_names[0].startswith("{")


def person_iri(person: Person) -> ox.NamedNode:
    """A readable person IRI: family name and given names or initials, as printed."""
    family = ascii_slug(plain(" ".join(person.prelast_names + person.last_names)))
    given = "-".join(ascii_slug(plain(n)) for n in person.first_names + person.middle_names)
    return iri(PERSON + (f"{family}-{given}" if given else family))


def organisation_iri(name: str) -> ox.NamedNode:
    """An organisation's IRI, kg:organization-<its name or short name, words joined by hyphens>: the IRI the
    knowledge files use for the same organisation (kg:organization-unido)."""
    return iri(KG + "organization-" + "-".join(filter(None, (ascii_slug(w) for w in plain(name).split()))))


def display_name(person: Person) -> str:
    given = " ".join(person.first_names + person.middle_names)
    family = " ".join(person.prelast_names + person.last_names)
    return plain(f"{given} {family}" if given else family)


def short_citation(rec: BibRecord) -> str:
    """Author–year citation as in running text ('Barney 1991', 'Aureli & Del Baldo 2013'), or the shorthand."""
    if rec.entry.fields.get("shorthand"):
        return plain(rec.entry.fields["shorthand"])
    people = rec.entry.persons.get("author", [])
    names = [plain(" ".join(p.prelast_names + p.last_names)) for p in people]
    if not names:
        return f"[{rec.key}]"
    who = names[0] if len(names) == 1 else " & ".join(names) if len(names) == 2 else f"{names[0]} et al."
    return f"{who} {rec.year or 'n.d.'}"


def citation_string(rec: BibRecord) -> str:
    """Author–year–title citation for labels and reference lists."""
    people = rec.entry.persons.get("author", [])
    authors = ", ".join(display_name(p) for p in people) or "Unknown authors"
    title = rec.title or "untitled"
    container = plain(rec.entry.fields.get("journal") or rec.entry.fields.get("booktitle") or "")
    return f"{authors} ({rec.year or 'n.d.'}). {title}." + (f" {container}." if container else "")


def text(value: str, language: str | None = None) -> ox.Literal:
    """A plain (or language-tagged) literal."""
    return ox.Literal(value, language=language)


def integer(value: str | int) -> ox.Literal:
    """An xsd:integer literal in canonical form, as rdflib wrote it: ASCII digits, no leading zero (year 0999 is
    "999"; \\d also matches other scripts' digits, which int() reads)."""
    return ox.Literal(str(int(value)), datatype=INTEGER)


class Triples(list):
    """Triples of Oxigraph terms collected in order (cheaper than a graph; the store they go to removes duplicates)."""

    def add(self, triple: tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]) -> None:
        self.append(triple)


def record_graph(rec: BibRecord, is_source: bool, g: Triples) -> None:
    """Add the RDF of one bibliographic record to g."""
    w, short, title = work_iri(rec.key), short_citation(rec), rec.title
    # The fields in a plain dict: a lookup in pybtex's case-insensitive one costs about 1 µs, and there are 25 a record.
    fields = {name.lower(): value for name, value in rec.entry.fields.items()}
    g.add((w, TYPE, record_class(rec)))
    if is_source:
        g.add((w, TYPE, SOURCE_DOCUMENT))
    g.add((w, CITATION_KEY, text(rec.key)))
    g.add((w, LABEL, text(f"{short}: {title or 'untitled'}", "en")))
    g.add((w, SHORT_CITATION, text(short)))
    g.add((w, CITATION, text(citation_string(rec))))
    if title:
        g.add((w, TITLE, text(title)))
    if YEAR.fullmatch(rec.year):
        g.add((w, YEAR_PUBLISHED, integer(rec.year)))
    container = fields.get("journal") or fields.get("booktitle")
    if container:
        g.add((w, CONTAINER, text(plain(container))))
    for name, prop in TEXT_FIELDS.items():
        if fields.get(name):
            g.add((w, prop, text(plain(fields[name]))))
    add_pages(g, w, fields.get("pages", ""))
    if fields.get("doi"):
        g.add((w, DOI, text(normalise_doi(fields["doi"]))))
    if fields.get("url"):
        g.add((w, URL, ox.Literal(fields["url"].strip(), datatype=ANY_URI)))
    if fields.get("license"):
        g.add((w, LICENSE, iri(fields["license"].strip())))
    add_authors(g, w, rec.entry.persons.get("author", []), "author", fields.get("shortauthor", ""))
    add_authors(g, w, rec.entry.persons.get("editor", []), "editor")


def record_class(rec: BibRecord) -> ox.NamedNode:
    """FaBiO class of an entry; a thesis whose type says 'bachelor' is a bachelor's thesis."""
    if rec.entry.type == "mastersthesis" and "bachelor" in rec.entry.fields.get("type", "").lower():
        return BACHELORS_THESIS
    return ENTRY_CLASSES.get(rec.entry.type, EXPRESSION)


def add_pages(g: Triples, w: ox.NamedNode, pages: str) -> None:
    pages = plain(pages).replace("--", "–")
    if not pages:
        return
    g.add((w, PAGE_RANGE, text(pages)))
    start, _, end = pages.partition("–")
    g.add((w, STARTING_PAGE, text(start.strip())))
    if end:
        g.add((w, ENDING_PAGE, text(end.strip())))


def add_authors(g: Triples, w: ox.NamedNode, people: list[Person], role: str, short_name: str = "") -> None:
    """Ordered authorship nodes (work/KEY/author/N) pointing at the agents' records: a person (prov:Person) or,
    for a braced corporate name, an organisation (prov:Organization and org:Organization), named by short_name
    (biblatex's shortauthor, for a sole corporate author) if given."""
    for position, person in enumerate(people, start=1):
        node = iri(f"{w.value}/{role}/{position}")
        sole = short_name if len(people) == 1 else ""
        who = add_organisation(g, person, sole) if is_organisation(person) else add_person(g, person)
        g.add((w, HAS_AUTHORSHIP if role == "author" else HAS_EDITORSHIP, node))
        g.add((node, TYPE, AUTHORSHIP))
        g.add((node, AUTHOR, who))
        g.add((node, AUTHOR_POSITION, integer(position)))
        if role == "author":
            g.add((w, CREATOR, who))


def add_person(g: Triples, person: Person) -> ox.NamedNode:
    """A person's record: prov:Person, as PROV-O types the curators and reviewers, with the name's parts."""
    who, name = person_iri(person), display_name(person)
    g.add((who, TYPE, PERSON_CLASS))
    g.add((who, NAME, text(name)))
    g.add((who, LABEL, text(name, "en")))
    g.add((who, FAMILY_NAME, text(plain(" ".join(person.prelast_names + person.last_names)))))
    if person.first_names or person.middle_names:
        g.add((who, GIVEN_NAME, text(plain(" ".join(person.first_names + person.middle_names)))))
    return who


def add_organisation(g: Triples, person: Person, short_name: str) -> ox.NamedNode:
    """A corporate author's record: an organisation (prov:Organization, org:Organization), one IRI per organisation."""
    name = display_name(person)
    who = organisation_iri(short_name or name)
    g.add((who, TYPE, PROV_ORGANIZATION))
    g.add((who, TYPE, ORG_ORGANIZATION))
    g.add((who, NAME, text(name)))
    g.add((who, LABEL, text(name, "en")))
    if short_name:
        g.add((who, ALT_LABEL, text(plain(short_name), "en")))
    return who


def bibliography_triples(bib: Bibliography) -> Triples:
    """All records plus, for each reference list, cito:cites from the citing work."""
    g = Triples()
    for rec in bib.records.values():
        record_graph(rec, rec.key in bib.source_keys, g)
    for citing, keys in bib.reference_lists.items():
        for key in keys:
            g.add((work_iri(citing), CITES, work_iri(bib.work_key(key))))
    return g
