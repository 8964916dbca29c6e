"""The graph as OWL 2 axioms (py-horned-owl): read from N-Triples by the OWL 2 RDF mapping, checked to have lost no
triple, written in functional syntax or OWL/XML for a reasoner, walked to name the constructs it uses."""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyhornedowl
import pyoxigraph as ox

from .errors import fail
from .owners import REASON_PREFIX, tagged

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
    vocabulary: set[str] = field(default_factory=set)  # OWL's own terms used as predicates or types
    literal_types: dict[str, set[str]] = field(default_factory=dict)  # property -> datatypes of its literals
    restricted: dict[str, set[str]] = field(default_factory=dict)  # property -> datatypes its restrictions name
    asserted_values: dict[str, int] = field(default_factory=dict)  # object property -> distinct named values


RESERVED = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/2000/01/rdf-schema#")
RESERVED += ("http://www.w3.org/2002/07/owl#",)
NAMED_INDIVIDUAL = ox.NamedNode("http://www.w3.org/2002/07/owl#NamedIndividual")


def audit(path: Path, ontology: Ontology) -> Audit:
    """Check that the axioms account for every triple of the N-Triples file, in one pass over it.

    A plain triple (named subject, a property of the graph's own, a named or literal object, or a class assertion of
    a named class) is always read as one assertion (an annotation if its property is not declared: the tests show
    the full round trip agrees); every other triple (blank nodes, OWL's own vocabulary) is compared with what the
    axioms read from those triples alone give back when written out as RDF again, blank nodes as wildcards
    (rdfs:Class types of OWL classes are left out: OWL 2 gives them no meaning)."""
    plain: dict[ox.NamedNode, set[str]] = {}  # property -> the datatypes of its literals
    named: dict[ox.NamedNode, set[int]] = {}  # property -> its distinct named values (hashed: the file may repeat)
    structural: list[ox.Triple] = []
    for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            structural.append(t)
        elif t.predicate == RDF_TYPE:
            structural += [t] if t.object.value.startswith(RESERVED) and t.object != NAMED_INDIVIDUAL else []
        elif t.predicate.value.startswith(RESERVED):
            structural.append(t)
        else:
            seen = plain.setdefault(t.predicate, set())
            if isinstance(t.object, ox.Literal):
                seen.add(t.object.datatype.value)
            else:
                named.setdefault(t.predicate, set()).add(hash((t.subject, t.object)))
    unread = unread_structural(structural)
    unread.sort(key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t)))  # named subjects first
    annotation = {str(p) for p in ontology.get_annotation_properties()}
    used = {d for p, seen in plain.items() if p.value not in annotation for d in seen}
    listed = {t.object.value for t in structural if isinstance(t.object, ox.NamedNode) and is_datatype(t.object.value)}
    literal_types = {p.value: seen for p, seen in plain.items() if p.value not in annotation}
    objects = set(ontology.get_object_properties())
    asserted = {p.value: len(n) for p, n in named.items() if p.value in objects}
    return Audit(
        unread, used | listed, vocabulary(structural), literal_types, restricted_datatypes(structural), asserted
    )


OWL_NS = "http://www.w3.org/2002/07/owl#"
ON_PROPERTY, ON_DATATYPE = ox.NamedNode(OWL_NS + "onProperty"), ox.NamedNode(OWL_NS + "onDatatype")
FILLERS = {ox.NamedNode(OWL_NS + name) for name in ("someValuesFrom", "allValuesFrom", "onDataRange")}


def vocabulary(triples: list[ox.Triple]) -> set[str]:
    """The OWL terms the triples use as predicates or as types."""
    used = {t.predicate.value for t in triples} | {t.object.value for t in triples if t.predicate == RDF_TYPE}
    return {term for term in used if term.startswith(OWL_NS)}


