"""Prototype: SHACL validation per source file, cached by a content hash of what the file's result depends on.

Each subject belongs to the first source file that describes it (as Compiled.locate does). A file's
partition holds every triple about its subjects (from any file), the rdf:type triples of every node they
point at, and the class hierarchy (rdfs:subClassOf). For shapes whose targets are sh:targetClass and whose
paths are single predicates (checked by shacl_sparql.compile_shapes), the findings about a file's subjects
depend only on its partition, so the union of the partitions' findings equals a full run's, and a partition
whose hash is unchanged keeps its cached findings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from rdflib import RDF, RDFS, BNode, Graph, URIRef
from shacl_sparql import Violation, compile_shapes

from smekg.sources import Compiled

Validator = Callable[[Graph, Graph], set[Violation]]


def owners(compiled: Compiled) -> dict[URIRef, set]:
    """Subjects per source file: each subject with the first file (in build order) that describes it."""
    seen: set = set()
    owned: dict[URIRef, set] = {}
    for gid in compiled.files:
        subjects = {s for s in compiled.dataset.graph(gid).subjects() if not isinstance(s, BNode)} - seen
        owned[gid] = subjects
        seen |= subjects
    return owned


def partition(union: Graph, subjects: set, hierarchy: list) -> Graph:
    """The triples a file's findings depend on: its subjects' triples, blank node closure, objects' types."""
    part = Graph()
    for triple in hierarchy:
        part.add(triple)
    frontier, done = list(subjects), set()
    while frontier:
        node = frontier.pop()
        if node in done:
            continue
        done.add(node)
        for s, p, o in union.triples((node, None, None)):
            part.add((s, p, o))
            if isinstance(o, BNode):
                frontier.append(o)
            elif isinstance(o, URIRef):
                for t in union.objects(o, RDF.type):
                    part.add((o, RDF.type, t))
    return part


def digest(graph: Graph, salt: str) -> str:
    """A hash of a graph's triples (blank nodes as '_:', so a re-parse hashes the same) and of salt."""
    lines = sorted(" ".join("_:" if isinstance(t, BNode) else t.n3() for t in triple) for triple in graph)
    return hashlib.sha256((salt + "\n".join(lines)).encode()).hexdigest()


def validate_cached(
    compiled: Compiled, union: Graph, shapes: Graph, validate: Validator, cache: dict[str, list]
) -> tuple[set[Violation], dict[str, int]]:
    """Findings of every partition, validating only those whose hash is not in cache; and cache statistics."""
    compile_shapes(shapes)  # refuses shapes for which partitioning would not be exact
    salt = shapes.serialize(format="nt")
    hierarchy = list(union.triples((None, RDFS.subClassOf, None)))
    found: set[Violation] = set()
    misses = 0
    for subjects in owners(compiled).values():
        part = partition(union, subjects, hierarchy)
        key = digest(part, salt)
        if key not in cache:
            misses += 1
            mine = {str(s) for s in subjects}
            cache[key] = [list(v) for v in validate(part, shapes) if v[0] in mine]
        found |= {tuple(v) for v in cache[key]}
    return found, {"partitions": len(compiled.files), "validated": misses}


def apply_changes(compiled: Compiled, before: Graph, after: Graph) -> None:
    """Edit the compiled sources so their union goes from before to after (additions go to the subject's file)."""
    owner = {s: gid for gid, subjects in owners(compiled).items() for s in subjects}
    for triple in before - after:
        for gid in compiled.files:
            compiled.dataset.graph(gid).remove(triple)
    for triple in after - before:
        compiled.dataset.graph(owner[triple[0]]).add(triple)
