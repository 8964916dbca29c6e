"""OWL 2 DL reasoning over the whole compiled graph, TBox and every individual, by a complete reasoner.

Konclude classifies and realises the graph unless it uses a construct Konclude does not support (a datatype definition,
a key), py-horned-owl (which writes Konclude's input) would lose one of its triples, or Konclude is not installed: then
HermiT does. The route and why are in the build report. Inferred types, subclass and equivalence edges between named
classes and object property values go into the graph of inferences. An inconsistent graph or an unsatisfiable class
is an error, explained by a minimal set of axioms, each located in the sources (justify.py). A graph outside OWL 2 DL
(a non-simple property where a simple one is needed) is refused before either reasoner sees it.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import hermit, horned, konclude
from .errors import Finding, SmekgError, fail
from .justify import BUDGET_S, explain, locate, readable
from .owners import REASON_PREFIX, remove_dead_owners_folders, tagged
from .sources import Compiled
from .vocab import BASE, OWN_NAMESPACES, compact

INFERRED = ox.NamedNode(BASE + "inferred")
OWL = "http://www.w3.org/2002/07/owl#"
THING, NOTHING = OWL + "Thing", OWL + "Nothing"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SUBCLASS_OF = RDFS + "subClassOf"
# The allow-list: what Konclude 0.7 is shown to answer as HermiT does (tests/test_reasoning.py on the real graph,
# tests/test_reasoning_corpus.py on one small ontology per construct). Off the list, HermiT reasons. The corpus found
# Konclude wrong on asymmetric properties, crashing on irreflexive ones, hanging on cardinalities, unions and
# inverse-functional properties, ignoring datatype definitions and keys, putting a decimal literal into an integer
# facet and missing a subsumption between restrictions on two datatypes. (Inverse properties are on the list again:
# the wrong values once blamed on Konclude for them, and for property chains, were smekg reading its answers by
# position, which Konclude writes out of order on a busy machine; see konclude.sparql.)
KONCLUDE_AXIOMS = {"SubClassOf", "EquivalentClasses", "DisjointClasses", "DisjointUnion", "ClassAssertion"}
KONCLUDE_AXIOMS |= {"ObjectPropertyAssertion", "DataPropertyAssertion", "NegativeObjectPropertyAssertion"}
KONCLUDE_AXIOMS |= {"NegativeDataPropertyAssertion", "SameIndividual", "DifferentIndividuals"}
KONCLUDE_AXIOMS |= {"SubObjectPropertyOf", "ObjectPropertyDomain", "ObjectPropertyRange", "InverseObjectProperties"}
KONCLUDE_AXIOMS |= {"FunctionalObjectProperty", "SymmetricObjectProperty", "TransitiveObjectProperty"}
KONCLUDE_AXIOMS |= {"SubDataPropertyOf", "DataPropertyDomain", "DataPropertyRange", "FunctionalDataProperty"}
KONCLUDE_OWL = {OWL + t for t in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Ontology")}
KONCLUDE_OWL |= {OWL + t for t in ("Restriction", "onProperty", "someValuesFrom", "allValuesFrom", "hasValue")}
KONCLUDE_OWL |= {OWL + t for t in ("intersectionOf", "oneOf", "complementOf", "equivalentClass", "disjointWith")}
KONCLUDE_OWL |= {OWL + t for t in ("onDatatype", "withRestrictions", "sameAs", "differentFrom")}
KONCLUDE_OWL |= {OWL + t for t in ("FunctionalProperty", "TransitiveProperty", "SymmetricProperty", "Thing")}
# not owl:propertyChainAxiom: chains must keep the property hierarchy regular (OWL 2 DL, section 11.2), which smekg does
# not check and HermiT does (a non-simple property where a simple one is needed is refused first: non_simple_uses)
KONCLUDE_OWL |= {OWL + t for t in ("disjointUnionOf", "NegativePropertyAssertion", "inverseOf")}
KONCLUDE_OWL |= {OWL + t for t in ("sourceIndividual", "assertionProperty", "targetIndividual", "targetValue")}
KONCLUDE_OWL |= {OWL + t for t in ("Axiom", "annotatedSource", "annotatedProperty", "annotatedTarget")}
KONCLUDE_OWL |= {OWL + t for t in ("versionIRI", "versionInfo", "priorVersion", "deprecated")}  # no logic
XSD = "http://www.w3.org/2001/XMLSchema#"
KONCLUDE_DATATYPES = {XSD + t for t in ("integer", "decimal", "nonNegativeInteger", "positiveInteger", "int")}
KONCLUDE_DATATYPES |= {XSD + t for t in ("string", "dateTime", "anyURI", "boolean")}
KONCLUDE_DATATYPES |= {"http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
NOT_SUPPORTED = {
    "HasKey": "keys (owl:hasKey) are not supported: Konclude ignores them and HermiT was seen typing individuals "
    "wrongly with them (tests/fixtures/reasoning/has-key-other-key.ttl)"
}
ENGINES = ("auto", "konclude", "hermit")
# OWL 2 DL's global restriction on simple properties (OWL 2 Structural Specification, section 11.1): these axioms, and
# the cardinality and self restrictions, need a simple object property, one with no transitive or chained property at
# or under it. Outside OWL 2 DL a reasoner's answer means nothing: HermiT refuses such a graph, Konclude answers it
# without a word (a transitive property under a functional one: no values of the functional one at all).
NEEDS_SIMPLE = {"FunctionalObjectProperty", "InverseFunctionalObjectProperty", "IrreflexiveObjectProperty"}
NEEDS_SIMPLE |= {"AsymmetricObjectProperty", "DisjointObjectProperties"}
SIMPLE_IN_CLASSES = re.compile(
    r"(?:Object(?:Min|Max|Exact)Cardinality\(\d+ |ObjectHasSelf\()(?:ObjectInverseOf\()?<([^>]+)>"
)
NO_CLASS_EXPRESSION = {"ObjectPropertyAssertion", "DataPropertyAssertion", "NegativeObjectPropertyAssertion"}
NO_CLASS_EXPRESSION |= {"NegativeDataPropertyAssertion", "SameIndividual", "DifferentIndividuals"}
Locator = Callable[[str], tuple[str, int]]


@dataclass
class Route:
    """The reasoner chosen for a graph, and why."""

    engine: str
    why: str

    def __str__(self) -> str:
        return f"{self.engine} (OWL 2 DL, TBox and every individual): {self.why}"


@dataclass
class Entailments:
    """What a complete reasoner concludes from a graph, over named classes, individuals and object properties."""

    engine: str
    why: str
    consistent: bool
    unsatisfiable: set[str] = field(default_factory=set)
    types: set[tuple[str, str]] = field(default_factory=set)
    subclasses: set[tuple[str, str]] = field(default_factory=set)
    equivalent: set[tuple[str, str]] = field(default_factory=set)
    direct: set[tuple[str, str]] = field(default_factory=set)
    values: set[tuple[str, str, str]] = field(default_factory=set)
    justification: list[str] = field(default_factory=list)
    explanations: dict[str, list[str]] = field(default_factory=dict)
    unexplained: str = ""


def choose(ontology: horned.Ontology, engine: str, where: Locator | None = None) -> Route:
    """Konclude when it supports every axiom of the graph and is installed; HermiT otherwise (or when asked). A graph
    outside OWL 2 DL is refused, each fault at where(the property at fault), if given."""
    if engine not in ENGINES:
        raise fail("reasoning", "--reasoner", f"unknown reasoner {engine!r}; use one of {', '.join(ENGINES)}")
    axioms = horned.logical_axioms(ontology)
    if misused := non_simple_uses([a.component for a in axioms]):
        at = where or (lambda _: ("", 0))
        raise SmekgError("reasoning", [Finding(*at(prop), compact(prop), why) for prop, why in misused])
    kinds = {horned.kind(a) for a in axioms}
    if refused := sorted(kinds & set(NOT_SUPPORTED)):
        raise fail("reasoning", "OWL 2 DL", NOT_SUPPORTED[refused[0]], refused[0])
    if engine == "hermit":
        return Route("HermiT", "asked for (--reasoner hermit)")
    if unproven := sorted(kinds - KONCLUDE_AXIOMS):
        return fallback(f"Konclude is not shown to handle {', '.join(unproven)} axioms", engine)
    if merged := merged_individuals([a.component for a in axioms]):
        return fallback(
            f"Konclude 0.7 never finishes when a functional property makes two individuals one: {merged}", engine
        )
    if not konclude.available():
        return fallback(f"Konclude is not installed ({konclude.INSTALL})", engine)
    return Route("Konclude", "every axiom and datatype of the graph is on its allow-list")


def non_simple_uses(axioms: list) -> list[tuple[str, str]]:
    """Each use of a non-simple object property where OWL 2 DL needs a simple one, as (property, why). A property is
    non-simple when a transitive or chained property is at or under it, through sub-, equivalent and inverse
    properties (a property and its inverse are simple or not together)."""
    above: dict[str, set[str]] = {}
    composite: dict[str, str] = {}  # a transitive or chained property: the axiom that makes it so
    needs: list[tuple[str, str]] = []  # a property that must be simple: the axiom that needs it
    for axiom in axioms:
        kind = type(axiom).__name__
        if kind in NO_CLASS_EXPRESSION or (kind == "ClassAssertion" and type(axiom.ce).__name__ == "Class"):
            continue
        text = str(axiom)
        names = horned.IRI.findall(text)
        if kind == "TransitiveObjectProperty" or text.startswith("SubObjectPropertyOf(ObjectPropertyChain("):
            composite.setdefault(names[-1], text)
        elif kind == "SubObjectPropertyOf":
            above.setdefault(names[0], set()).add(names[1])
        elif kind in ("EquivalentObjectProperties", "InverseObjectProperties"):
            for name in names:
                above.setdefault(name, set()).update(names)
        needs += [(name, text) for name in (names if kind in NEEDS_SIMPLE else SIMPLE_IN_CLASSES.findall(text))]
    cause: dict[str, str] = {}
    for prop in sorted(composite):
        for reached in sorted(reachable(above, prop)):
            how = "" if reached == prop else f", and {compact(reached)} is above {compact(prop)}"
            cause.setdefault(reached, f"{readable(composite[prop])}{how}")
    found = dict.fromkeys((prop, text) for prop, text in needs if prop in cause)
    return [
        (prop, f"not OWL 2 DL: {readable(text)} needs {compact(prop)} simple, and it is not: {cause[prop]}")
        for prop, text in found
    ]


def merged_individuals(axioms: list) -> str:
    """Two values of one subject for one functional object property (or a property under one), which makes them the
    same individual, as text; or ''. Konclude 0.7 classifies and realises such a graph for ever, though it decides
    its consistency (tests/fixtures/reasoning/functional-*.ttl; values of two properties under one functional property
    do not stop it). A value of a property is also one of its inverses, the other way round: two owners of one firm
    are one owner where `ownedBy` is functional."""
    functional = {str(a.first) for a in axioms if type(a).__name__ == "FunctionalObjectProperty"}
    supers: dict[str, set[str]] = {}
    inverses: dict[str, set[str]] = {}
    for a in axioms:
        if type(a).__name__ == "SubObjectPropertyOf":
            supers.setdefault(str(a.sub), set()).add(str(a.sup))
        elif type(a).__name__ == "InverseObjectProperties":
            inverses.setdefault(str(a.first), set()).add(str(a.second))
            inverses.setdefault(str(a.second), set()).add(str(a.first))
    seen: dict[tuple[str, str], str] = {}
    for a in axioms:
        if type(a).__name__ != "ObjectPropertyAssertion":
            continue
        prop, source, target = str(a.ope), str(a.source), str(a.target)
        for p, s, o in [(prop, source, target), *((q, target, source) for q in sorted(inverses.get(prop, ())))]:
            if reachable(supers, p) & functional and (first := seen.setdefault((p, s), o)) != o:
                return f"{compact(s)} {compact(p)} {compact(first)}, {compact(o)}"
    return ""


def unshown(audit: horned.Audit) -> str:
    """Why Konclude's answer cannot be trusted for this graph, or ''."""
    if audit.unread:
        why = f"py-horned-owl, which writes Konclude's input, does not read {len(audit.unread)} triple(s) as OWL 2"
        return f"{why}, e.g. {audit.unread[0]}"
    if unproven := sorted(audit.datatypes - KONCLUDE_DATATYPES):
        return f"Konclude is not shown to handle the datatype(s) {', '.join(compact(d) for d in unproven)}"
    if unproven := sorted(audit.vocabulary - KONCLUDE_OWL):
        return f"Konclude is not shown to handle {', '.join(compact(t) for t in unproven)}"
    for prop, bases in sorted(audit.restricted.items()):
        if len(bases) > 1 or not audit.literal_types.get(prop, set()) <= bases:
            return f"Konclude misjudges values of {compact(prop)} against restrictions on another datatype"
    return ""


