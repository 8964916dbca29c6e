"""SHACL validation: the shapes compiled once into SPARQL on Oxigraph, and the shapes it cannot compile run by
pyrudof, a conformant engine (it passes the W3C SHACL Core suite), each shape by one engine.

The compiler covers targets by class (sh:targetClass, and a shape that is also an rdfs:Class or owl:Class), by
node and by subject (IRIs); on the focus node or on the values of a predicate path: sh:class, sh:datatype (the
datatypes in LEXICAL, lexical forms checked; any other datatype is refused, as pyrudof does not check them all),
sh:nodeKind, sh:pattern (sh:flags; the XSD regexes it translates faithfully), sh:min/maxInclusive and
sh:min/maxExclusive (numbers, exact at any size), sh:min/maxLength, sh:or; sh:minCount and sh:maxCount. Any other
shape goes to pyrudof, and its violations say so.

Oxigraph normalises literals when it stores them ("01" and "1" become one value, "+5" becomes "5", an integer
beyond 64 bits is no number), so SPARQL judges only IRIs and blank nodes here: every literal is judged in Python
as written in the source (the `sources` quads, parsed by pyoxigraph.parse, which keeps lexical forms).
"""

from __future__ import annotations

import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, reduce

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from .errors import Finding, SmekgError
from .vocab import compact

ANNOTATIONS = {RDF.type, RDFS.comment, RDFS.label, SH.message, SH.severity, SH.name, SH.description, SH.order}
COMPARISONS = {  # a value node compared with the parameter's number: the test, and its wording
    SH.minInclusive: (operator.ge, "at least"),
    SH.minExclusive: (operator.gt, "more than"),
    SH.maxInclusive: (operator.le, "at most"),
    SH.maxExclusive: (operator.lt, "less than"),
}
LENGTHS = {SH.minLength: (operator.ge, "at least"), SH.maxLength: (operator.le, "at most")}
JUDGED = {SH.pattern, *LENGTHS}  # judged in Python for every value node (SPARQL lists the IRIs and blank nodes)
VALUE_PARAMETERS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["or"], *COMPARISONS, *LENGTHS}
# rdfs:subClassOf on a shape that is a class states a fact about the data, which the data graph holds.
TARGET_PARAMETERS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, RDFS.subClassOf}
NODE_PARAMETERS = ANNOTATIONS | TARGET_PARAMETERS | VALUE_PARAMETERS | {SH.property, SH.flags}
PROPERTY_PARAMETERS = ANNOTATIONS | VALUE_PARAMETERS | {SH.path, SH.minCount, SH.maxCount, SH.flags}
MEMBER_PARAMETERS = {RDF.type} | VALUE_PARAMETERS - JUDGED
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
CLASSES = (RDFS.Class, OWL.Class)  # a shape of one of these types targets its own instances (implicit class target)
TYPE, SUBCLASS_OF = RDF.type.n3(), RDFS.subClassOf.n3()
MIN_COUNT, MAX_COUNT = str(SH.MinCountConstraintComponent), str(SH.MaxCountConstraintComponent)
COMPILER, FALLBACK = "smekg", "pyrudof"
# In a compiled query, SUBCLASSES(<a> <b>) stands for those classes and all their subclasses in the data.
SUBCLASSES = re.compile(r"SUBCLASSES\((<[^>]*>(?: <[^>]*>)*)\)")

INTEGER = r"[+-]?[0-9]+"
DATE = r"-?([1-9][0-9]{3,}|0[0-9]{3})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
ZONE = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
FLOATING = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN"
# The lexical spaces (XML Schema 1.1) of the datatypes sh:datatype is compiled for; other datatypes go to pyrudof.
LEXICAL = {
    XSD.string: r"(?s:.*)",
    RDF.langString: r"(?s:.*)",
    XSD.boolean: r"true|false|1|0",
    XSD.decimal: r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    XSD.double: FLOATING,
    XSD.float: FLOATING,
    XSD.gYear: r"-?([1-9][0-9]{3,}|0[0-9]{3})" + ZONE,
    XSD.date: DATE + ZONE,
    XSD.dateTime: DATE + "T" + TIME + ZONE,
    **{
        XSD[name]: INTEGER
        for name in [
            *("integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger"),
            *("long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"),
        ]
    },
}
BOUNDS = {  # the value spaces of the integer datatypes derived from xsd:integer, as (least, greatest)
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
}
DATES = {XSD.date, XSD.dateTime}
NUMERIC = {dt for dt, form in LEXICAL.items() if form in (INTEGER, FLOATING)} | {XSD.decimal}
NODE_KINDS = {
    SH.IRI: ("isIRI({})", "an IRI", False),
    SH.BlankNode: ("isBlank({})", "a blank node", False),
    SH.Literal: ("isLiteral({})", "a literal", True),
    SH.BlankNodeOrIRI: ("!isLiteral({})", "a blank node or an IRI", False),
    SH.BlankNodeOrLiteral: ("!isIRI({})", "a blank node or a literal", True),
    SH.IRIOrLiteral: ("!isBlank({})", "an IRI or a literal", True),
}
# XSD regex escapes that Python's `re` reads the same way, and what the others become (XPath's \s is 4 characters).
SAME_ESCAPES = set("nrt\\|.-^?*+{}()[]$dD")
ESCAPES = {"s": "[ \\t\\n\\r]", "S": "[^ \\t\\n\\r]"}
FLAGS = {"i": re.I, "m": re.M, "s": re.S}

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Test = Callable[[Term], bool]  # whether a value node satisfies a constraint, judged in Python


