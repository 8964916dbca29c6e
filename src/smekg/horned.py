"""The graph as OWL 2 axioms (py-horned-owl): read from N-Triples by the OWL 2 RDF mapping, checked to have lost no
triple, written as OWL/XML for a reasoner, walked to name the constructs it uses."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyhornedowl
import pyoxigraph as ox

from .safeio import fail

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_CLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#Class")
OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
NO_LOGIC = ("Declare", "AnnotationAssertion", "SubAnnotationPropertyOf", "AnnotationPropertyDomain")
NO_LOGIC += ("AnnotationPropertyRange", "OntologyAnnotation", "Import", "DocIRI", "OntologyID", "OntologyRewrite")

Ontology = pyhornedowl.PyIndexedOntology


def read_ntriples(path: Path) -> Ontology:
    """The axioms of an N-Triples file, as py-horned-owl reads them by the OWL 2 RDF mapping."""
    try:
        return pyhornedowl.open_ontology_from_file(str(path))  # .nt: read as Turtle
    except (ValueError, OSError) as err:
        raise fail("reasoning", path, f"py-horned-owl cannot read the graph as OWL 2: {err}") from None


@dataclass
class Audit:
    """What a reasoner fed from py-horned-owl's axioms would miss or meet: the triples the axioms do not give back,
    and the datatypes the logic uses (of literals outside annotations, and named as the values of axioms)."""

    unread: list[ox.Triple]
    datatypes: set[str]


def audit(path: Path, ontology: Ontology) -> Audit:
    """Compare the N-Triples file with the axioms written out as RDF again, blank nodes as wildcards (rdfs:Class
    types of OWL classes are left out: OWL 2 gives them no meaning); collect the datatypes the logic uses."""
    given_back = signature(ox.parse(input=ontology.save_to_string("owl").encode(), format=ox.RdfFormat.RDF_XML))
    triples = set(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))
    owl_classes = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == OWL_CLASS}
    missing = signature(triples) - given_back
    unread = [
        t
        for t in triples
        if missing[key(t)] and not (t.predicate == RDF_TYPE and t.object == RDFS_CLASS and t.subject in owl_classes)
    ]
    unread.sort(key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t)))  # named subjects first
    return Audit(unread, datatypes(triples, {str(p) for p in ontology.get_annotation_properties()}))


XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OTHER_DATATYPES = {
    RDF + "PlainLiteral",
    RDF + "langString",
    RDF + "XMLLiteral",
    "http://www.w3.org/2000/01/rdf-schema#Literal",
}
OTHER_DATATYPES |= {"http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational"}


def datatypes(triples: set[ox.Triple], annotation_properties: set[str]) -> set[str]:
    """Datatype IRIs the logic uses: of literals not under an annotation property, and any named as an object
    (facets are predicates, so an XML Schema IRI as an object is a datatype)."""
    found = set()
    for t in triples:
        if isinstance(t.object, ox.Literal):
            if t.predicate.value not in annotation_properties and not t.predicate.value.startswith(ANNOTATIONS):
                found.add(t.object.datatype.value)
        elif isinstance(t.object, ox.NamedNode) and (
            t.object.value.startswith(XSD) or t.object.value in OTHER_DATATYPES
        ):
            found.add(t.object.value)
    return found


ANNOTATIONS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2000/01/rdf-schema#comment")
ANNOTATIONS += ("http://www.w3.org/2000/01/rdf-schema#seeAlso", "http://www.w3.org/2000/01/rdf-schema#isDefinedBy")
ANNOTATIONS += ("http://www.w3.org/2002/07/owl#versionInfo", "http://www.w3.org/2002/07/owl#deprecated")


def key(triple: ox.Triple) -> tuple:
    """A triple with its blank nodes replaced by None."""
    blank = ox.BlankNode
    return (
        None if isinstance(triple.subject, blank) else triple.subject,
        triple.predicate,
        None if isinstance(triple.object, blank) else triple.object,
    )


def signature(triples: object) -> Counter:
    """How often each blank-node-free key occurs."""
    return Counter(key(t) for t in triples)


def write_owx(ontology: Ontology, path: Path) -> Path:
    """The ontology as OWL/XML, the syntax Konclude reads fully."""
    ontology.save_to_file(str(path), "owx")
    return path


def logical_axioms(ontology: Ontology) -> list:
    """The annotated components that carry meaning for a reasoner (no declarations, annotations or headers)."""
    return [a for a in ontology.get_axioms() if not kind(a).startswith(NO_LOGIC)]


def kind(axiom: object) -> str:
    """The axiom's OWL 2 functional-syntax name, e.g. 'SubClassOf' (py-horned-owl's Declare* for declarations)."""
    return type(axiom.component).__name__


IRI = re.compile(r"<([^>]+)>")


def iris(axiom: object) -> list[str]:
    """The IRIs an axiom mentions, in the order its functional syntax writes them."""
    return IRI.findall(str(axiom.component))
