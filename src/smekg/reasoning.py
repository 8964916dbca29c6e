"""OWL reasoning: HermiT classifies the TBox; SPARQL rules realise the individuals, so the cost stays linear.

HermiT (through owlready2) checks the schema (consistency, unsatisfiable classes) and infers the class
hierarchy. Individuals gain types from that hierarchy, property domains and ranges, owl:sameAs and the
class definitions (owl:equivalentClass), which are compiled to SPARQL and applied until nothing new
follows; disjoint classes sharing an individual make the graph inconsistent. Definitions outside that
fragment fall back to HermiT on the individuals they could classify.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations, count
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from .errors import Finding
from .jvm import dies_with_parent, java_command
from .owners import remove_dead_owners_folders, tagged
from .safeio import fail
from .sources import Compiled
from .vocab import BASE, OWN_NAMESPACES, compact

INFERRED = ox.NamedNode(BASE + "inferred")
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


REASON_PREFIX = "smekg-reason-"  # + the build's process id: see owners.tagged


@contextmanager
def hermit_in(folder: str) -> Iterator[None]:
    """Have owlready2 run HermiT with the java on PATH, killed with this process (see jvm.dies_with_parent), and
    write its temporary input file into folder (it leaves that file behind when HermiT fails)."""
    import owlready2
    import owlready2.reasoning

    java = java_command("reasoning")
    saved = owlready2.JAVA_EXE, tempfile.tempdir, dict(owlready2.reasoning._subprocess_kargs)
    owlready2.JAVA_EXE, tempfile.tempdir = java, folder
    owlready2.reasoning._subprocess_kargs["preexec_fn"] = dies_with_parent()
    try:
        yield
    finally:
        owlready2.JAVA_EXE, tempfile.tempdir = saved[0], saved[1]
        owlready2.reasoning._subprocess_kargs.clear()
        owlready2.reasoning._subprocess_kargs.update(saved[2])


def run_hermit(graph: Graph) -> Reasoned:
    """Classify the graph with HermiT; return inferred class and type assertions."""
    from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner

    remove_dead_owners_folders(Path(tempfile.gettempdir()), REASON_PREFIX)
    with tempfile.TemporaryDirectory(prefix=tagged(REASON_PREFIX)) as tmp, hermit_in(tmp):
        path = Path(tmp) / "input.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = World()
        world.get_ontology(path.as_uri()).load()
        try:
            with world.get_ontology("http://smekg.invalid/inferred/"):
                sync_reasoner(world, infer_property_values=False, debug=0)
        except OwlReadyInconsistentOntologyError as err:
            return Reasoned(False, explanation=str(err).strip().splitlines()[0] if str(err).strip() else "")
        except OwlReadyJavaError as err:
            raise fail("reasoning", "HermiT", f"Java failed: {' '.join(str(err).split())[-500:]}") from None
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c.iri.startswith(OWN_NAMESPACES))
        inferred = Graph()
        for s, p, o in world.as_rdflib_graph().triples((None, None, None)):
            if (
                p in (RDF.type, RDFS.subClassOf)
                and isinstance(s, URIRef)
                and isinstance(o, URIRef)
                and str(s).startswith(OWN_NAMESPACES)
                and o not in (OWL.Thing, NOTHING)
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

TBOX = f"""
CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {" ".join(t.n3() for t in TBOX_TYPES)} }} ?s a ?t }} }}
  UNION {{ SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isBlank(?s)) }} }}
  ?s ?p ?o
  MINUS {{ ?p a owl:AnnotationProperty }}
}}"""


def as_rdflib(triples: ox.QueryTriples) -> Graph:
    """Oxigraph CONSTRUCT results as an rdflib graph."""
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def tbox_graph(compiled: Compiled) -> Graph:
    """The schema: classes, properties, restrictions and their axioms, without annotations."""
    return as_rdflib(compiled.query(TBOX))


class Unsupported(Exception):
    """A class definition the SPARQL rules cannot realise."""


class Rules:
    """The TBox compiled into what realising the individuals needs: hierarchy, domains, ranges, definitions."""

    def __init__(self, tbox: Graph, inferred: Graph, definitions: bool = True):
        self.tbox = tbox + inferred
        self.fresh = count()
        self.classes = {c for c in self.tbox.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
        self.supers = closure(self.edges(RDFS.subClassOf), self.classes)
        pairs = self.tbox.subject_objects(OWL.equivalentClass) if definitions else []
        self.definitions = [(c, self.pattern(e, "?x")) for c, e in pairs if isinstance(c, URIRef)]
        if definitions:
            self.refuse_other_typing_axioms()

    def refuse_other_typing_axioms(self) -> None:
        """Raise Unsupported for axioms beyond the rules that can still give individuals types."""
        for sub, sup in self.tbox.subject_objects(RDFS.subClassOf):
            if isinstance(sub, BNode):
                raise Unsupported("a general class axiom (rdfs:subClassOf on a class expression)")
            if (sup, OWL.hasValue, None) in self.tbox:
                raise Unsupported(f"an owl:hasValue superclass of {compact(str(sub))}")
        for axiom in (OWL.inverseOf, OWL.equivalentProperty, OWL.propertyChainAxiom):
            if (None, axiom, None) in self.tbox:
                raise Unsupported(compact(str(axiom)))
        if (None, RDF.type, OWL.SymmetricProperty) in self.tbox:
            raise Unsupported("owl:SymmetricProperty")

    def edges(self, prop: URIRef) -> dict[URIRef, set[URIRef]]:
        """Named-class edges of prop, with owl:equivalentClass between named classes both ways."""
        edges: dict[URIRef, set[URIRef]] = defaultdict(set)
        for a, b in self.tbox.subject_objects(prop):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                edges[a].add(b)
        for a, b in self.tbox.subject_objects(OWL.equivalentClass):
            if isinstance(a, URIRef) and isinstance(b, URIRef):
                edges[a].add(b)
                edges[b].add(a)
        return edges

    def typing_pairs(self, axiom: URIRef) -> list[tuple[URIRef, URIRef]]:
        """(property, class) for every domain or range axiom, inherited by subproperties; never for an annotation
        property, nor through one (as a DL reasoner, which gives their domains and ranges no meaning)."""
        sub_of = closure(
            {p: set(self.tbox.objects(p, RDFS.subPropertyOf)) for p in self.tbox.subjects(RDFS.subPropertyOf)}
        )
        annotation = set(self.tbox.subjects(RDF.type, OWL.AnnotationProperty))
        properties = (set(self.tbox.subjects(axiom)) | set(sub_of)) - annotation
        return sorted(
            (p, cls)
            for p in properties
            for sup in sub_of.get(p, {p}) - annotation
            for cls in self.tbox.objects(sup, axiom)
            if cls in self.classes
        )

    def pattern(self, expr: object, var: str) -> str:
        """A SPARQL pattern that binds var to the nodes a class expression holds for."""
        if isinstance(expr, URIRef):
            return f"{var} a {expr.n3()} ."
        if (members := self.tbox.value(expr, OWL.oneOf)) is not None:
            return f"VALUES {var} {{ {' '.join(m.n3() for m in Collection(self.tbox, members))} }}"
        if (parts := self.tbox.value(expr, OWL.intersectionOf)) is not None:
            return " ".join(self.pattern(part, var) for part in Collection(self.tbox, parts))
        if (parts := self.tbox.value(expr, OWL.unionOf)) is not None:
            return " UNION ".join(f"{{ {self.pattern(part, var)} }}" for part in Collection(self.tbox, parts))
        prop = self.tbox.value(expr, OWL.onProperty)
        if not isinstance(prop, URIRef):
            raise Unsupported(f"class expression {expr}")
        if (value := self.tbox.value(expr, OWL.hasValue)) is not None:
            return f"{var} {prop.n3()} {value.n3()} ."
        if (filler := self.tbox.value(expr, OWL.someValuesFrom)) is not None:
            inner = f"?v{next(self.fresh)}"
            return f"{var} {prop.n3()} {inner} . {self.filler(filler, inner)}"
        raise Unsupported(f"restriction on {compact(str(prop))}")

    def filler(self, filler: object, var: str) -> str:
        """The pattern or filter for a someValuesFrom filler: a class, a datatype or a datatype restriction."""
        if filler == RDFS.Literal:
            return f"FILTER(isLiteral({var}))"
        if isinstance(filler, URIRef) and (str(filler).startswith(str(XSD)) or filler == RDF.langString):
            return f"FILTER({datatype_test(filler, var)})"
        if (filler, OWL.onDatatype, None) not in self.tbox:
            return self.pattern(filler, var)
        tests = [datatype_test(self.tbox.value(filler, OWL.onDatatype), var)]
        for facet in Collection(self.tbox, self.tbox.value(filler, OWL.withRestrictions)):
            tests += [facet_test(name, limit, var) for name, limit in self.tbox.predicate_objects(facet)]
        return f"FILTER({' && '.join(tests)})"


FACETS = {XSD.minInclusive: ">=", XSD.maxInclusive: "<=", XSD.minExclusive: ">", XSD.maxExclusive: "<"}
INTEGERS = ("integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long")
INTEGERS += ("int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")


def datatype_test(datatype: URIRef, var: str) -> str:
    """True for literals of the datatype (integers count all derived integer types)."""
    if datatype == XSD.integer:
        return f"DATATYPE({var}) IN ({', '.join(XSD[t].n3() for t in INTEGERS)})"
    return f"DATATYPE({var}) = {datatype.n3()}"


def facet_test(facet: URIRef, limit: object, var: str) -> str:
    """A comparison for one XSD facet of a datatype restriction."""
    if facet not in FACETS or not isinstance(limit, Literal):
        raise Unsupported(f"facet {compact(str(facet))}")
    return f"{var} {FACETS[facet]} {limit.n3()}"


def closure(edges: dict, nodes: set | None = None) -> dict:
    """Reflexive-transitive closure of a graph given as node → direct successors (over edges' and nodes')."""
    result = {}
    for start in set(edges) | (nodes or set()):
        seen, todo = {start}, [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        result[start] = seen
    return result


def values(pairs: list[tuple[object, object]]) -> str:
    """Rows of a two-variable SPARQL VALUES block."""
    return " ".join(f"({a.n3()} {b.n3()})" for a, b in pairs) or "(UNDEF UNDEF)"


def materialise_query(rules: Rules) -> str:
    """New types from asserted and inferred types, domains, ranges and owl:sameAs, closed under the hierarchy."""
    hierarchy = [(c, s) for c, supers in rules.supers.items() for s in supers if s != OWL.Thing]
    return f"""
