"""HermiT, the complete OWL 2 DL reasoner smekg falls back on: for what Konclude does not support (datatype
definitions, keys) and where Konclude is not installed. Slower: a JVM, ~45 s on the real graph.

It runs as java/HermitEntail.java with the HermiT jar that owlready2 ships, killed with this process."""

from __future__ import annotations

import os
import subprocess
from importlib.resources import files
from pathlib import Path

from .jvm import compiled, dies_with_parent, java_command
from .konclude import Answer
from .resources import package_path
from .safeio import fail

REASON_PREFIX = "smekg-reason-"  # + the build's process id: see owners.tagged
PROGRAM = package_path("java", "HermitEntail.java")
MEMORY = os.environ.get("SMEKG_JAVA_MEMORY", "4g")
DEADLINE_S = float(os.environ.get("SMEKG_REASONER_TIMEOUT", "900"))
NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


def hermit_jar() -> Path:
    """The HermiT jar inside the owlready2 package."""
    return Path(str(files("owlready2") / "hermit" / "HermiT.jar"))


def entail(path: Path, owx: Path | None = None) -> Answer:
    """Classify and realise an ontology file (N-Triples, RDF/XML or OWL/XML) with HermiT, object property values
    included; with owx, also save the ontology there in OWL/XML as the OWL API read it."""
    java = java_command("reasoning")
    command = [java, f"-Xmx{MEMORY}", *compiled(PROGRAM, str(hermit_jar()), "reasoning"), str(path)]
    command += [str(owx)] if owx else []
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=DEADLINE_S, preexec_fn=dies_with_parent()
        )
    except subprocess.TimeoutExpired:
        raise fail("reasoning", "HermiT", f"did not finish in {DEADLINE_S:.0f} s (SMEKG_REASONER_TIMEOUT)") from None
    if done.returncode != 0:
        raise fail("reasoning", "HermiT", f"Java failed: {' '.join(done.stderr.split())[-500:]}")
    return answer(done.stdout.splitlines())


def answer(lines: list[str]) -> Answer:
    """Read HermitEntail's lines (see its header)."""
    if lines[:1] == ["INCONSISTENT"]:
        return Answer(False)
    result = Answer(True)
    for line in lines:
        kind, *iris = line.split(" ")
        if kind == "SUB":
            result.direct.add((iris[0], iris[1]))
        elif kind == "EQ":
            result.equivalent.append(set(iris))
        elif kind == "TYPE":
            result.types.add((iris[0], iris[1]))
        elif kind == "VALUE":
            result.values.add((iris[0], iris[1], iris[2]))
    return result
