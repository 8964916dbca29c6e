"""smekg as a package: a one-shot command imports only what it needs and answers from the release's on-disk store;
a wheel installed in a fresh virtual environment answers from any folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import child_env, smekg
from conftest import ROOT
from querysnap import take
from smekg import Store, list_queries, run_query
from smekg.project import RELEASE_STORE

# Modules `smekg query` must never import: the build's graph library, BibTeX, the linker, the rich console.
HEAVY = ("rdflib", "pybtex", "smekg.linking", "smekg.bibio", "smekg.build", "rich")

IMPORTED = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
sys.argv = ["smekg", *sys.argv[1:]]
from smekg.cli import run
run()
"""


@pytest.fixture(scope="module")
def checkout(release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder with the canned queries and the session's release (linked, not copied)."""
    folder = tmp_path_factory.mktemp("checkout")
    (folder / "queries").symlink_to(ROOT / "queries")
    (folder / "release").symlink_to(release.release_dir)
    return folder


@pytest.fixture(scope="module")
def smes_rows(release) -> str:
    """The last line `smekg query smes` prints: the row count of the answer on the release loaded in memory."""
    rows = len(run_query("smes", store=Store.for_release(release.release_dir)))
    return f"({rows} row{'s' if rows != 1 else ''})"


def imported_by(*args: object) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `smekg ARGS` in a child process; its result and every module it had imported when it exited."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORTED, *map(str, args)], env=child_env(), capture_output=True, text=True, timeout=120
    )
    return done, set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_query_imports_no_graph_library_bibtex_or_linker(checkout: Path, smes_rows: str):
    done, modules = imported_by("query", "smes", "--root", checkout)
    assert done.returncode == 0 and done.stdout.rstrip().endswith(smes_rows), done.stderr
    assert not [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY]


def test_stats_and_query_list_import_no_graph_library(checkout: Path):
    for args in (("stats",), ("query", "--list")):
        done, modules = imported_by(*args, "--root", checkout)
        assert done.returncode == 0, done.stderr
        assert not [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY], args


def test_the_release_store_answers_every_canned_query_as_the_release_loaded_in_memory(release):
    on_disk, in_memory = Store.on_disk(release.release_dir), Store.for_release(release.release_dir)
    assert (release.release_dir / RELEASE_STORE).is_dir()
    for query in list_queries():
        assert take(on_disk, query, {}) == take(in_memory, query, {}), query.name


def test_query_answers_from_the_store_not_by_loading_the_release(checkout: Path, tmp_path: Path, smes_rows: str):
    """With the N-Triples emptied, `smekg query` still answers: it reads the store written with the release."""
    shutil.copytree(checkout / "release", tmp_path / "release")
    (tmp_path / "queries").symlink_to(ROOT / "queries")
    (tmp_path / "release" / "smekg-full.nt").write_bytes(b"")
    done = smekg("query", "smes", "--root", tmp_path)
    assert done.returncode == 0 and done.stdout.rstrip().endswith(smes_rows), done.stderr


def test_a_release_without_a_store_is_loaded_into_memory(checkout: Path, tmp_path: Path, smes_rows: str):
    """A release written before the store existed still answers (loaded as before)."""
    shutil.copytree(checkout / "release", tmp_path / "release", ignore=shutil.ignore_patterns(RELEASE_STORE))
    (tmp_path / "queries").symlink_to(ROOT / "queries")
    done = smekg("query", "smes", "--root", tmp_path)
    assert done.returncode == 0 and done.stdout.rstrip().endswith(smes_rows), done.stderr


def test_version():
    done = smekg("--version")
    assert done.returncode == 0 and done.stdout.startswith("smekg "), done.stderr
