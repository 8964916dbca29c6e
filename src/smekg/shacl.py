"""SHACL validation as SPARQL on Oxigraph: the shapes compiled once into SELECTs that list the violations.

Covers the SHACL Core subset smekg's shapes use — sh:targetClass; property shapes with a predicate path and
sh:minCount, sh:maxCount, sh:class, sh:datatype, sh:nodeKind, sh:pattern (sh:flags), sh:minInclusive, sh:or;
node-level sh:or — and refuses any other parameter, so a new kind of constraint never passes silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import reduce

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from .errors import Finding, SmekgError
from .vocab import compact

ANNOTATIONS = {RDF.type, RDFS.comment, RDFS.label, SH.message, SH.severity, SH.name, SH.description, SH.order}
NODE_PARAMETERS = ANNOTATIONS | {SH.targetClass, SH.property, SH["or"]}
VALUE_PARAMETERS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.minInclusive, SH["or"]}
PROPERTY_PARAMETERS = ANNOTATIONS | VALUE_PARAMETERS | {SH.path, SH.minCount, SH.maxCount, SH.flags}
MEMBER_PARAMETERS = {RDF.type, SH.flags} | VALUE_PARAMETERS
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
TYPE, SUBCLASS_OF = RDF.type.n3(), RDFS.subClassOf.n3()
MIN_COUNT, MAX_COUNT = str(SH.MinCountConstraintComponent), str(SH.MaxCountConstraintComponent)
# In a compiled query, SUBCLASSES(<a> <b>) stands for those classes and all their subclasses in the data.
SUBCLASSES = re.compile(r"SUBCLASSES\((<[^>]*>(?: <[^>]*>)*)\)")

# Lexical forms (XML Schema 1.1) of the datatypes whose well-formedness sh:datatype checks; values of other
# datatypes are checked by datatype IRI only.
LEXICAL = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.gYear: r"^-?([1-9][0-9]{3,}|0[0-9]{3})(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$",
}
NODE_KINDS = {
    SH.IRI: ("isIRI({})", "an IRI"),
    SH.BlankNode: ("isBlank({})", "a blank node"),
    SH.Literal: ("isLiteral({})", "a literal"),
    SH.BlankNodeOrIRI: ("!isLiteral({})", "a blank node or an IRI"),
    SH.BlankNodeOrLiteral: ("!isIRI({})", "a blank node or a literal"),
    SH.IRIOrLiteral: ("!isBlank({})", "an IRI or a literal"),
}


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL validation result: focus node (an IRI, or '_:id'), path IRI ('' for a node constraint),
    constraint component IRI, value node in N-Triples ('' if none), severity IRI and message."""

    focus: str
    path: str
    component: str
    value: str
    severity: str
    message: str


@dataclass(frozen=True)
class Report:
    """What a check reports for one of its rows; for a cardinality, only when the count is beyond the limit."""

    component: str
    path: str
    severity: str
    message: str  # a str.format template over {value} and {count}
    count: str = ""  # the variable holding the number of distinct values, for sh:minCount and sh:maxCount
    limit: int = 0

    def applies(self, row: ox.QuerySolution) -> bool:
        """Whether the row is a violation of this report's constraint."""
        if not self.count:
            return True
        n = int(row[self.count].value)
        return n < self.limit if self.component == MIN_COUNT else n > self.limit


@dataclass(frozen=True)
class Check:
    """One compiled SELECT of ?focus (with ?value, or counts) and what each of its rows may report."""

    query: str
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Condition:
    """A test of one node: it holds when one of the patterns matches it or the expression is true."""

    patterns: tuple[str, ...]
    expression: str
    description: str

    def failing(self) -> str:
        """The SPARQL that keeps only the nodes that fail the test."""
        return " ".join(f"MINUS {{ {p} }}" for p in self.patterns) + f" FILTER(!({self.expression}))"


def shape_violations(store: ox.Store, shapes: Graph, union: bool = True) -> list[Violation]:
    """Every violation of the shapes in the store's data (by default the union of its named graphs)."""
    return run_checks(store, compile_shapes(shapes), union)


