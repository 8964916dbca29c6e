"""The prefixes shown to users and bound in every query, as plain strings: the query path imports this, not rdflib
(vocab.py builds rdflib namespaces from the same strings)."""

BASE = "https://w3id.org/smekg/"

PREFIXES: dict[str, str] = {
    "smekg": BASE + "ontology/",
    "kg": BASE + "kg/",
    "work": BASE + "work/",
    "person": BASE + "person/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "cito": "http://purl.org/spar/cito/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "schema": "https://schema.org/",
    "prov": "http://www.w3.org/ns/prov#",
}


def compact(iri: str) -> str:
    """Shorten an IRI to prefix:local form when a known prefix covers it."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and "/" not in iri[len(ns) :] and "#" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(term: str) -> str:
    """Expand a prefix:local name to a full IRI; full IRIs pass through."""
    prefix, sep, local = term.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return term