def untrusted(
    answer: konclude.Answer, result: Entailments, audit: horned.Audit, axioms: list[str], individuals: bool = True
) -> str:
    """Why Konclude's answer (result: its conclusions) cannot be trusted, or '': its hierarchy (and types) must hold
    every told one (untold); its property values, every asserted value, closed under the property axioms
    (unclosed)."""
    if not individuals:
        return untold(result, axioms, individuals)
    if short := lacking(answer, audit):
        return f"Konclude's answer lacks asserted values of {compact(short[0])}"
    return unclosed(answer, axioms) or untold(result, axioms, individuals)


def lacking(answer: konclude.Answer, audit: horned.Audit) -> list[str]:
    """The object properties with fewer values in the answer than the graph asserts."""
    counts = answer.counts()
    return sorted(p for p, n in audit.asserted_values.items() if counts[p] < n)


# The property axioms every correct set of property values is closed under, as py-horned-owl writes them.
PROPERTY_AXIOMS = re.compile(
    r"(SubObjectPropertyOf|EquivalentObjectProperties|InverseObjectProperties|TransitiveObjectProperty"
    r"|SymmetricObjectProperty)\(((?:<[^>]+> ?)+)\)"
)


def unclosed(answer: konclude.Answer, axioms: list[str]) -> str:
    """Why the answer's property values cannot be every entailed one, or '': they must be closed under the graph's
    own property axioms (a value of a subproperty is one of the superproperty; one of a property, reversed, one of
    its inverse; two chained values of a transitive property give a third). Konclude 0.7 was seen, on a busy
    machine, answering no value at all for a transitive property above one with values."""
    values: dict[str, set[tuple[str, str]]] = {}
    for subject, prop, value in answer.values:
        values.setdefault(prop, set()).add((subject, value))
    for axiom in axioms:
        match = PROPERTY_AXIOMS.fullmatch(axiom)
        if match is None:
            continue
        kind, names = match.group(1), horned.IRI.findall(match.group(2))
        pairs = [values.get(name, set()) for name in names]
        if kind in ("SubObjectPropertyOf", "EquivalentObjectProperties"):
            wrong = not pairs[0] <= pairs[1] if kind.startswith("Sub") else any(p != pairs[0] for p in pairs)
        elif kind == "InverseObjectProperties":
            wrong = pairs[0] != {(o, s) for s, o in pairs[1]}
        elif kind == "SymmetricObjectProperty":
            wrong = pairs[0] != {(o, s) for s, o in pairs[0]}
        else:
            wrong = not transitive(pairs[0])
        if wrong:
            return f"Konclude's property values break {readable(axiom)}"
    return ""


