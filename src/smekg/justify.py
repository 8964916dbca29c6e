"""Why a graph is inconsistent or a class unsatisfiable: a minimal set of axioms that is enough for it, each axiom
located in the sources.

Black-box, expand then contract (Kalyanpur et al. 2007): a small bad subset is found first, by growing rings of
related axioms around a seed (each ring the axioms that name a class, property or individual the axioms before name)
until the reasoner finds them bad; QuickXplain (Junker 2004) then contracts them to a minimal set. The seed of an
unsatisfiable class is the axioms that name it, its rings drawn from the TBox first. The seed of an inconsistency is
one assertion that every minimal set within a part of the graph holds: the TBox with the assertions (grouped by
individual) halved while one half is enough, then cut to their shortest inconsistent prefix. Where no ring is bad,
the contraction runs on all the axioms (on that part, for an inconsistency). Every subset is judged by the reasoner:
what comes out is bad and minimal whatever the rings were; they only make the subsets asked about few and small."""

from __future__ import annotations

import os
import re
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
    kept = {cls} if cls else set()
    deadline = time.monotonic() + BUDGET_S
    with tempfile.TemporaryDirectory(prefix=tagged(REASON_PREFIX)) as tmp, ExitStack() as stack:
        subset = Path(tmp) / "subset.owx"
        session = None if engine == "Konclude" else stack.enter_context(hermit.Session())

        def bad(chosen: list[str]) -> bool:
            if time.monotonic() > deadline:
                raise OutOfTime
            text = "".join(chosen)
            subset.write_text(head + declared(declarations, text, kept) + text + "</Ontology>\n", encoding="utf-8")
            return not holds(subset, session, cls, max(1.0, deadline - time.monotonic()))

        try:
            found = minimal(axioms, bad, cls)
        except OutOfTime:
            return None
    return as_functional(head + "".join(found) + "</Ontology>\n")


OWL_NS = "http://www.w3.org/2002/07/owl#"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
NO_LOGIC = {"Prefix", "Declaration", "AnnotationAssertion", "SubAnnotationPropertyOf", "AnnotationPropertyDomain"}
NO_LOGIC |= {"AnnotationPropertyRange", "Annotation", "Import"}


def owx_parts(text: str) -> tuple[str, dict[str, str], list[str]]:
    """An OWL/XML document split into its opening (up to the first axiom), its declarations (by the name each
    declares) and its logical axioms, each axiom an XML string that stands on its own."""
    ET.register_namespace("", OWL_NS)
    root = ET.fromstring(text)
    attributes = "".join(f" {k.replace(XML_NS, 'xml:')}={quoteattr(v)}" for k, v in root.attrib.items())
    head = f'<?xml version="1.0"?>\n<Ontology xmlns="{OWL_NS}"{attributes}>\n'
    declarations: dict[str, str] = {}
    axioms = []
    for element in root:
        name = element.tag.removeprefix("{" + OWL_NS + "}")
        piece = ET.tostring(element, encoding="unicode")
        if name == "Declaration":
            declarations[next(iter(NAMES.findall(piece)), "")] = piece
        elif name not in NO_LOGIC:
            axioms.append(piece)
    return head, declarations, axioms


NAMES = re.compile(r' (?:IRI|abbreviatedIRI)="([^"]*)"')
REFERENCE = r' (?:IRI|abbreviatedIRI|nodeID)="([^"]*)"'
ENTITIES = re.compile(r"<(?:Class|ObjectProperty|DataProperty|NamedIndividual|AnonymousIndividual)" + REFERENCE)
INDIVIDUAL = re.compile(r"<(?:NamedIndividual|AnonymousIndividual)" + REFERENCE)


def declared(declarations: dict[str, str], text: str, kept: set[str]) -> str:
    """The declarations of the names in text (axioms in OWL/XML) and of those kept: a subset declares only what it
    uses (a declaration says nothing logically; OWL/XML names each entity's kind where it uses it)."""
    used = set(NAMES.findall(text)) | kept
    return "".join(piece for name, piece in declarations.items() if name in used)


def signature(axiom: str) -> frozenset[str]:
    """The classes, properties and individuals an axiom in OWL/XML names, OWL's own (owl:Thing, ...) left out: what
    relates it to other axioms."""
    return frozenset(n for n in ENTITIES.findall(axiom) if not n.startswith((OWL_NS, "owl:")))


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


def minimal(axioms: list[str], bad: Test, cls: str | None) -> list[str]:
    """A subset of axioms (OWL/XML) that is bad and whose proper subsets are not; empty if the axioms as a whole are
    not bad (the reasoner then disagrees with itself: nothing to explain). cls: the class found unsatisfiable, or
    None for an inconsistency."""
    tbox = [axiom for axiom in axioms if not INDIVIDUAL.search(axiom)]
    if cls:  # the TBox first: assertions make a class unsatisfiable only through nominals and the like
        pool = axioms
        core = expand(tbox, naming(tbox, cls), bad) or expand(pool, naming(pool, cls), bad)
    else:
        pool = culprit(tbox, by_individual(axioms), bad)
        core = expand(pool, pool[-1:], bad)
    core = core or (pool if bad(pool) else [])
    return search([], False, core, bad) if core else []


def by_individual(axioms: list[str]) -> list[str]:
    """The axioms that name an individual, those about one individual (the first named: an assertion's subject) side
    by side."""
    named = [(found.group(1), axiom) for axiom in axioms if (found := INDIVIDUAL.search(axiom))]
    return [axiom for _, axiom in sorted(named, key=lambda pair: pair[0])]


def culprit(background: list[str], candidates: list[str], bad: Test) -> list[str]:
    """A bad subset, background and a part of candidates, whose last axiom is in each of its minimal bad subsets:
    candidates halved while one half with background is bad, then (neither is) cut to their shortest bad prefix by
    bisection. The whole is taken to be bad, background alone not."""
    while len(candidates) > 1:
        half = len(candidates) // 2
        if bad(background + candidates[:half]):
            candidates = candidates[:half]
        elif bad(background + candidates[half:]):
            candidates = candidates[half:]
        else:
            break
    good, worse = 0, len(candidates)
    while worse - good > 1:
        middle = (good + worse) // 2
        good, worse = (good, middle) if bad(background + candidates[:middle]) else (middle, worse)
    return background + candidates[:worse]


def naming(axioms: list[str], name: str) -> list[str]:
    """The axioms that name a class, property or individual."""
    return [axiom for axiom in axioms if name in signature(axiom)]


def expand(pool: list[str], seed: list[str], bad: Test) -> list[str]:
    """The seed, then ring after ring of the axioms of pool that name a class, property or individual some axiom
    chosen before names, up to the first ring with which the chosen axioms are bad; empty if none is."""
    signatures = {axiom: signature(axiom) for axiom in pool}
    chosen: list[str] = []
    taken: set[str] = set()
    names: set[str] = set()
    ring = seed
    while ring:
        chosen += ring
        if bad(chosen):
            return chosen
        taken.update(ring)
        names.update(*(signatures[axiom] for axiom in ring))
        ring = [axiom for axiom in pool if axiom not in taken and signatures[axiom] & names]
    return []


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
