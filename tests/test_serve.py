"""`smekg serve` as clients use it: the real server in a child process on 127.0.0.1, real HTTP requests."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import pytest

from browser import AXE, CHROMIUM, CHROMIUM_FLAGS
from clirun import smekg, smekg_started
from smekg import Store, list_queries, run_query
from smekg.endpoint import results_table
from smekg.mediatypes import RDF_EXTENSIONS, RESULT_FORMATS
from smekg.query import get_query, values_row
from smekg.querypool import run_sparql
from smekg.serve import DUMPS, EditorForm, editor_text
from smekg.vocab import BASE, PREFIXES
from sparqlservers import free_port

VOID = "http://rdfs.org/ns/void#"
CLUSTER = "ontology/Cluster"
SELECT_CLASSES = "SELECT ?c ?label WHERE { ?c a owl:Class ; rdfs:label ?label } ORDER BY ?c"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 43 k³ rows: never ends in time


class Answer:
    """An HTTP answer: status, headers (lower-case names) and body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def media(self) -> str:
        return self.headers.get("content-type", "").split(";")[0]


class Server:
    """A running `smekg serve` and a client for it that never follows redirects."""

    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.base = f"http://127.0.0.1:{port}"

    def request(self, path: str, method: str = "GET", body: bytes | None = None, **headers: str) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path: str, accept: str | None = None) -> Answer:
        return self.request(path, **({"Accept": accept} if accept else {}))

    def query(self, text: str, accept: str | None = None) -> Answer:
        return self.get("/sparql?" + urlencode({"query": text}), accept)

    def post_form(self, fields: dict[str, str], accept: str = "application/sparql-results+json") -> Answer:
        body = urlencode(fields).encode()
        return self.request("/sparql", "POST", body, Content_Type="application/x-www-form-urlencoded", Accept=accept)

    def answers(self) -> bool:
        """Whether the server answers a trivial query now."""
        try:
            return self.query("ASK {}").status == 200
        except OSError:
            return False


def start(release_dir: Path, *options: str) -> Server:
    """Start `smekg serve` on a free port and wait until it answers (or fail with what it said)."""
    port = free_port()
    process = smekg_started("serve", "--port", port, "--release", release_dir, *options)
    server = Server(process, port)
    deadline = time.monotonic() + 120  # a did-not-start bound, not a timing check
    while not server.answers():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"smekg serve did not start: {process.communicate()[1][-2000:]}")
        time.sleep(0.2)
    return server


def stop(server: Server) -> None:
    server.process.terminate()
    server.process.communicate(timeout=30)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A small static site laid out as `smekg site` lays it out: pages at the paths of the IRIs."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "ontology").mkdir()
    (folder / "index.html").write_text("<!doctype html><title>smekg</title><h1>home</h1>", encoding="utf-8")
    (folder / f"{CLUSTER}.html").write_text("<!doctype html><title>Cluster</title><h1>cluster</h1>", encoding="utf-8")
    for name in ("agent", "static", "questions"):
        (folder / name).mkdir()
    (folder / "agent" / "someone.html").write_text("<!doctype html><title>someone</title>", encoding="utf-8")
    (folder / "static" / "site.css").write_text("body { color: black; }", encoding="utf-8")
    (folder / "questions" / "index.html").write_text("<!doctype html><title>questions</title>", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(release, site):
    """The server with its default limits, the real release and the small site."""
    running = start(release.release_dir, "--site", site)
    yield running
    stop(running)


@pytest.fixture(scope="module")
def strict(release):
    """A server with tight limits: one worker, no queue, 1 s per query, answers of at most 2,000 bytes (the answers
    its tests expect take milliseconds: one over the cap stops being written at 2,000 bytes)."""
    running = start(release.release_dir, "--timeout", "1", "--workers", "1", "--queue", "0", "--max-answer", "2000")
    yield running
    stop(running)


def rows_of(solutions) -> Counter:
    """Query solutions as a multiset of rows of term strings."""
    names = [v.value for v in solutions.variables]
    return Counter(tuple(str(row[name]) if row[name] is not None else None for name in names) for row in solutions)


def triples(body: bytes, media: str) -> set[ox.Triple]:
    """The triples of an RDF document of that media type."""
    return {quad.triple for quad in ox.parse(body, ox.RdfFormat.from_media_type(media))}


# The SPARQL 1.1 Protocol.


@pytest.mark.parametrize("results", RESULT_FORMATS, ids=lambda f: f.file_extension)
def test_select_answers_in_each_results_format_as_the_store_does(server, store, results):
    answer = server.query(SELECT_CLASSES, results.media_type)
    assert answer.status == 200, answer.text
    assert answer.media == results.media_type.split(";")[0]
    solutions = store.store.query(SELECT_CLASSES, prefixes=PREFIXES)
    if results == ox.QueryResultsFormat.CSV:  # CSV drops the terms' kinds and types: compare with Oxigraph's own CSV
        assert sorted(answer.text.splitlines()) == sorted(solutions.serialize(format=results).decode().splitlines())
        return
    expected = rows_of(solutions)
    assert len(expected) > 50
    assert rows_of(ox.parse_query_results(answer.body, results)) == expected


@pytest.mark.parametrize("results", [RESULT_FORMATS[0], RESULT_FORMATS[1]], ids=["json", "xml"])
def test_ask_answers_true_and_false(server, results):
    for text, expected in (
        ("ASK { smekg:Cluster a owl:Class }", True),
        ("ASK { smekg:Cluster a smekg:Nothing }", False),
    ):
        answer = server.query(text, results.media_type)
        assert answer.status == 200, answer.text
        assert bool(ox.parse_query_results(answer.body, results)) is expected


def test_no_accept_header_gets_json_results(server):
    answer = server.query("ASK {}")
    assert answer.media == "application/sparql-results+json"


def test_construct_answers_in_each_rdf_format(server, store):
    text = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{BASE}{CLUSTER}> AS ?s) ?s ?p ?o }}"
    expected = set(store.store.query(text))
    for media in RDF_EXTENSIONS.values():
        answer = server.query(text, media)
        assert answer.status == 200 and answer.media == media, answer.text
        assert triples(answer.body, media) == expected


def test_post_form_and_post_query_answer_as_get(server):
    get = server.query(SELECT_CLASSES, "text/csv")
    form = server.post_form({"query": SELECT_CLASSES}, "text/csv")
    direct = server.request(
        "/sparql", "POST", SELECT_CLASSES.encode(), Content_Type="application/sparql-query", Accept="text/csv"
    )
    assert get.status == form.status == direct.status == 200
    assert get.body == form.body == direct.body


@pytest.mark.parametrize(
    "how",
    ["get-update", "form-update", "sparql-update", "insert-as-query"],
)
def test_updates_are_refused_and_change_nothing(server, how):
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    if how == "get-update":
        answer = server.get("/sparql?" + urlencode({"update": update}))
    elif how == "form-update":
        answer = server.post_form({"update": update})
    elif how == "sparql-update":
        answer = server.request("/sparql", "POST", update.encode(), Content_Type="application/sparql-update")
    else:
        answer = server.post_form({"query": update})
    assert answer.status == 403
    assert "read-only" in answer.text
    asked = server.query("ASK { <urn:x:a> ?p ?o }", "application/sparql-results+json")
    assert json.loads(asked.body)["boolean"] is False


def test_other_methods_are_not_allowed(server):
    assert server.request("/sparql", "PUT", b"x").status == 405
    assert server.request("/sparql", "DELETE").status == 405


def test_a_malformed_query_gets_400_with_the_parsers_message(server):
    answer = server.query("SELECT ?x WHERE { ?x ?y }")
    assert answer.status == 400
    assert answer.text.startswith("SPARQL syntax error: error at 1:")


def test_a_service_clause_is_refused_and_makes_no_request(server):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)  # the answer came after any request was sent
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        answer = server.query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert answer.status == 400 and "SERVICE" in answer.text
        with pytest.raises(TimeoutError):
            listener.accept()