# The class axioms between named classes every correct answer holds, as py-horned-owl writes them.
CLASS_AXIOMS = re.compile(
    r"(SubClassOf|EquivalentClasses|ClassAssertion|ObjectPropertyDomain|ObjectPropertyRange)\(((?:<[^>]+> ?)+)\)"
)


def untold(result: Entailments, axioms: list[str], individuals: bool) -> str:
    """Why the answer's hierarchy or types cannot be every entailed one, or '': the hierarchy must hold every told
    subclass and equivalence between named satisfiable classes; with individuals, the types must hold every told
    class assertion and the domain and range of every property value."""
    hierarchy = result.subclasses | result.equivalent
    ends: dict[str, tuple[set[str], set[str]]] = {}
    for subject, prop, value in result.values if individuals else ():
        subjects, values = ends.setdefault(prop, (set(), set()))
        subjects.add(subject)
        values.add(value)
    for axiom in axioms:
        match = CLASS_AXIOMS.fullmatch(axiom)
        if match is None:
            continue
        kind, names = match.group(1), horned.IRI.findall(match.group(2))
        if kind in ("SubClassOf", "EquivalentClasses"):
            pairs = zip(names, names[1:] + names[:1], strict=True) if kind == "EquivalentClasses" else [names]
            wrong = any(told(a, b, result) and (a, b) not in hierarchy for a, b in pairs)
        elif not individuals or THING in names:
            continue
        elif kind == "ClassAssertion":
            wrong = (names[1], names[0]) not in result.types
        else:
            typed = ends.get(names[0], (set(), set()))[kind == "ObjectPropertyRange"]
            wrong = any((x, names[1]) not in result.types for x in typed)
        if wrong:
            return f"Konclude's answer lacks what {readable(axiom)} entails"
    return ""


