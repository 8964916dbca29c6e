"""Findings and the error that carries them: every problem names its file, line and entry."""

from __future__ import annotations

import os
from collections import namedtuple

# A named tuple, not a dataclass: dataclasses imports inspect, 20 ms of every one-shot `smekg query`.
FIELDS = namedtuple("Finding", "file line entry message level", defaults=("", 0, "", "", "error"))


class Finding(FIELDS):
    """One problem found in the sources or the compiled graph: file (str), line (int, 0 when unknown), entry (the
    term, record or query concerned), message, level (error, warn or info). Findings sort by file, then line."""

    __slots__ = ()

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


def fail(step: str, where: object, message: str, entry: str = "") -> SmekgError:
    """A SmekgError with one finding."""
    return SmekgError(step, [Finding(str(where), 0, entry, message)])


def os_problem(err: OSError) -> str:
    """An OSError in words, e.g. 'no space left on device'."""
    return (os.strerror(err.errno) if err.errno else str(err)).lower()
