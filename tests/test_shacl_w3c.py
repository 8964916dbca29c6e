"""The W3C SHACL Core test suite (../shared/w3c-shacl-core beside the checkout): on every test smekg's SHACL
validation, with the engine a build would use for its shapes (the compiler, or pyrudof for what it does not
compile), gives the expected report (conforms, and the results' focus node, path, value, severity, source
shape and constraint component), or refuses the shapes with a SmekgError. Blank nodes compare as '_:' (a blank
source shape as '_:' and its sh:path)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Graph
from rdflib.namespace import RDF, SH

from smekg.errors import SmekgError
from smekg.shacl import COMPILER, FALLBACK, path_text, plan_shapes, shape_violations

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "w3c-shacl-core"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
Result = tuple[str, str, str, str, str, str]
Triples = dict[str, dict[str, list]]


def suite_files() -> list[Path]:
    """The suite's test files (every Turtle file but the manifests that include them)."""
    return sorted(p for p in SUITE.glob("**/*.ttl") if p.name != "manifest.ttl") if SUITE.is_dir() else []


def by_subject(quads: list[ox.Quad]) -> Triples:
    """The triples as subject → predicate IRI → objects."""
    found: Triples = defaultdict(lambda: defaultdict(list))
    for quad in quads:
        found[str(quad.subject)][quad.predicate.value].append(quad.object)
    return found


def parsed(path: Path) -> list[ox.Quad]:
    """A file's quads as written (pyoxigraph.parse keeps lexical forms), with the file's IRI as base."""
    return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def one(triples: Triples, node: object, pred: str) -> object:
    return next(iter(triples[str(node)][pred]), None)


def node_key(term: object) -> str:
    """A focus or value node as a Violation writes it, blank nodes as '_:'."""
    text = str(term)
    if text.startswith("_:"):
        return "_:"
    return text[1:-1] if text.startswith("<") else text


def expected(triples: Triples, report: object) -> tuple[bool, set[Result]]:
    """A manifest's expected report: conforms, and its results."""
    conforms = one(triples, report, str(SH.conforms)).value == "true"
    results = set()
    for result in triples[str(report)][str(SH.result)]:
        shape = one(triples, result, str(SH.sourceShape))
        if isinstance(shape, ox.BlankNode):
            path = one(triples, shape, str(SH.path))
            shape_text = f"_:{path.value}" if isinstance(path, ox.NamedNode) else "_:"
        else:
            shape_text = shape.value
        value = one(triples, result, str(SH.value))
        results.add(
            (
                node_key(one(triples, result, str(SH.focusNode))),
                path_text(triples, one(triples, result, str(SH.resultPath))),
                one(triples, result, str(SH.sourceConstraintComponent)).value,
                node_key(value) if value is not None else "",
                one(triples, result, str(SH.resultSeverity)).value,
                shape_text,
            )
        )
    return conforms, results


def shapes_graph(path: Path) -> Graph:
    """The shapes as written: rdflib would otherwise normalise their literals ("01" to "1")."""
    rdflib.NORMALIZE_LITERALS = False
    try:
        return Graph().parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = True


def cases() -> list[tuple[Path, str]]:
    """Every sht:Validate test: its file and its IRI."""
    found = []
    for path in suite_files():
        triples = by_subject(parsed(path))
        for subject, props in triples.items():
            if any(t.value == SHT + "Validate" for t in props.get(str(RDF.type), [])):
                found.append((path, subject.strip("<>")))
    return found


CASES = cases()


def test_the_suite_is_present() -> None:
    """CI has the suite beside the checkout: without it the tests below would not run, so this fails."""
    assert SUITE.is_dir(), f"the W3C SHACL Core suite is missing: {SUITE}"
    assert len(CASES) == 98


def run(path: Path, test: str) -> tuple[str, bool, set[Result], bool, set[Result]]:
    """Validate one test: the engine that ran it, and the report found and expected."""
    triples = by_subject(parsed(path))
    action, report = (one(triples, f"<{test}>", MF + p) for p in ("action", "result"))
    data_file = Path(ox.NamedNode(one(triples, action, SHT + "dataGraph").value).value.removeprefix("file://"))
    shapes_file = Path(one(triples, action, SHT + "shapesGraph").value.removeprefix("file://"))
    data, shapes = parsed(data_file), shapes_graph(shapes_file)
    store = ox.Store()
    store.extend(data)
    engine = FALLBACK if plan_shapes(shapes).fallback else COMPILER
    found = shape_violations(store, shapes, sources=data)
    ours = {(node_key(v.focus), v.path, v.component, node_key(v.value), v.severity, v.shape) for v in found}
    conforms, results = expected(triples, report)
    return engine, not found, ours, conforms, results


@pytest.mark.parametrize(("path", "test"), CASES, ids=[t.rsplit("/", 1)[-1] for _, t in CASES])
def test_w3c_core(path: Path, test: str) -> None:
    """Correct, or refused with a SmekgError: never a wrong report."""
    try:
        _, conforms, found, expected_conforms, results = run(path, test)
    except SmekgError:
        return
    assert (conforms, found) == (expected_conforms, results)
