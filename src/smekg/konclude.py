"""Konclude, a complete OWL 2 DL reasoner (SROIQV(D)), run as a program on OWL/XML.

Always with at least two worker threads and under a deadline: with one worker it can hang while precomputing, and it
waits forever for a missing input. Classification and realisation run as two processes side by side."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import fail
from .jvm import dies_with_parent

PROGRAM = "Konclude"
INSTALL = "install Konclude (Debian: apt-get install konclude)"
OWL = "http://www.w3.org/2002/07/owl#"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
OWX = "{http://www.w3.org/2002/07/owl#}"


class GaveUp(Exception):
    """Konclude did not finish in time, or crashed (it was seen hanging for good, or dying of a segmentation fault,
    on some small ontologies with functional properties, cardinalities or unions): the caller decides whether
    HermiT takes over."""


def deadline(axioms: int) -> float:
    """Seconds Konclude may take for an ontology of so many axioms: SMEKG_REASONER_TIMEOUT, or 30 s plus a second
    per 2,000 axioms (the real graph: under 1 s)."""
    return float(os.environ.get("SMEKG_REASONER_TIMEOUT") or 30 + axioms / 2000)


def available() -> bool:
    """Whether Konclude is on PATH."""
    return shutil.which(PROGRAM) is not None


@dataclass
class Answer:
    """What Konclude entails: the named class hierarchy, every named type, every object property value."""

    consistent: bool
    direct: set[tuple[str, str]] = field(default_factory=set)
    equivalent: list[set[str]] = field(default_factory=list)
    types: set[tuple[str, str]] = field(default_factory=set)
    values: set[tuple[str, str, str]] = field(default_factory=set)

    def counts(self) -> Counter[str]:
        """How many values of each property the answer holds."""
        return Counter(p for _, p, _ in self.values)


def run(args: list[str], cwd: Path) -> subprocess.Popen:
    """Start Konclude with two workers (see the module docstring), killed with this process."""
    program = shutil.which(PROGRAM)
    if program is None:
        raise fail("reasoning", "PATH", f"no `{PROGRAM}` program on PATH; {INSTALL}", PROGRAM)
    command = [program, *args[:1], "-w", str(max(2, os.cpu_count() or 2)), *args[1:]]
    return subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=dies_with_parent()
    )


def finish(process: subprocess.Popen, what: str, seconds: float) -> str:
    """Konclude's console output once it has ended; GaveUp if it crashes or runs out of time."""
    try:
        output, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise GaveUp(f"Konclude's {what} did not finish in {seconds:.0f} s (SMEKG_REASONER_TIMEOUT)") from None
    if process.returncode != 0:
        tail = " ".join(output.split())[-400:]
        raise GaveUp(f"Konclude's {what} failed (exit {process.returncode}): {tail}")
    return output


def start(source: Path, object_properties: list[str], individuals: bool = True) -> dict[str, subprocess.Popen]:
    """Start classifying the ontology in source (functional syntax or OWL/XML) and, with individuals, realising it
    and asking for every value of each object property: three Konclude processes side by side. (Its SPARQL answers
    for `?x rdf:type ?c`, and even for a named class, were seen missing types that `realization` gives: types come
    from `realization`.)"""
    folder = source.parent
    started = {"classification": run(["classification", "-i", source.name, "-o", "hierarchy.owx"], folder)}
    if not individuals:
        return started
    started["realisation"] = run(["realization", "-i", source.name, "-o", "types.owx"], folder)
    if object_properties:  # an empty query file would keep Konclude waiting
        (folder / "values.sparql").write_text(sparql(object_properties), encoding="utf-8")
        args = ["sparqlfile", "-s", "values.sparql", "-i", source.name, "-o", "values.xml"]
        started["property values"] = run(args, folder)
    return started


def stop(started: dict[str, subprocess.Popen]) -> None:
    """Kill what start() started."""
    for process in started.values():
        process.kill()
        process.communicate()


def collect(
    started: dict[str, subprocess.Popen], source: Path, classes: set[str], properties: list[str], seconds: float
) -> Answer:
    """Wait for what start() started (seconds in all) and read its answers."""
    folder, ends = source.parent, time.monotonic() + seconds
    try:
        outputs = [finish(process, what, max(0.1, ends - time.monotonic())) for what, process in started.items()]
    finally:
        stop(started)  # after a failure, the others too
    if any(inconsistent(output) for output in outputs):
        return Answer(False)
    answer = Answer(True)
    read_owx(folder / "hierarchy.owx", answer)
    read_whole(classes, answer)
    if "realisation" in started:
        read_owx(folder / "types.owx", answer)
    if "property values" in started:
        solutions(folder / "values.xml", properties, answer)
    return answer


def read_whole(classes: set[str], answer: Answer) -> None:
    """A finding unless the classification names every class of the input (Konclude was seen taking an input it
    could not parse for an empty ontology, without a word)."""
    named = {c for edge in answer.direct for c in edge} | {c for group in answer.equivalent for c in group}
    if missing := sorted(classes - named):
        raise fail(
            "reasoning",
            PROGRAM,
            f"did not read the whole input: its classification lacks {len(missing)} class(es), e.g. {missing[0]}",
        )