def restricted_datatypes(triples: list[ox.Triple]) -> dict[str, set[str]]:
    """For each data property a restriction is on, the datatypes its fillers name (the base of a facet restriction)."""
    by_subject: dict[object, dict] = {}
    for t in triples:
        by_subject.setdefault(t.subject, {})[t.predicate] = t.object
    found: dict[str, set[str]] = {}
    for restriction in by_subject.values():
        prop = restriction.get(ON_PROPERTY)
        for filler in (restriction[f] for f in FILLERS if f in restriction):
            base = by_subject.get(filler, {}).get(ON_DATATYPE, filler)
            if isinstance(prop, ox.NamedNode) and isinstance(base, ox.NamedNode) and is_datatype(base.value):
                found.setdefault(prop.value, set()).add(base.value)
    return found


def unread_structural(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples that py-horned-owl, reading them alone, does not give back as RDF."""
    if not triples:
        return []
    with tempfile.TemporaryDirectory(prefix=tagged(REASON_PREFIX)) as tmp:  # a killed build's is removed by the next
        path = Path(tmp) / "structural.nt"  # a .nt file, so that py-horned-owl reads it as N-Triples
        ox.serialize(triples, path, format=ox.RdfFormat.N_TRIPLES)
        alone = read_ntriples(path)
    given_back = signature(ox.parse(input=alone.save_to_string("owl").encode(), format=ox.RdfFormat.RDF_XML))
    owl_classes = {t.subject for t in triples if t.predicate == RDF_TYPE and t.object == OWL_CLASS}
    missing = signature(set(triples)) - given_back
    return [
        t
        for t in set(triples)
        if missing[key(t)] and not (t.predicate == RDF_TYPE and t.object == RDFS_CLASS and t.subject in owl_classes)
    ]


XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OTHER_DATATYPES = {RDF + "PlainLiteral", RDF + "langString", RDF + "XMLLiteral"}
OTHER_DATATYPES |= {"http://www.w3.org/2000/01/rdf-schema#Literal"}
OTHER_DATATYPES |= {"http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational"}


def is_datatype(iri: str) -> bool:
    """Whether an IRI named as an object is a datatype (facets are predicates, so any XML Schema IRI is one)."""
    return iri.startswith(XSD) or iri in OTHER_DATATYPES


DISTINCT_MEMBERS = ox.NamedNode("http://www.w3.org/2002/07/owl#distinctMembers")
MEMBERS = ox.NamedNode("http://www.w3.org/2002/07/owl#members")


def key(triple: ox.Triple) -> tuple:
    """A triple with its blank nodes replaced by None (and owl:distinctMembers, which the mapping reads as
    owl:members and py-horned-owl writes back as such, as owl:members)."""
    blank = ox.BlankNode
    return (
        None if isinstance(triple.subject, blank) else triple.subject,
        MEMBERS if triple.predicate == DISTINCT_MEMBERS else triple.predicate,
        None if isinstance(triple.object, blank) else triple.object,
    )


def signature(triples: object) -> Counter:
    """How often each blank-node-free key occurs."""
    return Counter(key(t) for t in triples)


def write_owx(ontology: Ontology, path: Path) -> Path:
    """The ontology as OWL/XML (the explanation search cuts it into axioms)."""
    ontology.save_to_file(str(path), "owx")
    return path


def write_ofn(ontology: Ontology, path: Path) -> Path:
    """The ontology in OWL functional syntax, which Konclude reads fully (its RDF/XML reader drops owl:sameAs,
    owl:differentFrom and negative assertions) and py-horned-owl writes 5x faster than OWL/XML."""
    ontology.save_to_file(str(path), "ofn")
    return path


def logical_axioms(ontology: Ontology) -> list:
    """The annotated components that carry meaning for a reasoner (no declarations, annotations or headers)."""
    return [a for a in ontology.get_axioms() if not kind(a).startswith(NO_LOGIC)]


def kind(axiom: object) -> str:
    """The axiom's OWL 2 functional-syntax name, e.g. 'SubClassOf' (py-horned-owl's Declare* for declarations)."""
    return type(axiom.component).__name__


IRI = re.compile(r"<([^>]+)>")  # an IRI in functional syntax