class Unsupported(Exception):
    """A shape the compiler cannot run faithfully: it goes to the fallback engine."""


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL validation result: focus node (an IRI, '_:id', or a literal in N-Triples), path IRI ('' for a
    node constraint, a SPARQL path for another path), constraint component IRI, value node in N-Triples ('' if
    none), severity IRI, message, the shape that reports it (IRI, or '_:' and its path for a blank node) and the
    engine that ran it (smekg's compiler or pyrudof)."""

    focus: str
    path: str
    component: str
    value: str
    severity: str
    message: str
    shape: str = ""
    engine: str = COMPILER


@dataclass(frozen=True)
class Report:
    """What a check reports for one of its rows; for a cardinality, only when the count is beyond the limit."""

    component: str
    path: str
    severity: str
    message: str  # a str.format template over {value} and {count}
    shape: str
    count: str = ""  # the variable holding the number of distinct non-literal values, for min/maxCount
    limit: int = 0
    test: Test | None = None  # the constraint on one value in Python: run on every literal
    judge_all: bool = False  # whether the test also judges the IRIs and blank nodes (SPARQL only lists them)

    def beyond(self, n: int) -> bool:
        """Whether n values break this cardinality."""
        return n < self.limit if self.component == MIN_COUNT else n > self.limit


@dataclass(frozen=True)
class Check:
    """One compiled SELECT of ?focus with ?value (a non-literal failing value, or every one if the report has a
    Python test) and ?literal (bound when the focus has literal values of the path), or with counts."""

    query: str
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class Condition:
    """A SPARQL test of one non-literal node: it holds when one of the patterns matches it or the expression is
    true; `test` judges a literal in its place (SPARQL sees literals only as Oxigraph normalised them)."""

    patterns: tuple[str, ...]
    expression: str
    description: str
    test: Test

    def failing(self) -> str:
        """The SPARQL that keeps only the nodes that fail the test."""
        return " ".join(f"MINUS {{ {p} }}" for p in self.patterns) + f" FILTER(!({self.expression}))"


@dataclass
class Plan:
    """The shapes split between the engines: the compiled checks, and the shapes for pyrudof with the reason."""

    checks: list[Check] = field(default_factory=list)
    fallback: dict[Node, str] = field(default_factory=dict)


def shape_violations(
    store: ox.Store, shapes: Graph, union: bool = True, sources: Iterable[ox.Quad] | None = None
) -> list[Violation]:
    """Every violation of the shapes in the store's data (by default the union of its named graphs). `sources`
    are the quads the store was loaded from, as parsed (same blank nodes): their literals are judged as written;
    without them, as the store holds them."""
    plan = plan_shapes(shapes)
    used = None if plan.fallback else {f"<{r.path}>" for c in plan.checks for r in c.reports if r.path}
    literals = literal_index(store, union, sources, used)
    found = run_checks(store, plan.checks, union, literals)
    if plan.fallback:
        found += fallback_violations(store, shapes, plan.fallback, union, literals)
    return sorted(set(found))


def engines(shapes: Graph) -> dict[str, str]:
    """Which engine runs each top-level shape (named as in the shapes file), and why a shape is not compiled."""
    plan = plan_shapes(shapes)
    names = {name_of(shapes, s): COMPILER for s in top_level_shapes(shapes)}
    return names | {name_of(shapes, s): f"{FALLBACK} ({why})" for s, why in plan.fallback.items()}


PLANS: dict[tuple[frozenset, frozenset], Plan] = {}  # the plans of the last shapes graphs, by their content
PLANS_KEPT = 8


def plan_shapes(shapes: Graph) -> Plan:
    """The plan of the shapes (new_plan), made once per content of the shapes graph: its triples and prefixes
    (the names in its messages). Its checks are immutable; each caller gets its own lists."""
    key = (frozenset(shapes), frozenset(shapes.namespaces()))
    if key not in PLANS:
        PLANS[key] = new_plan(shapes)
        if len(PLANS) > PLANS_KEPT:
            del PLANS[next(iter(PLANS))]
    plan = PLANS[key]
    return Plan(list(plan.checks), dict(plan.fallback))


def new_plan(shapes: Graph) -> Plan:
    """Compile every shape the compiler supports; the others go to the fallback engine. A shapes graph that is
    wrong for every engine (an invalid sh:pattern) is refused with SmekgError."""
    plan, variables = Plan(), itertools.count()
    for shape in sorted(top_level_shapes(shapes)):
        refuse_unknown_datatypes(shapes, shape)
        try:
            plan.checks += shape_checks(shapes, shape, variables)
        except Unsupported as why:
            plan.fallback[shape] = str(why)
    return plan


def refuse_unknown_datatypes(shapes: Graph, shape: Node) -> None:
    """SmekgError for a shape with an sh:datatype whose lexical forms no engine here checks (pyrudof accepts
    "1 year"^^xsd:duration), so that no ill-formed literal passes silently."""
    unknown = {d for d in shapes_subset(shapes, {shape}).objects(None, SH.datatype) if d not in LEXICAL}
    if unknown:
        names = ", ".join(sorted(name_of(shapes, d) for d in unknown))
        problem = f"sh:datatype {names}: smekg checks the lexical forms of {len(LEXICAL)} datatypes only"
        raise SmekgError("compiling the SHACL shapes", [Finding("", 0, name_of(shapes, shape), problem)])


def compile_shapes(shapes: Graph) -> list[Check]:
    """The checks of every shape; SmekgError naming the shape if one uses SHACL the compiler does not support."""
    plan = plan_shapes(shapes)
    if plan.fallback:
        findings = [Finding("", 0, name_of(shapes, s), why) for s, why in sorted(plan.fallback.items())]
        raise SmekgError("compiling the SHACL shapes", findings)
    return plan.checks


def run_checks(
    store: ox.Store, checks: list[Check], union: bool = True, literals: LiteralIndex | None = None
) -> list[Violation]:
    """Run compiled checks on the store, one after the other (pyoxigraph holds the GIL while it evaluates: two
    threads took as long and more CPU); the violations sorted and without duplicates."""
    literals = literal_index(store, union, None) if literals is None else literals
    queries = with_subclasses(store, [c.query for c in checks], union)
    answers = (solutions(store.query(q, use_default_graph_as_union=union)) for q in queries)
    found = (violations(check, *answer, literals) for check, answer in zip(checks, answers, strict=True))
    return sorted({v for vs in found for v in vs})


Row = tuple[Term | None, ...]


def solutions(answer: ox.QuerySolutions) -> tuple[list[str], list[Row]]:
    """A query's variable names and its rows (each value by the position of its variable)."""
    return [v.value for v in answer.variables], [tuple(row) for row in answer]


LiteralIndex = dict[tuple[str, str], set[ox.Literal]]


def literal_index(
    store: ox.Store, union: bool, sources: Iterable[ox.Quad] | None, predicates: set[str] | None = None
) -> LiteralIndex:
    """The literal values of each (subject, predicate) (of the given predicates, or all), keyed in N-Triples: as
    written in the sources, and as the store holds them for a (subject, predicate) the sources give no literal
    (added after loading)."""
    index = written_literals(sources or (), union, predicates)
    written = set(index)
    graph = None if union else ox.DefaultGraph()
    patterns = {None: None} if predicates is None else {p: ox.NamedNode(p[1:-1]) for p in sorted(predicates)}
    for predicate, node in patterns.items():
        for subject, pred, obj, _ in store.quads_for_pattern(None, node, None, graph):
            if isinstance(obj, ox.Literal):
                key = (str(subject), predicate or str(pred))
                if key not in written:
                    index[key].add(obj)
    return index


def written_literals(sources: Iterable[ox.Quad], union: bool, predicates: set[str] | None) -> LiteralIndex:
    """The literal values of each (subject, predicate) in the sources (of their default graph unless union)."""
    index: LiteralIndex = defaultdict(set)
    for subject, pred, obj, graph in sources:
        if isinstance(obj, ox.Literal) and (union or isinstance(graph, ox.DefaultGraph)):
            predicate = str(pred)
            if predicates is None or predicate in predicates:
                index[str(subject), predicate].add(obj)
    return index


def violations(check: Check, variables: list[str], rows: list[Row], literals: LiteralIndex) -> Iterator[Violation]:
    """The violations that a check's rows (of the variables) stand for."""
    if check.reports[0].count:
        return count_violations(check.reports, variables, rows, literals)
    (report,) = check.reports
    return value_violations(report, variables, rows, literals)


def count_violations(
    reports: tuple[Report, ...], variables: list[str], rows: list[Row], literals: LiteralIndex
) -> Iterator[Violation]:
    """The cardinality violations of rows (?focus, then the counts of non-literal values): each count with the
    focus node's literals of the path."""
    counted = [(report, variables.index(report.count), f"<{report.path}>") for report in reports]
    at = variables.index("focus")
    for row in rows:
        focus = row[at]
        key = str(focus)
        for report, position, path in counted:
            n = int(row[position].value) + len(literals.get((key, path), ()))
            if report.beyond(n):
                yield violation(report, focus, None, str(n))


def value_violations(
    report: Report, variables: list[str], rows: list[Row], literals: LiteralIndex
) -> Iterator[Violation]:
    """The violations of rows (?focus ?value ?literal): a non-literal value that failed in SPARQL (or fails the
    report's test, if it judges all), or each literal of the focus node's path (?literal) that fails the test.
    The test runs once per distinct value (values repeat: one date on many claims); run_checks sorts the result."""
    path, pick = f"<{report.path}>", operator.itemgetter(*(variables.index(v) for v in ("focus", "value", "literal")))
    test = cache(report.test)
    for focus, value, literal in map(pick, rows):
        if literal is not None:
            yield from (violation(report, focus, v) for v in literals.get((str(focus), path), ()) if not test(v))
        elif not (report.judge_all and test(value)):
            yield violation(report, focus, value)


def violation(report: Report, focus: Term, value: Term | None, count: str = "") -> Violation:
    """One violation of a report's constraint."""
    message = report.message.format(value=shown(value), count=count)
    text = focus.value if isinstance(focus, ox.NamedNode) else str(focus)
    shown_value = str(value) if value is not None else ""
    return Violation(text, report.path, report.component, shown_value, report.severity, message, report.shape)


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


def shown(term: Term | None) -> str:
    """A value node as curators read it: a prefixed name, or a quoted literal with its datatype or language."""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        suffix = f"@{term.language}" if term.language else ""
        if not suffix and term.datatype.value != str(XSD.string):
            suffix = f"^^{compact(term.datatype.value)}"
        return f'"{term.value}"{suffix}'
    return str(term)


def shape_checks(shapes: Graph, shape: Node, variables: Iterator[int]) -> list[Check]:
    """The checks of one top-level shape; Unsupported if the compiler cannot run it faithfully."""
    allow(shapes, shape, NODE_PARAMETERS)
    focus = targets(shapes, shape)
    props = [(prop, property_path(shapes, shape, prop)) for prop in sorted(shapes.objects(shape, SH.property))]
    checks = count_checks(shapes, props, focus) + node_value_checks(shapes, shape, focus, variables)
    for prop, path in props:
        checks += value_checks(shapes, prop, path, focus, variables)
    return checks


def top_level_shapes(shapes: Graph) -> set[Node]:
    """The node shapes, and any node with a target (SHACL makes it a shape whatever its type)."""
    found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    for target in TARGETS:
        found |= set(shapes.subjects(target, None))
    return found - set(shapes.objects(None, SH.property))


def target_classes(shapes: Graph, shape: Node) -> list[Node]:
    """The shape's target classes: its sh:targetClass, and itself if it is a class (an implicit class target)."""
    implicit = [shape] if any((shape, RDF.type, c) in shapes for c in CLASSES) else []
    return sorted(set(shapes.objects(shape, SH.targetClass)) | set(implicit))


def allow(shapes: Graph, shape: Node, parameters: set[URIRef], where: str = "") -> None:
    """Refuse a shape that uses parameters outside `parameters`, naming the shape and those parameters."""
    unsupported = ", ".join(name_of(shapes, p) for p in sorted(set(shapes.predicates(shape)) - parameters))
    if unsupported:
        raise Unsupported(f"{where or name_of(shapes, shape)}: smekg's SHACL compiler does not support {unsupported}")


def name_of(shapes: Graph, node: Node) -> str:
    """A shape or parameter as the shapes file writes it (prefixed name), or its blank node id."""
    return node.n3(shapes.namespace_manager)


def shape_key(shapes: Graph, shape: Node) -> str:
    """A shape in a violation: its IRI, or for a blank node '_:' and its sh:path if it has one."""
    if not isinstance(shape, BNode):
        return str(shape)
    path = shapes.value(shape, SH.path)
    return f"_:{path}" if isinstance(path, URIRef) else "_:"


def severity_of(shapes: Graph, shape: Node) -> str:
    """The shape's sh:severity, sh:Violation by default."""
    return str(shapes.value(shape, SH.severity) or SH.Violation)


def message_of(shapes: Graph, shape: Node, generated: str) -> str:
    """The shape's own sh:message (English or untagged first, then the first in code point order) as a template,
    else the generated one."""
    messages = sorted(
        shapes.objects(shape, SH.message), key=lambda m: ((getattr(m, "language", None) or "en") != "en", str(m))
    )
    return str(messages[0]).replace("{", "{{").replace("}", "}}") if messages else generated


def targets(shapes: Graph, shape: Node) -> str:
    """The pattern binding ?focus to each target node: every instance of the target classes or of their
    subclasses, the target nodes, the subjects of the sh:targetSubjectsOf predicates (IRIs only)."""
    classes, nodes = target_classes(shapes, shape), sorted(shapes.objects(shape, SH.targetNode))
    subjects_of = sorted(shapes.objects(shape, SH.targetSubjectsOf))
    if any(not isinstance(t, URIRef) for t in (*classes, *nodes, *subjects_of)):
        raise Unsupported("smekg's SHACL compiler supports only IRIs as targets")
    patterns = [f"{{ VALUES ?class {{ SUBCLASSES({' '.join(c.n3() for c in classes)}) }} ?focus {TYPE} ?class }}"]
    patterns = (
        patterns[: bool(classes)] + [f"{{ VALUES ?focus {{ {' '.join(n.n3() for n in nodes)} }} }}"][: bool(nodes)]
    )
    patterns += [f"{{ SELECT DISTINCT ?focus WHERE {{ ?focus {p.n3()} ?object }} }}" for p in subjects_of]
    return " UNION ".join(patterns) or "FILTER(false)"


def property_path(shapes: Graph, shape: Node, prop: Node) -> URIRef:
    """The predicate that a property shape constrains; Unsupported for another path."""
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise Unsupported("smekg's SHACL compiler supports only predicate paths (an IRI as sh:path)")
    allow(shapes, prop, PROPERTY_PARAMETERS, f"{name_of(shapes, shape)} property {name_of(shapes, path)}")
    return path


def count_checks(shapes: Graph, props: list[tuple[Node, URIRef]], focus: str) -> list[Check]:
    """One query for all sh:minCount and sh:maxCount of a node shape: per focus node, the distinct non-literal
    values of each property (a single pass over the focus nodes); the literals are counted as written."""
    optionals, counts, reports = [], [], []
    for i, (prop, path) in enumerate(props):
        limits = [(p, c, shapes.value(prop, p)) for p, c in ((SH.minCount, MIN_COUNT), (SH.maxCount, MAX_COUNT))]
        for param, component, limit in (x for x in limits if x[2] is not None):
            wording = "needs at least" if param == SH.minCount else "allows at most"
            message = message_of(shapes, prop, f"{wording} {limit} {compact(path)}, has {{count}}")
            severity, key = severity_of(shapes, prop), shape_key(shapes, prop)
            reports.append(Report(component, str(path), severity, message, key, f"count{i}", int(limit)))
        if any(limit is not None for *_, limit in limits):
            optionals.append(f"OPTIONAL {{ ?focus {path.n3()} ?v{i} FILTER(!isLiteral(?v{i})) }}")
            counts.append(f"(COUNT(DISTINCT ?v{i}) AS ?count{i})")
    if not reports:
        return []
    query = f"SELECT ?focus {' '.join(counts)} WHERE {{ {focus} {' '.join(optionals)} }} GROUP BY ?focus"
    return [Check(query, tuple(reports))]


def value_checks(shapes: Graph, prop: Node, path: URIRef, focus: str, variables: Iterator[int]) -> list[Check]:
    """One query per value constraint of a property shape: the non-literal values that fail it in SPARQL (or all
    of them, for a constraint judged in Python), and whether the focus node has literal values."""
    checks = []
    for pred, obj in sorted(shapes.predicate_objects(prop)):
        if pred in VALUE_PARAMETERS:
            condition = constraint(shapes, prop, pred, obj, "?value", variables)
            generated = f"value {{value}} of {compact(path)} {phrase(pred, condition.description)}"
            judged = pred in JUDGED  # e.g. XSD regexes run in Python, never as SPARQL REGEX: every value is judged
            message, key = message_of(shapes, prop, generated), shape_key(shapes, prop)
            report = Report(component(pred), str(path), severity_of(shapes, prop), message, key, test=condition.test)
            report = replace(report, judge_all=judged)
            values = (
                f"{{ ?focus {path.n3()} ?value FILTER(!isLiteral(?value)) {'' if judged else condition.failing()} }}"
                f" UNION {{ SELECT DISTINCT ?focus (true AS ?literal)"
                f" WHERE {{ ?focus {path.n3()} ?any FILTER(isLiteral(?any)) }} }}"
            )
            checks.append(Check(f"SELECT DISTINCT ?focus ?value ?literal WHERE {{ {values} {focus} }}", (report,)))
    return checks


def node_value_checks(shapes: Graph, shape: Node, focus: str, variables: Iterator[int]) -> list[Check]:
    """One query per value constraint of a node shape, on the focus node itself (never a literal: the
    compiled targets are IRIs and subjects): the focus nodes that fail it, or all of them to judge in Python."""
    checks = []
    for pred, obj in sorted(shapes.predicate_objects(shape)):
        if pred in VALUE_PARAMETERS:
            condition = constraint(shapes, shape, pred, obj, "?focus", variables)
            message = message_of(shapes, shape, f"the entry {phrase(pred, condition.description)}")
            severity, key = severity_of(shapes, shape), shape_key(shapes, shape)
            report = Report(component(pred), "", severity, message, key, test=condition.test, judge_all=pred in JUDGED)
            failing = "" if pred in JUDGED else condition.failing()
            query = f"SELECT DISTINCT ?focus ?value ?literal WHERE {{ {focus} {failing} BIND(?focus AS ?value) }}"
            checks.append(Check(query, (report,)))
    return checks


def phrase(pred: URIRef, description: str) -> str:
    """The end of a generated message about a node that fails a constraint described as `description`."""
    return f"is none of: {description}" if pred == SH["or"] else f"is not {description}"


def component(pred: URIRef) -> str:
    """The constraint component of a parameter (sh:class → sh:ClassConstraintComponent)."""
    local = str(pred)[len(str(SH)) :]
    return str(SH[local[0].upper() + local[1:] + "ConstraintComponent"])


def constraint(shapes: Graph, shape: Node, pred: URIRef, obj: Node, var: str, variables: Iterator[int]) -> Condition:
    """One value constraint (pred obj) of a shape as a test of the node in var (SPARQL) or of a literal."""
    if pred == SH["class"]:
        cls = f"?class{next(variables)}"
        pattern = f"VALUES {cls} {{ SUBCLASSES({obj.n3()}) }} {var} {TYPE} {cls} ."
        return Condition((pattern,), "false", f"a {compact(obj)}", lambda _: False)
    if pred == SH.datatype:
        return Condition((), "false", f"a well-formed {compact(obj)} literal", datatype_test(obj))
    if pred == SH.nodeKind:
        if obj not in NODE_KINDS:
            raise Unsupported(f"sh:nodeKind {name_of(shapes, obj)} is not a SHACL node kind")
        test, description, literal = NODE_KINDS[obj]
        return Condition((), test.format(var), description, lambda _: literal)
    if pred == SH.pattern:
        regex = xsd_regex(shapes, shape, str(obj), str(shapes.value(shape, SH.flags) or ""))
        return Condition((), "false", f"a text matching {obj}", pattern_test(regex))
    if pred in COMPARISONS:
        return Condition((), "false", f"{COMPARISONS[pred][1]} {obj}", comparison_test(pred, obj))
    if pred in LENGTHS:
        return Condition((), "false", f"{LENGTHS[pred][1]} {obj} characters long", length_test(pred, obj))
    members = [member(shapes, shape, m, var, variables) for m in Collection(shapes, obj)]
    return Condition(
        tuple(p for m in members for p in m.patterns),
        " || ".join(f"({m.expression})" for m in members) or "false",
        "; ".join(m.description for m in members),
        lambda value: any(m.test(value) for m in members),
    )


def member(shapes: Graph, shape: Node, alternative: Node, var: str, variables: Iterator[int]) -> Condition:
    """One sh:or alternative: a shape of value constraints on the node, or a property shape with only
    sh:minCount 1 (the node has a value)."""
    path = shapes.value(alternative, SH.path)
    if path is not None:
        extra = set(shapes.predicates(alternative)) - {RDF.type, SH.path, SH.minCount}
        if extra or not isinstance(path, URIRef) or shapes.value(alternative, SH.minCount) != Literal(1):
            raise Unsupported("an sh:or alternative with an sh:path may only have sh:minCount 1")
        pattern = f"{var} {path.n3()} ?any{next(variables)} ."
        return Condition((pattern,), "false", f"a node with a {compact(path)}", lambda _: False)
    allow(shapes, alternative, MEMBER_PARAMETERS, f"an sh:or alternative of {name_of(shapes, shape)}")
    parts = [
        constraint(shapes, alternative, p, o, var, variables)
        for p, o in sorted(shapes.predicate_objects(alternative))
        if p in VALUE_PARAMETERS
    ]
    return reduce(both, parts[1:], parts[0]) if parts else Condition((), "true", "anything", lambda _: True)


def both(a: Condition, b: Condition) -> Condition:
    """The conjunction of two tests, (Pa or ea) and (Pb or eb), distributed into patterns and an expression."""
    patterns = [f"{p} {q}" for p in a.patterns for q in b.patterns]
    patterns += [f"{p} FILTER({b.expression})" for p in a.patterns if b.expression != "false"]
    patterns += [f"{q} FILTER({a.expression})" for q in b.patterns if a.expression != "false"]
    return Condition(
        tuple(patterns),
        f"({a.expression}) && ({b.expression})",
        f"{a.description} and {b.description}",
        lambda value: a.test(value) and b.test(value),
    )


def datatype_test(datatype: Node) -> Test:
    """Whether a value is a literal of the datatype with a well-formed lexical form (Unsupported for a datatype
    whose lexical space the compiler does not know)."""
    if datatype not in LEXICAL:
        raise Unsupported(f"smekg's SHACL compiler does not check the lexical forms of sh:datatype {datatype}")
    form, iri = re.compile(LEXICAL[datatype]), str(datatype)

    def test(value: Term) -> bool:
        if not isinstance(value, ox.Literal) or value.datatype.value != iri:
            return False
        match = form.fullmatch(value.value)
        return match is not None and in_value_space(datatype, match)

    return test


def in_value_space(datatype: Node, match: re.Match) -> bool:
    """Whether a lexical form that matches the datatype's pattern names a value: a day that exists, an integer
    within the datatype's bounds."""
    if datatype in DATES:
        year, month, day = int(match.group(0).lstrip("-").split("-")[0]), int(match["month"]), int(match["day"])
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return 1 <= month <= 12 and 1 <= day <= days[month - 1]
    least, greatest = BOUNDS.get(datatype, (None, None))
    n = int(match.group(0)) if least is not None or greatest is not None else 0
    return (least is None or n >= least) and (greatest is None or n <= greatest)


def number(term: Literal | ox.Literal) -> Decimal | float | None:
    """The exact value of a well-formed numeric literal (any size; a float for xsd:double and xsd:float, which
    SPARQL compares as doubles), else None; NaN is None, as it compares with nothing."""
    datatype = URIRef(term.datatype.value if isinstance(term, ox.Literal) else term.datatype or XSD.string)
    lexical = term.value if isinstance(term, ox.Literal) else str(term)
    if datatype not in NUMERIC or not datatype_test(datatype)(ox.Literal(lexical, datatype=ox.NamedNode(datatype))):
        return None
    if datatype in (XSD.double, XSD.float):
        value = float(lexical)
        return None if value != value else value
    return Decimal(lexical)


def comparison_test(pred: URIRef, bound: Node) -> Test:
    """Whether a value is a number that compares with the bound as the parameter says (exact, at any size; as
    doubles if either is one); Unsupported for a bound that is no number."""
    limit = number(bound) if isinstance(bound, Literal) else None
    if limit is None:
        raise Unsupported(f"smekg's SHACL compiler compares only with numbers ({pred.n3()} {bound.n3()})")
    compare = COMPARISONS[pred][0]

    def test(value: Term) -> bool:
        n = number(value) if isinstance(value, ox.Literal) else None
        if isinstance(n, float) or isinstance(limit, float):
            return n is not None and compare(float(n), float(limit))
        return n is not None and compare(n, limit)

    return test


def length_test(pred: URIRef, bound: Node) -> Test:
    """Whether a value's text (lexical form or IRI) has a length the parameter allows; a blank node has none."""
    if not (isinstance(bound, Literal) and bound.datatype == XSD.integer and re.fullmatch(INTEGER, str(bound))):
        raise Unsupported(f"{pred.n3()} {bound.n3()} is not an xsd:integer")
    compare, limit = LENGTHS[pred][0], int(str(bound))
    return lambda value: not isinstance(value, ox.BlankNode) and compare(len(value.value), limit)


def pattern_test(regex: re.Pattern) -> Test:
    """Whether a value's text (lexical form or IRI) matches the regex; a blank node never does."""
    return lambda value: not isinstance(value, ox.BlankNode) and regex.search(value.value) is not None


def xsd_regex(shapes: Graph, shape: Node, pattern: str, flags: str) -> re.Pattern:
    """The Python regex that matches as the XSD regex of sh:pattern (XPath fn:matches) does; Unsupported for
    syntax it cannot translate faithfully, SmekgError for a pattern that is no regex at all."""
    if set(flags) - set(FLAGS):
        raise Unsupported(f"smekg's SHACL compiler does not support sh:flags {flags!r}")
    translated, i, in_class = [], 0, False
    anchors = {k: v for k, v in TRANSLATED.items() if k not in flags.translate(FLAG_OWNER)}
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i + 1 : i + 2]
            if escaped not in SAME_ESCAPES and escaped not in ESCAPES:
                raise Unsupported(f"sh:pattern {pattern!r}: \\{escaped} has no faithful Python equivalent")
            translated.append(escape(pattern, escaped, in_class))
            i += 2
            continue
        if char == "(" and pattern[i + 1 : i + 2] == "?" and not in_class:
            raise Unsupported(f"sh:pattern {pattern!r}: '(?' is not XSD regex syntax")
        if in_class and char == "[":
            raise Unsupported(f"sh:pattern {pattern!r}: nested or subtracted character classes")
        in_class = (in_class and char != "]") or (not in_class and char == "[")
        translated.append(char if in_class else anchors.get(char, char))
        i += 1
    try:
        return re.compile("".join(translated), reduce(lambda a, f: a | FLAGS[f], flags, re.NOFLAG))
    except re.error as err:
        finding = Finding("", 0, name_of(shapes, shape), f"sh:pattern {pattern!r} is not a regular expression: {err}")
        raise SmekgError("compiling the SHACL shapes", [finding]) from err


