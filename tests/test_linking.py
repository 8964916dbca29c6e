"""`smekg link` against local stand-ins: Crossref- and OpenAlex-shaped HTTP, and a real SPARQL server."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, Graph, Literal, URIRef

from clirun import smekg_in_process, smekg_started
from smekg import Store, run_query
from smekg.bibliography import load_bibliography
from smekg.canonical import canonical_turtle
from smekg.linkhttp import allowed_origins, ensure_allowed, public_url, retry_after
from smekg.linking import (
    AUTOMATIC,
    BY_PERSON,
    REVIEW,
    Candidate,
    Fields,
    Link,
    LinkError,
    PoliteClient,
    Settings,
    judge,
    link_command,
    link_records,
    load_settings,
    merge,
    page_numbers,
    read_links,
    similarity,
    valid_doi,
)
from smekg.vocab import PRISM, WORK
from standins.project import ROOT, copy_project, serve, write_config
from standins.server import HERE, StandIn, start_oxigraph, stop

# What the stand-ins know, and so what a run must link: DOI (found, or None when stated or unknown),
# OpenAlex work and Wikidata item.
EXPECTED = {
    "johanson2009uppsala": ("10.1057/jibs.2009.24", "W2108497063", "Q56454785"),
    "barney1991firm": ("10.1177/014920639101700108", "W2096585734", "Q56445563"),
    "oparaocha2015smes": ("10.1016/j.ibusrev.2015.03.007", "W1996541855", "Q59386921"),
    "coviello1997network": ("10.1016/s0969-5931(97)00010-3", "W2033474580", None),
    "guimaraes2021collaboration": (None, "W3206431466", "Q111111235"),
    "costa2015new": (None, "W2293361254", None),
    "wasserman1994advances": (None, "W1513316540", None),
}
NEAR_MISS = "johanson1977internationalization"


@pytest.fixture(scope="module")
def sparql_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real SPARQL server (Oxigraph) on a free loopback port, loaded with the Wikidata-shaped fixture."""
    process, base = start_oxigraph(HERE / "wikidata.ttl", tmp_path_factory.mktemp("oxigraph") / "store")
    yield base
    stop(process)


@pytest.fixture(scope="module")
def first_run(sparql_base: str, tmp_path_factory: pytest.TempPathFactory):
    """One run over every record of a copy of the project, against fresh stand-ins."""
    folder = tmp_path_factory.mktemp("linking")
    server = serve(sparql_base)
    project = copy_project(folder)
    settings = load_settings(write_config(folder, server), project.root)
    report = link_records(project, settings)
    yield project, server, settings, report, len(server.log)
    server.shutdown()


@pytest.fixture
def server(sparql_base: str) -> Iterator[StandIn]:
    standin = serve(sparql_base)
    yield standin
    standin.shutdown()


def links_graph(settings: Settings) -> Graph:
    return Graph().parse(settings.links_file, format="turtle")


def accepted(report, service: str) -> dict[str, str]:
    return {x.key: x.value for x in report.accepted(service)}


def test_every_record_the_fixtures_know_is_linked(first_run):
    _, _, _, report, _ = first_run
    dois = {k: v[0] for k, v in EXPECTED.items() if v[0]}
    openalex = {k: f"https://openalex.org/{v[1]}" for k, v in EXPECTED.items() if v[1]}
    wikidata = {k: f"http://www.wikidata.org/entity/{v[2]}" for k, v in EXPECTED.items() if v[2]}
    assert accepted(report, "crossref") == dois
    assert accepted(report, "openalex") == openalex
    assert accepted(report, "wikidata") == wikidata


def test_links_are_asserted_with_provenance(first_run):
    _, _, settings, _, _ = first_run
    g = links_graph(settings)
    work = WORK["johanson2009uppsala"]
    assert set(g.objects(work, PRISM.doi)) == {Literal("10.1057/jibs.2009.24")}
    assert URIRef("https://openalex.org/W2108497063") in set(g.objects(work, OWL.sameAs))
    rows = g.query(
        """SELECT ?source ?when ?status ?agent ?similarity ?score WHERE {
             ?link schema:about ?work ; schema:propertyID "DOI" ; dcterms:source ?source ; prov:generatedAtTime ?when ;
                   schema:creativeWorkStatus ?status ; prov:wasAttributedTo ?agent ;
                   schema:additionalProperty [ schema:propertyID "similarity" ; schema:value ?similarity ] ,
                                             [ schema:propertyID "score" ; schema:value ?score ] }""",
        initNs={"prism": PRISM, "schema": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#"},
        initBindings={"work": work},
    )
    (source, when, status, agent, sim, score) = next(iter(rows))
    assert str(source).startswith("http://127.0.0.1:") and "query.bibliographic=" in str(source)
    assert "mailto" not in str(source) and when.datatype.endswith("dateTime")
    assert str(status) == AUTOMATIC and str(agent).endswith("agent/smekg-link")
    assert float(sim) >= 0.85 and float(score) > 0


def test_near_miss_same_title_other_year_is_not_linked(first_run):
    _, _, settings, report, _ = first_run
    (candidate,) = [x for x in report.links if x.key == NEAR_MISS]
    assert candidate.status == REVIEW and candidate.service == "crossref"
    assert any("year 2017 differs from the record's 1977" in note for note in candidate.notes)
    assert not set(links_graph(settings).objects(WORK[NEAR_MISS], None))
    barney = next(x for x in report.links if x.key == "barney1991firm" and x.service == "crossref")
    assert barney.value == "10.1177/014920639101700108", "the 2000 reprint with the same title loses"


def test_no_record_is_linked_to_an_unrelated_work(first_run):
    _, _, _, report, _ = first_run
    assert {x.key for x in report.links if x.accepted} == set(EXPECTED)


def test_doi_case_variants_make_one_doi(first_run):
    """Crossref answered 10.1057/JIBS.2009.24 and Wikidata stores it upper-case: one lower-case DOI results."""
    project, _, settings, _, _ = first_run
    g = links_graph(settings)
    for work in g.subjects(PRISM.doi, None):
        values = set(g.objects(work, PRISM.doi))
        assert len(values) == 1 and all(str(v) == str(v).lower() for v in values)
    bib, _ = load_bibliography(project.references_dir, project.root)
    stated = {k for k, r in bib.records.items() if r.entry.fields.get("doi")}
    assert not stated & {str(w).removeprefix(str(WORK)) for w in g.subjects(PRISM.doi, None)}


def test_wikidata_is_asked_with_the_doi_bound_upper_case(first_run):
    _, server, _, _, _ = first_run
    queries = [r["params"]["query"] for r in server.log if r["path"] == "/wikidata/sparql"]
    assert any('VALUES ?doi { "10.1057/JIBS.2009.24" }' in q for q in queries)
    assert all("jibs" not in q for q in queries)


def test_requests_are_polite(first_run):
    _, server, _, _, _ = first_run
    assert all(r["agent"].startswith("smekg-link/") and "curator@example.org" in r["agent"] for r in server.log)
    assert all(r["params"].get("mailto") == "curator@example.org" for r in server.log if r["path"] == "/crossref/works")
    assert all(r["params"].get("api_key") == "test-key" for r in server.log if r["path"] == "/openalex/works")


def test_second_run_makes_no_request(first_run):
    project, server, settings, report, sent = first_run
    before = settings.links_file.read_text(encoding="utf-8")
    again = link_records(project, settings)
    assert len(server.log) == sent and again.requests == 0
    assert settings.links_file.read_text(encoding="utf-8") == before
    assert [x.value for x in again.links] == [x.value for x in report.links]


def test_offline_makes_no_request_and_keeps_the_links(first_run, tmp_path: Path):
    project, server, settings, report, sent = first_run
    empty_cache = replace(settings, cache_dir=tmp_path / "empty")
    offline = link_records(project, empty_cache, offline=True)
    assert len(server.log) == sent and offline.requests == 0 and offline.cache_hits == 0
    assert {(x.key, x.service, x.value) for x in offline.links} == {(x.key, x.service, x.value) for x in report.links}
    assert f"{NEAR_MISS}:crossref" in offline.not_asked


def test_retries_after_429_then_503(server: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    settings = load_settings(write_config(tmp_path, server), project.root)
    waits: list[float] = []
    server.fail_next((429, {"Retry-After": "2"}), (503, {}))
    client = PoliteClient(settings, sleep=waits.append)
    report = link_records(project, settings, only=("johanson2009uppsala",), services=("crossref",), client=client)
    assert [r["path"] for r in server.log] == ["/crossref/works"] * 3
    assert waits == [2.0, 0.02], "Retry-After honoured, then exponential back-off"
    assert accepted(report, "crossref") == {"johanson2009uppsala": "10.1057/jibs.2009.24"}
    assert report.retries == 2


def test_gives_up_with_a_clear_error(server: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    settings = load_settings(write_config(tmp_path, server, max_retries=2), project.root)
    server.fail_next(*[(503, {})] * 3)
    with pytest.raises(LinkError, match=r"crossref: HTTP 503 .* after 3 attempt\(s\)") as err:
        link_records(project, settings, only=("barney1991firm",), client=PoliteClient(settings, sleep=lambda s: None))
    assert "mailto" not in str(err.value)
    server.fail_next((400, {}))
    with pytest.raises(LinkError, match="HTTP 400"):
        link_records(project, settings, only=("barney1991firm",), client=PoliteClient(settings, sleep=lambda s: None))
    assert len(server.log) == 4, "a 400 is not retried"


def test_retry_after_beyond_max_wait_stops(server: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    settings = load_settings(write_config(tmp_path, server, max_wait=5.0), project.root)
    server.fail_next((429, {"Retry-After": "3600"}))
    with pytest.raises(LinkError, match="asks to wait 3600 s, more than"):
        link_records(project, settings, only=("barney1991firm",), client=PoliteClient(settings, sleep=lambda s: None))


def test_no_request_leaves_the_allow_list(server: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    config = write_config(tmp_path, server)
    outside = config.read_text().replace(f"{server.base}/crossref", "https://crossref.example.net")
    (tmp_path / "outside.toml").write_text(outside)
    with pytest.raises(LinkError, match="not in \\[polite\\] allowed_hosts"):
        link_records(project, load_settings(tmp_path / "outside.toml", project.root))
    assert server.log == []
    redirecting = config.read_text().replace(f"{server.base}/crossref", f"{server.base}/redirect-out")
    (tmp_path / "redirect.toml").write_text(redirecting)
    with pytest.raises(LinkError, match="example.invalid.*not in"):
        link_records(project, load_settings(tmp_path / "redirect.toml", project.root), only=("barney1991firm",))


def test_configuration_errors_name_what_is_wrong(tmp_path: Path):
    (tmp_path / "bad.toml").write_text("[crossref]\nrowz = 5\n")
    with pytest.raises(LinkError, match="\\[crossref\\] unknown key 'rowz'"):
        load_settings(tmp_path / "bad.toml", tmp_path)
    (tmp_path / "type.toml").write_text('[crossref]\nrows = "five"\n')
    with pytest.raises(LinkError, match="rows should be a int"):
        load_settings(tmp_path / "type.toml", tmp_path)
    project = copy_project(tmp_path / "p")
    with pytest.raises(LinkError, match="mailto"):
        link_records(project, load_settings(ROOT / "config" / "smekg-link.example.toml", project.root))


def test_limits_and_the_allow_list_are_validated(tmp_path: Path):
    for text, message in (
        ("deadline = 0", r"\[polite\] deadline should be above 0, not 0"),
        ("connect_timeout = -1.5", "connect_timeout should be above 0"),
        ("max_answer_bytes = 1.5", "max_answer_bytes should be a int"),
        ("max_retries = -1", "max_retries should be 0 or more"),
        ('allowed_hosts = ["ftp://api.crossref.org"]', "'ftp://api.crossref.org' is not host\\[:port\\]"),
        ('allowed_hosts = ["api.crossref.org:https"]', "is not host"),
        ('allowed_hosts = ["https://api.crossref.org/works"]', "a path"),
    ):
        (tmp_path / "c.toml").write_text(f"[polite]\n{text}\n")
        with pytest.raises(LinkError, match=message) as err:
            load_settings(tmp_path / "c.toml", tmp_path)
        assert err.value.findings[0].file == str(tmp_path / "c.toml")


def test_the_allow_list_checks_scheme_host_and_port():
    allowed = allowed_origins(["api.crossref.org", "localhost:8890", "http://127.0.0.1:3030"], "test")
    for url in ("https://api.crossref.org/works", "https://API.crossref.org:443/x", "https://localhost:8890/sparql"):
        ensure_allowed(url, allowed)
    ensure_allowed("http://127.0.0.1:3030/q", allowed)
    for url in (
        "http://api.crossref.org/works",  # another scheme (and its port 80)
        "https://api.crossref.org:8443/works",  # another port
        "https://localhost/sparql",  # the default port, not the listed one
        "https://127.0.0.1:3030/q",
        "file:///etc/passwd",
        "https://api.crossref.org.example.net/works",
    ):
        with pytest.raises(LinkError, match="refused"):
            ensure_allowed(url, allowed)


def test_merge_keeps_what_changed_meanwhile():
    def link(key: str, status: str, value: str = "10.5555/a") -> Link:
        return Link(key, "crossref", value, "http://q", "2026-01-01T00:00:00Z", status, 0.9)

    start = {("a", "crossref"): link("a", REVIEW), ("gone", "crossref"): link("gone", REVIEW)}
    ours = {("a", "crossref"): link("a", REVIEW, "10.5555/b"), ("new", "crossref"): link("new", AUTOMATIC)}
    now = {**start, ("a", "crossref"): link("a", BY_PERSON), ("other", "crossref"): link("other", AUTOMATIC)}
    merged = merge(start, ours, now)
    assert merged[("a", "crossref")] == link("a", BY_PERSON), "a person's decision made meanwhile wins"
    assert ("gone", "crossref") not in merged, "this run's own change (a dropped record) is applied"
    assert merged[("new", "crossref")].status == AUTOMATIC and ("other", "crossref") in merged


def test_person_accepts_a_candidate_and_a_later_run_keeps_it(server: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    config = write_config(tmp_path, server)
    runner = CliRunner()
    args = ["--root", str(project.root), "--config", str(config)]
    result = runner.invoke(link_command, [*args, "--only", NEAR_MISS])
    assert result.exit_code == 0, result.output
    assert f"review {NEAR_MISS}:crossref" in result.output
    result = runner.invoke(link_command, [*args, "--accept", f"{NEAR_MISS}:crossref", "--reviewer", "Ada Curator"])
    assert result.exit_code == 0 and "accepted by a person (Ada Curator)" in result.output
    settings = load_settings(config, project.root)
    link = read_links(settings.links_file)[(NEAR_MISS, "crossref")]
    assert link.status == BY_PERSON and link.reviewer == "Ada Curator"
    assert Literal("10.5555/9781315199689-3") in set(links_graph(settings).objects(WORK[NEAR_MISS], PRISM.doi))
    sent = len(server.log)
    result = runner.invoke(link_command, [*args, "--only", NEAR_MISS])
    assert result.exit_code == 0
    assert read_links(settings.links_file)[(NEAR_MISS, "crossref")].status == BY_PERSON
    assert not [r for r in server.log[sent:] if r["path"] == "/crossref/works"], "a decided link is not asked again"
    sent = len(server.log)
    result = runner.invoke(link_command, [*args, "--offline"])
    assert result.exit_code == 0 and "0 request(s) sent" in result.output and len(server.log) == sent
    missing = runner.invoke(link_command, [*args, "--accept", f"{NEAR_MISS}:crossref"])
    assert missing.exit_code != 0 and "--reviewer" in missing.output


def wait_for(condition, seconds: float = 60.0) -> None:
    """Poll until condition() holds; fail (rather than hang) after seconds."""
    give_up = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < give_up, "the condition did not come true in time"
        time.sleep(0.05)


def test_an_acceptance_made_during_a_run_is_kept(server: StandIn, tmp_path: Path):
    """Data loss: a run held up by a slow service (a child process), a person accepting meanwhile (in this one)."""
    project = copy_project(tmp_path)
    config = write_config(tmp_path, server)
    args = ["link", "--root", str(project.root), "--config", str(config)]
    first = smekg_in_process(*args, "--only", NEAR_MISS, "--service", "crossref")
    assert first.returncode == 0 and f"review {NEAR_MISS}:crossref" in first.stdout, first.stderr
    shutil.rmtree(tmp_path / "cache")  # so the next run asks Crossref again (and waits for it)
    asked = len(server.log)
    server.hold()
    run = smekg_started(*args, "--only", NEAR_MISS, "--service", "crossref")
    try:
        wait_for(lambda: len(server.log) > asked)
        accept = smekg_in_process(*args, "--accept", f"{NEAR_MISS}:crossref", "--reviewer", "Ada Curator")
        assert accept.returncode == 0, accept.stderr
    finally:
        server.release()
        _, errors = run.communicate(timeout=60)
    assert run.returncode == 0, errors
    link = read_links(tmp_path / "ontology" / "links" / "links.ttl")[(NEAR_MISS, "crossref")]
    assert link.status == BY_PERSON and link.reviewer == "Ada Curator"


def test_links_file_keeps_its_mode(server: StandIn, tmp_path: Path):
    project = copy_project(tmp_path)
    settings = load_settings(write_config(tmp_path, server), project.root)
    link_records(project, settings, only=(NEAR_MISS,), services=("crossref",))
    settings.links_file.chmod(0o640)
    link_records(project, settings, only=("barney1991firm",), services=("crossref",))
    assert settings.links_file.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in settings.links_file.parent.iterdir()) == [".links.ttl.lock", "README.md", "links.ttl"]


def unknown_records(links_file: Path, records: set[str]) -> tuple[set[str], set[str]]:
    """The record keys a links file is about (every work IRI it names, as subject or object), and those of them that
    are not records of the bibliography."""
    g = Graph().parse(links_file, format="turtle")
    nodes = {str(n) for triple in g for n in triple if isinstance(n, URIRef) and str(n).startswith(str(WORK))}
    keys = {n.removeprefix(str(WORK)).split("/")[0] for n in nodes}
    return keys, keys - records


def test_link_file_in_the_repository_is_valid_turtle():
    """The curated links file reads (as Turtle and as links), is in the layout `smekg fmt` writes, and names only
    records of the bibliography."""
    path = ROOT / "ontology" / "links" / "links.ttl"
    bib, _ = load_bibliography(ROOT / "ontology" / "references", ROOT)
    read_links(path)
    text = path.read_text(encoding="utf-8")
    assert canonical_turtle(text) == text
    assert unknown_records(path, set(bib.records))[1] == set()


def test_the_link_file_check_finds_links_to_unknown_records(first_run, tmp_path: Path):
    """The check above on a file with links: a run's links pass, a link to a record that does not exist is named."""
    project, _, settings, _, _ = first_run
    records = set(load_bibliography(project.references_dir, project.root)[0].records)
    keys, unknown = unknown_records(settings.links_file, records)
    assert set(EXPECTED) <= keys and unknown == set()
    planted = tmp_path / "links.ttl"
    text = settings.links_file.read_text(encoding="utf-8")
    planted.write_text(text.replace(str(WORK["barney1991firm"]), str(WORK["barney1991lost"])), encoding="utf-8")
    assert unknown_records(planted, records)[1] == {"barney1991lost"}


def test_identifiers_queryable_with_the_links(first_run, release, tmp_path: Path):
    """work-identifiers on the built release plus the links file: DOIs, OpenAlex and Wikidata per work."""
    project, _, settings, _, _ = first_run
    combined = tmp_path / "with-links.nt"
    links = links_graph(settings).serialize(format="nt").encode()
    combined.write_bytes((release.release_dir / "smekg-full.nt").read_bytes() + links)
    rows = {r["key"]: r for r in run_query("work-identifiers", {"status": "linked"}, store=Store(combined))}
    assert rows["johanson2009uppsala"]["doi"] == "10.1057/jibs.2009.24"
    assert rows["johanson2009uppsala"]["wikidata"] == "http://www.wikidata.org/entity/Q56454785"
    assert rows["wasserman1994advances"]["openalex"] == "https://openalex.org/W1513316540"
    assert rows["costa2015new"]["doi"] == "10.1007/978-3-319-24141-8_36"


def test_stated_dois_are_in_the_build_without_any_request(store):
    rows = {r["key"]: r for r in run_query("work-identifiers", {"status": "linked"}, store=store)}
    assert rows["guimaraes2021collaboration"]["doi"] == "10.3390/admsci11040153"
    assert rows["costa2015new"]["doi"] == "10.1007/978-3-319-24141-8_36"
    unlinked = run_query("work-identifiers", {"status": "unlinked"}, store=store)
    assert unlinked and not {r["key"] for r in unlinked} & set(rows)


def test_strict_doi_and_literal_binding():
    assert valid_doi("https://doi.org/10.1057/JIBS.2009.24") == "10.1057/jibs.2009.24"
    for hostile in ('10.1000/x" } ; DROP ALL ; {', "10.1000/a b", "not-a-doi"):
        with pytest.raises(LinkError, match="not a DOI"):
            valid_doi(hostile)


def test_similarity_compares_fields_not_scores():
    ref = Fields(titles=("Firm resources and sustained competitive advantage",), author="barney", year="1991")
    ref = Fields(**{**ref.__dict__, "volume": "17", "pages": "99--120"})
    reprint = Fields(titles=("Firm Resources and Sustained Competitive Advantage",), author="Barney", year="2000")
    reprint = Fields(**{**reprint.__dict__, "volume": "17", "pages": "203-227"})
    value, features = similarity(ref, reprint)
    assert features == {"title": 1.0, "author": 1.0, "year": 0.0, "volume": 1.0, "first page": 0.0, "last page": 0.0}
    assert value == pytest.approx(4 / 7)
    assert page_numbers("1425-37") == ("1425", "1437") and page_numbers("e153") == ("153", "")


def test_a_high_score_alone_never_links():
    settings = load_settings(None, ROOT)
    ref = Fields(titles=("Network relationships and internationalization",), author="coviello", year="1997")
    unrelated = Candidate("10.5555/x", Fields(titles=("Barriers to exporting",), author="Okafor", year="1997"))
    unrelated.score, unrelated.normalised_score = 500.0, 5.0
    assert judge(ref, [unrelated], settings.thresholds, scored=True) is None
    twin_a = Candidate(
        "10.5555/a", Fields(titles=ref.titles, author="Coviello", year="1997"), score=90, normalised_score=1
    )
    twin_b = Candidate(
        "10.5555/b", Fields(titles=ref.titles, author="Coviello", year="1997"), score=80, normalised_score=1
    )
    best = judge(ref, [twin_a, twin_b], settings.thresholds, scored=True)
    assert best is not None and best.problems == ["ambiguous: 10.5555/b also passes"]


def test_helpers():
    assert public_url("http://h/works?a=1&mailto=x%40y&api_key=k") == "http://h/works?a=1"
    assert retry_after("7", 0.0) == 7.0 and retry_after(None, 0.0) is None
    assert retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 0.0) == 60.0


def test_links_file_is_in_the_canonical_form_of_fmt(first_run):
    """What a run writes is a fixed point of `smekg fmt`, so runs give reviewable diffs and `fmt --check` passes."""
    _, _, settings, _, _ = first_run
    text = settings.links_file.read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in text.split("\n\n", 1)[0].splitlines())
    assert canonical_turtle(text) == text
