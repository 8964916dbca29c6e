"""OWL reasoning with HermiT (through owlready2): consistency, satisfiability, inferences."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from .errors import Finding
from .vocab import OWN_NAMESPACES, compact

NOTHING = OWL.Nothing


@dataclass
class Reasoned:
    """What HermiT concluded about a graph."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: Graph = field(default_factory=Graph)
    explanation: str = ""

    def findings(self) -> list[Finding]:
        if not self.consistent:
            return [Finding("", 0, "", f"HermiT: the graph is inconsistent. {self.explanation}".strip())]
        return [
            Finding("", 0, compact(c), "HermiT: class is unsatisfiable (equivalent to owl:Nothing)")
            for c in self.unsatisfiable
        ]


def run_hermit(graph: Graph) -> Reasoned:
    """Classify the graph with HermiT; return inferred class and type assertions."""
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    with tempfile.TemporaryDirectory(prefix="smekg-reason-") as tmp:
        path = Path(tmp) / "input.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = World()
        world.get_ontology(path.as_uri()).load()
        try:
            with world.get_ontology("http://smekg.invalid/inferred/"):
                sync_reasoner(world, infer_property_values=False, debug=0)
        except OwlReadyInconsistentOntologyError as err:
            return Reasoned(False, explanation=str(err).strip().splitlines()[0] if str(err).strip() else "")
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri.startswith(OWN_NAMESPACES))
        after = world.as_rdflib_graph()
        inferred = Graph()
        for s, p, o in after.triples((None, None, None)):
            if (
                p in (RDF.type, RDFS.subClassOf)
                and isinstance(s, URIRef)
                and isinstance(o, URIRef)
                and str(s).startswith(OWN_NAMESPACES)
                and o != OWL.Thing
                and o != NOTHING
                and (s, p, o) not in graph
            ):
                inferred.add((URIRef(str(s)), p, URIRef(str(o))))
        return Reasoned(True, unsatisfiable, inferred)


TBOX_TYPES = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    RDFS.Datatype,
    OWL.Restriction,
    OWL.AllDisjointClasses,
    OWL.TransitiveProperty,
    OWL.FunctionalProperty,
    OWL.SymmetricProperty,
)

DEFINITIONAL = """
SELECT DISTINCT ?cls WHERE {
  { ?defined owl:equivalentClass|owl:disjointWith ?expr . BIND(?defined AS ?cls) }
  UNION { ?defined owl:equivalentClass ?expr . ?expr (owl:intersectionOf|owl:unionOf)/rdf:rest*/rdf:first ?cls }
  UNION { ?x owl:disjointWith ?cls }
  FILTER(isIRI(?cls))
}"""

RESTRICTED_PROPERTIES = "SELECT DISTINCT ?p WHERE { ?r owl:onProperty ?p }"


def split_tbox(graph: Graph) -> tuple[Graph, set]:
    """Schema triples (about classes, properties, restrictions, lists) and the set of individuals."""
    annotation = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
    schema_subjects = {s for t in TBOX_TYPES for s in graph.subjects(RDF.type, t)}
    tbox, individuals = Graph(), set()
    for s, p, o in graph:
        if p in annotation:
            continue
        if s in schema_subjects or not isinstance(s, URIRef):
            tbox.add((s, p, o))
        else:
            individuals.add(s)
    return tbox, individuals


def reasoning_input(graph: Graph) -> Graph:
    """The TBox plus the individuals whose classes can follow from OWL definitions or disjointness.

    Claims, records, evidence and the like can only gain types through the class hierarchy and
    property domains and ranges, which materialise_types adds with SPARQL; HermiT realises the rest.
    """
    tbox, individuals = split_tbox(graph)
    anchors = {row[0] for row in graph.query(DEFINITIONAL, initNs={"owl": OWL, "rdf": RDF})}
    related = set(anchors)
    for anchor in anchors:
        related |= set(graph.transitive_objects(anchor, RDFS.subClassOf))
        related |= set(graph.transitive_subjects(RDFS.subClassOf, anchor))
    restricted = {row[0] for row in graph.query(RESTRICTED_PROPERTIES, initNs={"owl": OWL})}
    chosen = {
        x
        for x in individuals
        if any(t in related for t in graph.objects(x, RDF.type)) or any((x, p, None) in graph for p in restricted)
    }
    neighbours = {o for x in chosen for o in graph.objects(x, None) if o in individuals}
    result = Graph()
    result += tbox
    annotation = set(graph.subjects(RDF.type, OWL.AnnotationProperty))
    for x in chosen | neighbours:
        for s, p, o in graph.triples((x, None, None)):
            if p not in annotation and (x in chosen or p == RDF.type):
                result.add((s, p, o))
    return result


MATERIALISE = """
CONSTRUCT { ?x a ?super } WHERE {
  { ?x a ?cls } UNION { ?x ?p ?y . ?p rdfs:domain ?cls } UNION { ?y ?p ?x . ?p rdfs:range ?cls }
  ?cls rdfs:subClassOf* ?super .
  FILTER(isIRI(?x) && isIRI(?super) && ?super != owl:Thing && STRSTARTS(STR(?x), "https://w3id.org/smekg/"))
  FILTER NOT EXISTS { ?x a ?super }
  FILTER NOT EXISTS { ?x a owl:Class }
}"""


def materialise_types(graph: Graph) -> Graph:
    """Types entailed by property domains and ranges and the class hierarchy, for our individuals.

    Runs on Oxigraph: the same CONSTRUCT takes ~10 s on rdflib's engine and ~0.1 s here.
    """
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    result = Graph()
    for triple in store.query(MATERIALISE, prefixes={"rdfs": str(RDFS), "owl": str(OWL)}):
        result.add((URIRef(triple.subject.value), RDF.type, URIRef(triple.object.value)))
    return result