def test_a_service_clause_the_textual_check_misses_still_reaches_no_host(server, store):
    """Oxigraph reads `1SERVICE` as `1 SERVICE`, which the keyword check does not see; the worker's own network
    namespace stops the request."""
    assert store.store.query("ASK { ?s ?p 1 }")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)  # the answer came after any request was sent
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        answer = server.query(f"SELECT * WHERE {{ ?s ?p 1SERVICE <{url}> {{ ?a ?b ?c }} }} LIMIT 1")
        assert answer.status != 200
        with pytest.raises(TimeoutError):
            listener.accept()


def test_dataset_parameters_and_missing_queries_are_refused(server):
    graph = server.get("/sparql?" + urlencode({"query": "ASK {}", "default-graph-uri": "urn:x"}))
    assert graph.status == 400 and "default-graph-uri" in graph.text
    assert server.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D").status == 400


def test_request_bodies_the_protocol_does_not_allow_are_refused(server):
    assert server.request("/sparql", "POST", b"ASK {}", Content_Type="text/plain").status == 415
    assert server.request("/sparql", "POST", b"query=ASK%7B%7D").status == 415  # no Content-Type
    latin = b'ASK { ?s rdfs:label "\xe9tude" }'  # ISO-8859-1, not UTF-8
    assert server.request("/sparql", "POST", latin, Content_Type="application/sparql-query").status == 400
    typed = server.request("/sparql", "POST", b"ASK {}", Content_Type="application/sparql-query; charset=UTF-8")
    assert typed.status == 200


SD = "http://www.w3.org/ns/sparql-service-description#"


