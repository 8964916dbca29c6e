"""Why a graph is inconsistent or a class unsatisfiable: a minimal set of axioms that is enough for it (QuickXplain,
Junker 2004: a divide-and-conquer search asking the reasoner about subsets), each axiom located in the sources."""

from __future__ import annotations

import os
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pyhornedowl

from . import hermit, horned, konclude
from .errors import Finding
from .owners import REASON_PREFIX, tagged
from .sources import Compiled
from .vocab import compact

BUDGET_S = float(os.environ.get("SMEKG_EXPLAIN_TIMEOUT", "180"))
Test = Callable[[list], bool]


class OutOfTime(Exception):
    """The search for a minimal set ran out of its time budget, or the reasoner gave up on a subset."""


def explain(owx: Path, engine: str, cls: str | None) -> list[str] | None:
    """A minimal set of the axioms in an OWL/XML file that makes it inconsistent, or cls unsatisfiable, in
    functional syntax; empty if the file as a whole is not, None when none is found within the time budget.
    Subsets are written from the file's own axiom elements: each costs one write and one reasoner run (for HermiT, a
    request to one JVM kept for the search)."""
    head, declarations, axioms = owx_parts(owx.read_text(encoding="utf-8"))
    deadline = time.monotonic() + BUDGET_S
    with tempfile.TemporaryDirectory(prefix=tagged(REASON_PREFIX)) as tmp, ExitStack() as stack:
        subset = Path(tmp) / "subset.owx"
        session = None if engine == "Konclude" else stack.enter_context(hermit.Session())

        def bad(chosen: list[str]) -> bool:
            if time.monotonic() > deadline:
                raise OutOfTime
            subset.write_text(head + declarations + "".join(chosen) + "</Ontology>\n", encoding="utf-8")
            return not holds(subset, session, cls, max(1.0, deadline - time.monotonic()))

        try:
            found = minimal(axioms, bad)
        except OutOfTime:
            return None
    return as_functional(head + "".join(found) + "</Ontology>\n")


OWL_NS = "http://www.w3.org/2002/07/owl#"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
NO_LOGIC = {"Prefix", "Declaration", "AnnotationAssertion", "SubAnnotationPropertyOf", "AnnotationPropertyDomain"}
NO_LOGIC |= {"AnnotationPropertyRange", "Annotation", "Import"}


def owx_parts(text: str) -> tuple[str, str, list[str]]:
    """An OWL/XML document split into its opening (up to the first axiom), its declarations and its logical axioms,
    each axiom an XML string that stands on its own."""
    ET.register_namespace("", OWL_NS)
    root = ET.fromstring(text)
    attributes = "".join(f" {k.replace(XML_NS, 'xml:')}={quoteattr(v)}" for k, v in root.attrib.items())
    head = f'<?xml version="1.0"?>\n<Ontology xmlns="{OWL_NS}"{attributes}>\n'
    declarations, axioms = [], []
    for element in root:
        name = element.tag.removeprefix("{" + OWL_NS + "}")
        piece = ET.tostring(element, encoding="unicode")
        if name == "Declaration":
            declarations.append(piece)
        elif name not in NO_LOGIC:
            axioms.append(piece)
    return head, "".join(declarations), axioms


def as_functional(owx_text: str) -> list[str]:
    """The axioms of an OWL/XML document in functional syntax."""
    ontology = pyhornedowl.open_ontology_from_string(owx_text, "owx")
    return sorted(str(a.component) for a in ontology.get_axioms() if not horned.kind(a).startswith(horned.NO_LOGIC))


def holds(owx: Path, session: hermit.Session | None, cls: str | None, seconds: float) -> bool:
    """Whether the ontology is consistent (cls is None) or cls satisfiable in it: by HermiT in the session, or by
    Konclude without one."""
    try:
        if session is not None:
            return session.consistent(owx, seconds) if cls is None else session.satisfiable(owx, cls, seconds)
        return konclude.consistent(owx, seconds) if cls is None else konclude.satisfiable(owx, cls, seconds)
    except (konclude.GaveUp, hermit.GaveUp):
        raise OutOfTime from None


def minimal(axioms: list, bad: Test) -> list:
    """A subset of axioms that is bad and whose proper subsets are not; empty if the axioms as a whole are not bad
    (the reasoner then disagrees with itself: nothing to explain)."""
    return search([], False, axioms, bad) if bad(axioms) else []


def search(background: list, changed: bool, candidates: list, bad: Test) -> list:
    """QuickXplain: the part of candidates that, with background, is minimally bad."""
    if changed and bad(background):
        return []
    if len(candidates) == 1:
        return candidates
    half = len(candidates) // 2
    first, second = candidates[:half], candidates[half:]
    from_second = search(background + first, True, second, bad)
    from_first = search(background + from_second, bool(from_second), first, bad)
    return from_first + from_second


SUBJECT_AT = {"ClassAssertion": -1, "ObjectPropertyAssertion": 1, "DataPropertyAssertion": 1}
SUBJECT_AT |= {"NegativeObjectPropertyAssertion": 1, "NegativeDataPropertyAssertion": 1}


def locate(compiled: Compiled, axiom: str, why: str) -> Finding:
    """A finding for one axiom of a justification, at the file and line of the entry it is about."""
    kind = axiom.split("(", 1)[0]
    named = horned.IRI.findall(axiom)
    subject = named[SUBJECT_AT.get(kind, 0)] if named else ""
    file, line = compiled.locate(subject) if subject else ("", 0)
    return Finding(file, line, compact(subject) if subject else "", f"{why}: {readable(axiom)}")


def readable(axiom: str) -> str:
    """The axiom in functional syntax with compact names."""
    return horned.IRI.sub(lambda m: compact(m.group(1)), axiom)
