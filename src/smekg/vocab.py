"""Namespaces used across smekg, and the prefixes shown to users."""

from rdflib import DC, DCTERMS, OWL, RDF, RDFS, SKOS, XSD, Namespace

BASE = "https://w3id.org/smekg/"
SMEKG = Namespace(BASE + "ontology/")
KG = Namespace(BASE + "kg/")
WORK = Namespace(BASE + "work/")
PERSON = Namespace(BASE + "person/")
SOURCE = Namespace(BASE + "source/")
ONTOLOGY_IRI = BASE + "ontology"

FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")

PREFIXES: dict[str, str] = {
    "smekg": str(SMEKG),
    "kg": str(KG),
    "work": str(WORK),
    "person": str(PERSON),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dc": str(DC),
    "dcterms": str(DCTERMS),
    "fabio": str(FABIO),
    "cito": str(CITO),
    "prism": str(PRISM),
    "schema": str(SCHEMA),
    "prov": str(PROV),
}

OWN_NAMESPACES = (str(SMEKG), str(KG), str(WORK), str(PERSON))
# The namespaces whose entries are written by hand (the others are generated from the bibliography).
CURATED_NAMESPACES = (str(SMEKG), str(KG))

# The types that make a subject a term of the ontology (a class, a property or a datatype), whose declarations
# belong in the edit module ontology/smekg.ttl, never in a knowledge file.
TERM_KINDS: tuple[str, ...] = (
    *(
        str(OWL[kind])
        for kind in (
            "Class",
            "ObjectProperty",
            "DatatypeProperty",
            "AnnotationProperty",
            "FunctionalProperty",
            "InverseFunctionalProperty",
            "TransitiveProperty",
            "SymmetricProperty",
            "AsymmetricProperty",
            "ReflexiveProperty",
            "IrreflexiveProperty",
        )
    ),
    str(RDFS.Datatype),
)

# The kinds of documented terms: each has a label, a definition and its source (report_queries/missing_*.rq).
DOCUMENTED_KINDS: tuple[str, ...] = (
    *(str(OWL[kind]) for kind in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")),
    *(str(SMEKG[kind]) for kind in ("Theory", "Direction", "Structure")),
)


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
