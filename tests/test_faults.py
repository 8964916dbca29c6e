"""The bad-input and fault matrix: every case ends in a one-line finding naming the file or URL, the entry and
what is wrong, exit 1, with nothing the user wrote changed — never a traceback, never a hang.

One section per area; each test names its case. The data-loss cases live beside their commands' own tests
(test_release_safety, test_canonical, test_linking, test_bibio)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from standins.broken_endpoint import BrokenEndpoint

# --- build and release ---------------------------------------------------------------------------------------


# (cases: full disk, read-only release folder, literal over 16 MB, no java on PATH)


# --- bibliography and import ----------------------------------------------------------------------------------


# (cases: non-UTF-8 .bib, CSL-JSON shapes, empty locator, no year/author, year 20x1, unclosed brace)


# --- queries and endpoints ------------------------------------------------------------------------------------


QUERY_HEADER = "# title: t\n# question: q?\n# sources: s\n"


def smekg_cli(*args: object, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m smekg ARGS` as a user would; `timeout` is only a generous did-not-hang bound."""
    command = [sys.executable, "-m", "smekg", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=os.environ.copy())


def one_finding(result: subprocess.CompletedProcess, where: str, what: str) -> str:
    """Exit 1, no traceback, and a finding line naming `where` and saying `what`; that line."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if where in line and what in line]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def query_project(project_copy, release):
    """A copy of the project with the session's release beside it, to which a test adds its own .rq files."""
    (project_copy.root / "release").mkdir()
    (project_copy.root / "release" / "smekg-full.nt").symlink_to(release.release_dir / "smekg-full.nt")
    return project_copy


@pytest.fixture
def broken_endpoint():
    server = BrokenEndpoint()
    yield server
    server.stop()


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
    result = smekg_cli("query", *command, "--root", query_project.root)
    one_finding(result, f"{path}:4: hostile:", "not UTF-8 text (byte 0xe9")


@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { ?s a smekg:SME }", "ASK { ?s a smekg:SME }", "DESCRIBE smekg:SME"])
def test_query_that_is_not_a_select(query_project, form):
    path = add_query(query_project, "shape", f"# SELECT in a comment is no SELECT\n{form}\n")
    result = smekg_cli("query", "shape", "--root", query_project.root)
    one_finding(result, f"{path}:5: shape:", f"a {form.split()[0]} query; canned queries answer with a table")


def test_query_not_a_select_is_not_sent_to_an_endpoint(query_project, broken_endpoint):
    add_query(query_project, "shape", "ASK { ?s a smekg:SME }\n")
    result = smekg_cli("query", "shape", "--root", query_project.root, "--endpoint", f"{broken_endpoint.base}/html")
    one_finding(result, "shape.rq:4: shape:", "a ASK query")
    assert broken_endpoint.log == []


def test_query_service_clause_makes_no_request(query_project, broken_endpoint):
    text = f"SELECT ?s WHERE {{\n  ?s a smekg:SME .\n  SERVICE <{broken_endpoint.base}/no-head> {{ ?s ?p ?o }}\n}}\n"
    path = add_query(query_project, "remote", text)
    result = smekg_cli("query", "remote", "--root", query_project.root)
    one_finding(result, f"{path}:6: remote:", "a SERVICE clause; the embedded store answers from the local graph")
    assert broken_endpoint.log == []


def test_query_syntax_error_names_the_files_own_line(query_project):
    """The query takes a parameter, so a VALUES block is injected: the reported line is still the file's."""
    text = "# param: who (string) = x — someone\nSELECT ?s\nWHERE {\n  ?s rdfs:label ?who .\n  ?s ?p ?o ?extra .\n}\n"
    path = add_query(query_project, "typo", text)
    result = smekg_cli("query", "typo", "--root", query_project.root)
    one_finding(result, f"{path}:8: typo:", "SPARQL syntax error")


