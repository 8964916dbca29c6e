"""What the curated sources say, read from the source files themselves: the counts a test compares the graph with,
so that a paper added as the README's "Adding knowledge" says keeps every test true."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from smekg import Project
from smekg.bibliography import load_bibliography, short_citation
from smekg.prefixes import PREFIXES

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def source_records(project: Project) -> dict[str, str]:
    """The source documents (the entries of sources.bib): key → short citation."""
    bibliography, _ = load_bibliography(project.references_dir, project.root)
    return {key: short_citation(bibliography.records[key]) for key in bibliography.source_keys}


def typed_in_knowledge(project: Project, kind: str) -> set[str]:
    """The IRIs the knowledge files type as kind (a prefixed name such as smekg:CaseFirm)."""
    prefix, _, local = kind.partition(":")
    wanted = ox.NamedNode(PREFIXES[prefix] + local)
    return {
        triple.subject.value
        for path in sorted(project.knowledge_dir.glob("*.ttl"))
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=Path(path).as_uri())
        if triple.predicate == RDF_TYPE and triple.object == wanted
    }