def told(sub: str, sup: str, result: Entailments) -> bool:
    """Whether a told subclass edge must be in the answer: between two classes, neither owl:Thing nor owl:Nothing
    nor unsatisfiable."""
    ends = {sub, sup}
    return sub != sup and not ends & {THING, NOTHING} and not ends & result.unsatisfiable


def transitive(pairs: set[tuple[str, str]]) -> bool:
    """Whether the pairs hold every pair that two of them chained give."""
    after: dict[str, set[str]] = {}
    for x, y in pairs:
        after.setdefault(x, set()).add(y)
    return all(z in after.get(x, ()) for x, y in pairs for z in after.get(y, ()))


def fallback(reason: str, engine: str) -> Route:
    """HermiT, for the reason given; a finding if Konclude was asked for."""
    if engine == "konclude":
        raise fail("reasoning", "Konclude", f"cannot reason with Konclude: {reason}")
    return Route("HermiT", reason)


def entail_file(
    path: Path,
    engine: str = "auto",
    explain_refusals: bool = True,
    individuals: bool = True,
    where: Locator | None = None,
) -> Entailments:
    """Reason over an N-Triples file with engine "auto" (Konclude unless the graph needs HermiT), "konclude" or
    "hermit"; explain_refusals: find the axioms behind an inconsistency or an unsatisfiable class; without
    individuals, Konclude only classifies (consistency, the class hierarchy, the unsatisfiable classes), as the
    release gate needs: no types or property values of individuals (HermiT gives them all the same); where(IRI):
    the file and line of an entry, for findings (default: the file itself).

    Konclude starts at once; meanwhile every triple is checked to be one py-horned-owl read (else Konclude never
    saw it: HermiT reasons instead)."""
    ontology = horned.read_ntriples(path)
    route = choose(ontology, engine, where or (lambda _: (str(path), 0)))
    remove_dead_owners_folders(Path(tempfile.gettempdir()), REASON_PREFIX)
    with tempfile.TemporaryDirectory(prefix=tagged(REASON_PREFIX)) as tmp:
        if route.engine == "Konclude":
            ofn = horned.write_ofn(ontology, Path(tmp) / "input.ofn")
            properties = sorted(ontology.get_object_properties()) if individuals else []
            started = konclude.start(ofn, properties, individuals)
            try:  # while Konclude runs: what its answer is checked against
                audit = horned.audit(path, ontology)
                axioms = [str(a.component) for a in horned.logical_axioms(ontology)]
            except BaseException:
                konclude.stop(started)
                raise
            if why_not := unshown(audit):
                konclude.stop(started)
                route = fallback(why_not, engine)
        if route.engine == "Konclude":
            seconds = konclude.deadline(len(ontology.get_axioms()))
            try:
                answer = konclude.collect(started, ofn, set(ontology.get_classes()), properties, seconds)
                result = conclusions(route, answer)
                if answer.consistent and (why := untrusted(answer, result, audit, axioms, individuals)):  # safety net
                    route = fallback(why, engine)
            except konclude.GaveUp as why:
                route = fallback(str(why), engine)
        read_by_owlapi = Path(tmp) / "owlapi.owx"  # for explanations: the OWL API may read what py-horned-owl drops
        if route.engine != "Konclude":
            result = conclusions(route, hermit.entail(path, read_by_owlapi))
        if explain_refusals and (result.unsatisfiable or not result.consistent):
            owx = read_by_owlapi if read_by_owlapi.exists() else horned.write_owx(ontology, Path(tmp) / "input.owx")
            if not result.consistent:
                result.justification = explained(result, explain(owx, route.engine, None))
            for cls in sorted(result.unsatisfiable):
                result.explanations[cls] = explained(result, explain(owx, route.engine, cls))
    return result


