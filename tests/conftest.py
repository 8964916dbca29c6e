"""Shared fixtures: the real project, a release built from it, and disposable copies; the markers `slow` and
`seeds` (see pyproject.toml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smekg import Project, Store, build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"

# Slow tests in files whose owners are rewriting them, marked here until the files carry the marker themselves;
# test_suite.py checks that each name still exists, so a renamed test cannot silently join the fast loop.
SLOW_ELSEWHERE = {
    "test_quality_gates.py": {
        "test_release_passes_every_gate",  # the whole gate on the real release: the OWL API JVM, every parser
        "test_release_merged_with_the_vocabularies_adds_no_dl_violation",  # the OWL API on 60 k triples
        "test_import_modules_load_in_the_owlapi_as_owl2_dl",  # a JVM
        "test_catalog_resolves_an_import_offline",  # a JVM
    },
    "test_broken_sources.py": {"test_failed_build_leaves_previous_release_untouched"},  # a full build
}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that read the source documents `seeds`, and the slow ones of SLOW_ELSEWHERE `slow`."""
    for item in items:
        if "seeds" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.seeds)
        if getattr(item, "originalname", item.name) in SLOW_ELSEWHERE.get(item.path.name, ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def release(project: Project, tmp_path_factory: pytest.TempPathFactory):
    """The real graph, built once per test session (per worker under xdist) into a temporary folder."""
    out = tmp_path_factory.mktemp("release") / "release"
    return build(project, out)


@pytest.fixture(scope="session")
def store(release) -> Store:
    """The embedded store loaded with the full (inferred) release and its direct view, as `smekg query` loads it."""
    return Store.for_release(release.release_dir)


def copy_sources(folder: Path) -> Project:
    """A copy of the project's sources (ontology, shapes, queries) in folder."""
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    return Project(folder)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A throw-away copy of the project's sources, safe to break."""
    return copy_sources(tmp_path)


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The source documents as plain text (../shared/seeds beside the repository).

    Missing, the tests that compare the graph with the documents fail rather than skip: a skip would let a checkout
    (or CI) without them pass while never checking what the graph says against what the papers say. Who has no
    copy of the documents deselects these tests explicitly, with -m "not seeds"."""
    if not SEEDS.is_dir():
        pytest.fail(
            f"the source documents are missing: {SEEDS} is not a folder. These tests compare the graph with them; "
            'put the plain-text seeds there, or deselect the tests that read them with -m "not seeds".',
            pytrace=False,
        )
    return SEEDS
