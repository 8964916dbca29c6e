"""A Protégé save of the edit module round-trips through `smekg fmt` with no diff beyond the canonical order
(issue 16, point 5).

Protégé saves through the OWL API, so tests/java/ProtegeSave.java (one JVM run) loads ontology/smekg.ttl with the
OWL API 5, its owl:imports resolved offline from the entries of ontology/catalog-v001.xml (as Protégé reads it),
and stores it with TurtleDocumentFormat, keeping the prefixes it read. smekg's lossless formatter must accept the
saved file, and the result must hold the edit module's triples with the same lexical forms, plus only the
typings of ADDED_KINDS; every subject block that carries none of them is laid out exactly as in the edit module.

What the OWL API changes, and how this stays without a diff:
- it drops every comment of the source and writes its own `###  IRI` banners, which fmt keeps as it keeps any
  comment: the one expected loss, so blocks are compared without their comment lines;
- it adds `@prefix :` and `@base` (its defaults; smekg.ttl has no relative IRI);
- it writes `rdf:type` for `a`, and one `rdf:type X ;` per type: fmt writes `a` and gathers a predicate's objects;
- it writes a pairwise owl:differentFrom / owl:disjointWith with the smaller IRI as subject, and sorts the
  members of owl:oneOf and owl:intersectionOf: smekg.ttl writes them in that order too (the same OWL axioms).
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from smekg.canonical import blank_node_names, canonical_turtle, prepare
from smekg.owlapi import classpath
from test_quality_gates import needs_owlapi

pytestmark = [needs_owlapi, pytest.mark.slow]  # every test reads the module's JVM run

ROOT = Path(__file__).resolve().parents[1]
EDIT = ROOT / "ontology" / "smekg.ttl"
CATALOG = EDIT.with_name("catalog-v001.xml")
SAVER = Path(__file__).with_name("java") / "ProtegeSave.java"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = f"<{RDF}type>"
ONTOLOGY = "<https://w3id.org/smekg/ontology>"
# The typings an OWL API save adds, by type: (why, whether a subject may get it, how its block shows it).
ADDED_KINDS = {
    # OWL 2's RDF mapping declares every named individual; the edit module types its individuals with their
    # class only. (The ontology's title is dc:title, an annotation property: FaBiO declares dcterms:title an
    # owl:DatatypeProperty, which would make the ontology IRI an individual.)
    f"<{OWL}NamedIndividual>": lambda subject, typed: subject in typed,
    # Declaration(Datatype(xsd:...)) of each datatype the module uses.
    f"<{RDFS}Datatype>": lambda subject, typed: subject.startswith(f"<{XSD}"),
    # Every node of a list of literals (an owl:oneOf data range) is typed rdf:List, so it is written node by
    # node, not as `( ... )`.
    f"<{RDF}List>": lambda subject, typed: subject.startswith("_:"),
}
MARKS = ("a owl:NamedIndividual", "owl:NamedIndividual ,", "a rdf:List")
Triple = tuple[str, str, str]


def catalog_pairs() -> list[str]:
    """IRI=FILE for every entry of the catalog, as Protégé maps imports to local files."""
    return [
        f"{uri.get('name')}={CATALOG.parent / uri.get('uri', '')}"
        for uri in ET.parse(CATALOG).getroot()
        if uri.tag.endswith("}uri")
    ]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The edit module as a Protégé save writes it (one JVM run), and what the OWL API printed."""
    folder = tmp_path_factory.mktemp("protege")
    command = ["java", "-cp", classpath(), str(SAVER), str(EDIT), str(folder / "smekg.ttl"), *catalog_pairs()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder / "smekg.ttl", done.stdout


@pytest.fixture(scope="module")
def formatted(saved: tuple[Path, str]) -> str:
    """The saved file after `smekg fmt`'s layout, which must accept it."""
    prepared = prepare(saved[0], saved[0].parent)
    assert prepared.finding is None, prepared.finding
    return prepared.formatted


def graph(text: str) -> Counter[Triple]:
    """The triples of a Turtle text with lexical forms as written, blank nodes named by structure (as fmt
    compares them), the rdf:List typing of list nodes left out (it would rename every blank node above it)."""
    found = {(q.subject, q.predicate, q.object) for q in ox.parse(text, format=ox.RdfFormat.TURTLE)}
    found = {(s, p, o) for s, p, o in found if not (p == ox.NamedNode(RDF + "type") and o == LIST)}
    names = blank_node_names(found)
    return Counter((names.get(s, str(s)), str(p), names.get(o, str(o))) for s, p, o in found)


def list_typings(text: str) -> Counter[str]:
    """The types of the list nodes a Turtle text types (rdf:List or anything else)."""
    found = list(ox.parse(text, format=ox.RdfFormat.TURTLE))
    lists = {q.subject for q in found if q.predicate == ox.NamedNode(RDF + "first")}
    return Counter(str(q.object) for q in found if q.subject in lists and q.predicate == ox.NamedNode(RDF + "type"))


LIST = ox.NamedNode(f"{RDF}List")


def added_kind(triple: Triple, source: Counter[Triple]) -> str:
    """The kind of an added triple that ADDED_KINDS allows, or '' for any other."""
    subject, predicate, kind = triple
    typed = {s for s, p, o in source if p == TYPE and not o.startswith(f"<{OWL}")}
    ok = predicate == TYPE and kind in ADDED_KINDS and ADDED_KINDS[kind](subject, typed)
    return kind if ok else ""


def blocks(text: str) -> dict[str, list[str]]:
    """The subject blocks of a canonical text by subject (their first line), comment lines left out."""
    found: dict[str, list[str]] = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("#")]
        if lines and not lines[0].startswith(("@prefix", "@base", " ")):
            found.setdefault(lines[0], []).append("\n".join(lines))
    return found


def test_the_owl_api_reads_every_triple(saved):
    assert "UNPARSED" not in saved[1], saved[1]


def test_a_protege_save_keeps_every_triple_and_lexical_form(formatted):
    """Nothing lost or rewritten; every added triple one of ADDED_KINDS, each kind present."""
    text = EDIT.read_text(encoding="utf-8")
    source, after = graph(text), graph(formatted)
    assert source - after == Counter(), "the OWL API save lost or rewrote these"
    added = after - source
    assert [t for t in added if not added_kind(t, source)] == []
    assert {added_kind(t, source) for t in added} == ADDED_KINDS.keys() - {f"<{RDF}List>"}
    assert list_typings(text) == Counter()
    assert set(list_typings(formatted)) == {f"<{RDF}List>"}


def test_a_protege_save_after_fmt_is_laid_out_as_the_source_but_for_its_declarations(formatted):
    """Every subject block the save added no typing to is laid out exactly as in the edit module."""
    source, saved = blocks(canonical_turtle(EDIT.read_text(encoding="utf-8"))), blocks(formatted)
    assert saved.keys() >= source.keys()
    kept = {s: [b for b in saved[s] if not any(mark in b for mark in MARKS)] for s in source}
    assert sum(len(found) for found in kept.values()) > len(source) / 2
    moved = [s for s in source if kept[s] not in ([], source[s])]
    assert moved == [], "\n\n".join(f"{source[s][0]}\n--- saved:\n{kept[s][0]}" for s in moved[:3])
