"""Extract the import modules in this folder from the published vocabularies (run by hand, not by the build).

    python ontology/imports/extract.py [VOCABULARY_DIR]      (default: ../shared/vocabularies from the repository)

For every vocabulary in SOURCES, the module `<name>_import.ttl` holds, for each term of terms.txt that the
vocabulary declares, and for every named superclass / superproperty they reach in it:
its declarations (rdf:type), characteristics (functional, ...), rdfs:label, rdfs:comment and its named
rdfs:subClassOf / rdfs:subPropertyOf axioms, exactly as the publisher wrote them. A superclass the publisher uses
without declaring it (e.g. foaf:Agent in ORG) gets the owl:Class declaration it needs for OWL 2 DL.
Domains, ranges, restrictions and disjointness axioms are left out (a SLME-like "bottom" module of names only):
they would make the build's reasoner type smekg's records with classes smekg does not use.
Where the publishers declare a property both as an annotation property and as an object or data property
(FaBiO and ORG/PROV-O do for dcterms:created, issued, modified, license, publisher; see also
the modules keep only the annotation property: one type, so the merged modules are OWL 2 DL. smekg itself uses none
of these punned properties (any use of one is an OWL 2 DL violation next to the published vocabularies): licences
are schema:license, publication years smekg:yearPublished (see minimal_import.ttl and ../smekg.ttl).
Terms no published copy declares are in minimal_import.ttl, written by hand.
The modules are written with @prefix lines (the OWL API's own Turtle parser rejects PREFIX lines).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

HERE = Path(__file__).resolve().parent
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
BASE = "https://w3id.org/smekg/imports/"
SOURCES = {  # module name → (published file, its ontology IRI, licence, where it was copied from)
    "fabio": (
        "fabio.ttl",
        "http://purl.org/spar/fabio",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://github.com/SPAROntologies/fabio",
    ),
    "cito": (
        "cito.ttl",
        "http://purl.org/spar/cito",
        "https://creativecommons.org/licenses/by/4.0/",
        "https://github.com/SPAROntologies/cito",
    ),
    "prov": (
        "prov-o.ttl",
        "http://www.w3.org/ns/prov-o#",
        "https://www.w3.org/copyright/software-license/",
        "https://github.com/w3c/ns",
    ),
    "org": (
        "org.ttl",
        "http://www.w3.org/ns/org#",
        "https://www.w3.org/copyright/software-license/",
        "https://github.com/w3c/ns",
    ),
}
KEPT = {RDF.type, RDFS.label, RDFS.comment, RDFS.subClassOf, RDFS.subPropertyOf}
UPWARD = (RDFS.subClassOf, RDFS.subPropertyOf)
PREFIXES = {
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "frbr": "http://purl.org/vocab/frbr/core#",
    "cito": "http://purl.org/spar/cito/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "vann": "http://purl.org/vocab/vann/",
}


def seeds() -> list[URIRef]:
    """The reused terms smekg uses, from terms.txt (prefix:local, one a line, # comments)."""
    terms = []
    for line in (HERE / "terms.txt").read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            prefix, _, local = term.partition(":")
            terms.append(URIRef(str(PREFIXES[prefix]) + local))
    return terms


def module(source: Graph, terms: list[URIRef]) -> Graph:
    """The declarations, labels and named hierarchy of the terms the source declares, closed upwards."""
    out = Graph()
    todo = [t for t in terms if (t, RDF.type, None) in source]
    done: set[URIRef] = set()
    while todo:
        term = todo.pop()
        if term in done:
            continue
        done.add(term)
        for p, o in source.predicate_objects(term):
            if p in KEPT and keep(p, o):
                out.add((term, p, o))
                if p in UPWARD:
                    todo.append(o)
    for term in done:
        if (term, RDF.type, None) not in out:  # used by the publisher as a superclass/property, never declared
            kind = OWL.ObjectProperty if (None, RDFS.subPropertyOf, term) in out else OWL.Class
            out.add((term, RDF.type, kind))
    return out


def annotation_puns(modules: list[Graph]) -> set[URIRef]:
    """Properties some module declares as annotation properties and some as object or data properties."""
    annotation = {t for g in modules for t in g.subjects(RDF.type, OWL.AnnotationProperty)}
    logical = {t for g in modules for k in (OWL.ObjectProperty, OWL.DatatypeProperty) for t in g.subjects(RDF.type, k)}
    return annotation & logical


def drop_logical_types(g: Graph, terms: set[URIRef]) -> None:
    """Keep one type for a punned property, the annotation property, and drop rdfs:subPropertyOf axioms that
    would then relate an annotation property to an object or data property."""
    for term in terms:
        if (term, RDF.type, None) in g:
            g.add((term, RDF.type, OWL.AnnotationProperty))
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.FunctionalProperty):
            g.remove((term, RDF.type, kind))
    for sub, sup in list(g.subject_objects(RDFS.subPropertyOf)):
        if ((sub, RDF.type, OWL.AnnotationProperty) in g) != ((sup, RDF.type, OWL.AnnotationProperty) in g):
            g.remove((sub, RDFS.subPropertyOf, sup))


def keep(p: URIRef, o: object) -> bool:
    """Named objects (no restrictions), labels and comments in English or without a language tag, and no
    rdfs:subPropertyOf owl:topObjectProperty (built in, and a reserved IRI in OWL 2 DL)."""
    if isinstance(o, Literal):
        return o.language in (None, "en")
    return isinstance(o, URIRef) and not (p in UPWARD and str(o).startswith(str(OWL)))


def header(g: Graph, name: str, iri: str, licence: str, origin: str, version: str) -> None:
    """The module's ontology header: its own IRI, what it was extracted from, and the publisher's licence."""
    node = URIRef(BASE + f"{name}_import")
    g.add((node, RDF.type, OWL.Ontology))
    g.add((node, RDFS.label, Literal(f"smekg import module: {name}", lang="en")))
    g.add((node, RDFS.comment, Literal(f"Extracted by ontology/imports/extract.py from {origin}", lang="en")))
    for prop, value in ((DCTERMS + "source", version or iri), (SCHEMA + "license", licence)):
        g.add((node, URIRef(prop), URIRef(value)))
        g.add((URIRef(prop), RDF.type, OWL.AnnotationProperty))  # declared: each module stands alone


def main(vocabularies: Path) -> None:
    terms, modules = seeds(), {}
    for name, (file, iri, licence, origin) in SOURCES.items():
        source = Graph().parse(vocabularies / file, format="turtle")
        version = next((str(v) for v in source.objects(URIRef(iri), OWL.versionIRI)), "")
        modules[name] = module(source, terms)
        header(modules[name], name, iri, licence, origin, version)
    puns = annotation_puns(list(modules.values()))
    for name, g in modules.items():
        drop_logical_types(g, puns)
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True, replace=True)
        (HERE / f"{name}_import.ttl").write_text(g.serialize(format="turtle"), encoding="utf-8")
        print(f"{name}_import.ttl: {len(g)} triples")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "vocabularies")