def run_checks(store: ox.Store, checks: list[Check], union: bool = True) -> list[Violation]:
    """Run compiled checks on the store, two at a time; the violations sorted and without duplicates."""
    queries = with_subclasses(store, [c.query for c in checks], union)
    with ThreadPoolExecutor(2) as pool:
        answers = pool.map(lambda q: list(store.query(q, use_default_graph_as_union=union)), queries)
        return sorted({v for check, rows in zip(checks, answers, strict=True) for v in violations(check, rows)})


def violations(check: Check, rows: list[ox.QuerySolution]) -> Iterator[Violation]:
    """The violations that a check's rows stand for."""
    for row in rows:
        focus, value = row["focus"], row["value"]
        for report in (r for r in check.reports if r.applies(row)):
            count = row[report.count].value if report.count else ""
            message = report.message.format(value=shown(value), count=count)
            text = focus.value if isinstance(focus, ox.NamedNode) else str(focus)
            yield Violation(
                text, report.path, report.component, str(value) if value is not None else "", report.severity, message
            )


def with_subclasses(store: ox.Store, queries: list[str], union: bool) -> list[str]:
    """The queries with each SUBCLASSES(...) replaced by those classes and all their subclasses in the store."""
    roots = {iri for q in queries for listed in SUBCLASSES.findall(q) for iri in listed.split()}
    closure: dict[str, set[str]] = {root: set() for root in roots}
    query = f"SELECT ?root ?class WHERE {{ VALUES ?root {{ {' '.join(roots)} }} ?class {SUBCLASS_OF}* ?root }}"
    for row in store.query(query, use_default_graph_as_union=union):
        if not isinstance(row["class"], ox.NamedNode):
            problem = "has a blank node as subclass, which smekg's SHACL validation does not support"
            raise SmekgError("validating the SHACL shapes", [Finding("", 0, compact(row["root"].value), problem)])
        closure[str(row["root"])].add(str(row["class"]))

    def expand(match: re.Match) -> str:
        return " ".join(sorted(set().union(*(closure[root] for root in match[1].split()))))

    return [SUBCLASSES.sub(expand, q) for q in queries]


def shown(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A value node as curators read it: a prefixed name, or a quoted literal with its datatype or language."""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        suffix = f"@{term.language}" if term.language else ""
        if not suffix and term.datatype.value != str(XSD.string):
            suffix = f"^^{compact(term.datatype.value)}"
        return f'"{term.value}"{suffix}'
    return str(term)


def compile_shapes(shapes: Graph) -> list[Check]:
    """The checks of every shape; SmekgError naming the shape if one uses SHACL that is not supported."""
    variables = itertools.count()
    checks = []
    for shape in sorted(top_level_shapes(shapes)):
        allow(shapes, shape, NODE_PARAMETERS)
        focus = targets(sorted(shapes.objects(shape, SH.targetClass)))
        props = [(prop, property_path(shapes, shape, prop)) for prop in sorted(shapes.objects(shape, SH.property))]
        checks += count_checks(shapes, props, focus)
        for prop, path in props:
            checks += value_checks(shapes, prop, path, focus, variables)
        for alternatives in shapes.objects(shape, SH["or"]):
            checks.append(node_or_check(shapes, shape, alternatives, focus, variables))
    return checks


def top_level_shapes(shapes: Graph) -> set[Node]:
    """The node shapes, and any node with a target (SHACL makes it a shape whatever its type)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for target in TARGETS:
        found |= set(shapes.subjects(target, None))
    return found - set(shapes.objects(None, SH.property))


def allow(shapes: Graph, shape: Node, parameters: set[URIRef], where: str = "") -> None:
    """Refuse a shape that uses parameters outside `parameters`, naming the shape and those parameters."""
    unsupported = ", ".join(name_of(shapes, p) for p in sorted(set(shapes.predicates(shape)) - parameters))
    if unsupported:
        raise refuse(shapes, shape, f"smekg's SHACL validation does not support {unsupported}", where)


def refuse(shapes: Graph, shape: Node, problem: str, where: str = "") -> SmekgError:
    """The error for a shape that smekg cannot validate, named by `where` or by its own name."""
    return SmekgError("compiling the SHACL shapes", [Finding("", 0, where or name_of(shapes, shape), problem)])


def name_of(shapes: Graph, node: Node) -> str:
    """A shape or parameter as the shapes file writes it (prefixed name), or its blank node id."""
    return node.n3(shapes.namespace_manager)


def severity_of(shapes: Graph, shape: Node) -> str:
    """The shape's sh:severity, sh:Violation by default."""
    return str(shapes.value(shape, SH.severity) or SH.Violation)


def message_of(shapes: Graph, shape: Node, generated: str) -> str:
    """The shape's own sh:message (English or untagged first) as a template, else the generated one."""
    messages = sorted(shapes.objects(shape, SH.message), key=lambda m: (getattr(m, "language", None) or "en") != "en")
    return str(messages[0]).replace("{", "{{").replace("}", "}}") if messages else generated


def targets(classes: list[Node]) -> str:
    """The pattern binding ?focus to every instance of the target classes or of their subclasses."""
    if not classes:
        return "FILTER(false)"
    return f"VALUES ?class {{ SUBCLASSES({' '.join(c.n3() for c in classes)}) }} ?focus {TYPE} ?class ."


def property_path(shapes: Graph, shape: Node, prop: Node) -> URIRef:
    """The predicate that a property shape constrains; refuses a shape it cannot check."""
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise refuse(shapes, shape, "smekg's SHACL validation supports only predicate paths (an IRI as sh:path)")
    allow(shapes, prop, PROPERTY_PARAMETERS, f"{name_of(shapes, shape)} property {name_of(shapes, path)}")
    return path


def count_checks(shapes: Graph, props: list[tuple[Node, URIRef]], focus: str) -> list[Check]:
    """One query for all sh:minCount and sh:maxCount of a node shape: per focus node, the distinct values of
    each property (a single pass over the focus nodes, which costs more than the values)."""
    optionals, counts, having, reports = [], [], [], []
    for i, (prop, path) in enumerate(props):
        limits = [(p, c, shapes.value(prop, p)) for p, c in ((SH.minCount, MIN_COUNT), (SH.maxCount, MAX_COUNT))]
        for param, component, limit in (x for x in limits if x[2] is not None):
            wording = "needs at least" if param == SH.minCount else "allows at most"
            message = message_of(shapes, prop, f"{wording} {limit} {compact(path)}, has {{count}}")
            reports.append(Report(component, str(path), severity_of(shapes, prop), message, f"count{i}", int(limit)))
            having.append(f"COUNT(DISTINCT ?v{i}) {'<' if param == SH.minCount else '>'} {int(limit)}")
        if any(limit is not None for *_, limit in limits):
            optionals.append(f"OPTIONAL {{ ?focus {path.n3()} ?v{i} }}")
            counts.append(f"(COUNT(DISTINCT ?v{i}) AS ?count{i})")
    if not reports:
        return []
    query = (
        f"SELECT ?focus {' '.join(counts)} WHERE {{ {focus} {' '.join(optionals)} }} "
        f"GROUP BY ?focus HAVING ({' || '.join(having)})"
    )
    return [Check(query, tuple(reports))]


def value_checks(shapes: Graph, prop: Node, path: URIRef, focus: str, variables: Iterator[int]) -> list[Check]:
    """One query per value constraint of a property shape: the values that fail it, with their focus nodes."""
    checks = []
    for pred, obj in sorted(shapes.predicate_objects(prop)):
        if pred in VALUE_PARAMETERS:
            condition = constraint(shapes, prop, pred, obj, "?value", variables)
            generated = f"value {{value}} of {compact(path)} {phrase(pred, condition.description)}"
            failing = f"{{ ?focus {path.n3()} ?value . {condition.failing()} }}"
            report = Report(component(pred), str(path), severity_of(shapes, prop), message_of(shapes, prop, generated))
            checks.append(Check(f"SELECT DISTINCT ?focus ?value WHERE {{ {failing} {focus} }}", (report,)))
    return checks


def node_or_check(shapes: Graph, shape: Node, alternatives: Node, focus: str, variables: Iterator[int]) -> Check:
    """The check of a node-level sh:or: every focus node conforms to at least one alternative."""
    condition = constraint(shapes, shape, SH["or"], alternatives, "?focus", variables)
    message = message_of(shapes, shape, f"the entry {phrase(SH['or'], condition.description)}")
    report = Report(component(SH["or"]), "", severity_of(shapes, shape), message)
    query = f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} {condition.failing()} BIND(?focus AS ?value) }}"
    return Check(query, (report,))