def test_query_with_parameters_but_no_where(query_project):
    path = add_query(query_project, "terse", "# param: who (string) = x — someone\nSELECT ?s { ?s rdfs:label ?who }\n")
    result = smekg_cli("query", "terse", "--root", query_project.root)
    one_finding(result, f"{path}: terse:", "a query with parameters needs the keyword WHERE")


def test_query_on_a_damaged_release(query_project):
    release = query_project.root / "release" / "smekg-full.nt"
    release.unlink()
    release.write_text('<https://w3id.org/smekg/kg/a> <https://w3id.org/smekg/kg/b> "unterminated .\n')
    result = smekg_cli("query", "smes", "--root", query_project.root)
    one_finding(result, f"{release}: error: the release is damaged", "run `smekg build` again")


BROKEN_ANSWERS = [
    ("html", [], "answered text/html; charset=utf-8, not SPARQL JSON results; the answer begins '<!doctype html>"),
    ("no-head", [], "the JSON has no head.vars list"),
    ("bad-bindings", [], "row 1: a cell must be an object with a type"),
    ("error", [], "answered HTTP 500 Internal Server Error: 'internal error: the store is closed'"),
    ("redirect", [], "answered HTTP 302, a redirect to http://127.0.0.1:"),
    ("hang", ["--timeout", "1"], "no answer within the deadline of 1 s"),
    ("dribble", ["--timeout", "1"], "the answer did not arrive before the deadline"),
    ("big", ["--max-answer", "100000"], "the answer is larger than the limit of 100,000 bytes"),
]


@pytest.mark.parametrize(("path", "options", "what"), BROKEN_ANSWERS, ids=[case[0] for case in BROKEN_ANSWERS])
def test_query_endpoint_broken_answer(project, broken_endpoint, path, options, what):
    url = f"{broken_endpoint.base}/{path}"
    result = smekg_cli("query", "smes", "--root", project.root, "--endpoint", url, *options, timeout=60)
    one_finding(result, f"{url}: smes:", what)


def test_query_endpoint_that_refuses_connections(project):
    with socket.socket() as sock:  # a port that was free a moment ago and that nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    result = smekg_cli("query", "smes", "--root", project.root, "--endpoint", url)
    one_finding(result, f"{url}: smes:", "cannot reach the endpoint: [Errno 111] Connection refused")


def test_query_endpoint_connect_timeout_is_configurable(project, broken_endpoint):
    """A server that accepts and never answers: --connect-timeout bounds each wait, below the total deadline."""
    url = f"{broken_endpoint.base}/hang"
    result = smekg_cli("query", "smes", "--root", project.root, "--endpoint", url, "--connect-timeout", "1", timeout=60)
    one_finding(result, f"{url}: smes:", "the endpoint sent nothing for 1 s (--connect-timeout)")


# --- linking ---------------------------------------------------------------------------------------------------


# (cases: corrupt cache, wrong-shaped Wikidata answer, hung or dribbling server, oversized answer, redirect port)


# --- console output ----------------------------------------------------------------------------------------------


def test_console_markup_in_source_text_is_printed_verbatim(project_copy):
    """A finding quotes source text that looks like rich markup and emoji codes: shown as written, no crash."""
    (project_copy.root / "ontology" / "knowledge" / "zz-markup.ttl").write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX smekg: <https://w3id.org/smekg/ontology/>\n\n"
        'smekg:SME rdfs:label "a [/red] b"@en , "c [bogus] d :smile:"@en .\n',
        encoding="utf-8",
    )
    result = smekg_cli("validate", "--root", project_copy.root)
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
    ],
    ids=["OSError", "UnicodeDecodeError"],
)
def test_console_unforeseen_fault_is_one_line(monkeypatch, capsys, fault, shown):
    """A file fault no command foresaw still ends as one finding and exit 1, not a traceback."""
    from smekg import cli

    def broken(project):
        raise fault

    monkeypatch.setattr(cli, "list_queries", broken)
    monkeypatch.setattr(sys, "argv", ["smekg", "query", "--list"])
    with pytest.raises(SystemExit) as exit_status:
        cli.run()
    assert exit_status.value.code == 1
    assert shown in capsys.readouterr().err