SELECT DISTINCT ?x ?super WHERE {{
  {{ ?x a ?cls }}
  UNION {{ VALUES (?p ?cls) {{ {values(rules.typing_pairs(RDFS.domain))} }} ?x ?p ?y }}
  UNION {{ VALUES (?p ?cls) {{ {values(rules.typing_pairs(RDFS.range))} }} ?y ?p ?x }}
  UNION {{ {{ ?x owl:sameAs ?y }} UNION {{ ?y owl:sameAs ?x }} ?y a ?cls }}
  VALUES (?cls ?super) {{ {values(hierarchy)} }}
  FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{BASE}"))
  MINUS {{ ?x a ?super }}
  MINUS {{ ?x a owl:Class }}
}}"""


def definition_query(cls: URIRef, pattern: str) -> str:
    """Individuals that meet a class definition and are not yet typed with the class."""
    return f"SELECT DISTINCT ?x WHERE {{ {pattern} FILTER(isIRI(?x)) MINUS {{ ?x a {cls.n3()} }} }}"


def disjointness_query(tbox: Graph) -> str:
    """Individuals typed with two disjoint classes."""
    pairs = [(a, b) for a, b in tbox.subject_objects(OWL.disjointWith) if isinstance(a, URIRef)]
    for group in tbox.subjects(RDF.type, OWL.AllDisjointClasses):
        pairs += combinations(Collection(tbox, tbox.value(group, OWL.members)), 2)
    return f"SELECT ?x ?a ?b WHERE {{ VALUES (?a ?b) {{ {values(pairs)} }} ?x a ?a . ?x a ?b }}"


def add_types(compiled: Compiled, types: set[tuple[str, str]]) -> None:
    """Store new rdf:type triples in the graph of inferences."""
    rdf_type = ox.NamedNode(str(RDF.type))
    compiled.store.extend(ox.Quad(ox.NamedNode(x), rdf_type, ox.NamedNode(c), INFERRED) for x, c in types)


def realise(compiled: Compiled, rules: Rules) -> list[Finding]:
    """Apply the hierarchy, domains, ranges and definitions until nothing new follows; then check disjointness."""
    materialise = materialise_query(rules)
    while True:
        new = {(r["x"].value, r["super"].value) for r in compiled.query(materialise)}
        add_types(compiled, new)
        defined = {
            (r["x"].value, str(cls))
            for cls, pattern in rules.definitions
            for r in compiled.query(definition_query(cls, pattern))
        }
        add_types(compiled, defined)
        if not new and not defined:
            break
    clashes = compiled.query(disjointness_query(rules.tbox))
    return [
        Finding(*compiled.locate(r["x"].value), compact(r["x"].value), inconsistent(r["a"].value, r["b"].value))
        for r in clashes
    ]


def inconsistent(a: str, b: str) -> str:
    """The message for an individual of two disjoint classes."""
    return f"the graph is inconsistent: it is both {compact(a)} and {compact(b)}, which are disjoint"


def reason(compiled: Compiled) -> tuple[str, list[Finding]]:
    """Reason over the compiled sources into the graph of inferences; return the route taken and any findings."""
    tbox = tbox_graph(compiled)
    classified = run_hermit(tbox)
    if classified.findings():
        return "HermiT (TBox)", classified.findings()
    compiled.store.extend(as_quads(classified.inferred))
    try:
        rules = Rules(tbox, classified.inferred)
    except Unsupported as why:
        return f"HermiT (TBox and classifiable individuals: rules cannot realise {why})", fallback(compiled, tbox)
    return "HermiT (TBox) + SPARQL rules", realise(compiled, rules)


def as_quads(graph: Graph) -> list[ox.Quad]:
    """An rdflib graph of IRIs as quads in the graph of inferences."""
    return [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), INFERRED) for s, p, o in graph]


DEFINITIONAL = """
SELECT DISTINCT ?cls WHERE {
  { ?defined owl:equivalentClass|owl:disjointWith ?expr . BIND(?defined AS ?cls) }
  UNION { ?defined owl:equivalentClass ?expr . ?expr (owl:intersectionOf|owl:unionOf)/rdf:rest*/rdf:first ?cls }
  UNION { ?x owl:disjointWith ?cls }
  FILTER(isIRI(?cls))
}"""


def fallback(compiled: Compiled, tbox: Graph) -> list[Finding]:
    """HermiT on the TBox and the individuals its definitions could classify; then the hierarchy as rules."""
    union = compiled.union()
    reasoned = run_hermit(reasoning_input(union, tbox))
    if reasoned.findings():
        return reasoned.findings()
    compiled.store.extend(as_quads(reasoned.inferred))
    return realise(compiled, Rules(tbox, reasoned.inferred, definitions=False))


def reasoning_input(graph: Graph, tbox: Graph) -> Graph:
    """The TBox plus the individuals typed by a class that takes part in a definition or disjointness,
    or that use a restricted property, with the types of the individuals they point at."""
    anchors = {row[0] for row in tbox.query(DEFINITIONAL, initNs={"owl": OWL, "rdf": RDF})}
    related = set(anchors)
    for anchor in anchors:
        related |= set(tbox.transitive_objects(anchor, RDFS.subClassOf))
        related |= set(tbox.transitive_subjects(RDFS.subClassOf, anchor))
    restricted = set(tbox.objects(None, OWL.onProperty))
    schema = set(tbox.subjects())
    individuals = {s for s in graph.subjects() if isinstance(s, URIRef) and s not in schema}
    chosen = {
        x
        for x in individuals
        if any(t in related for t in graph.objects(x, RDF.type)) or any((x, p, None) in graph for p in restricted)
    }
    annotation = set(tbox.subjects(RDF.type, OWL.AnnotationProperty))
    result = Graph() + tbox
    for x in chosen:
        for s, p, o in graph.triples((x, None, None)):
            if p not in annotation:
                result.add((s, p, o))
                result += graph.triples((o, RDF.type, None)) if o in individuals else []
    return result
