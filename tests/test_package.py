"""smekg as a package: a one-shot command imports only what it needs and answers from the release's on-disk store;
a wheel installed in a fresh virtual environment answers from any folder."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest

from clirun import child_env, smekg, smekg_in_process
from conftest import ROOT, copy_sources
from querysnap import take
from smekg import Project, SmekgError, Store, list_queries, run_query
from smekg import project as project_module
from smekg.project import RELEASE_STORE
from smekg.shipping import SHIPPED, SHIPPED_MARK, built_release, copy_project
from smekg.vocab import BASE
from sparqlservers import free_port

# Modules `smekg query` must never import: the build's graph library, BibTeX, the linker, the rich console.
HEAVY = ("rdflib", "pybtex", "smekg.linking", "smekg.bibio", "smekg.build", "rich")
# … nor, for a plain `smekg query NAME` (entry.py answers it), click and what dataclasses and typing would load.
PLAIN = ("click", "smekg.cli", "inspect", "typing")

IMPORTED = """
import atexit, json, os, sys
def modules():
    print(json.dumps(sorted(sys.modules)), file=sys.stderr, flush=True)
atexit.register(modules)
quit_now = os._exit  # how a read-only command ends (entry.exit_at_once), past atexit
os._exit = lambda code: (modules(), quit_now(code))
sys.argv = ["smekg", *sys.argv[1:]]
from smekg.entry import run
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


def test_query_imports_no_graph_library_bibtex_linker_or_click(checkout: Path, smes_rows: str):
    done, modules = imported_by("query", "smes", "--root", checkout)
    assert done.returncode == 0 and done.stdout.rstrip().endswith(smes_rows), done.stderr
    assert not [m for m in modules if m.split(".")[0] in (*HEAVY, *PLAIN) or m in HEAVY]
    done, modules = imported_by("query", "--format=csv", "work-identifiers", "-p", "status=linked", "--root", checkout)
    assert done.returncode == 0 and done.stdout.count("\n") > 2, done.stderr
    assert not [m for m in modules if m.split(".")[0] in PLAIN]


# A plain command line, and the NAME it names (after `--`, the click command reads it).
PLAIN_LINES = [
    (("smes",), "smes"),
    (("work-identifiers", "--format", "csv", "-p", "status=linked"), "work-identifiers"),
    (("work-identifiers", "-p", "status=Linked"), "work-identifiers"),
    (("--format=markdown", "barriers-overcome", "--param=under=smekg:InternalBarrier"), "barriers-overcome"),
    (("concept", "-p", "concept=smekg:Clusterr"), "concept"),
    (("shared-works", "--format", "latex", "-p", "minDocuments=2", "-p", "minDocuments=3"), "shared-works"),
    (("no-such-query",), "no-such-query"),
    (("smes", "-p", "x"), "smes"),
    (("smes", "-p", "employees=10"), "smes"),
    (("smes", "--format", "json", "--release", "no-such-folder"), "smes"),
]


@pytest.mark.parametrize(("args", "name"), PLAIN_LINES, ids=[" ".join(a) for a, _ in PLAIN_LINES])
def test_a_plain_query_answers_as_the_click_command_does(checkout: Path, args: tuple[str, ...], name: str):
    """entry.py answers a plain `smekg query` without click; the click command (reached here through `--`, which
    entry.py leaves to it) gives the same exit status, answer and findings."""
    options = list(args)
    options.remove(name)
    plain = smekg_in_process("query", *args, "--root", checkout)
    clicked = smekg_in_process("query", *options, "--root", checkout, "--", name)
    assert (plain.returncode, plain.stdout, plain.stderr) == (clicked.returncode, clicked.stdout, clicked.stderr)


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


@pytest.mark.parametrize("damage", ["empty", "corrupt"])
def test_a_damaged_store_is_a_finding_saying_to_build_again(tmp_path: Path, damage: str):
    store = tmp_path / "release" / RELEASE_STORE
    store.mkdir(parents=True)
    if damage == "corrupt":
        (store / "CURRENT").write_text("not a manifest name\n")
    with pytest.raises(SmekgError, match="the release's store is damaged .*; run `smekg build` again"):
        Store.on_disk(tmp_path / "release")


def test_version():
    done = smekg("--version")
    assert done.returncode == 0 and done.stdout.startswith("smekg "), done.stderr


# --- the wheel: what it ships, and when it refuses to be built ---------------------------------------------------


def released_copy(folder: Path, release_dir: Path) -> Project:
    """A copy of the project's sources and quality profile in folder, with a copy of a release made after them."""
    project = copy_sources(folder)
    shutil.copytree(ROOT / "quality", folder / "quality")
    shutil.copytree(release_dir, project.release_dir)
    return project


def test_a_wheel_is_not_built_without_a_release(project_copy: Project):
    with pytest.raises(SmekgError, match="no built release here, and a wheel or sdist ships it: run `smekg build`"):
        built_release(project_copy)