def test_the_endpoint_without_a_query_describes_itself(server):
    """SPARQL 1.1 Service Description §2: a GET without a query returns the description; a browser goes to the
    editor."""
    answer = server.get("/sparql")
    assert answer.status == 200 and answer.media == "text/turtle"
    description = ox.Store()
    description.load(answer.body, ox.RdfFormat.TURTLE)
    endpoint = next(iter(description.query(f"SELECT ?e WHERE {{ ?s a <{SD}Service> ; <{SD}endpoint> ?e }}")))["e"]
    assert urlsplit(endpoint.value).path == "/sparql"
    assert description.query(f"ASK {{ ?s <{SD}supportedLanguage> <{SD}SPARQL11Query> }}")
    assert description.query(f"ASK {{ ?s <{SD}resultFormat> <http://www.w3.org/ns/formats/SPARQL_Results_JSON> }}")
    browser = server.get("/sparql", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser.status == 303 and browser.headers["location"] == "query"


def test_an_unacceptable_results_type_gets_406(server):
    assert server.query("ASK {}", "image/png").status == 406


def test_every_canned_query_answers_as_smekg_query_does(server, store, project):
    """The editor's text of each canned query (defaults bound, prefixes declared) gives the same rows on /sparql."""

    def cell(value: object) -> object:
        """A value; a GROUP_CONCAT list as its sorted items (their order is not part of the answer)."""
        text = str(value) if value is not None else None
        if text and ("; " in text or ", " in text or " | " in text):
            return tuple(sorted(text.replace(" | ", "; ").replace(", ", "; ").split("; ")))
        return text

    def normalised(rows) -> Counter:
        return Counter(tuple(sorted((k, cell(v)) for k, v in row.items())) for row in rows)

    for query in list_queries(project):
        answer = server.query(editor_text(query), "application/sparql-results+json")
        assert answer.status == 200, (query.name, answer.text)
        assert normalised(results_table(json.loads(answer.body))) == normalised(
            run_query(query.name, store=store, project=project)
        ), query.name


class Recording:
    """A store that notes the substitutions each query is given."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.substitutions: list[dict] = []

    def query(self, text: str, **options):
        self.substitutions.append(options.get("substitutions") or {})
        return self.store.query(text, **options)


def test_a_canned_query_as_the_editor_shows_it_runs_as_smekg_query_runs_it(store, project):
    """With any terms in its parameter row, the editor's text of a canned query gets the parameters as Oxigraph
    substitutions too (as `smekg query` passes them); a row written otherwise, or another query, gets none."""
    query = get_query("concept", project)
    form = EditorForm.of(query)
    cluster = ox.NamedNode(PREFIXES["smekg"] + "Cluster")
    text = form.before + values_row(["concept"], [cluster]) + form.after
    recording = Recording(store.store)
    reply = run_sparql(recording, text, "application/sparql-results+json", 10**9, form.parameters(text))
    assert recording.substitutions[-1] == {ox.Variable("concept"): cluster}
    expected = run_query("concept", {"concept": "smekg:Cluster"}, store=store, project=project)
    assert len(expected) > 0
    assert Counter(map(repr, results_table(json.loads(reply.body)))) == Counter(map(repr, expected))
    prefixed = form.before + "VALUES (?concept) { (smekg:Cluster) }" + form.after
    run_sparql(recording, prefixed, "application/sparql-results+json", 10**9, form.parameters(prefixed))
    assert recording.substitutions[-1] == {}
    crafted = form.before + "VALUES (?concept) { (smekg:Cluster) } FILTER(false)" + form.after
    before = len(recording.substitutions)
    run_sparql(recording, crafted, "application/sparql-results+json", 10**9, form.parameters(crafted))
    assert recording.substitutions[before:] == [{}]  # the query alone: its "row" is no row, and is not probed
    assert form.parameters(text + "\nLIMIT 1") is None
    assert form.parameters(text.replace("?concept ?aspect", "?aspect", 1)) is None


# The limits.


def test_a_query_past_the_timeout_is_stopped_and_the_server_goes_on(strict):
    answer = strict.query(SLOW)
    assert answer.status == 503
    assert "ran past this server's limit of 1 s" in answer.text
    deadline = time.monotonic() + 120  # the killed worker is replaced; a did-not-recover bound
    while not strict.answers():
        assert time.monotonic() < deadline, "the server did not answer again after a query was stopped"
        time.sleep(0.2)


def test_an_answer_over_the_cap_is_refused_and_a_small_one_is_sent(strict):
    big = strict.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert big.status == 413
    assert "larger than this server's cap of 2,000 bytes" in big.text
    small = strict.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 2")
    assert small.status == 200 and len(small.body) < 2000


@pytest.mark.slow
def test_a_query_past_the_memory_limit_ends_its_worker_and_the_server_goes_on(release):
    """A worker's address space is capped: a sort of a cross product dies of it (long before the timeout), the
    client hears why, and a new worker takes over."""
    server = start(release.release_dir, "--max-memory", "400", "--timeout", "600", "--workers", "1")
    try:
        answer = server.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f")
        assert answer.status == 500
        assert "memory limit of 400 MB" in answer.text
        deadline = time.monotonic() + 120  # a did-not-recover bound
        while not server.answers():
            assert time.monotonic() < deadline, "the server did not answer again after a worker died"
            time.sleep(0.2)
    finally:
        stop(server)


def test_queries_beyond_the_bound_get_503_while_the_workers_are_busy(strict):
    """With one worker and no queue, a query sent while the slow one runs is turned away at once."""
    for _attempt in range(5):  # the slow query itself is turned away if a quick one holds the worker when it comes
        while not strict.answers():  # a worker replaced by an earlier test may still be starting
            time.sleep(0.2)
        slow: list[Answer] = []
        runner = threading.Thread(target=lambda answers=slow: answers.append(strict.query(SLOW)))
        runner.start()
        time.sleep(0.5)  # a head start: a probe sent at once can take the worker before the slow query comes
        turned_away = None
        while runner.is_alive() and turned_away is None:
            answer = strict.query("ASK {}")
            if answer.status == 503 and "busy" in answer.text:
                turned_away = answer
        runner.join()
        if "ran past" in slow[0].text and turned_away is not None:  # else a loaded machine's probe came too late
            break
    assert "ran past" in slow[0].text, slow[0].text
    assert turned_away is not None, "no query was turned away while the slow one held the only worker"
    assert "1 queries are running and 0 waiting" in turned_away.text


def test_fifty_concurrent_queries_are_all_answered(server, store):
    """The default limits queue what the workers cannot run at once."""
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a owl:Class }"
    expected = next(iter(store.store.query(text, prefixes=PREFIXES)))["n"].value
    answers: list[Answer] = []
    threads = [threading.Thread(target=lambda: answers.append(server.query(text, "text/csv"))) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status for a in answers] == [200] * 50
    assert {a.text.split()[1] for a in answers} == {expected}


# The IRIs, the release files and VoID.


@pytest.mark.parametrize("extension", list(RDF_EXTENSIONS))
def test_an_iri_redirects_to_its_description_in_the_type_asked_for(server, store, extension):
    media = RDF_EXTENSIONS[extension]
    redirect = server.get(f"/{CLUSTER}", media)
    assert redirect.status == 303
    assert redirect.headers["location"] == f"/{CLUSTER}.{extension}"
    assert "accept" in redirect.headers["vary"].lower()
    document = server.get(redirect.headers["location"])
    assert document.status == 200 and document.media == media
    expected = set(store.store.query(f"DESCRIBE <{BASE}{CLUSTER}>"))
    assert len(expected) > 3
    assert triples(document.body, media) == expected


def test_a_browser_gets_the_sites_page(server, site):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    redirect = server.get(f"/{CLUSTER}", browser)
    assert redirect.status == 303 and redirect.headers["location"] == f"/{CLUSTER}.html"
    page = server.get(redirect.headers["location"], browser)
    assert page.status == 200 and page.media == "text/html"
    assert page.body == (site / f"{CLUSTER}.html").read_bytes()
    assert server.get("/").body == (site / "index.html").read_bytes()


def test_the_sites_other_files_and_namespaces_are_served(server, site):
    """Every path below the base is an IRI, whatever its namespace (agent/ is none of vocab.py's); the site's own
    files answer as they are; a folder's index answers at the folder's path with a slash."""
    redirect = server.get("/agent/someone", "text/html")
    assert redirect.status == 303 and redirect.headers["location"] == "/agent/someone.html"
    style = server.get("/static/site.css")
    assert (
        style.status == 200 and style.media == "text/css" and style.body == (site / "static" / "site.css").read_bytes()
    )
    folder = server.get("/questions", "text/html")
    assert folder.status == 303 and folder.headers["location"] == "/questions/"
    assert server.get("/questions/").body == (site / "questions" / "index.html").read_bytes()
    assert server.get("/static/missing.css").status == 404


def test_a_browser_gets_turtle_for_an_iri_without_a_page(server):
    redirect = server.get("/ontology/ExportConsortium", "text/html,*/*;q=0.8")
    assert redirect.status == 303 and redirect.headers["location"] == "/ontology/ExportConsortium.ttl"


def test_an_iri_that_names_nothing_is_404_and_an_unoffered_type_406(server):
    assert server.get("/kg/no-such-thing", "text/turtle").status == 404
    assert server.get("/kg/no-such-thing.ttl").status == 404
    assert server.get("/kg/no%00such", "text/html").status == 404  # a NUL byte names no file and no entity
    assert server.get("/ontology/..%2F..%2F..%2Fetc%2Fpasswd", "text/html").status == 404
    refused = server.get(f"/{CLUSTER}", "image/png")
    assert refused.status == 406 and "text/turtle" in refused.text


def test_the_release_ontology_iris_answer_with_their_files(server, release):
    """The release's ontology IRI names a document (https://w3id.org/smekg/smekg-full.owl): served as it is."""
    answer = server.get("/smekg-full.owl")
    assert answer.status == 200 and answer.media == "application/rdf+xml"
    assert answer.body == (release.release_dir / "smekg-full.owl").read_bytes()


def test_the_release_files_are_served_at_stable_paths(server, release):
    answer = server.get("/release/smekg-full.ttl")
    assert answer.status == 200 and answer.media == "text/turtle"
    assert answer.body == (release.release_dir / "smekg-full.ttl").read_bytes()
    assert server.get("/release/build-report.json").status == 404
    assert server.get("/release/..%2Fsmekg-full.ttl").status == 404


def test_void_counts_equal_the_stores_and_its_dumps_hold_its_triples(server, release):
    answer = server.get("/.well-known/void")
    assert answer.status == 200 and answer.media == "text/turtle"
    void = ox.Store()
    void.load(answer.body, ox.RdfFormat.TURTLE)

    def value(name: str) -> int:
        return int(next(iter(void.query(f"SELECT ?v WHERE {{ ?d <{VOID}{name}> ?v }}")))["v"].value)

    loaded = Store.for_release(release.release_dir).store
    count = lambda q: int(next(iter(loaded.query(q)))["n"].value)  # noqa: E731
    assert value("triples") == len(loaded)
    assert value("classes") == count("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    assert value("properties") == count("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")
    assert value("entities") == count(
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }}'
    )
    dumps = [row["d"].value for row in void.query(f"SELECT ?d WHERE {{ ?x <{VOID}dataDump> ?d }}")]
    assert sorted(urlsplit(d).path for d in dumps) == sorted(f"/release/{name}" for name in DUMPS)
    from_dumps = ox.Store()
    for dump in dumps:
        from_dumps.load(server.get(urlsplit(dump).path).body, ox.RdfFormat.TURTLE)
    assert len(from_dumps) == value("triples")
    vocabularies = {row["v"].value for row in void.query(f"SELECT ?v WHERE {{ ?x <{VOID}vocabulary> ?v }}")}
    assert {PREFIXES["smekg"], PREFIXES["skos"], PREFIXES["owl"]} <= vocabularies
    endpoint = next(iter(void.query(f"SELECT ?e WHERE {{ ?x <{VOID}sparqlEndpoint> ?e }}")))["e"].value
    assert server.query("ASK {}").status == 200 and urlsplit(endpoint).path == "/sparql"


def test_void_in_other_rdf_types_and_406(server):
    assert server.get("/.well-known/void", "application/ld+json").media == "application/ld+json"
    assert server.get("/.well-known/void", "text/html").status == 406


def test_the_query_editor_lists_every_canned_query_and_loads_no_remote_asset(server, project):
    page = server.get("/query")
    assert page.status == 200
    for query in list_queries(project):
        assert f'value="{query.name}"' in page.text
    links = re.findall(r'(?:src|href)="([^"]*)"', page.text)
    assert links and not [link for link in links if re.match(r"(?:[a-z]+:)?//", link)]
    for asset in ("yasqe.min.js", "yasr.min.js", "yasqe.min.css", "yasr.min.css"):
        assert server.get(f"/editor/vendor/{asset}").status == 200


def test_the_sites_query_editor_link_opens_this_servers_editor_with_the_query(server):
    """The static site's question pages link to editor.html?name=NAME; served, that is the server's own editor."""
    answer = server.get("/editor.html?name=smes")
    assert answer.status == 303 and answer.headers["location"] == "query?name=smes"
    assert server.get("/editor.html").headers["location"] == "query"


# In a real browser.


@pytest.mark.slow
def test_the_query_editor_runs_a_canned_query_in_a_browser_without_leaving_the_machine(
    server, store, project, tmp_path
):
    """Chromium opens /query, picks a canned query, runs it and shows its rows; every request stays on 127.0.0.1
    (any other is recorded and refused); axe-core finds no serious or critical accessibility violation."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), "Debian's chromium is needed (apt-get install chromium)"
    expected = run_query("intermediaries", store=store, project=project)
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.on("request", lambda request: requests.append(request.url))
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1" else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(f"{server.base}/query?name=smes")  # a link to one canned query opens it
            linked = (page.locator("#canned").input_value(), page.locator("#question").inner_text())
            page.goto(f"{server.base}/query")
            page.select_option("#canned", "intermediaries")
            question = page.locator("#question").inner_text()
            page.click(".yasqe_queryButton")
            rows = page.locator(".yasr table tbody tr")
            rows.first.wait_for(timeout=60_000)
            shown = rows.all_inner_texts()
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("axe.run().then(result => result.violations)")
            page.screenshot(path=str(tmp_path / "query-editor.png"), full_page=True)
        finally:
            browser.close()
    assert question == get_query("intermediaries", project).question
    assert linked == ("smes", get_query("smes", project).question)
    assert len(shown) == len(expected)
    assert any("LocalPartner" in row for row in shown)
    assert f"{server.base}/sparql" in requests
    assert [url for url in requests if urlsplit(url).hostname != "127.0.0.1"] == []
    assert (tmp_path / "query-editor.png").stat().st_size > 10_000
    grave = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations]
    assert [v for v in grave if v[1] in ("serious", "critical")] == []


def test_the_vendored_editor_files_are_exactly_the_pinned_npm_builds():
    """tools/vendor_assets.py --check: a hand-edited or swapped file differs from its pinned sha256."""
    tool = Path(__file__).resolve().parents[1] / "tools" / "vendor_assets.py"
    checked = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


def test_serve_without_a_release_is_a_finding_not_a_traceback(tmp_path):
    done = smekg("serve", "--port", free_port(), "--release", tmp_path, timeout=120)
    assert done.returncode == 1
    assert "no release here" in done.stderr and "Traceback" not in done.stderr


def test_serve_on_a_taken_port_is_a_finding_before_anything_starts(release):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = smekg("serve", "--port", taken.getsockname()[1], "--release", release.release_dir, timeout=120)
    assert done.returncode == 1
    assert "cannot listen here: address already in use" in done.stderr and "Traceback" not in done.stderr


def process_state(pid: int) -> tuple[str, int, int] | None:
    """A process's state letter, parent and CPU ticks used (user + system), or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), int(fields[11]) + int(fields[12])


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        state = process_state(int(entry.name)) if entry.name.isdigit() else None
        if state and state[1] == pid:
            found.append(int(entry.name))
    return found


def ask_quietly(server: Server, text: str) -> None:
    """Send a query whose answer (or broken connection) does not matter."""
    with contextlib.suppress(OSError):
        server.query(text)


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads processes from /proc (Linux)")
def test_a_worker_running_a_query_dies_with_a_killed_server(release):
    """A server killed outright (SIGKILL, no cleanup) takes a worker in the middle of a runaway query with it."""
    server = start(release.release_dir, "--timeout", "600", "--workers", "1")
    try:
        (worker,) = children(server.process.pid)
        before = process_state(worker)[2]
        threading.Thread(target=ask_quietly, args=(server, SLOW), daemon=True).start()
        deadline = time.monotonic() + 120  # did-not-start bounds, not timing checks
        while process_state(worker)[2] < before + 30:  # 0.3 s of CPU since it was idle: it is running the query
            assert time.monotonic() < deadline, "the worker never started the query"
            time.sleep(0.1)
    finally:
        server.process.kill()  # its pipes are not read: a surviving worker would hold them open
        server.process.wait()
    deadline = time.monotonic() + 60
    while (state := process_state(worker)) is not None and state[0] != "Z":
        assert time.monotonic() < deadline, f"the worker (process {worker}) outlived the server"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def served_site(release, release_site):
    """The server with the site `smekg site` generates from the release."""
    running = start(release.release_dir, "--site", release_site)
    yield running
    stop(running)


@pytest.mark.slow
def test_a_questions_editor_link_on_the_served_site_runs_it_with_the_rows_of_the_pages_table(served_site, tmp_path):
    """Chromium opens a question's page on the served site, follows "Open in the query editor", runs the query
    and sees the rows the page's table shows (each row's first cell, in the compact form both show)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{served_site.base}/questions/intermediaries.html")
            table = page.locator("table.answer tbody tr td:first-child").all_inner_texts()
            page.click("a.editor")
            page.wait_for_url("**/query?name=intermediaries")
            loaded = page.locator("#canned").input_value()
            page.click(".yasqe_queryButton")
            rows = page.locator(".yasr table tbody tr")
            rows.first.wait_for(timeout=60_000)
            shown = [row.split("\t")[1].strip() for row in rows.all_inner_texts()]  # after Yasr's row number
            page.screenshot(path=str(tmp_path / "editor-from-site.png"), full_page=True)
        finally:
            browser.close()
    assert loaded == "intermediaries"
    assert table and sorted(shown) == sorted(table)
