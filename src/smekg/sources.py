"""Find and compile the curated sources into one Oxigraph store, a named graph per source file."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG

import pyoxigraph as ox
from rdflib import OWL, RDF, Graph

from .bibliography import Bibliography, bibliography_triples, entry_lines, load_bibliography
from .curation import apply_curation, file_iri
from .errors import Finding, SmekgError
from .project import Project
from .vocab import PREFIXES, SOURCE, WORK, compact


@dataclass
class Compiled:
    """The compiled sources in an Oxigraph store: one named graph per file, and where each entry is written."""

    project: Project
    store: ox.Store
    bibliography: Bibliography
    files: dict[str, str] = field(default_factory=dict)
    literals: list[ox.Quad] = field(default_factory=list)  # the literal quads as written (the store normalises them)

    @property
    def graphs(self) -> list[ox.NamedNode]:
        """The named graphs of the source files, in file order."""
        return [ox.NamedNode(gid) for gid in self.files]

    def query(self, text: str, values: dict[str, ox.NamedNode] | None = None) -> ox.QuerySolutions | ox.QueryTriples:
        """Run SPARQL on the union of every graph in the store: the sources and, once reasoned, the inferences; the
        variables named in values are bound to those terms (parameters are bound, never written into the text).

        (Naming the graphs instead makes Oxigraph look up each pattern once per graph: reasoning took 13x longer
        at x100.)
        """
        substitutions = {ox.Variable(name): term for name, term in (values or {}).items()}
        return self.store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=substitutions)

    def nt_lines(self, graphs: list[ox.NamedNode] | None = None) -> Iterator[bytes]:
        """The N-Triples lines of the source graphs (or of the given graphs), unsorted and possibly repeated.

        Oxigraph dumps them to a temporary file, which is then read line by line: memory stays small."""
        with tempfile.TemporaryFile() as dump:
            for graph in graphs or self.graphs:
                self.store.dump(dump, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            dump.seek(0)
            yield from dump

    def triples(self, graphs: list[ox.NamedNode] | None = None) -> list[bytes]:
        """The distinct triples of the source graphs (or of the given graphs) as sorted N-Triples lines."""
        lines: set[bytes] = set()
        for graph in graphs or self.graphs:
            lines.update(self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines())
        return sorted(lines)

    def union(self) -> Graph:
        """All source triples in one rdflib graph (a copy, for callers that need rdflib)."""
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        return g.parse(data=b"\n".join(self.triples()), format="nt")

    def locate(self, node: str) -> tuple[str, int]:
        """The file and line where an entry is described (first file that has it as subject)."""
        if node.startswith(str(WORK)):
            rec = self.bibliography.records.get(node[len(WORK) :].split("/")[0])
            if rec is not None:
                return rec.file, rec.line
        if not node.startswith(("http:", "https:", "urn:", "file:")):
            return "", 0
        for gid, rel in self.files.items():
            if next(self.store.quads_for_pattern(ox.NamedNode(node), None, None, ox.NamedNode(gid)), None):
                return rel, subject_line(self.project.root / rel, node)
        return "", 0


LEADING_TOKEN = re.compile(r"^([ \t]*)([^\s,]+)", re.M)


def subject_line(path: Path, node: str) -> int:
    """Line on which a node first appears as a subject in a Turtle or BibTeX file."""
    try:
        stamp = path.stat()
    except OSError:
        return 0
    if not S_ISREG(stamp.st_mode):
        return 0
    lines = line_index(path, stamp.st_mtime_ns, stamp.st_size)
    if path.suffix == ".bib":
        return lines.get(node.rsplit("/", 1)[-1], 0)
    found = [lines[name] for name in (f"<{node}>", compact(node)) if name in lines]
    return min(found, default=0)


@lru_cache(maxsize=32)
def line_index(path: Path, mtime_ns: int, size: int) -> dict[str, int]:
    """For one file (as of this modification time and size), the first line of each subject it describes:
    the leading token of a Turtle line, one at the start of a line before an indented one (an indented token is
    usually an object, one of a list); the key of a BibTeX entry. One pass over the file."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".bib":
        return entry_lines(text)
    flush: dict[str, int] = {}
    indented: dict[str, int] = {}
    line, counted = 1, 0
    for match in LEADING_TOKEN.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        (indented if match.group(1) else flush).setdefault(match.group(2), line)
    return indented | flush


def load_turtle(store: ox.Store, path: Path, root: Path, graph: ox.NamedNode, literals: list[ox.Quad]) -> list[Finding]:
    """Parse one Turtle file into its named graph, with the file's own IRI as base (so `<>` in it names the file);
    a syntax error becomes a finding with file and line."""
    base = file_iri(str(path.relative_to(root)))
    try:
        parsed = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base)
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed]
        store.extend(quads)
        literals += (q for q in quads if isinstance(q.object, ox.Literal))
    except SyntaxError as err:
        why = str(err.msg).split(": ", 1)[-1] if ": " in str(err.msg) else str(err.msg)
        return [Finding(str(path.relative_to(root)), err.lineno or 0, "", f"Turtle syntax error: {why}")]
    except MemoryError:  # Oxigraph's parser holds a term of at most 16 MiB
        line, entry, size = longest_term(path.read_text(encoding="utf-8", errors="replace"))
        why = f"a literal or IRI of {size / 2**20:.1f} MiB is over the Turtle parser's limit of 16 MiB"
        return [Finding(str(path.relative_to(root)), line, entry, f"{why}; keep large texts outside the graph")]
    return []


TERM = re.compile(  # Turtle's string forms and IRIs (and comments, to skip them); runs match possessively, fast
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"""|\'\'\'(?:[^\'\\]++|\\.|\'(?!\'\'))*+\'\'\''
    r'|"(?:[^"\\\n]++|\\.)*+"|\'(?:[^\'\\\n]++|\\.)*+\'|<[^>\s]*+>|#[^\n]*+',
    re.S,
)


def longest_term(text: str) -> tuple[int, str, int]:
    """The line, entry (the subject opening the statement) and size of the longest literal or IRI in Turtle text."""
    terms = [m for m in TERM.finditer(text) if not m.group().startswith("#")]  # comments are matched to skip them
    if not terms:
        return 0, "", len(text.encode("utf-8"))
    longest = max(terms, key=lambda m: (m.end() - m.start(), -m.start()))
    line = text.count("\n", 0, longest.start()) + 1
    heads = re.findall(r"^([^\s#@][^\s]*)", text[: longest.start()], re.M)
    entry = next((h for h in reversed(heads) if h.upper() not in ("PREFIX", "BASE")), "")
    return line, entry, len(longest.group().encode("utf-8"))


OWL_IMPORTS, OWL_ONTOLOGY, RDF_TYPE = (ox.NamedNode(str(t)) for t in (OWL.imports, OWL.Ontology, RDF.type))


def merge_imports(store: ox.Store, project: Project) -> None:
    """Merge the import modules as ODK's full release does: drop their ontology headers and the edit module's
    owl:imports of them, so the compiled graph (and each release) is one self-contained ontology."""
    ontology = ox.NamedNode(SOURCE[str(project.ontology.relative_to(project.root))])
    for path in project.import_modules():
        graph = ox.NamedNode(SOURCE[str(path.relative_to(project.root))])
        headers = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, OWL_ONTOLOGY, graph)}
        for header in headers:
            dropped = [*store.quads_for_pattern(header, None, None, graph)]
            dropped += store.quads_for_pattern(None, OWL_IMPORTS, header, ontology)
            for quad in dropped:
                store.remove(quad)


def compile_sources(project: Project) -> Compiled:
    """Parse every Turtle and BibTeX source, and the import modules, into the store; fail with all syntax errors
    at once. The modules are compiled so that the reasoner sees the reused terms' hierarchy and both releases carry
    their declarations (as ODK's full release merges its imports)."""
    store = ox.Store()
    files: dict[str, str] = {}
    findings: list[Finding] = []
    literals: list[ox.Quad] = []
    for path in project.compiled_turtle():
        rel = str(path.relative_to(project.root))
        files[str(SOURCE[rel])] = rel
        findings += load_turtle(store, path, project.root, ox.NamedNode(SOURCE[rel]), literals)
    merge_imports(store, project)
    bibliography, errors = load_bibliography(project.references_dir, project.root)
    findings += errors
    if findings:
        raise SmekgError("compiling sources", findings)
    bib_rel = str(project.references_dir.relative_to(project.root))
    files[str(SOURCE[bib_rel])] = bib_rel
    graph = ox.NamedNode(SOURCE[bib_rel])
    quads = [ox.Quad(s, p, o, graph) for s, p, o in bibliography_triples(bibliography)]
    store.extend(quads)
    literals += (q for q in quads if isinstance(q.object, ox.Literal))
    return apply_curation(Compiled(project, store, bibliography, files, literals))
