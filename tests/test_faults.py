"""The bad-input and fault matrix: every case ends in a one-line finding naming the file or URL, the entry and
what is wrong, exit 1, with nothing the user wrote changed — never a traceback, never a hang.

One section per area; each test names its case. The data-loss cases live beside their commands' own tests
(test_release_safety, test_canonical, test_linking, test_bibio)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from smekg.sources import Project
from standins.project import copy_project, serve, smekg, write_config
from standins.server import StandIn

# --- build and release ---------------------------------------------------------------------------------------


# (cases: full disk, read-only release folder, literal over 16 MB, no java on PATH)


# --- bibliography and import ----------------------------------------------------------------------------------


# (cases: non-UTF-8 .bib, CSL-JSON shapes, empty locator, no year/author, year 20x1, unclosed brace)


# --- queries and endpoints ------------------------------------------------------------------------------------


# (cases: non-UTF-8 .rq, CONSTRUCT/ASK, SERVICE, syntax error line, HTML 200, JSON without head, hung server)


# --- linking ---------------------------------------------------------------------------------------------------


# Each case runs `smekg link` in its own process against a real server on 127.0.0.1 (tests/standins).


@pytest.fixture
def standin() -> Iterator[StandIn]:
    server = serve()
    yield server
    server.shutdown()


def link_finding(project: Project, config: Path, *args: str) -> str:
    """`smekg link ARGS` must end in exit 1 with exactly one finding and no traceback: that finding's line."""
    result = smekg("link", "--root", str(project.root), "--config", str(config), *args, timeout=90)
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


@pytest.mark.parametrize("case", CORRUPT_CACHE)
def test_link_corrupt_cache_file(case: str, standin: StandIn, tmp_path: Path):
    """An error (not a refetch): the cache also serves --offline runs and the links' provenance, so a damaged
    file is named for the user to delete rather than silently replaced."""
    project = copy_project(tmp_path)
    config = write_config(tmp_path, standin)
    args = ("--only", "johanson1977internationalization", "--service", "crossref")  # a candidate: asked again
    assert smekg("link", "--root", str(project.root), "--config", str(config), *args).returncode == 0
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


@pytest.mark.parametrize(("service", "case"), WRONG_ANSWERS)
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


@pytest.mark.parametrize("case", BROKEN_LINKS)
def test_link_hand_edited_links_file(case: str, standin: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    config = write_config(tmp_path, standin)
    args = ("--only", "barney1991firm", "--service", "crossref")
    assert smekg("link", "--root", str(project.root), "--config", str(config), *args).returncode == 0
    path = tmp_path / "ontology" / "links" / "links.ttl"
    old, new, message = BROKEN_LINKS[case]
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = path.read_bytes()
    line = link_finding(project, config, *args, "--offline")
    assert line.startswith(f"{path}: error: ") and "barney1991firm/link/crossref" in line and message in line, line
    assert path.read_bytes() == before


SLOW = {  # with [polite] deadline = 2 s and a read timeout of 60 s: the deadline, not the read timeout, ends them
    "accepts and never answers": ("silent", "no answer within the deadline of 2 s"),
    "sends the headers, then nothing": ("stall", "no answer within the deadline of 2 s"),
    "dribbles the body a byte a second": ("dribble", "deadline"),
    "dribbles the headers a byte a second": ("dribble-head", "no answer within the deadline of 2 s"),
    "answers more than the size limit": ("huge", "larger than the limit of 100,000 bytes"),
    "answers something that is not HTTP": ("garbage", "no answer (BadStatusLine: HELLO) after 6 attempt(s)"),
}


@pytest.mark.parametrize("case", SLOW)
def test_link_slow_broken_or_oversized_answer(case: str, standin: StandIn, tmp_path: Path):
    route, message = SLOW[case]
    project = copy_project(tmp_path)
    config = write_config(tmp_path, standin, timeout=60, deadline=2, max_answer_bytes=100_000)
    config.write_text(config.read_text().replace(f"{standin.base}/crossref", f"{standin.base}/{route}/crossref"))
    started = time.monotonic()
    line = link_finding(project, config, "--only", "barney1991firm", "--service", "crossref")
    assert time.monotonic() - started < 30, "did not hang"
    assert line.startswith(f"{standin.base}/{route}/crossref/works?") and message in line, line
    assert cached_files(tmp_path) == [], "a failed or oversized answer is not cached"


def test_link_server_that_never_accepts_the_connection(standin: StandIn, tmp_path: Path):
    """A full connection queue: connecting hangs; [polite] connect_timeout (1 s here) ends it, not the 60 s ones."""
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        base = f"http://127.0.0.1:{full.getsockname()[1]}"
        with socket.create_connection(full.getsockname()):  # fills the queue of one
            project = copy_project(tmp_path)
            config = write_config(tmp_path, standin, timeout=60, deadline=60, connect_timeout=1, max_retries=0)
            config.write_text(config.read_text().replace(standin.base, base))
            started = time.monotonic()
            line = link_finding(project, config, "--only", "barney1991firm", "--service", "crossref")
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


# (cases: console markup in source text)
