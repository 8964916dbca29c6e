"""Prototypes of faster pipeline stages, measured like the stages they would replace (task `prototypes`).

- compile and the Python checks as today, with the cyclic garbage collector off (gc.disable);
- compile into Oxigraph: each Turtle file parsed by Oxigraph into its named graph (the bibliography still
  built by pybtex and rdflib), and the Python checks of references and annotations as SPARQL on that store;
"""

from __future__ import annotations

import argparse
import gc
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from smekg import Project
from smekg.bibliography import bibliography_graph, load_bibliography
from smekg.checks import check_annotations, check_references, check_terms
from smekg.sources import SOURCE, Compiled, compile_sources
from smekg.vocab import PREFIXES

Stage = tuple[Callable[[], Any], Callable[[Any], dict] | None]


def compile_oxigraph(project: Project) -> ox.Store:
    """The compiled sources in Oxigraph: each Turtle file parsed by Oxigraph into its named graph, and the
    bibliography (pybtex and smekg's record graphs, as today) added as one named graph."""
    store = ox.Store()
    for path in project.turtle_sources():
        graph = ox.NamedNode(SOURCE[str(path.relative_to(project.root))])
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    bibliography, _ = load_bibliography(project.references_dir, project.root)
    graph = ox.NamedNode(SOURCE[str(project.references_dir.relative_to(project.root))])
    data = bibliography_graph(bibliography).serialize(format="nt", encoding="utf-8")
    store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    return store


UNDECLARED = """
SELECT DISTINCT ?g ?s ?term WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(?p != owl:versionIRI && ?p != owl:priorVersion)
  VALUES ?at { 0 1 2 }
  BIND(IF(?at = 0, ?s, IF(?at = 1, ?p, ?o)) AS ?term)
  FILTER(isIRI(?term) && ?term != <https://w3id.org/smekg/ontology> && REGEX(STR(?term), "^https://w3id.org/smekg/(ontology|kg|work|person)/"))
  FILTER NOT EXISTS { GRAPH ?any { ?term a ?type } }
}"""

CONFLICTING = """
SELECT ?s ?p ?lang (COUNT(DISTINCT ?o) AS ?n) WHERE {
  VALUES ?p { rdfs:label skos:definition }
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?s) && isLiteral(?o) && REGEX(STR(?s), "^https://w3id.org/smekg/(ontology|kg)/"))
} GROUP BY ?s ?p (LANG(?o) AS ?lang) HAVING (COUNT(DISTINCT ?o) > 1)"""


def sparql_checks(store: ox.Store) -> list:
    """check_references and check_annotations as SPARQL over the named graphs (check_terms is SPARQL already)."""
    found = []
    for query in (UNDECLARED, CONFLICTING):
        found += list(store.query(query, prefixes=PREFIXES))
    return found


def gc_off(fn: Callable[[], Any]) -> Any:
    """Run fn with Python's cyclic garbage collector off (its full passes walk every rdflib term)."""
    gc.disable()
    try:
        return fn()
    finally:
        gc.enable()


def python_checks(compiled: Compiled, union: Graph) -> list:
    """smekg's checks of references, annotations and terms, as validate_compiled runs them before SHACL."""
    return check_references(compiled, union) + check_annotations(compiled) + check_terms(compiled, union)


def prototypes_task(args: argparse.Namespace) -> dict[str, Stage]:
    """The prototype stages on the scale's project folder."""
    project, state = Project(args.dir / "project"), {}

    def compiled() -> ox.Store:
        state["store"] = compile_oxigraph(project)
        return state["store"]

    return {
        "compile sources (prototype: GC off)": (
            lambda: gc_off(lambda: state.update(python=(c := compile_sources(project), c.union()))),
            None,
        ),
        "checks (prototype: GC off)": (lambda: gc_off(lambda: python_checks(*state["python"])), None),
        "compile sources (prototype: Oxigraph)": (compiled, lambda s: {"quads": len(s)}),
        "checks references, annotations (prototype: SPARQL)": (
            lambda: sparql_checks(state["store"]),
            lambda r: {"findings": len(r)},
        ),
    }
