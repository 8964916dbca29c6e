"""Release identity, named as the Ontology Development Kit names it.

Each document has its own ontology IRI: the edit module ontology/smekg.ttl keeps https://w3id.org/smekg/ontology,
the releases are https://w3id.org/smekg/smekg-base.owl and https://w3id.org/smekg/smekg-full.owl. Each release
carries a dated version IRI outside the term namespace, https://w3id.org/smekg/releases/YYYY-MM-DD/smekg-base.owl,
and owl:versionInfo "YYYY-MM-DD" (ODK's `annotate -V $(ONTBASE)/releases/$(VERSION)/$@`).

The date is the date the sources last changed, never the clock, so that two builds of the same sources write
the same bytes: SOURCE_DATE_EPOCH if set (the reproducible-builds convention), else the date of the last commit
that touched a source file, or the modification time of a source file edited since (or of every source file
when the project is not in git).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, XSD

from .errors import fail
from .sources import Project
from .vocab import BASE, ONTOLOGY_IRI, SCHEMA

EDIT_MODULE_IRI = ONTOLOGY_IRI
EDIT_SUBJECT = f"<{EDIT_MODULE_IRI}> ".encode()
STAMPED = {f"<{iri}>".encode() for iri in (OWL.versionIRI, OWL.versionInfo, SCHEMA.dateModified)}  # set per release
DESCRIPTIONS = {
    "base": "The base release: the terms of the edit module and the curated knowledge, with generated labels "
    "and individual declarations; asserted axioms only, no inferences.",
    "full": "The full release: the base release and what HermiT and smekg's rules infer from it (class "
    "hierarchy and types).",
}
GIT_TIMEOUT = 30  # seconds for one git command


def ontology_iri(variant: str) -> str:
    """The ontology IRI of a release variant, e.g. https://w3id.org/smekg/smekg-base.owl."""
    return f"{BASE}smekg-{variant}.owl"


def version_iri(variant: str, version: str) -> str:
    """The version IRI of a release variant, e.g. https://w3id.org/smekg/releases/2026-12-06/smekg-base.owl."""
    return f"{BASE}releases/{version}/smekg-{variant}.owl"


def set_aside_header(lines: Iterable[bytes], header: list[bytes], blank: bool = False) -> Iterator[bytes]:
    """The N-Triples lines without the edit module's header (the lines about its ontology IRI), which are appended
    to header. A header line that may hold a blank node passes, unless blank: it is set aside once its blank node
    has its canonical label."""
    for line in lines:
        if line.startswith(EDIT_SUBJECT) and (blank or b" _:" not in line):
            header.append(line)
        else:
            yield line


def release_header(header: list[bytes], variant: str, version: str) -> list[bytes]:
    """A release's header, sorted: the edit module's header about the release's ontology IRI, with its version
    IRI, owl:versionInfo and schema:dateModified set to the version and a comment saying which release it is."""
    subject = ox.NamedNode(ontology_iri(variant))
    kept = [f"<{subject.value}> ".encode() + line[len(EDIT_SUBJECT) :] for line in header]
    kept = [line for line in kept if line.split(b" ", 2)[1] not in STAMPED]
    stamps = [
        (RDF.type, ox.NamedNode(OWL.Ontology)),
        (OWL.versionIRI, ox.NamedNode(version_iri(variant, version))),
        (OWL.versionInfo, ox.Literal(version)),
        (SCHEMA.dateModified, ox.Literal(version, datatype=ox.NamedNode(XSD.date))),
        (RDFS.comment, ox.Literal(DESCRIPTIONS[variant], language="en")),
    ]
    triples = [ox.Triple(subject, ox.NamedNode(p), o) for p, o in stamps]
    stamped = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)
    return sorted({*kept, *stamped})


def release_version(project: Project) -> str:
    """The release's version, the UTC date (YYYY-MM-DD) its sources last changed (see the module's docstring)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = epoch_seconds(epoch) if epoch is not None else last_change(project)
    return datetime.fromtimestamp(seconds, UTC).date().isoformat()


def epoch_seconds(epoch: str) -> int:
    """SOURCE_DATE_EPOCH as a number, or a SmekgError (the convention asks builds to stop on a malformed one)."""
    if not epoch.strip().isdigit() or int(epoch) > 253402300799:  # 9999-12-31T23:59:59Z
        raise fail("build", "SOURCE_DATE_EPOCH", f"is {epoch!r}, not a number of seconds since 1970-01-01 UTC")
    return int(epoch)


def source_files(project: Project) -> list[Path]:
    """Every file the release is built from: the Turtle sources and the BibTeX references."""
    return [*project.turtle_sources(), *sorted(project.references_dir.glob("*.bib"))]


def last_change(project: Project) -> float:
    """When the sources last changed: their last commit, or the newest modification time of a source file that
    git does not hold as committed (every file, outside git)."""
    files = source_files(project)
    names = [str(p.relative_to(project.root)) for p in files]
    committed = git(project.root, "log", "-1", "--format=%ct", "--", *names)
    changed = git(project.root, "diff", "--name-only", "--relative", "-z", "HEAD", "--", *names)
    untracked = git(project.root, "ls-files", "--others", "--exclude-standard", "-z", "--", *names)
    if committed is None or changed is None or untracked is None:
        edited = files
    else:
        edited = [p for p, n in zip(files, names, strict=True) if n in {*changed.split("\0"), *untracked.split("\0")}]
    times = [float(committed)] if committed and committed.strip() else []
    return max([*times, *(p.stat().st_mtime for p in edited)], default=0.0)


def git(root: Path, *args: str) -> str | None:
    """A git command's output in root, or None if git is missing, fails or does not answer in time."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout
