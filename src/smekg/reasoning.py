"""OWL reasoning with HermiT (through owlready2): consistency, satisfiability, inferences."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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


def materialise_types(graph: Graph) -> Graph:
    """Types entailed through the class hierarchy, so plain SPARQL finds subclass members."""
    query = """
        CONSTRUCT { ?x a ?super } WHERE {
          ?x a ?cls . ?cls rdfs:subClassOf+ ?super .
          FILTER(isIRI(?x) && isIRI(?super) && ?super != owl:Thing)
          FILTER NOT EXISTS { ?x a ?super }
        }"""
    return graph.query(query, initNs={"rdfs": RDFS, "owl": OWL}).graph or Graph()
