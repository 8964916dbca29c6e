"""The OWL API load gate: load release files as Protégé does and report what it could not read."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import Finding, SmekgError, fail
from .jvm import compiled, dies_with_parent, java_command
from .resources import package_path
from .vocab import SMEKG

JAVA_DIR = Path("/usr/share/java")
JARS = [
    "owlapi-distribution",
    "guava",
    "commons-rdf-api",
    "slf4j-api",
    "slf4j-nop",
    "atinject-jsr330-api",
    "caffeine",
    "hppcrt",
    "rdf4j-rio-api",
    "rdf4j-util",
    "rdf4j-model",
    "rdf4j-model-api",
    "commons-io",
    "xz",
]
GATE = package_path("java", "OwlLoadGate.java")
GATE_TIMEOUT = 600  # seconds
JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]  # a short run: the quick compiler only, a small GC
PROBLEMS = {
    "UNPARSED": "unparsed triple",
    "DL_VIOLATION": "OWL 2 DL profile violation",
    "ERROR_ENTITY": "OWL API error placeholder entity",
    "UNRESOLVED_IMPORT": "import that does not resolve offline",
    "LOAD_ERROR": "could not be loaded",
    "UNLABELLED_CLASS": "class without rdfs:label (Protégé would show its IRI)",
    "PUNNED_CLASS": "class also used as an individual (punning)",
}


def classpath(java_dir: Path = JAVA_DIR) -> str:
    """The OWL API 5 classpath from Debian's libowlapi-java, or a clear error."""
    missing = [j for j in JARS if not (java_dir / f"{j}.jar").is_file()]
    if missing:
        raise SmekgError(
            "OWL API gate",
            [Finding(str(java_dir), 0, "", f"missing {', '.join(missing)}; install Debian's libowlapi-java")],
        )
    return ":".join(str(java_dir / f"{j}.jar") for j in JARS)


@dataclass
class Pending:
    """An OWL API gate at work: its JVM and the file it writes its report to."""

    process: subprocess.Popen
    output: IO[str]
    errors: IO[str]


def start_gate(
    files: list[Path], catalog: Path | None = None, namespace: str = str(SMEKG), unprofiled: tuple[Path, ...] = ()
) -> Pending:
    """Start loading the files with the OWL API (one JVM, a thread per file), those of unprofiled without the OWL 2
    DL profile check; finish_gate collects the report."""
    cp = classpath()
    command = [
        java_command("OWL API gate"),
        *JVM_OPTIONS,
        "-cp",
        cp,
        *compiled(GATE, cp, "OWL API gate"),
        "--namespace",
        namespace,
    ]
    if catalog is not None:
        command += ["--catalog", str(catalog)]
    for path in unprofiled:
        command += ["--no-profile", str(path)]
    output, errors = tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed by finish_gate)
    process = subprocess.Popen(
        command + [str(f) for f in files], stdout=output, stderr=errors, text=True, preexec_fn=dies_with_parent()
    )
    return Pending(process, output, errors)


def finish_gate(pending: Pending) -> dict[str, list]:
    """Wait for the gate; per file, the raw (kind, text) lines it reported."""
    try:
        code = pending.process.wait(timeout=GATE_TIMEOUT)
    except subprocess.TimeoutExpired:
        pending.process.kill()
        raise fail("OWL API gate", GATE, f"the OWL API did not finish within {GATE_TIMEOUT} s") from None
    pending.output.seek(0)
    pending.errors.seek(0)
    text, problem = pending.output.read(), pending.errors.read()
    pending.output.close()
    pending.errors.close()
    if code != 0:
        raise SmekgError("OWL API gate", [Finding(str(GATE), 0, "", problem.strip()[-2000:])])
    report: dict[str, list] = {}
    current = ""
    for line in text.splitlines():
        kind, _, value = line.partition("\t")
        if kind == "FILE":
            current = value
            report[current] = []
        else:
            report[current].append((kind, value))
    return report


def load_gate(files: list[Path], catalog: Path | None = None, namespace: str = str(SMEKG)) -> dict[str, list]:
    """Load each file with the OWL API; return, per file, the raw (kind, text) lines it reported."""
    return finish_gate(start_gate(files, catalog, namespace))


def gate_findings(report: dict[str, list], expected_iri: str | None = None) -> list[Finding]:
    """Every problem the OWL API reported, plus an ontology IRI that does not match the expected one."""
    findings = []
    for file, lines in report.items():
        for kind, text in lines:
            if kind in PROBLEMS:
                findings.append(Finding(file, 0, text[:300], PROBLEMS[kind]))
            if kind == "IRI" and expected_iri is not None and text != expected_iri:
                findings.append(Finding(file, 0, text, f"ontology IRI is not {expected_iri}"))
    return findings