# XPath: '.' matches neither \n nor \r (unless flag s); '$' only at the very end (unless flag m), Python's also
# before a final newline.
def escape(pattern: str, escaped: str, in_class: bool) -> str:
    """The Python form of an XSD regex escape; within a character class, \\s gives its members."""
    if escaped not in ESCAPES:
        return "\\" + escaped
    if in_class and escaped == "S":
        raise Unsupported(f"sh:pattern {pattern!r}: \\S inside a character class")
    return ESCAPES[escaped][1:-1] if in_class else ESCAPES[escaped]


TRANSLATED = {".": "[^\\n\\r]", "$": "\\Z"}
FLAG_OWNER = str.maketrans({"s": ".", "m": "$"})


def fallback_violations(
    store: ox.Store, shapes: Graph, chosen: dict[Node, str], union: bool, literals: LiteralIndex
) -> list[Violation]:
    """The violations of the chosen shapes, run by pyrudof on the data with its literals as written."""
    try:
        import pyrudof
    except ImportError as err:
        names = ", ".join(name_of(shapes, s) for s in sorted(chosen))
        problem = f"needs pyrudof (pip install pyrudof), which is not installed: {err}"
        raise SmekgError("validating the SHACL shapes", [Finding("", 0, names, problem)]) from err
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    try:
        rudof.read_data(faithful_data(store, union, literals), format=pyrudof.RDFFormat.NTriples)
        subset = shapes_subset(shapes, set(chosen)).serialize(format="nt", encoding="utf-8").decode()
        rudof.read_shacl(subset, format=pyrudof.ShaclFormat.NTriples)
        rudof.validate_shacl()
        report = rudof.serialize_shacl_validation_results(format=pyrudof.ResultShaclValidationFormat.NTriples)
    except Exception as err:  # pyrudof raises one exception class per kind of input; all mean "not validated"
        names = ", ".join(name_of(shapes, s) for s in sorted(chosen))
        raise SmekgError("validating the SHACL shapes", [Finding("", 0, names, f"pyrudof: {err}")]) from err
    return list(report_violations(report))


