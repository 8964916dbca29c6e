"""Find and compile the curated sources into one dataset, a named graph per source file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .bibliography import Bibliography, bibliography_graph, load_bibliography
from .errors import Finding, SmekgError
from .vocab import PREFIXES, SOURCE, WORK, compact


@dataclass
class Project:
    """Where a smekg project keeps its sources and writes its release."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "smekg.ttl"

    @property
    def knowledge_dir(self) -> Path:
        return self.root / "ontology" / "knowledge"

    @property
    def references_dir(self) -> Path:
        return self.root / "ontology" / "references"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def release_dir(self) -> Path:
        return self.root / "release"

    @property
    def links_dir(self) -> Path:
        return self.root / "ontology" / "links"

    def turtle_sources(self) -> list[Path]:
        """The ontology first, then the knowledge files and the curated links, in name order."""
        return [self.ontology, *sorted(self.knowledge_dir.glob("*.ttl")), *sorted(self.links_dir.glob("*.ttl"))]

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest directory at or above start that holds ontology/smekg.ttl."""
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "ontology" / "smekg.ttl").is_file():
                return cls(candidate)
        raise SmekgError("locating the project", [Finding(str(here), 0, "", "no ontology/smekg.ttl here or above")])


@dataclass
class Compiled:
    """The compiled sources: one named graph per file, and where each entry is written."""

    project: Project
    dataset: Dataset
    bibliography: Bibliography
    files: dict[URIRef, str] = field(default_factory=dict)

    def union(self) -> Graph:
        """All source triples in one graph."""
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        for ctx in self.dataset.graphs():
            if ctx.identifier in self.files:
                g += ctx
        return g

    def locate(self, node: str) -> tuple[str, int]:
        """The file and line where an entry is described (first file that has it as subject)."""
        if node.startswith(str(WORK)):
            rec = self.bibliography.records.get(node[len(WORK) :].split("/")[0])
            if rec is not None:
                return rec.file, rec.line
        term = URIRef(node)
        for gid, rel in self.files.items():
            if (term, None, None) in self.dataset.graph(gid):
                return rel, subject_line(self.project.root / rel, node)
        return "", 0


def subject_line(path: Path, node: str) -> int:
    """Line on which a node first appears as a subject in a Turtle or BibTeX file."""
    if not path.is_file():
        return 0
    names = [re.escape(f"<{node}>"), re.escape(compact(node))]
    if path.suffix == ".bib":
        names = [r"@\w+\s*[{(]\s*" + re.escape(node.rsplit("/", 1)[-1]) + r"\s*,"]
    pattern = re.compile(r"^[ \t]*(" + "|".join(names) + r")(\s|$|,)", re.M)
    match = pattern.search(path.read_text(encoding="utf-8"))
    return path.read_text(encoding="utf-8").count("\n", 0, match.start()) + 1 if match else 0


def parse_turtle(path: Path, root: Path) -> tuple[Graph, list[Finding]]:
    """Parse one Turtle file; a syntax error becomes a finding with file and line."""
    g = Graph()
    rel = str(path.relative_to(root))
    try:
        g.parse(path, format="turtle")
    except BadSyntax as err:
        why = str(err._why) if hasattr(err, "_why") else str(err)
        return g, [Finding(rel, err.lines + 1 if hasattr(err, "lines") else 0, "", f"Turtle syntax error: {why}")]
    except Exception as err:  # rdflib raises plain exceptions for some malformed terms
        line = re.search(r"line (\d+)", str(err))
        return g, [Finding(rel, int(line.group(1)) if line else 0, "", f"Turtle error: {err}")]
    return g, []


def compile_sources(project: Project) -> Compiled:
    """Parse every Turtle and BibTeX source into a dataset; fail with all syntax errors at once."""
    dataset = Dataset()
    files: dict[URIRef, str] = {}
    findings: list[Finding] = []
    for path in project.turtle_sources():
        graph, errors = parse_turtle(path, project.root)
        findings += errors
        rel = str(path.relative_to(project.root))
        gid = SOURCE[rel]
        files[gid] = rel
        dataset.graph(gid).__iadd__(graph)
    bibliography, errors = load_bibliography(project.references_dir, project.root)
    findings += errors
    if findings:
        raise SmekgError("compiling sources", findings)
    bib_rel = str(project.references_dir.relative_to(project.root))
    gid = SOURCE[bib_rel]
    files[gid] = bib_rel
    dataset.graph(gid).__iadd__(bibliography_graph(bibliography))
    return Compiled(project, dataset, bibliography, files)
