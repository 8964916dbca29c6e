"""Prototype: the SHACL shapes of shapes/ compiled to SPARQL SELECTs and run on Oxigraph.

Covers the SHACL Core subset the shapes use — sh:targetClass; property shapes with a predicate path and
sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:nodeKind, sh:pattern, sh:minInclusive, sh:or; node-level
sh:or of property shapes with sh:minCount — and refuses any other constraint, so a new shape never passes
silently. Each query returns the violations of one constraint as (focus, path, component, value).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

Violation = tuple[str, str, str, str]

VALUE = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.minInclusive, SH["or"]}
COUNTS = {SH.path, SH.minCount, SH.maxCount, SH.flags}
ANNOTATION = {SH.message, SH.name, SH.description, SH.severity, RDFS.comment, RDFS.label}
NODE_LEVEL = {RDF.type, SH.targetClass, SH.property, SH["or"]} | ANNOTATION
LEXICAL = {"gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$", "boolean": "^(true|false|1|0)$"}
NODE_KINDS = {
    SH.IRI: "isIRI(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
    SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
}
NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger", "positiveInteger")
SUBCLASS = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"


@dataclass
class Check:
    """One compiled constraint: the SPARQL that lists its violations and the component it reports."""

    query: str
    component: str
    path: str
    with_value: bool = False


def n3(term: object) -> str:
    """A term as SPARQL text."""
    return term.n3() if isinstance(term, URIRef | Literal) else str(term)


def constraint_ok(shapes: Graph, shape: object, pred: URIRef, obj: object, var: str) -> str:
    """A SPARQL expression true when the node in var satisfies one value constraint (pred obj) of shape."""
    if pred == SH["class"]:
        return f"EXISTS {{ {var} {SUBCLASS} {n3(obj)} }}"
    if pred == SH.datatype:
        local = str(obj).rsplit("#", 1)[-1]
        lexical = f" && isNumeric({var})" if local in NUMERIC else ""
        if local in LEXICAL:
            lexical = f" && REGEX(STR({var}), {n3(Literal(LEXICAL[local]))})"
        return f"(isLiteral({var}) && DATATYPE({var}) = {n3(obj)}{lexical})"
    if pred == SH.nodeKind:
        return NODE_KINDS[obj].replace("?v", var)
    if pred == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        extra = f", {n3(Literal(str(flags)))}" if flags else ""
        return f"(!isBlank({var}) && REGEX(STR({var}), {n3(Literal(str(obj)))}{extra}))"
    if pred == SH.minInclusive:
        return f"COALESCE({var} >= {n3(obj)}, false)"
    if pred == SH["or"]:
        return "(" + " || ".join(member_ok(shapes, m, var) for m in Collection(shapes, obj)) + ")"
    raise NotImplementedError(f"SHACL constraint {pred} is not supported by the SPARQL prototype")


def member_ok(shapes: Graph, member: object, var: str) -> str:
    """Conformance of var to one sh:or member: a node shape of value constraints, or a property shape with
    only sh:minCount 1."""
    path = shapes.value(member, SH.path)
    if path is not None:
        if set(shapes.predicates(member)) != {SH.path, SH.minCount} or int(shapes.value(member, SH.minCount)) != 1:
            raise NotImplementedError("an sh:or member property shape may only carry sh:path and sh:minCount 1")
        return f"EXISTS {{ {var} {n3(path)} ?w }}"
    parts = [constraint_ok(shapes, member, p, o, var) for p, o in shapes.predicate_objects(member) if p in VALUE]
    if set(shapes.predicates(member)) - VALUE - ANNOTATION:
        raise NotImplementedError(f"unsupported constraint in sh:or member {member}")
    return "(" + " && ".join(parts or ["true"]) + ")"


def targets(shapes: Graph, shape: object) -> str:
    """The graph pattern binding ?focus to every target of a node shape (sh:targetClass, with subclasses)."""
    classes = " ".join(n3(c) for c in shapes.objects(shape, SH.targetClass))
    if set(shapes.predicates(shape)) - NODE_LEVEL or not classes:
        raise NotImplementedError(f"only sh:targetClass, sh:property and sh:or are supported on node shape {shape}")
    return f"{{ SELECT DISTINCT ?focus WHERE {{ VALUES ?target {{ {classes} }} ?focus {SUBCLASS} ?target }} }}"


def property_checks(shapes: Graph, target: str, prop: object) -> list[Check]:
    """The checks of one property shape: one per cardinality and one per value constraint."""
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef) or set(shapes.predicates(prop)) - VALUE - ANNOTATION - COUNTS:
        raise NotImplementedError(f"unsupported property shape {prop} (only predicate paths and core constraints)")
    p, checks = n3(path), []
    low, high = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if low is not None:
        having = f"HAVING (COUNT(DISTINCT ?v) < {int(low)})"
        query = f"SELECT ?focus WHERE {{ {target} OPTIONAL {{ ?focus {p} ?v }} }} GROUP BY ?focus {having}"
        checks.append(Check(query, "MinCountConstraintComponent", str(path)))
    if high is not None:
        having = f"HAVING (COUNT(DISTINCT ?v) > {int(high)})"
        query = f"SELECT ?focus WHERE {{ {target} ?focus {p} ?v }} GROUP BY ?focus {having}"
        checks.append(Check(query, "MaxCountConstraintComponent", str(path)))
    for pred, obj in shapes.predicate_objects(prop):
        if pred in VALUE:
            expr = constraint_ok(shapes, prop, pred, obj, "?v")
            query = f"SELECT DISTINCT ?focus ?v WHERE {{ {target} ?focus {p} ?v FILTER(!({expr})) }}"
            checks.append(Check(query, component_name(pred), str(path), with_value=True))
    return checks


def component_name(pred: URIRef) -> str:
    """The SHACL constraint component a constraint parameter belongs to (sh:class → ClassConstraintComponent)."""
    local = str(pred).rsplit("#", 1)[-1]
    return local[0].upper() + local[1:] + "ConstraintComponent"


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every check of every node shape, as SPARQL queries on the data graph."""
    checks = []
    for shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        target = targets(shapes, shape)
        for prop in shapes.objects(shape, SH.property):
            checks += property_checks(shapes, target, prop)
        for obj in shapes.objects(shape, SH["or"]):
            expr = constraint_ok(shapes, shape, SH["or"], obj, "?focus")
            query = f"SELECT DISTINCT ?focus (?focus AS ?v) WHERE {{ {target} FILTER(!({expr})) }}"
            checks.append(Check(query, "OrConstraintComponent", "", with_value=True))
    return checks


def run_checks(store: ox.Store, checks: list[Check]) -> set[Violation]:
    """Run every check on the store; violations as (focus, path, component, value) strings."""
    found = set()
    for check in checks:
        for row in store.query(check.query):
            value = row["v"] if check.with_value else None
            found.add((term_key(row["focus"]), check.path, check.component, term_key(value)))
    return found


def term_key(term: object) -> str:
    """A comparable string for a result term: IRI or lexical form, '_:' for any blank node, '' for none."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:"
    return term.value


def load_store(path: str) -> ox.Store:
    """An in-memory Oxigraph store holding one N-Triples file."""
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    return store
