"""Generated labels and declarations, as a Protégé user expects them: every individual of the release is declared
an owl:NamedIndividual, and one that its curators gave no rdfs:label gets a readable one made from what it
records — a claim "Gao et al. 2019: network provides access to information" (the short citation of the document
that states it, then the labels of its subject, relation and object), a definition "… : definition statement of
technology partnership", and so on for every kind.

They go into their own named graph (GENERATED), part of the base release and never written into the sources; a
curated label always wins, and a generated label is unique (it never repeats another label, curated or not);
smekg:labelIsGenerated true marks the entities whose label was generated.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD

from .reasoning import INFERRED
from .sources import Compiled
from .vocab import BASE, SMEKG

GENERATED = ox.NamedNode(BASE + "generated")
BUILT_IN = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", str(RDFS))

ASSERTED_TYPE = f"""GRAPH ?g {{ ?x a ?type }}
  FILTER(?g != <{INFERRED.value}> && isIRI(?x))
  FILTER(!STRSTARTS(STR(?type), "{BUILT_IN[0]}") && !STRSTARTS(STR(?type), "{BUILT_IN[1]}")
         && !STRSTARTS(STR(?type), "{BUILT_IN[2]}"))"""

INDIVIDUALS = f"SELECT DISTINCT ?x WHERE {{ {ASSERTED_TYPE} }}"

LABELS = 'SELECT ?l WHERE { ?x rdfs:label ?l FILTER(isIRI(?x) && LANG(?l) IN ("en", "")) }'

# What a generated label is made of: a key and the path from the individual to it (an IRI stands for its label).
PARTS = {
    "cite": "smekg:statedIn/smekg:shortCitation|^smekg:hasAuthorship/smekg:shortCitation",
    "subject": "smekg:claimSubject",
    "relation": "smekg:claimRelation",
    "object": "smekg:claimObject",
    "of": "smekg:definedConcept|smekg:profiledType",
    "name": "smekg:citationLabel|smekg:venueName|smekg:author",
    "number": "smekg:stageOrder|smekg:authorPosition",
    "sort": "smekg:criterionKind|smekg:componentKind",
    "about": "smekg:about",
    "text": "dcterms:description",
}

PART_QUERY = f"""
SELECT ?x ?key ?value WHERE {{
  {{ {" } UNION { ".join(f'?x {path} ?v BIND("{key}" AS ?key)' for key, path in PARTS.items())} }}
  FILTER NOT EXISTS {{ ?x rdfs:label ?curated }}
  OPTIONAL {{ ?v rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }}
  BIND(IF(isIRI(?v), COALESCE(STR(?label), REPLACE(STR(?v), "^.*[/#]", "")), STR(?v)) AS ?value)
}}"""

KIND_QUERY = f"""
SELECT ?x ?value WHERE {{
  {ASSERTED_TYPE}
  FILTER NOT EXISTS {{ ?x rdfs:label ?curated }}
  FILTER NOT EXISTS {{ GRAPH ?h {{ ?x a ?narrower }} FILTER(?h != <{INFERRED.value}> && ?narrower != ?type)
                      ?narrower rdfs:subClassOf+ ?type }}
  OPTIONAL {{ ?type rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }}
  BIND(COALESCE(STR(?label), REPLACE(STR(?type), "^.*[/#]", "")) AS ?value)
}}"""


@dataclass
class Generated:
    """What generate() added: how many individuals, and how many of them got a generated label."""

    individuals: int
    labelled: int


def generate(compiled: Compiled) -> Generated:
    """Add the declarations and labels to the GENERATED graph of the compiled store."""
    individuals = sorted({row["x"].value for row in compiled.query(INDIVIDUALS)})
    labels = unique_labels(compiled, label_parts(compiled))
    declared = [ox.Quad(ox.NamedNode(x), RDF_TYPE, NAMED_INDIVIDUAL, GENERATED) for x in individuals]
    labelled = [ox.Quad(ox.NamedNode(x), RDFS_LABEL, ox.Literal(text, language="en"), GENERATED) for x, text in labels]
    marked = [ox.Quad(ox.NamedNode(x), LABEL_IS_GENERATED, TRUE, GENERATED) for x, _ in labels]
    compiled.store.extend(declared + labelled + marked)
    return Generated(len(individuals), len(labelled))


RDF_TYPE, RDFS_LABEL = ox.NamedNode(RDF.type), ox.NamedNode(RDFS.label)
# Says that an entity's label was made by the build: queries that prefer a curated label to a description skip it.
LABEL_IS_GENERATED = ox.NamedNode(SMEKG + "labelIsGenerated")
TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD.boolean))
NAMED_INDIVIDUAL = ox.NamedNode(OWL.NamedIndividual)


def label_parts(compiled: Compiled) -> dict[str, dict[str, list[str]]]:
    """For each individual without a label, its parts (PARTS and its most specific kind), each sorted."""
    parts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in compiled.query(KIND_QUERY):
        parts[row["x"].value]["kind"].add(row["value"].value)
    for row in compiled.query(PART_QUERY):
        parts[row["x"].value][row["key"].value].add(row["value"].value)
    return {x: {key: sorted(values) for key, values in found.items()} for x, found in parts.items() if "kind" in found}


def label_text(parts: dict[str, list[str]]) -> str:
    """A readable label: "<short citation>: <what it records>"."""
    kind, sort = parts["kind"][0], parts.get("sort", [""])[0]
    kind = kind if sort in kind else f"{sort} {kind}"
    if all(parts.get(key) for key in ("subject", "relation", "object")):
        body = f"{listed(parts['subject'])} {parts['relation'][0]} {listed(parts['object'])}"
        body += "" if kind == "claim" else f" ({kind})"
    else:
        body = kind + "".join(f"{lead}{listed(parts[key])}" for key, lead in QUALIFIERS.items() if parts.get(key))
    cite = parts.get("cite")
    return f"{cite[0]}: {body}" if cite else body


QUALIFIERS = {"number": " ", "of": " of ", "name": " ", "about": " about "}


def listed(values: list[str]) -> str:
    """Values as English: "a", "a and b", "a, b and c"."""
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} and {values[-1]}"


def unique_labels(compiled: Compiled, parts: dict[str, dict[str, list[str]]]) -> list[tuple[str, str]]:
    """(individual, label) for each individual in parts, sorted; a label that would repeat another (ignoring
    case) gets the start of the individual's description, then, if still repeated, its local name."""
    taken = {row["l"].value.casefold() for row in compiled.query(LABELS)}
    texts = {x: label_text(found) for x, found in parts.items()}
    for extra in (lambda x: excerpt(parts[x].get("text", [""])[0]), lambda x: x.rsplit("/", 1)[-1]):
        counts = defaultdict(int)
        for text in texts.values():
            counts[text.casefold()] += 1
        for x, text in texts.items():
            if (counts[text.casefold()] > 1 or text.casefold() in taken) and extra(x):
                texts[x] = f"{text} — {extra(x)}"
    return sorted(texts.items())


def excerpt(text: str, words: int = 8) -> str:
    """The first words of a text, with "…" if it goes on."""
    found = text.split()
    return " ".join(found[:words]) + (" …" if len(found) > words else "")