def phrase(pred: URIRef, description: str) -> str:
    """The end of a generated message about a node that fails a constraint described as `description`."""
    return f"is none of: {description}" if pred == SH["or"] else f"is not {description}"


def component(pred: URIRef) -> str:
    """The constraint component of a parameter (sh:class → sh:ClassConstraintComponent)."""
    local = str(pred)[len(str(SH)) :]
    return str(SH[local[0].upper() + local[1:] + "ConstraintComponent"])


def constraint(shapes: Graph, shape: Node, pred: URIRef, obj: Node, var: str, variables: Iterator[int]) -> Condition:
    """One value constraint (pred obj) of a shape as a test of the node in var."""
    if pred == SH["class"]:
        cls = f"?class{next(variables)}"
        pattern = f"VALUES {cls} {{ SUBCLASSES({obj.n3()}) }} {var} {TYPE} {cls} ."
        return Condition((pattern,), "false", f"a {compact(obj)}")
    if pred == SH.datatype:
        test = f"isLiteral({var}) && sameTerm(DATATYPE({var}), {obj.n3()})"
        if obj in LEXICAL:
            test += f" && REGEX(STR({var}), {Literal(LEXICAL[obj]).n3()})"
        return Condition((), test, f"a well-formed {compact(obj)} literal")
    if pred == SH.nodeKind:
        if obj not in NODE_KINDS:
            raise refuse(shapes, shape, f"sh:nodeKind {name_of(shapes, obj)} is not a SHACL node kind")
        test, description = NODE_KINDS[obj]
        return Condition((), test.format(var), description)
    if pred == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        arguments = Literal(str(obj)).n3() + (f", {Literal(str(flags)).n3()}" if flags else "")
        return Condition((), f"!isBlank({var}) && REGEX(STR({var}), {arguments})", f"a text matching {obj}")
    if pred == SH.minInclusive:
        return Condition((), f"COALESCE({var} >= {obj.n3()}, false)", f"at least {obj}")
    members = [member(shapes, shape, m, var, variables) for m in Collection(shapes, obj)]
    return Condition(
        tuple(p for m in members for p in m.patterns),
        " || ".join(f"({m.expression})" for m in members) or "false",
        "; ".join(m.description for m in members),
    )


def member(shapes: Graph, shape: Node, alternative: Node, var: str, variables: Iterator[int]) -> Condition:
    """One sh:or alternative: a shape of value constraints on the node, or a property shape with only
    sh:minCount 1 (the node has a value)."""
    path = shapes.value(alternative, SH.path)
    if path is not None:
        extra = set(shapes.predicates(alternative)) - {RDF.type, SH.path, SH.minCount}
        if extra or not isinstance(path, URIRef) or shapes.value(alternative, SH.minCount) != Literal(1):
            raise refuse(shapes, shape, "an sh:or alternative with an sh:path may only have sh:minCount 1")
        pattern = f"{var} {path.n3()} ?any{next(variables)} ."
        return Condition((pattern,), "false", f"a node with a {compact(path)}")
    allow(shapes, alternative, MEMBER_PARAMETERS, f"an sh:or alternative of {name_of(shapes, shape)}")
    parts = [
        constraint(shapes, alternative, p, o, var, variables)
        for p, o in sorted(shapes.predicate_objects(alternative))
        if p in VALUE_PARAMETERS
    ]
    return reduce(both, parts[1:], parts[0]) if parts else Condition((), "true", "anything")


def both(a: Condition, b: Condition) -> Condition:
    """The conjunction of two tests, (Pa or ea) and (Pb or eb), distributed into patterns and an expression."""
    patterns = [f"{p} {q}" for p in a.patterns for q in b.patterns]
    patterns += [f"{p} FILTER({b.expression})" for p in a.patterns if b.expression != "false"]
    patterns += [f"{q} FILTER({a.expression})" for q in b.patterns if a.expression != "false"]
    return Condition(tuple(patterns), f"({a.expression}) && ({b.expression})", f"{a.description} and {b.description}")
