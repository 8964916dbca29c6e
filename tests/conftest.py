"""Shared fixtures: the real project, a release built from it, and disposable copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smekg import Project, Store, build

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def release(project: Project, tmp_path_factory: pytest.TempPathFactory):
    """The real graph, built once per test session into a temporary folder."""
    out = tmp_path_factory.mktemp("release") / "release"
    return build(project, out)


@pytest.fixture(scope="session")
def store(release) -> Store:
    """The embedded store loaded with the full (inferred) release and its direct view, as `smekg query` loads it."""
    return Store.for_release(release.release_dir)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A throw-away copy of the project's sources, safe to break."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Project(tmp_path)


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The source documents as plain text (../shared/seeds beside the repository)."""
    folder = ROOT.parent / "shared" / "seeds"
    if not folder.is_dir():
        pytest.skip("the source documents (../shared/seeds) are not beside this checkout")
    return folder
