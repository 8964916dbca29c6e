"""The rules (rules.py) at the build's stages: on the compiled sources (`validate`, `build`) and, once the reasoner
has added its inferences, on the sources with them (`build`). Besides the rule queries, the SHACL shapes run as the
gate `shacl`. Every finding is located in the source files; one on an inferred type names the asserted facts the
type follows from."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SH

from .errors import Finding
from .reasoning import INFERRED
from .rules import Gate, Locator, Outcome, Term, load_profile, run_stage
from .shacl import shape_violations
from .sources import Compiled, subject_line
from .vocab import compact, expand

SEVERITY = {str(SH.Violation): "error", str(SH.Warning): "warn", str(SH.Info): "info"}


def locator(compiled: Compiled) -> Locator:
    """Where a finding is written: the file the rule names, else the first file that states the triple, else the
    first file that describes the entity; the line is the entity's."""

    def locate(entity: Term | None, prop: Term | None, value: Term | None, graph: str) -> tuple[str, int]:
        if not isinstance(entity, ox.NamedNode):
            return "", 0
        if graph in compiled.files:
            return compiled.files[graph], subject_line(compiled.project.root / compiled.files[graph], entity.value)
        if isinstance(prop, ox.NamedNode) and value is not None:
            stated = {q.graph_name.value for q in compiled.store.quads_for_pattern(entity, prop, value)}
            rel = next((rel for gid, rel in compiled.files.items() if gid in stated), None)
            if rel is not None:
                return rel, subject_line(compiled.project.root / rel, entity.value)
        return compiled.locate(entity.value)

    return locate


def shapes_of(compiled: Compiled) -> Graph:
    """The SHACL shapes of the project (shapes/*.ttl), parsed once per content of the files (shared: not to be
    changed), so that their plan (shacl.plan_shapes) is made once too."""
    paths = sorted(compiled.project.shapes_dir.glob("*.ttl"))
    return parsed_shapes(tuple((path, path.read_bytes()) for path in paths))


@lru_cache(maxsize=4)
def parsed_shapes(files: tuple[tuple[Path, bytes], ...]) -> Graph:
    """The graph of the shapes files, each read from its bytes with its path as base IRI."""
    shapes = Graph()
    for path, text in files:
        shapes.parse(data=text, format="turtle", publicID=path.absolute().as_uri())
    return shapes


def shacl_gate(compiled: Compiled, store: ox.Store) -> Gate:
    """The gate that runs the shapes on the store's union of graphs, each violation located in the sources."""

    def run() -> list[Finding]:
        findings = []
        for v in shape_violations(store, shapes_of(compiled), sources=compiled.literals):
            rel, line = compiled.locate(v.focus)
            text = v.message + (f" (property {compact(v.path)})" if v.path else "")
            text += f"; value {v.value}" if v.value and v.value != f"<{v.focus}>" else ""
            findings.append(Finding(rel, line, compact(v.focus), text, SEVERITY.get(v.severity, "error")))
        return findings

    return run


def check_stage(compiled: Compiled, stage: str, store: ox.Store | None = None) -> list[Outcome]:
    """Every rule and gate of the stage on the store (by default the compiled one), located in the sources."""
    store = compiled.store if store is None else store
    gates = {"shacl": shacl_gate(compiled, store)}
    return run_stage(load_profile(compiled.project), stage, store, locator(compiled), gates)


def validate_compiled(compiled: Compiled) -> list[Finding]:
    """The findings of the sources stage, every level."""
    return [f for outcome in check_stage(compiled, "sources") for f in outcome.findings]


# ?inferred (the reasoner's graph) is bound when run, as ?node is in the queries below (Oxigraph binds only projected
# variables)
GENERALISED = """
SELECT ?s ?p ?o ?inferred WHERE {
  { SELECT DISTINCT ?q ?p WHERE { ?q rdfs:subPropertyOf+ ?p } }
  GRAPH ?g { ?s ?q ?o }
  FILTER(?g != ?inferred)
  GRAPH ?inferred { ?s ?p ?o }
}"""  # the property pairs first, then their values: twice as fast as starting from every inferred value


def reasoned_view(compiled: Compiled) -> ox.Store:
    """The sources with the reasoner's inferences, less the values that only restate a written one under a more
    general property: shapes constrain values as curators write them (smekg:statedIn is a subproperty of
    prov:wasDerivedFrom, so each claim's document would become a second value the curation shape rejects), while a
    value that follows otherwise (owl:sameAs, an inverse, a transitive property) is as good as written."""
    restated = {
        ox.Quad(row["s"], row["p"], row["o"], INFERRED) for row in compiled.query(GENERALISED, {"inferred": INFERRED})
    }
    view = ox.Store()
    view.extend(q for q in compiled.store.quads_for_pattern(None, None, None) if q not in restated)
    return view


def validate_reasoned(compiled: Compiled, before: list[Finding]) -> list[Finding]:
    """The findings of the reasoned stage (the sources with the inferences, reasoned_view) that the sources stage
    did not have, each on an entry with inferred types saying what they follow from."""
    seen = set(before)
    outcomes = check_stage(compiled, "reasoned", reasoned_view(compiled))
    return [with_inference(compiled, f) for outcome in outcomes for f in outcome.findings if f not in seen]


WHY_TYPED = """
SELECT ?type ?subject ?p ?object ?g ?via ?inferred ?node WHERE {
  GRAPH ?inferred { ?node a ?type }
  { GRAPH ?g { ?node ?p ?object } ?p rdfs:domain ?type BIND(?node AS ?subject) BIND("rdfs:domain" AS ?via) }
  UNION { GRAPH ?g { ?subject ?p ?node } ?p rdfs:range ?type BIND(?node AS ?object) BIND("rdfs:range" AS ?via) }
  FILTER(?g != ?inferred)
  FILTER EXISTS { VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty } ?p a ?kind }
} ORDER BY ?type ?g ?p"""
INFERRED_TYPES = "SELECT ?type ?inferred ?node WHERE { GRAPH ?inferred { ?node a ?type } } ORDER BY ?type"


def with_inference(compiled: Compiled, finding: Finding) -> Finding:
    """The finding with the reasoner's types of its entry and the asserted facts (file:line) they follow from."""
    node = expand(finding.entry)
    if not node.startswith(("http:", "https:")):
        return finding
    bound = {"inferred": INFERRED, "node": ox.NamedNode(node)}
    facts = []
    for row in compiled.query(WHY_TYPED, bound):
        rel = compiled.files.get(row["g"].value, "")
        subject = row["subject"].value
        line = subject_line(compiled.project.root / rel, subject) if rel else 0
        fact = " ".join(
            compact(row[k].value) if isinstance(row[k], ox.NamedNode) else str(row[k])
            for k in ["subject", "p", "object"]
        )
        facts.append(
            f"{compact(node)} is a {compact(row['type'].value)} because {rel}:{line} states {fact} and "
            f"{compact(row['p'].value)} has {row['via'].value} {compact(row['type'].value)}"
        )
    if not facts:
        types = [compact(r["type"].value) for r in compiled.query(INFERRED_TYPES, bound)]
        facts = [f"the reasoner infers {compact(node)} is a {', a '.join(types)}"] if types else []
    if not facts:
        return finding
    note = "; ".join(facts)
    return Finding(
        finding.file, finding.line, finding.entry, f"{finding.message} (after reasoning: {note})", finding.level
    )