def test_a_wheel_is_not_built_from_a_release_older_than_a_source(release, tmp_path: Path):
    project = released_copy(tmp_path / "project", release.release_dir)
    assert built_release(project) == project.release_dir
    edited = project.knowledge_dir / "gao2019role.ttl"
    later = (project.release_dir / "build-report.json").stat().st_mtime + 5
    os.utime(edited, (later, later))
    with pytest.raises(SmekgError, match=r"older than its sources \(ontology/knowledge/gao2019role.ttl\)"):
        built_release(project)
    assert Project(project.root, shipped=True).changed_since(project.release_dir / "build-report.json") == []


def test_the_shipped_copy_replaces_only_a_copy_it_made(release, tmp_path: Path):
    project = released_copy(tmp_path / "project", release.release_dir)
    dest = tmp_path / "build" / "smekg" / "data"
    dest.mkdir(parents=True)
    (dest / "mine.txt").write_text("not smekg's\n")
    with pytest.raises(SmekgError, match="exists and was not made by smekg"):
        copy_project(project, dest)
    assert [p.name for p in dest.iterdir()] == ["mine.txt"]
    (dest / "mine.txt").unlink()
    dest.rmdir()
    copy_project(project, dest)
    copy_project(project, dest)  # again: the earlier copy is replaced
    assert sorted(p.name for p in dest.iterdir()) == sorted([*SHIPPED, SHIPPED_MARK])
    assert (dest / "release" / RELEASE_STORE).is_dir() and (dest / "queries" / "smes.rq").is_file()


def test_outside_a_checkout_smekg_answers_from_the_shipped_copy_and_builds_nothing(monkeypatch, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(SmekgError, match="ships no release"):
        Project.find(empty)
    monkeypatch.setattr(project_module, "shipped_root", lambda: ROOT)
    assert Project.find(empty) == Project(ROOT, shipped=True)
    with pytest.raises(SmekgError, match="need a checkout: run it inside one or pass --root"):
        Project.find(empty, checkout=True)


# --- the wheel installed in a fresh virtual environment ----------------------------------------------------------

PACKAGING = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "LICENSE-DATA")


def readme_output(command: str) -> str:
    """The output the README shows for `$ COMMAND` in one of its code blocks."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"$ {command}\n") + len(command) + 3
    return text[start : text.index("```", start)]


def markdown_cells(table: str) -> list[list[list[str]]]:
    """A Markdown table's rows in order, each cell as the sorted items of a list cell ("; " or ", " between them):
    SPARQL leaves the order of GROUP_CONCAT's items to the engine, and the on-disk store orders them otherwise."""
    rows = [line.strip("|").split(" | ") for line in table.splitlines() if line.startswith("|")]
    return [[sorted(re.split(r"; |, (?=\[)", cell.strip())) for cell in row] for row in rows]


def wheel_through_sdist(checkout: Path, dist: Path) -> Path:
    """The sdist of checkout, then the wheel built from that sdist unpacked, as `python -m build` makes them, but in
    one isolated build environment (it makes a fresh one for each) with the build requirements installed by pip as
    it is configured here; the wheel's path."""
    from build import ProjectBuilder  # the test extra installs it
    from build.env import DefaultIsolatedEnv

    with DefaultIsolatedEnv() as env:
        builder = ProjectBuilder.from_isolated_env(env, checkout)
        env.install(builder.build_system_requires)
        env.install(builder.get_requires_for_build("sdist"))
        sdist = Path(builder.build("sdist", dist))
        with tarfile.open(sdist) as archive:
            archive.extractall(dist / "sdist", filter="data")
        unpacked = ProjectBuilder.from_isolated_env(env, dist / "sdist" / sdist.name.removesuffix(".tar.gz"))
        env.install(unpacked.get_requires_for_build("wheel"))
        return Path(unpacked.build("wheel", dist))


@pytest.fixture(scope="module")
def installed(release, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with smekg installed from a wheel built through its sdist from a copy of the
    checkout and the session's release; its bin folder. The environment gets no pip of its own: this process's pip
    installs into it (`--python`), finding the dependencies as it is configured on this machine (a local package
    index), and leaves compiling the modules to their first import (`--no-compile`; see venv_env)."""
    work = tmp_path_factory.mktemp("wheel")
    checkout = work / "checkout"
    released_copy(checkout, release.release_dir)
    for name in PACKAGING:
        shutil.copy2(ROOT / name, checkout / name)
    shutil.copytree(ROOT / "src", checkout / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheel = wheel_through_sdist(checkout, work / "dist")
    run = partial(subprocess.run, env=venv_env(), capture_output=True, text=True, timeout=1200)
    run([sys.executable, "-m", "venv", "--without-pip", work / "venv"], check=True)
    pip = [sys.executable, "-m", "pip", "--python", work / "venv" / "bin" / "python", "install", "--no-compile"]
    done = run([*pip, "--disable-pip-version-check", wheel])
    assert done.returncode == 0, done.stderr[-3000:]
    return work / "venv" / "bin"


def venv_env() -> dict[str, str]:
    """This environment for the virtual environment's programs: no PYTHONPATH, and no PYTHONDONTWRITEBYTECODE (which
    some machines set), so that a module is compiled at its first import and not again at every start (1.5 s for
    `smekg serve`)."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}