def explained(result: Entailments, axioms: list[str] | None) -> list[str]:
    """The axioms of an explanation; when there are none, why, in result.unexplained."""
    if axioms is None:
        result.unexplained = (
            f"the search stopped: the reasoner failed or the {BUDGET_S:.0f} s ran out (SMEKG_EXPLAIN_TIMEOUT)"
        )
    elif not axioms:
        result.unexplained = "the reasoner finds the OWL/XML the search runs on consistent"
    return axioms or []


def conclusions(route: Route, answer: konclude.Answer) -> Entailments:
    """The reasoner's answer closed under its class hierarchy: every named type, every named subsumption."""
    result = Entailments(route.engine, route.why, answer.consistent)
    if not answer.consistent:
        return result
    edges: dict[str, set[str]] = {}
    for sub, sup in answer.direct:
        edges.setdefault(sub, set()).add(sup)
    for group in answer.equivalent:
        if NOTHING in group:
            result.unsatisfiable |= group - {NOTHING}
            continue
        for a in group:
            edges.setdefault(a, set()).update(group - {a})
        result.equivalent |= {(a, b) for a in group for b in group if a != b}
    supers = {cls: reachable(edges, cls) for cls in edges}
    result.direct = {(a, b) for a, b in answer.direct if THING not in (a, b) and NOTHING not in (a, b)}
    result.subclasses = {(a, b) for a, ups in supers.items() for b in ups if a != b and THING not in (a, b)}
    result.subclasses = {(a, b) for a, b in result.subclasses if a not in result.unsatisfiable and b != NOTHING}
    result.types = {(x, c) for x, t in answer.types for c in {t} | supers.get(t, set()) if c not in (THING, NOTHING)}
    result.values = set(answer.values)
    return result


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every node reachable from start (start included)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def reason(compiled: Compiled, engine: str = "auto") -> tuple[str, list[Finding]]:
    """Reason over the compiled sources into the graph of inferences; return the route taken and any findings."""
    remove_dead_owners_folders(Path(tempfile.gettempdir()), REASON_PREFIX)
    with tempfile.TemporaryDirectory(prefix=tagged(REASON_PREFIX)) as tmp:
        path = Path(tmp) / "compiled.nt"
        with path.open("wb") as out:
            out.writelines(compiled.nt_lines())
        result = entail_file(path, engine, where=compiled.locate)
    route = str(Route(result.engine, result.why))
    if not result.consistent:
        return route, inconsistency(compiled, result)
    if result.unsatisfiable:
        return route, unsatisfiability(compiled, result)
    compiled.store.extend(inferred_quads(compiled, result))
    return route, []


