"""Counts that describe the graph: classes, individuals, claims, publications, triples."""

from __future__ import annotations

from .query import Store

COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(smekg:))) }",
    "individuals": """SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a ?t . ?t a owl:Class
                      FILTER(STRSTARTS(STR(?i), STR(kg:)) || STRSTARTS(STR(?i), STR(work:))
                             || STRSTARTS(STR(?i), STR(person:))) }""",
    "claims": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a smekg:Claim }",
    "definitions": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a smekg:DefinitionStatement }",
    "publications": "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?w smekg:citationKey ?k }",
    "source documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a smekg:SourceDocument }",
    "case firms": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a smekg:CaseFirm }",
    "citations": "SELECT (COUNT(*) AS ?n) WHERE { ?d cito:cites ?w }",
}


def graph_stats(store: Store) -> dict[str, int]:
    """The headline counts of a release, one SPARQL query each."""
    return {name: int(store.select(query)[0]["n"]) for name, query in COUNTS.items()}