def in_empty_folder(installed: Path, tmp_path: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """Run a program of the virtual environment in an empty folder (see venv_env)."""
    folder = tmp_path / "empty"
    folder.mkdir(exist_ok=True)
    return subprocess.run([*map(str, args)], cwd=folder, env=venv_env(), capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_installed_wheel_answers_the_readme_queries_from_an_empty_folder(installed: Path, tmp_path: Path):
    for name in ("smes", "governance-modes", "intermediaries"):
        command = f"smekg query {name} --format markdown"
        done = in_empty_folder(installed, tmp_path, installed / "smekg", *command.split()[1:])
        assert done.returncode == 0, done.stderr
        assert markdown_cells(done.stdout) == markdown_cells(readme_output(command)), name


@pytest.mark.slow
def test_the_installed_wheel_gives_the_stats_and_export_of_the_checkout(installed: Path, release, tmp_path: Path):
    checkout = released_copy(tmp_path / "checkout", release.release_dir).root
    for args in (("stats",), ("export", "--query", "governance-modes"), ("export", "--csl-json")):
        done = in_empty_folder(installed, tmp_path, installed / "smekg", *args)
        expected = smekg_in_process(*args, "--root", checkout)
        assert done.returncode == 0 and expected.returncode == 0, done.stderr + expected.stderr
        assert done.stdout == expected.stdout, args


SNIPPET = """
from smekg import run_query
for row in run_query("theories-explaining-collaboration"):
    print(row["theoryLabel"], row["articles"], row["citedWorks"])
"""


@pytest.mark.slow
def test_the_installed_wheel_runs_the_readme_snippet_and_ships_the_java_programs(installed, release, tmp_path):
    done = in_empty_folder(installed, tmp_path, installed / "python", "-c", SNIPPET)
    rows = run_query("theories-explaining-collaboration", store=Store.for_release(release.release_dir))
    assert done.returncode == 0 and done.stdout.splitlines() == [
        f"{r['theoryLabel']} {r['articles']} {r['citedWorks']}" for r in rows
    ], done.stderr
    where = in_empty_folder(installed, tmp_path, installed / "python", "-c", "import smekg; print(smekg.__file__)")
    package = Path(where.stdout.strip()).parent
    assert package.is_relative_to(installed.parent), package  # the wheel's copy in the environment, not the checkout
    assert sorted(p.name for p in (package / "java").glob("*.java")) == ["HermitEntail.java", "OwlLoadGate.java"]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert in_empty_folder(installed, tmp_path, installed / "smekg", "--version").stdout.startswith(f"smekg {version} ")


def get(port: int, path: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    """An HTTP GET to the server on 127.0.0.1 (redirects not followed): status, headers (lower-case), body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_the_installed_wheel_writes_the_site_and_serves_it_from_an_empty_folder(installed: Path, tmp_path: Path):
    """From an empty folder, the installed `smekg site --out DIR` writes the site; `smekg serve --site DIR` answers
    its home page, /sparql, and an IRI as Turtle for an RDF client and as its page for a browser."""
    done = in_empty_folder(installed, tmp_path, installed / "smekg", "site", "--out", "site")
    folder = tmp_path / "empty"
    assert done.returncode == 0, done.stderr
    assert (folder / "site" / ".smekg-site").is_file()  # written where asked, not into the installed package
    assert (folder / "site" / "index.html").is_file() and (folder / "site" / "ontology" / "Cluster.html").is_file()
    port = free_port()
    command = [installed / "smekg", "serve", "--host", "127.0.0.1", "--port", str(port), "--site", "site"]
    server = subprocess.Popen(
        command, cwd=folder, env=venv_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120  # a did-not-start bound, not a timing check
        while True:
            try:
                home = get(port, "/", "text/html")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "smekg serve did not start"
                time.sleep(0.3)
        assert home[0] == 200 and home[2] == (folder / "site" / "index.html").read_bytes()
        label = f"SELECT ?label WHERE {{ <{BASE}ontology/Cluster> rdfs:label ?label }}"
        status, _, body = get(port, "/sparql?" + urlencode({"query": label}), "application/sparql-results+json")
        assert status == 200
        assert [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["cluster"]
        status, headers, _ = get(port, "/ontology/Cluster", "text/turtle")
        assert status == 303 and headers["location"] == "/ontology/Cluster.ttl"
        status, headers, body = get(port, headers["location"], "text/turtle")
        assert status == 200 and headers["content-type"].startswith("text/turtle")
        cluster = ox.NamedNode(BASE + "ontology/Cluster")
        assert any(t.subject == cluster for t in ox.parse(body, ox.RdfFormat.TURTLE))
        status, headers, _ = get(port, "/ontology/Cluster", "text/html,application/xhtml+xml,*/*;q=0.8")
        assert status == 303 and headers["location"] == "/ontology/Cluster.html"
    finally:
        server.terminate()
        server.communicate(timeout=30)
