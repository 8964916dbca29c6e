"""Why a graph is inconsistent or a class unsatisfiable: a minimal set of axioms that is enough for it (QuickXplain,
Junker 2004: a divide-and-conquer search asking the reasoner about subsets), each axiom located in the sources."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from . import hermit, horned, konclude
from .errors import Finding
from .sources import Compiled
from .vocab import compact

BUDGET_S = float(os.environ.get("SMEKG_EXPLAIN_TIMEOUT", "180"))
Test = Callable[[list], bool]


class OutOfTime(Exception):
    """The search for a minimal set ran out of its time budget."""


def explain(ontology: horned.Ontology, engine: str, cls: str | None) -> list[str]:
    """A minimal set of the ontology's axioms (functional syntax) that makes it inconsistent, or cls unsatisfiable;
    empty when none is found within the time budget."""
    axioms = horned.logical_axioms(ontology)
    declarations = [a for a in ontology.get_axioms() if horned.kind(a).startswith("Declare")]
    deadline = time.monotonic() + BUDGET_S
    with tempfile.TemporaryDirectory(prefix="smekg-explain-") as tmp:

        def bad(subset: list) -> bool:
            if time.monotonic() > deadline:
                raise OutOfTime
            return not holds(horned.subset(declarations, subset), engine, cls, Path(tmp))

        try:
            return [str(a.component) for a in minimal(axioms, bad)]
        except OutOfTime:
            return []


def holds(ontology: horned.Ontology, engine: str, cls: str | None, folder: Path) -> bool:
    """Whether the ontology is consistent (cls is None) or cls satisfiable in it, by the engine's answer."""
    if engine == "Konclude":
        owx = horned.write_owx(ontology, folder / "subset.owx")
        return konclude.consistent(owx) if cls is None else konclude.satisfiable(owx, cls)
    path = folder / "subset.owl"
    ontology.save_to_file(str(path), "owl")
    answer = hermit.entail(path)
    return answer.consistent and (cls is None or not any(cls in group for group in answer.equivalent))


def minimal(axioms: list, bad: Test) -> list:
    """A subset of axioms that is bad and whose proper subsets are not (axioms as a whole must be bad)."""
    return search([], False, axioms, bad)


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
