"""Every canned query gives the same rows on the embedded store and on a real SPARQL server."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pyoxigraph as ox
import pytest

from smekg import list_queries, run_query
from smekg.endpoint import Endpoint
from sparqlservers import oxigraph_server

EXTRA_PARAMETERS = {
    "theories-explaining-collaboration": {"explained": "smekg:Internationalization"},
    "research-gaps": {"under": "smekg:Cluster"},
    "shared-works": {"minDocuments": "1"},
    "firms-by-network-type": {"networkType": "smekg:InstitutionalNetwork"},
    "barriers-overcome": {"under": "smekg:InternalBarrier"},
    "curation-quality": {"issue": "unresolved citation"},
    "governance-modes": {"document": "work:guimaraes2021collaboration"},
}


@pytest.fixture(scope="module")
def server(release, tmp_path_factory):
    """A read-only Oxigraph SPARQL server on 127.0.0.1, loaded with the full release and its direct view."""
    yield from oxigraph_server(release.release_dir, tmp_path_factory.mktemp("oxigraph"))


def normalised(rows) -> Counter:
    """Rows as a multiset; the order inside GROUP_CONCAT lists is not part of the answer."""

    def cell(value):
        if isinstance(value, str) and ("; " in value or ", " in value or " | " in value):
            return tuple(sorted(value.replace(" | ", "; ").replace(", ", "; ").split("; ")))
        return value

    return Counter(tuple(sorted((k, cell(v)) for k, v in row.items())) for row in rows)


@pytest.mark.parametrize("with_parameters", [False, True], ids=["defaults", "parameters"])
def test_every_query_same_rows_on_server_and_embedded(project, store, server, with_parameters):
    endpoint = Endpoint(f"{server}/query")
    for query in list_queries(project):
        params = EXTRA_PARAMETERS.get(query.name, {}) if with_parameters else {}
        embedded = run_query(query.name, params, store=store, project=project)
        remote = run_query(query.name, params, store=endpoint, project=project)
        assert list(remote.columns) == list(embedded.columns), query.name
        assert normalised(remote) == normalised(embedded), query.name
        assert embedded or query.name == "shared-works", f"{query.name} answers nothing"


def test_server_is_read_only(server):
    data = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(urllib.request.Request(f"{server}/update", data=data), timeout=5)
    count = Endpoint(f"{server}/query").select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count[0]["n"] > 20000


def test_cli_runs_a_query_on_the_endpoint(project, server):
    import subprocess as sp
    import sys

    out = sp.run(
        [
            sys.executable,
            "-m",
            "smekg",
            "query",
            "smes",
            "--format",
            "csv",
            "--root",
            str(project.root),
            "--endpoint",
            f"{server}/query",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(out.strip().splitlines()) == 7 and "Company D" in out


def test_endpoint_must_be_http():
    from smekg import SmekgError

    with pytest.raises(SmekgError, match="http"):
        Endpoint("file:///etc/passwd")


def test_endpoint_syntax_error_names_the_files_own_line(server):
    """Our prefixes go on the query's first line, so the server's message gives the .rq file's line."""
    from smekg import SmekgError

    text = "# a comment\nSELECT ?s\nWHERE {\n  ?s ?p ?o ?extra .\n}\n"
    with pytest.raises(SmekgError, match=r"/query: error: answered HTTP 400 Bad Request: 'error at 4:"):
        Endpoint(f"{server}/query").select(text, {"p": ox.NamedNode("https://example.org/p")})


@pytest.fixture(scope="module")
def base_server(release, tmp_path_factory):
    """An Oxigraph server loaded with the base release instead of the full one."""
    yield from oxigraph_server(release.release_dir, tmp_path_factory.mktemp("base"), ("smekg-base.nt",))


def test_an_endpoint_without_the_full_release_says_what_to_load(project, base_server):
    """The base release has no inferred types: smes would answer 0 rows, silently."""
    from smekg import SmekgError

    with pytest.raises(SmekgError, match=r"holds the base release .*load smekg-full.nt and smekg-direct.nt"):
        run_query("smes", store=Endpoint(f"{base_server}/query"), project=project)


def test_ask_and_construct_on_the_endpoint(server, store):
    endpoint = Endpoint(f"{server}/query")
    text = "PREFIX smekg: <https://w3id.org/smekg/ontology/>\n{} WHERE {{ ?firm a smekg:SME }}"
    assert endpoint.ask(text.format("ASK")) is store.ask(text.format("ASK")) is True
    triples = endpoint.construct(text.format("CONSTRUCT { ?firm a smekg:SME }"))
    assert sorted(map(str, triples)) == sorted(
        map(str, store.construct(text.format("CONSTRUCT { ?firm a smekg:SME }")))
    )
    assert len(triples) == 6
