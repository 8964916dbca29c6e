"""The bad-input and fault matrix: every case ends in a one-line finding naming the file or URL, the entry and
what is wrong, exit 1, with nothing the user wrote changed — never a traceback, never a hang.

One section per area; each test names its case. The data-loss cases live beside their commands' own tests
(test_release_safety, test_canonical, test_linking, test_bibio)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from clirun import child_env, smekg, smekg_in_process
from conftest import copy_sources, first_fast
from smekg import Finding, Project, SmekgError, validate
from smekg.bibio import import_refs
from smekg.owlapi import load_gate
from standins.broken_endpoint import BrokenEndpoint
from standins.project import copy_project, serve, write_config
from standins.server import StandIn

# --- build and release ---------------------------------------------------------------------------------------


def release_copy(release, tmp_path: Path) -> Path:
    """A copy of the session's release, to build over."""
    out = tmp_path / "out"
    shutil.copytree(release.release_dir, out)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder (the release's store is a folder) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_finding(result: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 1, no traceback, and exactly one line of the report holding every word; that line."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if all(word in line for word in words)]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.slow
def test_build_on_a_full_disk_is_a_finding_and_keeps_the_release(small_project, release, tmp_path, monkeypatch):
    out = release_copy(release, tmp_path)
    before = snapshot(out)

    def disk_full(nt: Path, variant: str) -> None:
        nt.with_name(f"smekg-{variant}.ttl").write_bytes(b"@prefix smekg: <https://w3id.org/smek")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("smekg.release.write_formats", disk_full)
    done = smekg_in_process("build", "--root", small_project.root, "--out", out)
    one_finding(done, str(out), "no space left on device", "the previous release is intact")
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == [".out.lock", "out"]


@pytest.mark.slow
def test_build_into_a_read_only_release_folder_is_a_finding_and_keeps_the_release(
    small_project, release, tmp_path, monkeypatch
):
    """The rename that puts the new release in place fails: the old one, already moved aside, goes back."""
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    rename = os.replace

    def read_only(source, target) -> None:
        if Path(source).name.startswith(".out.tmp-"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        rename(source, target)

    monkeypatch.setattr(os, "replace", read_only)
    done = smekg_in_process("build", "--root", small_project.root, "--out", out)
    one_finding(done, str(out), "read-only file system", "the previous release is intact")
    assert snapshot(out) == before and sorted(os.listdir(tmp_path)) == [".out.lock", "out"]


def test_a_literal_over_16_mb_is_a_finding_naming_file_line_and_entry(small_copy, tmp_path):
    big = small_copy.knowledge_dir / "zz-big.ttl"
    text = '"' + "a" * (17 * 2**20) + '"'
    big.write_text(f"@prefix kg: <https://w3id.org/smekg/kg/> .\n\nkg:big\n    <urn:note> {text} .\n")
    done = smekg_in_process("build", "--root", small_copy.root, "--out", tmp_path / "out")
    one_finding(done, "ontology/knowledge/zz-big.ttl:4: kg:big: error:", "17.0 MiB", "16 MiB")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_build_without_java_says_what_to_install_and_keeps_the_release(small_project, release, tmp_path):
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    (tmp_path / "bin").mkdir()
    done = smekg("build", "--root", small_project.root, "--out", out, env=child_env(PATH=str(tmp_path / "bin")))
    one_finding(done, "java", "default-jre-headless")
    assert snapshot(out) == before


def fake_program(tmp_path: Path, name: str, script: str) -> dict[str, str]:
    """An environment whose PATH finds a shell script called name first."""
    (tmp_path / "bin").mkdir(exist_ok=True)
    program = tmp_path / "bin" / name
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(0o755)
    return child_env(PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")


@pytest.mark.slow
def test_a_java_that_fails_is_a_finding(small_project, release, tmp_path):
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    env = fake_program(tmp_path, "java", "echo 'Error occurred during initialization of VM' >&2\nexit 1")
    done = smekg("build", "--root", small_project.root, "--out", out, "--reasoner", "hermit", env=env)
    one_finding(done, "HermiT", "Java failed", "Error occurred during initialization of VM")
    assert snapshot(out) == before


@pytest.mark.parametrize(
    ("script", "words"),
    first_fast(
        [
            ("echo 'Segmentation fault' >&2\nexit 139", ("Konclude", "failed (exit 139)", "Segmentation fault")),
            ("exec sleep 600", ("cannot reason with Konclude", "did not finish in 1 s", "SMEKG_REASONER_TIMEOUT")),
            ("exit 0", ("Konclude", "wrote no readable answer", "hierarchy.owx")),
            ("touch hierarchy.owx types.owx values.xml", ("Konclude", "wrote no readable answer")),
            (
                """printf '<Ontology xmlns="http://www.w3.org/2002/07/owl#"/>' | tee hierarchy.owx > types.owx""",
                ("Konclude", "did not read the whole input", "lacks"),
            ),
        ]
    ),
    ids=["crashes", "hangs", "answers-nothing", "answers-empty-files", "answers-for-an-empty-ontology"],
)
def test_a_konclude_that_fails_hangs_or_answers_nothing_is_a_finding(small_project, release, tmp_path, script, words):
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    env = fake_program(tmp_path, "Konclude", script) | {"SMEKG_REASONER_TIMEOUT": "1"}
    done = smekg("build", "--root", small_project.root, "--out", out, "--reasoner", "konclude", env=env)
    one_finding(done, *words)
    assert snapshot(out) == before


def test_a_malformed_source_date_epoch_is_a_finding_and_keeps_the_release(small_project, release, tmp_path):
    out = release_copy(release, tmp_path)
    before = snapshot(out)
    done = smekg_in_process(
        "build", "--root", small_project.root, "--out", out, setenv={"SOURCE_DATE_EPOCH": "tomorrow"}
    )
    one_finding(done, "SOURCE_DATE_EPOCH", "'tomorrow'", "not a number of seconds since 1970")
    assert snapshot(out) == before


def test_owlapi_gate_without_java_says_what_to_install(release, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SmekgError, match="default-jre-headless") as failed:
        load_gate([release.release_dir / "smekg-full.owl"])
    assert len(failed.value.findings) == 1


# --- bibliography and import ----------------------------------------------------------------------------------


BIB_OK = "@article{ok2000good,\n  author = {Good, A.},\n  title = {Fine},\n  year = {2000}\n}\n\n"


def bib_findings(project: Project, text: str | bytes) -> list[Finding]:
    """The findings of validating the project with one more reference file, zz-faults.bib, holding text."""
    path = project.references_dir / "zz-faults.bib"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(SmekgError) as info:
        validate(project)
    return info.value.findings


def import_refs_cli(project: Project, incoming: Path) -> tuple[int, str]:
    """`smekg import refs FILE --into sources` in process, as the command line runs it: exit status and stderr."""
    done = smekg_in_process("import", "refs", incoming, "--into", "sources", "--root", project.root)
    return done.returncode, done.stderr


def test_bib_with_bytes_that_are_not_utf8_names_line_and_entry(project_copy):
    [finding] = bib_findings(project_copy, BIB_OK.encode() + b"@article{bad2001,\n  title = {Caf\xe9}\n}\n")
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-faults.bib", 8, "bad2001")
    assert "not UTF-8: byte 0xe9" in finding.message


@pytest.mark.parametrize(
    "fields, problem",
    [
        ("author = {Nobody, N.},\n  title = {No year}", "no year"),
        ("author = {Nobody, N.},\n  title = {Odd year},\n  year = {20x1}", "year '20x1' is not a year"),
        ("title = {No author},\n  year = {2001}", "no author or editor"),
    ],
)
def test_bib_record_without_year_or_author_or_with_a_bad_year(project_copy, fields, problem):
    [finding] = bib_findings(project_copy, BIB_OK + f"@article{{bad2001,\n  {fields}\n}}\n")
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-faults.bib", 7, "bad2001")
    assert problem in finding.message


def test_bib_records_by_an_editor_an_organisation_or_with_an_identification_note_pass(small_copy):
    """The rule: a four-digit year, and an author or an editor (an organisation in braces is an author); a record
    that has neither says why in its identification note (as sources.bib's seed002review does)."""
    with (small_copy.references_dir / "sources.bib").open("a", encoding="utf-8") as sources:
        sources.write(
            "@book{ed2001,\n  editor = {Editor, E.},\n  title = {Edited},\n  year = {2001}\n}\n"
            "@techreport{oecd2002,\n  author = {{OECD}},\n  title = {Report},\n  year = {2002}\n}\n"
            "@misc{unknown,\n  identification = {Authors and year are not stated.},\n  title = {Untold}\n}\n"
        )
    validate(small_copy)


def test_bib_unclosed_brace_names_the_entry_and_line_where_it_opens(project_copy):
    text = BIB_OK + "@article{open2001,\n  author = {Open, O.},\n  title = {Never closed,\n  year = {2001}\n}\n\n"
    [finding] = bib_findings(project_copy, text + BIB_OK.replace("ok2000good", "later2002"))
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-faults.bib", 7, "open2001")
    assert "never closed" in finding.message


@pytest.fixture
def gao_copy(tmp_path: Path) -> Project:
    """A throw-away copy of the sources with one knowledge file, gao2019role.ttl, for the faults planted in it."""
    return copy_sources(tmp_path, ("gao2019role.ttl",))


def test_empty_locator_names_file_line_and_entry(gao_copy):
    path = gao_copy.knowledge_dir / "gao2019role.ttl"
    text = path.read_text(encoding="utf-8").replace('smekg:locator "§2.2.2"', 'smekg:locator ""', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SmekgError) as info:
        validate(gao_copy)
    [finding] = info.value.findings
    assert finding.file == "ontology/knowledge/gao2019role.ttl" and "smekg:locator is empty" in finding.message
    start = sum(len(line) + 1 for line in text.splitlines()[: finding.line - 1])
    assert text[start:].split()[0] == finding.entry
    assert start < text.index('smekg:locator ""') < text.index("\n.\n", start), "the claim that has the locator"


@pytest.mark.parametrize(
    "data, line, entry, problem",
    [
        (
            b'[\n {"id": "a2020", "type": "book", "title": "T", "author": "Ann Smith"}\n]',
            2,
            "item 1 (a2020)",
            "author is",
        ),
        (
            b'[{"id": "a2020", "type": "book"},\n {"id": "b2020", "issued": {"date-parts": [2020]}}]',
            2,
            "item 2 (b2020)",
            "date-parts is [2020]",
        ),
        (b'[{"type": "book", "author": [{"family": 123}]}]', 1, "item 1", "author 1: family is 123, not text"),
        (b'[{"type": "book", "title": "Caf\xe9"}]', 1, "", "not UTF-8: byte 0xe9"),
        (b'{"items": [1, 2]}', 1, "", "top level is an object with keys items"),
        (b"[\n  1,\n  2\n]", 2, "item 1", "an item is an object"),
    ],
)
def test_csl_json_of_the_wrong_shape_is_a_finding(project_copy, tmp_path, data, line, entry, problem):
    target = project_copy.references_dir / "sources.bib"
    before = target.read_bytes()
    incoming = tmp_path / "library.json"
    incoming.write_bytes(data)
    with pytest.raises(SmekgError) as info:
        import_refs(project_copy, incoming, into="sources")
    finding = info.value.findings[0]
    assert (finding.file, finding.line, finding.entry) == (str(incoming), line, entry)
    assert problem in finding.message
    status, stderr = import_refs_cli(project_copy, incoming)
    assert status == 1 and str(finding) in stderr and "Traceback" not in stderr
    assert target.read_bytes() == before


def test_bib_input_that_is_not_utf8_is_a_finding(project_copy, tmp_path):
    incoming = tmp_path / "library.bib"
    incoming.write_bytes(BIB_OK.encode() + b"@article{bad2001,\n  title = {Caf\xe9}\n}\n")
    status, stderr = import_refs_cli(project_copy, incoming)
    assert status == 1 and f"{incoming}:8: bad2001: error: not UTF-8: byte 0xe9 on line 8" in stderr


@pytest.mark.parametrize(
    "old, new, below, words",
    [
        ("agent:seed-d912c087-maintainers ;\n.", "agent:nobody ;\n.", 0, ("agent/nobody", "not declared as an agent")),
        ('"2026-11-22T08:14:39+00:00"', '"2026-11-22"', 0, ('"2026-11-22"', "with a time zone")),
        ("<>\n", '<> prov:generatedAtTime "2026-12-01T00:00:00Z"^^xsd:dateTime .\n<>\n', 1, ("two defaults",)),
    ],
)
def test_curation_block_faults_name_file_line_and_entry(gao_copy, old, new, below, words):
    """A knowledge file's curation block (`<>`: who curated it and when) that names an undeclared agent, a
    malformed date, or a second default: the finding is at the block (the second one's line)."""
    path = gao_copy.knowledge_dir / "gao2019role.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index("\n<>\n")].count("\n") + 2 + below
    where = f"ontology/knowledge/gao2019role.ttl:{line}: <>: error:"
    one_finding(smekg_in_process("validate", "--root", gao_copy.root), where, *words)


# --- queries and endpoints ------------------------------------------------------------------------------------


QUERY_HEADER = "# title: t\n# question: q?\n# sources: s\n"


@pytest.fixture
def query_project(project_copy, release):
    """A copy of the project with the session's release beside it, to which a test adds its own .rq files."""
    (project_copy.root / "release").mkdir()
    for name in ("smekg-full.nt", "smekg-direct.nt"):
        (project_copy.root / "release" / name).symlink_to(release.release_dir / name)
    return project_copy


@pytest.fixture(scope="module")
def endpoint_server() -> Iterator[BrokenEndpoint]:
    """One stand-in for the module: stopping one takes up to half a second (its serve_forever polls that often)."""
    server = BrokenEndpoint()
    yield server
    server.stop()


@pytest.fixture
def broken_endpoint(endpoint_server: BrokenEndpoint) -> BrokenEndpoint:
    """The module's stand-in with an empty request log: the requests of this test only."""
    endpoint_server.log.clear()
    return endpoint_server


def add_query(project, name: str, body: str | bytes) -> Path:
    path = project.queries_dir / f"{name}.rq"
    if isinstance(body, str):
        path.write_text(QUERY_HEADER + body, encoding="utf-8")
    else:
        path.write_bytes(QUERY_HEADER.encode() + body)
    return path


@pytest.mark.parametrize("command", [["hostile"], ["--list"]], ids=["run", "list"])
def test_query_file_not_utf8(query_project, command):
    path = add_query(query_project, "hostile", b'SELECT ?s WHERE { ?s ?p "caf\xe9" }\n')
    result = smekg_in_process("query", *command, "--root", query_project.root)
    one_finding(result, f"{path}:4: hostile:", "not UTF-8 text (byte 0xe9")


@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { ?s a smekg:SME }", "ASK { ?s a smekg:SME }", "DESCRIBE smekg:SME"])
def test_query_that_is_not_a_select(query_project, form):
    path = add_query(query_project, "shape", f"# SELECT in a comment is no SELECT\n{form}\n")
    result = smekg_in_process("query", "shape", "--root", query_project.root)
    one_finding(result, f"{path}:5: shape:", f"a {form.split()[0]} query; canned queries answer with a table")


def test_query_not_a_select_is_not_sent_to_an_endpoint(query_project, broken_endpoint):
    add_query(query_project, "shape", "ASK { ?s a smekg:SME }\n")
    result = smekg_in_process(
        "query", "shape", "--root", query_project.root, "--endpoint", f"{broken_endpoint.base}/html"
    )
    one_finding(result, "shape.rq:4: shape:", "a ASK query")
    assert broken_endpoint.log == []


def test_query_service_clause_makes_no_request(query_project, broken_endpoint):
    text = f"SELECT ?s WHERE {{\n  ?s a smekg:SME .\n  SERVICE <{broken_endpoint.base}/no-head> {{ ?s ?p ?o }}\n}}\n"
    path = add_query(query_project, "remote", text)
    result = smekg_in_process("query", "remote", "--root", query_project.root)
    one_finding(result, f"{path}:6: remote:", "a SERVICE clause; the embedded store answers from the local graph")
    assert broken_endpoint.log == []


def test_query_syntax_error_names_the_files_own_line(query_project):
    """The query takes a parameter, so its VALUES row is written anew: the reported line is still the file's."""
    text = (
        '# param: who (string) — someone\nSELECT ?s\nWHERE {\n  VALUES (?who) {\n    ("x")\n  }\n'
        "  ?s rdfs:label ?who .\n  ?s ?p ?o ?extra .\n}\n"
    )
    path = add_query(query_project, "typo", text)
    result = smekg_in_process("query", "typo", "-p", "who=y", "--root", query_project.root)
    one_finding(result, f"{path}:11: typo:", "SPARQL syntax error")


def test_query_with_parameters_but_no_where(query_project):
    path = add_query(query_project, "terse", "# param: who (string) — someone\nSELECT ?s { ?s rdfs:label ?who }\n")
    result = smekg_in_process("query", "terse", "--root", query_project.root)
    one_finding(result, f"{path}: terse:", "a query with parameters needs the keyword WHERE")


def test_query_on_a_damaged_release(query_project):
    release = query_project.root / "release" / "smekg-full.nt"
    release.unlink()
    release.write_text('<https://w3id.org/smekg/kg/a> <https://w3id.org/smekg/kg/b> "unterminated .\n')
    result = smekg_in_process("query", "smes", "--root", query_project.root)
    one_finding(result, f"{release}: error: the release is damaged", "run `smekg build` again")


def test_query_on_a_release_without_its_direct_view(query_project):
    view = query_project.root / "release" / "smekg-direct.nt"
    view.unlink()
    result = smekg_in_process("query", "smes", "--root", query_project.root)
    one_finding(result, f"{view}: error: the release lacks this view", "run `smekg build` again")


BROKEN_ANSWERS = [
    ("html", [], "answered text/html; charset=utf-8, not SPARQL JSON results; the answer begins '<!doctype html>"),
    ("no-head", [], "the JSON has no head.vars list"),
    ("bad-bindings", [], "row 1: a cell must be an object with a type"),
    ("error", [], "answered HTTP 500 Internal Server Error: 'internal error: the store is closed'"),
    ("redirect", [], "answered HTTP 302, a redirect to http://127.0.0.1:"),
    ("hang", ["--timeout", "0.5"], "no answer within the deadline of 0.5 s"),
    ("dribble", ["--timeout", "1"], "the answer did not arrive before the deadline"),
    ("big", ["--max-answer", "100000"], "the answer is larger than the limit of 100,000 bytes"),
]


@pytest.mark.parametrize(
    ("path", "options", "what"), first_fast(BROKEN_ANSWERS), ids=[case[0] for case in BROKEN_ANSWERS]
)
def test_query_endpoint_broken_answer(project, broken_endpoint, path, options, what):
    url = f"{broken_endpoint.base}/{path}"
    result = smekg_in_process("query", "smes", "--root", project.root, "--endpoint", url, *options)
    one_finding(result, f"{url}: smes:", what)


def test_query_endpoint_that_refuses_connections(project):
    with socket.socket() as sock:  # a port that was free a moment ago and that nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    result = smekg("query", "smes", "--root", project.root, "--endpoint", url)
    one_finding(result, f"{url}: smes:", "cannot reach the endpoint: [Errno 111] Connection refused")


def test_query_endpoint_connect_timeout_is_configurable(project, broken_endpoint):
    """A server that accepts and never answers: --connect-timeout bounds each wait, below the total deadline."""
    url = f"{broken_endpoint.base}/hang"
    result = smekg_in_process("query", "smes", "--root", project.root, "--endpoint", url, "--connect-timeout", "0.5")
    one_finding(result, f"{url}: smes:", "the endpoint sent nothing for 0.5 s (--connect-timeout)")


# --- linking ---------------------------------------------------------------------------------------------------


# Each case runs `smekg link` against a real server on 127.0.0.1 (tests/standins): in this process, but in a
# child process where the deadlines are under test (a worker thread left waiting ends with its process).


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = serve()
    yield server
    server.shutdown()


def link_finding(project: Project, config: Path, *args: str, child: bool = False) -> str:
    """`smekg link ARGS` (in a child process with child) must end in exit 1 with exactly one finding and no
    traceback: that finding's line."""
    run = partial(smekg, timeout=90) if child else smekg_in_process
    result = run("link", "--root", str(project.root), "--config", str(config), *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "linking failed with 1 finding(s):" in result.stderr, result.stderr
    (line,) = [x.strip() for x in result.stderr.splitlines() if ": error: " in x]
    return line


def cached_files(folder: Path) -> list[Path]:
    return sorted((folder / "cache").rglob("*.json"))


CORRUPT_CACHE = {
    "not JSON": b'{"query": "http://',
    "not UTF-8": b'{"query": "\xff\xfe"}',
    "not an object": b"[1, 2]",
    "another query": b'{"query": "http://elsewhere/works", "fetched": "2026-01-01T00:00:00Z", "body": {}}',
    "a wrongly shaped body": None,  # the right query, a body without "message"
}


@pytest.mark.parametrize("case", first_fast(CORRUPT_CACHE))
def test_link_corrupt_cache_file(case: str, standin: StandIn, tmp_path: Path):
    """An error (not a refetch): the cache also serves --offline runs and the links' provenance, so a damaged
    file is named for the user to delete rather than silently replaced."""
    project = copy_project(tmp_path)
    config = write_config(tmp_path, standin)
    args = ("--only", "johanson1977internationalization", "--service", "crossref")  # a candidate: asked again
    assert smekg_in_process("link", "--root", project.root, "--config", config, *args).returncode == 0
    (path,) = cached_files(tmp_path)
    data = CORRUPT_CACHE[case]
    if data is None:
        stored = json.loads(path.read_text(encoding="utf-8"))
        data = json.dumps({**stored, "body": {"status": "ok"}}).encode()
    path.write_bytes(data)
    links = (tmp_path / "ontology" / "links" / "links.ttl").read_bytes()
    line = link_finding(project, config, *args, "--offline")
    assert line.startswith(f"{path}: error: ") and ("corrupt" in line or "not shaped" in line), line
    assert (tmp_path / "ontology" / "links" / "links.ttl").read_bytes() == links and path.read_bytes() == data


WRONG_ANSWERS = {
    ("wikidata", "no results"): ({"head": {"vars": ["item"]}}, "the answer has no 'results'"),
    ("wikidata", "bindings not a list"): ({"results": {"bindings": {"item": 1}}}, "results.bindings is an object"),
    ("wikidata", "value missing"): (
        {"results": {"bindings": [{"item": {"type": "uri"}}]}},
        "results.bindings[0].item has no 'value'",
    ),
    ("wikidata", "not JSON"): ("<html>busy</html>", "the answer is not JSON"),
    ("crossref", "no message"): ({"status": "ok"}, "the answer has no 'message'"),
    ("crossref", "items not a list"): ({"message": {"items": "none"}}, "message.items is a string, not a list"),
    ("crossref", "title a string"): (
        {"message": {"items": [{"DOI": "10.1177/014920639101700108", "title": "Firm resources"}]}},
        "message.items[0].title is a string, not a list",
    ),
    ("crossref", "year a string"): (
        {"message": {"items": [{"DOI": "10.1177/014920639101700108", "issued": {"date-parts": [["1991"]]}}]}},
        "message.items[0].issued.date-parts[0][0] is a string",
    ),
    ("openalex", "no results"): ({"meta": {"count": 0}}, "the answer has no 'results'"),
    ("openalex", "authorships not a list"): (
        {"results": [{"id": "https://openalex.org/W1", "authorships": "Barney"}]},
        "results[0].authorships is a string, not a list",
    ),
}


@pytest.mark.parametrize(("service", "case"), first_fast(WRONG_ANSWERS))
def test_link_wrongly_shaped_answer(service: str, case: str, standin: StandIn, tmp_path: Path):
    body, message = WRONG_ANSWERS[(service, case)]
    standin.answer_next((body if isinstance(body, str) else json.dumps(body)).encode())
    project = copy_project(tmp_path)
    record = "guimaraes2021collaboration" if service == "wikidata" else "barney1991firm"  # wikidata needs a DOI
    line = link_finding(project, write_config(tmp_path, standin), "--only", record, "--service", service)
    assert line.startswith(f"{standin.base}/{service}/") and message in line, line
    assert "api_key" not in line and "mailto" not in line
    assert cached_files(tmp_path) == [], "a wrongly shaped answer is not cached"


BROKEN_LINKS = {
    "no value": ('schema:value "10.1177/014920639101700108" ;', "", "no schema:value"),
    "a similarity that is not a number": ("schema:value 1.0 ", 'schema:value "high" ', "could not convert"),
    "an unknown status": ('"accepted automatically"', '"acepted"', "unknown status 'acepted'"),
}


@pytest.mark.parametrize("case", first_fast(BROKEN_LINKS))
def test_link_hand_edited_links_file(case: str, standin: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    config = write_config(tmp_path, standin)
    args = ("--only", "barney1991firm", "--service", "crossref")
    assert smekg_in_process("link", "--root", project.root, "--config", config, *args).returncode == 0
    path = tmp_path / "ontology" / "links" / "links.ttl"
    old, new, message = BROKEN_LINKS[case]
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = path.read_bytes()
    line = link_finding(project, config, *args, "--offline")
    assert line.startswith(f"{path}: error: ") and "barney1991firm/link/crossref" in line and message in line, line
    assert path.read_bytes() == before


SLOW = {  # with [polite] deadline = 1 s and a read timeout of 60 s: the deadline, not the read timeout, ends them
    "accepts and never answers": ("silent", "no answer within the deadline of 1 s"),
    "sends the headers, then nothing": ("stall", "no answer within the deadline of 1 s"),
    "dribbles the body a byte a second": ("dribble", "deadline"),
    "dribbles the headers a byte a second": ("dribble-head", "no answer within the deadline of 1 s"),
    "answers more than the size limit": ("huge", "larger than the limit of 100,000 bytes"),
    "answers something that is not HTTP": ("garbage", "no answer (BadStatusLine: HELLO) after 6 attempt(s)"),
}


@pytest.mark.parametrize("case", first_fast(SLOW))
def test_link_slow_broken_or_oversized_answer(case: str, standin: StandIn, tmp_path: Path):
    route, message = SLOW[case]
    project = copy_project(tmp_path)
    config = write_config(tmp_path, standin, timeout=60, deadline=1, max_answer_bytes=100_000)
    config.write_text(config.read_text().replace(f"{standin.base}/crossref", f"{standin.base}/{route}/crossref"))
    started = time.monotonic()
    line = link_finding(project, config, "--only", "barney1991firm", "--service", "crossref", child=True)
    assert time.monotonic() - started < 30, "did not hang"
    assert line.startswith(f"{standin.base}/{route}/crossref/works?") and message in line, line
    assert cached_files(tmp_path) == [], "a failed or oversized answer is not cached"


def test_link_server_that_never_accepts_the_connection(standin: StandIn, tmp_path: Path):
    """A full connection queue: connecting hangs; [polite] connect_timeout (0.5 s here) ends it, not the 60 s ones."""
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        base = f"http://127.0.0.1:{full.getsockname()[1]}"
        with socket.create_connection(full.getsockname()):  # fills the queue of one
            project = copy_project(tmp_path)
            config = write_config(tmp_path, standin, timeout=60, deadline=60, connect_timeout=0.5, max_retries=0)
            config.write_text(config.read_text().replace(standin.base, base))
            started = time.monotonic()
            line = link_finding(project, config, "--only", "barney1991firm", "--service", "crossref", child=True)
            assert time.monotonic() - started < 30, "the connect timeout, not the 60 s read timeout, ended it"
    assert line.startswith(f"{base}/crossref/works?") and "no answer" in line, line


def test_link_redirect_to_another_port_of_an_allowed_host(standin: StandIn, tmp_path: Path):
    other = serve()
    try:
        project = copy_project(tmp_path)
        config = write_config(tmp_path, standin)
        detour = f"{standin.base}/redirect-port/{other.server_address[1]}/crossref"
        config.write_text(config.read_text().replace(f"{standin.base}/crossref", detour))
        line = link_finding(project, config, "--only", "barney1991firm", "--service", "crossref")
    finally:
        other.shutdown()
    assert line.startswith(f"{other.base}/crossref/works?") and f"refused: {other.base} is not in" in line, line
    assert other.log == [], "the redirect was not followed"


# --- console output ----------------------------------------------------------------------------------------------


def test_console_markup_in_source_text_is_printed_verbatim(small_copy):
    """A finding quotes source text that looks like rich markup and emoji codes: shown as written, no crash."""
    (small_copy.root / "ontology" / "knowledge" / "zz-markup.ttl").write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX smekg: <https://w3id.org/smekg/ontology/>\n\n"
        'smekg:SME rdfs:label "a [/red] b"@en , "c [bogus] d :smile:"@en .\n',
        encoding="utf-8",
    )
    result = smekg_in_process("validate", "--root", small_copy.root)
    line = one_finding(result, "smekg:SME", "different rdfs:label@en")
    assert "'a [/red] b'" in line and "'c [bogus] d :smile:'" in line


@pytest.mark.parametrize(
    ("fault", "shown"),
    [
        (OSError(5, "Input/output error", "/srv/queries"), "/srv/queries: error: input/output error"),
        (
            UnicodeDecodeError("utf-8", b"ab\xff", 2, 3, "invalid start byte"),
            "error: a file is not UTF-8 text (byte 0xff at offset 2)",
        ),
        (
            UnicodeEncodeError("ascii", "§ 3.5", 0, 1, "ordinal not in range(128)"),
            "error: the output's encoding (ascii) has no character U+00A7; set a UTF-8 locale",
        ),
    ],
    ids=["OSError", "UnicodeDecodeError", "UnicodeEncodeError"],
)
def test_console_unforeseen_fault_is_one_line(monkeypatch, fault, shown):
    """A file fault no command foresaw still ends as one finding and exit 1, not a traceback."""
    from smekg import cli

    def broken(project):
        raise fault

    monkeypatch.setattr(cli, "list_queries", broken)
    done = smekg_in_process("query", "--list")
    assert done.returncode == 1
    assert shown in done.stderr


@pytest.mark.parametrize("args", [(), ("--",)], ids=["plain", "click"])
def test_an_answer_the_output_cannot_encode_is_one_finding(project, release, args):
    """An ASCII-only output (PYTHONIOENCODING=ascii) and an answer with '§': one finding naming the character's code
    point and the fix, exit 1, no traceback, whichever way the command line is read (entry.py or click)."""
    done = smekg(
        "query", "theory-uses", "--release", release.release_dir, *args, env=child_env(PYTHONIOENCODING="ascii")
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "no character U+00A7; set a UTF-8 locale (LANG=C.UTF-8) or PYTHONIOENCODING=utf-8" in done.stderr


@pytest.mark.parametrize("args", [(), ("--",)], ids=["plain", "click"])
def test_ctrl_c_ends_a_query_with_status_130_and_no_traceback(monkeypatch, project, args):
    from smekg import cli, entry

    def interrupted(*given, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(entry, "print_answer", interrupted)
    monkeypatch.setattr(cli, "print_answer", interrupted)
    done = smekg_in_process("query", "smes", "--root", project.root, *args)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "\n")  # the new line that click prints


@pytest.mark.parametrize("args", [["query", "--list"], ["query", "no-such-query"]], ids=["answers", "fails"])
def test_console_in_process_runs_end_as_a_child_process_does(project, args):
    """The in-process runner most of this module uses reports what a real `smekg` process does: exit status,
    stdout and stderr, for a read-only command's answer (which ends the process with os._exit) and a finding."""
    child = smekg(*args, "--root", project.root)
    here = smekg_in_process(*args, "--root", project.root)
    assert (here.returncode, here.stdout, here.stderr) == (child.returncode, child.stdout, child.stderr)
    assert child.returncode == (0 if args[-1] == "--list" else 1) and (child.stdout or child.stderr)
