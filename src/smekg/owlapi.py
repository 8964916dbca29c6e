"""The OWL API load gate: load release files as Protégé does and report what it could not read."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .errors import Finding, SmekgError
from .jvm import dies_with_parent, java_command
from .safeio import fail
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
GATE = Path(__file__).with_name("java") / "OwlLoadGate.java"
GATE_TIMEOUT = 600  # seconds
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


def load_gate(files: list[Path], catalog: Path | None = None, namespace: str = str(SMEKG)) -> dict[str, list]:
    """Load each file with the OWL API; return, per file, the raw (kind, text) lines it reported."""
    command = [java_command("OWL API gate"), "-cp", classpath(), str(GATE), "--namespace", namespace]
    if catalog is not None:
        command += ["--catalog", str(catalog)]
    try:
        done = subprocess.run(
            command + [str(f) for f in files],
            capture_output=True,
            text=True,
            timeout=GATE_TIMEOUT,
            preexec_fn=dies_with_parent(),
        )
    except subprocess.TimeoutExpired:
        raise fail("OWL API gate", GATE, f"the OWL API did not finish within {GATE_TIMEOUT} s") from None
    if done.returncode != 0:
        raise SmekgError("OWL API gate", [Finding(str(GATE), 0, "", done.stderr.strip()[-2000:])])
    report: dict[str, list] = {}
    current = ""
    for line in done.stdout.splitlines():
        kind, _, text = line.partition("\t")
        if kind == "FILE":
            current = text
            report[current] = []
        else:
            report[current].append((kind, text))
    return report


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
