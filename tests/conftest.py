"""Shared fixtures: the real project, a release built from it, and disposable copies; the markers `slow` and
`seeds` (see pyproject.toml)."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pytest

from clirun import site_in_child
from smekg import Project, Store, build
from smekg.build import BuildResult
from smekg.safeio import file_lock

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
# The prefixes of planted Turtle snippets.
TURTLE_PREFIXES = """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix work: <https://w3id.org/smekg/work/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""


def first_fast(cases: Iterable) -> list:
    """Parametrize cases with every case but the first marked slow: the fast loop tries one case of a kind (each
    runs smekg in its own process), the full suite every case."""
    first, *rest = cases
    return [first, *(pytest.param(*(c if isinstance(c, tuple) else (c,)), marks=pytest.mark.slow) for c in rest)]


def module_fixtures(item: pytest.Item) -> list[str]:
    """The module-scoped fixtures a test uses (a server, a JVM run, a build shared by the module's tests)."""
    info = getattr(item, "_fixtureinfo", None)
    defs = info.name2fixturedefs.items() if info else ()
    return [name for name, chain in defs if chain and chain[-1].scope == "module"]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that read the source documents `seeds`, and group those that share a module's fixture on one
    xdist worker (--dist loadgroup), so the module's fixture is made once."""
    for item in items:
        if "seeds" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.seeds)
        if module_fixtures(item):
            item.add_marker(pytest.mark.xdist_group(item.path.name))


@pytest.hookimpl(tryfirst=True)  # before its fixtures are made
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a grouped test that pytest-xdist did not group (it gives no sign of it): each worker would make the
    module's fixture again. pytest 9.2 with pytest-xdist 3.8 does that (pytest-dev/pytest-xdist#1386)."""
    loadgroup = os.environ.get("PYTEST_XDIST_WORKER") and item.config.getvalue("loadgroup")
    if loadgroup and item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
        pytest.fail(f"--dist loadgroup did not group this test: {NOT_GROUPED}", pytrace=False)


NOT_GROUPED = "pytest-dev/pytest-xdist#1386; pip install -e '.[test]' installs the versions pyproject.toml asks for"


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


def once_per_run(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """make(folder), run once per test run in a folder of its own, not to be changed: under xdist the first worker
    that asks runs it; the others wait for it and get the same result."""
    run_folder = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent  # the run's folder, which holds one folder per worker
    result_file = run_folder / f"{name}.pickle"
    with file_lock(run_folder / f"{name}.lock", f"the tests' {name}"):
        if result_file.is_file():
            return pickle.loads(result_file.read_bytes())
        result = make(run_folder / name)
        result_file.write_bytes(pickle.dumps(result))
        return result


@pytest.fixture(scope="session")
def release(project: Project, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The real graph, built once per test run into a temporary folder, not to be changed."""
    return once_per_run(tmp_path_factory, "release", lambda folder: build(project, folder / "release"))


@pytest.fixture(scope="session")
def release_site(release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the session's release, written once per test run by `smekg site` in a child process with the hash
    seed 1 (test_site.py compares it with a run under another seed), not to be changed."""
    return once_per_run(tmp_path_factory, "site", lambda folder: site_in_child(release.release_dir, folder, "1"))


@pytest.fixture(scope="session")
def store(release) -> Store:
    """The embedded store loaded with the full (inferred) release and its direct view, as `smekg query` loads it."""
    return Store.for_release(release.release_dir)


@pytest.fixture(scope="session")
def base_store(release) -> Store:
    """The embedded store loaded with the base release only: the asserted triples, no inference."""
    return Store(release.release_dir / "smekg-base.nt")


def copy_sources(folder: Path, knowledge: tuple[str, ...] | None = None) -> Project:
    """A copy of the project's sources (ontology, shapes, queries) in folder; with knowledge, only the knowledge
    files named there."""
    for name in ("ontology", "shapes", "queries"):
        shutil.copytree(ROOT / name, folder / name)
    copy = Project(folder)
    if knowledge is not None:
        for path in copy.knowledge_dir.glob("*.ttl"):
            if path.name not in knowledge:
                path.unlink()
    return copy


# One knowledge file: a real build (every step, every tool) in under half the real graph's time.
SMALL = ("costa2015new.ttl",)


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A throw-away copy of the project's sources, safe to break."""
    return copy_sources(tmp_path)


@pytest.fixture(scope="session")
def small_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The sources with one knowledge file, not to be changed: for tests of what a build does with folders, processes
    and faults, which do not depend on what the graph says."""
    return copy_sources(tmp_path_factory.mktemp("small"), SMALL)


@pytest.fixture
def small_copy(tmp_path: Path) -> Project:
    """A throw-away copy of the sources with one knowledge file (see small_project)."""
    return copy_sources(tmp_path, SMALL)


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
