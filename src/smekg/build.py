"""The build pipeline: sources → compiled graph → rules → reasoning (reasoning.py) → rules again → release artifacts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .checks import validate_compiled, validate_reasoned
from .errors import Finding, SmekgError
from .identity import release_version
from .labels import GENERATED, generate
from .reasoning import INFERRED, reason
from .release import prepare_release, write_release
from .sources import Compiled, Project, compile_sources

Progress = Callable[[str, str], None]


def quiet(step: str, status: str) -> None:
    """The default progress callback: say nothing."""


@dataclass
class BuildResult:
    """What a build produced and how long each step took."""

    release_dir: Path
    artifacts: list[Path]
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    reasoning: str = ""


@contextmanager
def step(name: str, progress: Progress, timings: dict[str, float]) -> Iterator[None]:
    progress(name, "start")
    started = time.perf_counter()
    try:
        yield
    except Exception:
        progress(name, "failed")
        raise
    timings[name] = round(time.perf_counter() - started, 3)
    progress(name, f"done in {timings[name]:.2f} s")


def validate(
    project: Project | None = None, progress: Progress = quiet, timings: dict[str, float] | None = None
) -> tuple[Compiled, list[Finding]]:
    """Compile and check the sources; raise SmekgError on any error-level finding."""
    project = project or Project.find()
    timings = {} if timings is None else timings
    with step("compile sources", progress, timings):
        compiled = compile_sources(project)
    with step("validate (references, SHACL)", progress, timings):
        findings = validate_compiled(compiled)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise SmekgError("validation", errors)
    return compiled, [f for f in findings if f.level != "error"]


def build(
    project: Project | None = None, out_dir: Path | None = None, progress: Progress = quiet, reasoner: str = "auto"
) -> BuildResult:
    """Run the whole pipeline and write the base and full releases atomically.

    out_dir (default: the project's release/) must be missing, empty or a release: any other folder is refused
    before anything runs."""
    project = project or Project.find(checkout=True)
    release_dir = out_dir or project.release_dir
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def waiting() -> None:
        progress(f"wait for another build writing {release_dir} to finish", "start")

    prepare_release(release_dir, waiting)
    version = release_version(project)  # first: a malformed SOURCE_DATE_EPOCH stops the build before any work
    compiled, warnings = validate(project, progress, timings)
    with step("reason (OWL 2 DL reasoner)", progress, timings):
        route, findings = reason(compiled, reasoner)
        if findings:
            raise SmekgError("reasoning", findings)
    with step("validate the reasoned graph (rules, SHACL)", progress, timings):
        findings = validate_reasoned(compiled, warnings)
    if errors := [f for f in findings if f.level == "error"]:
        raise SmekgError("validation after reasoning", errors)
    warnings += [f for f in findings if f.level != "error"]
    with step("write release", progress, timings):
        report = {"timings_s": timings, "reasoning": route, "warnings": [str(f) for f in warnings]}
        report |= release_identity(compiled, version)
        base, inferred = chain(compiled.nt_lines(), compiled.nt_lines([GENERATED])), compiled.nt_lines([INFERRED])
        artifacts, counts = write_release(release_dir, base, inferred, report, waiting, version)
    timings["total"] = round(time.perf_counter() - started, 3)
    return BuildResult(release_dir, artifacts, timings, counts, report["warnings"], route)


def release_identity(compiled: Compiled, version: str) -> dict:
    """Add the generated declarations and labels (labels.py) to the compiled graph; for the report, the release's
    version (identity.py) and how many were generated."""
    generated = generate(compiled)
    return {
        "version": version,
        "generated": {"individuals declared": generated.individuals, "labels generated": generated.labelled},
    }
