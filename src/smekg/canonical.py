"""One stable, sorted form for the Turtle sources, so that diffs stay reviewable."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph

from .errors import Finding
from .sources import Project


def leading_comments(text: str) -> str:
    """The comment block that opens a file (kept: it says what the file is)."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n\n" if lines else ""


def canonical_turtle(text: str) -> str:
    """The file's opening comments, then rdflib's sorted long-form Turtle of its triples."""
    graph = Graph().parse(data=text, format="turtle")
    return leading_comments(text) + graph.serialize(format="longturtle").strip() + "\n"


def check_canonical(project: Project) -> list[Finding]:
    """A finding for every Turtle source that is not in canonical form."""
    findings = []
    for path in project.turtle_sources():
        text = path.read_text(encoding="utf-8")
        if canonical_turtle(text) != text:
            findings.append(
                Finding(
                    str(path.relative_to(project.root)), 0, "", "not in canonical form; run `smekg fmt` to rewrite it"
                )
            )
    return findings


def format_sources(project: Project) -> list[Path]:
    """Rewrite the Turtle sources that are not canonical (atomically); return those rewritten."""
    changed = []
    for path in project.turtle_sources():
        text = path.read_text(encoding="utf-8")
        canonical = canonical_turtle(text)
        if canonical != text:
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(canonical)
            os.replace(temporary, path)
            changed.append(path)
    return changed
