"""Findings and the error that carries them: every problem names its file, line and entry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found in the sources or the compiled graph."""

    file: str = ""
    line: int = 0
    entry: str = ""
    message: str = ""
    level: str = "error"

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        parts = [p for p in (where, self.entry) if p]
        return ": ".join([*parts, f"{self.level}: {self.message}"])


class SmekgError(Exception):
    """A failure that is reported to the user as a list of findings."""

    def __init__(self, step: str, findings: list[Finding]):
        self.step = step
        self.findings = sorted(findings)
        lines = [f"{step} failed with {len(findings)} finding(s):"]
        lines += [f"  {f}" for f in self.findings]
        super().__init__("\n".join(lines))