def consistent(owx: Path, seconds: float) -> bool:
    """Whether the ontology in owx is consistent."""
    output = finish(run(["consistency", "-i", owx.name], owx.parent), "consistency check", seconds)
    if inconsistent(output):
        return False
    if re.search(r"Ontology '.*' is consistent", output):
        return True
    raise fail("reasoning", PROGRAM, f"no verdict in Konclude's output: {' '.join(output.split())[-300:]}")


def satisfiable(owx: Path, cls: str, seconds: float) -> bool:
    """Whether a named class is satisfiable in the ontology in owx."""
    output = finish(run(["satisfiability", "-i", owx.name, "-x", cls], owx.parent), "satisfiability check", seconds)
    if "is not satisfiable" in output:
        return False
    if "is satisfiable" in output:
        return True
    raise fail("reasoning", PROGRAM, f"no verdict in Konclude's output: {' '.join(output.split())[-300:]}")


def inconsistent(output: str) -> bool:
    """Whether Konclude's console says the ontology is inconsistent."""
    return re.search(r"Ontology '[^']*'( for Query '[^']*')? is inconsistent", output) is not None


def sparql(object_properties: list[str]) -> str:
    """Konclude's query file: the values of each object property, one query each, its variables numbered after it
    (?x3 ?y3 for the fourth property): Konclude was seen writing its answers out of order when the machine is busy,
    so each answer must say which query it answers."""
    return "".join(f"SELECT ?x{i} ?y{i} WHERE {{ ?x{i} <{p}> ?y{i} }}\n" for i, p in enumerate(object_properties))


def read_owx(path: Path, answer: Answer) -> None:
    """Direct subclass edges, equivalence groups and class assertions of named classes from Konclude's OWL/XML."""
    for axiom in xml_root(path):
        named = [c.get("IRI", "") for c in axiom if c.tag == f"{OWX}Class"]
        individuals = [i.get("IRI", "") for i in axiom if i.tag == f"{OWX}NamedIndividual"]
        if axiom.tag == f"{OWX}SubClassOf" and len(named) == 2:
            answer.direct.add((named[0], named[1]))
        elif axiom.tag == f"{OWX}EquivalentClasses":
            answer.equivalent.append(set(named))
        elif axiom.tag == f"{OWX}ClassAssertion" and len(named) == 1 and len(individuals) == 1:
            answer.types.add((individuals[0], named[0]))


def xml_root(path: Path) -> ET.Element:
    """The root of an XML file Konclude wrote; a finding if it wrote none or a broken one."""
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise fail("reasoning", PROGRAM, f"wrote no readable answer ({path.name}: {err})") from None


def solutions(path: Path, object_properties: list[str], answer: Answer) -> None:
    """Read the result documents Konclude wrote one after another, one per property, each found by its variables'
    names (see sparql) wherever it is in the file."""
    try:
        documents = [d for d in path.read_text(encoding="utf-8").split("<?xml") if d.strip()]
    except OSError as err:
        raise fail("reasoning", PROGRAM, f"wrote no readable answer ({path.name}: {err})") from None
    if len(documents) != len(object_properties):
        raise fail("reasoning", PROGRAM, f"expected {len(object_properties)} answers, got {len(documents)}")
    answered: set[int] = set()
    for document in documents:
        try:
            root = ET.fromstring("<?xml" + document)
        except ET.ParseError as err:
            raise fail("reasoning", PROGRAM, f"wrote no readable answer ({path.name}: {err})") from None
        if (error := root.find(f"{RESULTS}error")) is not None:
            raise fail("reasoning", PROGRAM, f"a query failed: {(error.text or '')[:300]}")
        index = query_answered(root, len(object_properties))
        if index is None or index in answered:
            raise fail("reasoning", PROGRAM, f"wrote an answer to no query it was asked, or to one twice ({path.name})")
        answered.add(index)
        for row in root.iter(f"{RESULTS}result"):
            cells = {b.get("name"): b.findtext(f"{RESULTS}uri") for b in row.findall(f"{RESULTS}binding")}
            subject, value = cells.get(f"x{index}"), cells.get(f"y{index}")
            if subject is not None and value is not None:  # else a blank node or literal: only named individuals
                answer.values.add((subject, object_properties[index], value))


def query_answered(root: ET.Element, queries: int) -> int | None:
    """The number of the query a result document answers, read from its variables (?x3 ?y3: 3); None if they name
    none of the queries."""
    names = [v.get("name", "") for v in root.iter(f"{RESULTS}variable")]
    match = re.fullmatch(r"x(\d+)", names[0]) if len(names) == 2 else None
    if match is None or names[1] != f"y{match.group(1)}" or int(match.group(1)) >= queries:
        return None
    return int(match.group(1))