def inferred_quads(compiled: Compiled, result: Entailments) -> list[ox.Quad]:
    """New triples: types, direct subclass edges and equivalences of the project's classes, property values."""
    triples = [(x, RDF_TYPE, c) for x, c in result.types]
    own = [(a, b) for a, b in result.direct | result.equivalent if a.startswith(OWN_NAMESPACES)]
    triples += [(a, SUBCLASS_OF, b) for a, b in own if (a, b) in result.direct]
    triples += [(a, OWL + "equivalentClass", b) for a, b in own if (a, b) in result.equivalent and a < b]
    triples += list(result.values)
    quads = [ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), INFERRED) for s, p, o in triples]
    return [q for q in quads if not asserted(compiled, q)]


def asserted(compiled: Compiled, quad: ox.Quad) -> bool:
    """Whether the sources state the quad's triple (either way round for an equivalence)."""
    store = compiled.store
    if next(store.quads_for_pattern(quad.subject, quad.predicate, quad.object), None) is not None:
        return True
    return quad.predicate.value == OWL + "equivalentClass" and (
        next(store.quads_for_pattern(quad.object, quad.predicate, quad.subject), None) is not None
    )


def inconsistency(compiled: Compiled, result: Entailments) -> list[Finding]:
    """The findings for an inconsistent graph: a headline, then each axiom of the justification where it is written."""
    count = len(result.justification)
    head = (
        f"{result.engine}: the graph is inconsistent; these {count} axioms cannot all hold "
        "(a minimal set: without any one of them the rest is consistent)"
        if count
        else f"{result.engine}: the graph is inconsistent; no minimal set of axioms was found: {result.unexplained}"
    )
    return [
        Finding("", 0, "", head),
        *(locate(compiled, axiom, "inconsistent with the others") for axiom in result.justification),
    ]


def unsatisfiability(compiled: Compiled, result: Entailments) -> list[Finding]:
    """The findings for unsatisfiable classes: each class where it is written, then the axioms that make it so."""
    findings = []
    for cls in sorted(result.unsatisfiable):
        file, line = compiled.locate(cls)
        findings.append(Finding(file, line, compact(cls), f"{result.engine}: no individual can be a {compact(cls)}"))
        findings += [
            locate(compiled, axiom, f"makes {compact(cls)} unsatisfiable") for axiom in result.explanations[cls]
        ]
    return findings