def faithful_data(store: ox.Store, union: bool, literals: LiteralIndex) -> str:
    """The store's triples as N-Triples, with every literal as written in the sources."""
    graph = None if union else ox.DefaultGraph()
    lines = {
        str(ox.Triple(q.subject, q.predicate, q.object))
        for q in store.quads_for_pattern(None, None, None, graph)
        if not isinstance(q.object, ox.Literal)
    }
    for (subject, predicate), values in literals.items():
        lines.update(f"{subject} {predicate} {value}" for value in values)
    return " .\n".join(sorted(lines)) + " .\n" if lines else ""


def shapes_subset(shapes: Graph, chosen: set[Node]) -> Graph:
    """The chosen shapes and every node they reach; other shapes reached keep no target (they run elsewhere)."""
    subset, todo, seen = Graph(), list(chosen), set(chosen)
    while todo:
        node = todo.pop()
        for pred, obj in shapes.predicate_objects(node):
            is_target = pred in TARGETS or (pred == RDF.type and obj in CLASSES)
            if node in chosen or not is_target:
                subset.add((node, pred, obj))
            if isinstance(obj, BNode | URIRef) and obj not in seen and pred != RDF.type:
                seen.add(obj)
                todo.append(obj)
    return subset


def report_violations(report: str) -> Iterator[Violation]:
    """The results of a SHACL validation report (N-Triples) as violations of the fallback engine (the results of
    the report, not their sh:detail)."""
    graph: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
    for triple in ox.parse(report, format=ox.RdfFormat.N_TRIPLES):
        graph[str(triple.subject)][triple.predicate.value].append(triple.object)
    reports = [s for s, props in graph.items() if ox.NamedNode(str(SH.ValidationReport)) in props[str(RDF.type)]]
    for result in (r for s in reports for r in graph[s][str(SH.result)]):
        props = graph[str(result)]
        focus, value, path, shape, why, component, severity = (
            next(iter(props[str(p)]), None)
            for p in (SH.focusNode, SH.value, SH.resultPath, SH.sourceShape, SH.resultMessage)
            + (SH.sourceConstraintComponent, SH.resultSeverity)
        )
        message = why.value if why is not None else f"fails {compact(component.value)}"
        iri = isinstance(path, ox.NamedNode)  # a blank source shape is named by its path (pyrudof renames it)
        yield Violation(
            focus.value if isinstance(focus, ox.NamedNode) else str(focus),
            path_text(graph, path),
            component.value,
            str(value) if value is not None else "",
            severity.value,
            f"{message} [checked by {FALLBACK}]",
            shape.value if isinstance(shape, ox.NamedNode) else f"_:{path_text(graph, path) if iri else ''}",
            FALLBACK,
        )


