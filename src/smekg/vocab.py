"""Namespaces used across smekg, and the prefixes shown to users."""

from rdflib import OWL, RDFS, Namespace

from .prefixes import BASE, PREFIXES, compact, expand  # noqa: F401 (re-exported: most modules take them from here)

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
