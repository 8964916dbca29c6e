"""What a wheel ships: a copy of the project as released (the built release with its on-disk store, the queries,
shapes, quality profile and curated sources), put into the package as smekg/data by setup.py's build hooks.

A wheel or an sdist is built only from a release newer than every source it was built from. The copy goes into
setuptools' build folder, never into the checkout, and the only thing it ever removes is an earlier copy it made
(one that carries SHIPPED_MARK). Standard library only: the build environment has none of smekg's dependencies."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import Finding, SmekgError
from .project import Project

SHIPPED = ("ontology", "queries", "shapes", "quality", "release")
SHIPPED_MARK = ".smekg-shipped"
REPORT = "build-report.json"
STEP = "packaging the release"


def built_release(project: Project) -> Path:
    """The project's release folder, if it is built and newer than every source; else a SmekgError saying why."""
    report = project.release_dir / REPORT
    if not report.is_file():
        message = "no built release here, and a wheel or sdist ships it: run `smekg build` first"
        raise SmekgError(STEP, [Finding(str(project.release_dir), 0, "", message)])
    changed = project.changed_since(report)
    if changed:
        names = ", ".join(str(p.relative_to(project.root)) for p in changed[:5]) + (", …" if len(changed) > 5 else "")
        message = f"the release is older than its sources ({names}): run `smekg build` again first"
        raise SmekgError(STEP, [Finding(str(project.release_dir), 0, "", message)])
    return project.release_dir


def copy_project(project: Project, dest: Path) -> None:
    """Copy the shipped folders of a project with a current release into dest, without lock files; an earlier copy
    made here is replaced, anything else at dest is refused."""
    built_release(project)
    if dest.exists() or dest.is_symlink():
        if not (dest / SHIPPED_MARK).is_file():
            raise SmekgError(STEP, [Finding(str(dest), 0, "", "exists and was not made by smekg; nothing changed")])
        shutil.rmtree(dest)
    for name in SHIPPED:
        shutil.copytree(project.root / name, dest / name, ignore=shutil.ignore_patterns(".*.lock", "__pycache__"))
    (dest / SHIPPED_MARK).write_text("copied by smekg's wheel build from a checkout's built release\n", "utf-8")