def path_text(graph: dict[str, dict[str, list[Term]]], path: Term | None) -> str:
    """A SHACL path as text: the IRI of a predicate path, else SPARQL property path syntax."""
    if path is None:
        return ""
    if isinstance(path, ox.NamedNode):
        return path.value
    props = graph.get(str(path), {})
    one = {p: v[0] for p, v in props.items() if v}
    unary = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+", SH.zeroOrOnePath: "{}?"}
    for pred, form in unary.items():
        if str(pred) in one:
            return form.format(f"({wrapped(graph, one[str(pred)])})")
    if str(SH.alternativePath) in one:
        return "(" + "|".join(wrapped(graph, m) for m in members(graph, one[str(SH.alternativePath)])) + ")"
    return "(" + "/".join(wrapped(graph, m) for m in members(graph, path)) + ")"


def wrapped(graph: dict[str, dict[str, list[Term]]], path: Term) -> str:
    """A path inside another: an IRI in angle brackets, else the path's text."""
    return str(path) if isinstance(path, ox.NamedNode) else path_text(graph, path)


def members(graph: dict[str, dict[str, list[Term]]], node: Term) -> list[Term]:
    """The members of an RDF list."""
    found = []
    while isinstance(node, ox.BlankNode):
        props = graph.get(str(node), {})
        found += props.get(str(RDF.first), [])
        node = next(iter(props.get(str(RDF.rest), [])), None)
    return found
