"""The static site (`smekg site`): where each entity's files go, that the command never touches a folder it did
not write, that the generated site has a page for every entity and no broken link, and, in Debian's Chromium
driven by Playwright, that a person can use it from file:// (questions, concepts, heatmaps, search) with no
console error and no request leaving the site."""

from __future__ import annotations

import json
import os
import posixpath
import re
from html import unescape
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest

from browser import AXE, CHROMIUM, CHROMIUM_FLAGS
from clirun import site_in_child, smekg
from smekg.errors import SmekgError
from smekg.query import Rows, Store, list_queries, run_query
from smekg.site import (
    CLAIM_CAP,
    MANIFEST,
    Graph,
    Knowledge,
    Page,
    Site,
    entity_stem,
    environment,
    publish,
    reference_tree,
    refuse_reserved,
    settled,
    sorted_list,
    write_entities,
)
from smekg.vocab import BASE, PREFIXES

SITE_PAGES = {"index.html", "maps.html", "disagreements.html", "reference.html", "search.html", "editor.html"}


# --- fast: paths, escaping, folder safety ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iri", "stem"),
    [
        (BASE + "ontology/Cluster", "ontology/Cluster"),
        (BASE + "work/gao2019role/author/1", "work/gao2019role/author/1"),
        (BASE + "kg/a b#c?d", "kg/a%20b%23c%3Fd"),
        (BASE + "kg/../x", "kg/%2E%2E/x"),
        (BASE + "kg//x", "kg/%/x"),
        ("http://purl.org/spar/cito/cites", None),
        (BASE, None),
    ],
)
def test_an_iri_maps_to_the_path_below_the_base_and_never_escapes_the_site(iri: str, stem: str | None) -> None:
    assert entity_stem(iri) == stem


@pytest.mark.parametrize("local", ["index", "static/search.js", "questions/smes"])
def test_an_entity_that_would_take_the_place_of_a_site_page_is_refused(local: str) -> None:
    graph = Graph(stems={BASE + local: entity_stem(BASE + local)})
    with pytest.raises(SmekgError, match="one of the site's own pages"):
        refuse_reserved(graph)


def test_pages_escape_what_the_graph_says() -> None:
    iri = BASE + "kg/x"
    graph = Graph(labels={iri: '<script>alert("x")</script>'}, stems={iri: "kg/x"})
    page = Page("kg/y.html", graph)
    shown = str(page.a(ox.NamedNode(iri))) + str(page.a(ox.Literal("a < b & c", language="en")))
    assert shown == (
        '<a href="../kg/x.html">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a>'
        'a &lt; b &amp; c <span class="lang">@en</span>'
    )
    rendered = environment().from_string("<p>{{ text }}</p>").render(text="<b>")
    assert rendered == "<p>&lt;b&gt;</p>"


def test_a_long_claim_list_is_split_into_continuation_pages_under_300_kb() -> None:
    """3,000 claims about one concept (as a ×10 graph has): its page shows the first few of the group and links
    to continuation pages that together list every claim once, and no page is over 300 KB."""
    concept, relation, document = (ox.NamedNode(BASE + name) for name in ("ontology/Big", "ontology/hinders", "kg/d"))
    graph = Graph(labels={concept.value: "Big concept"})
    graph.triples[concept].append(ox.Triple(concept, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Big")))
    known = Knowledge()
    claims = [BASE + f"kg/claim-{n:04}" for n in range(3000)]
    for iri in claims:
        row = {"iri": iri, "subject": ox.NamedNode(BASE + "kg/other"), "relation": relation, "object": concept}
        row |= {"direction": None, "text": "A statement of some length about the concept. " * 5, "document": document}
        known.by_concept[concept.value].append(("object", row | {"locator": "p. 1", "curator": None}))
    graph.stems = {iri: entity_stem(iri) for iri in [concept.value, *claims]}
    site = Site(graph, known, [], {}, {"title": "t", "description": "", "version": "", "ontology": ""})
    write_entities(site)
    pages = {path: data for path, data in site.files.items() if path.endswith(".html")}
    assert max(len(data) for data in pages.values()) < 300_000
    main = pages["ontology/Big.html"].decode()
    assert len(re.findall(r'href="\.\./kg/claim-', main)) == CLAIM_CAP
    continuations = sorted(set(re.findall(r'href="\.\./(claims/[^"]+)"', main)))
    assert continuations and all(path in pages for path in continuations)
    listed = [
        c for path in continuations for c in re.findall(r'href="(?:\.\./)+kg/(claim-\d+)\.html"', pages[path].decode())
    ]
    assert sorted(listed) == sorted(iri.rpartition("/")[2] for iri in claims)


def test_terms_of_the_same_label_keep_one_order_in_the_reference_tree() -> None:
    """Six properties labelled "about" (as schema:about and smekg:about are): ordered by IRI, not by the order of a
    set of strings (which changes with the hash seed from run to run)."""
    terms = [f"https://example.org/ns{n}/about" for n in (5, 2, 9, 1, 7, 3)]
    graph = Graph(labels=dict.fromkeys(terms, "about"))
    known = Knowledge(kinds=dict.fromkeys(terms, "http://www.w3.org/2002/07/owl#ObjectProperty"))
    site = Site(graph, known, [], {}, {})
    assert [root["iri"] for root in reference_tree(site)["Properties"]] == sorted(terms)


def test_a_folder_with_files_it_did_not_write_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(SmekgError, match="did not write"):
        publish({"index.html": b"<p>site</p>"}, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_site_is_replaced_whole_and_a_file_added_to_it_stops_the_next_run(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish({"index.html": b"one", "ontology/A.html": b"a"}, out)
    publish({"index.html": b"two", "ontology/B.html": b"b"}, out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MANIFEST,
        "index.html",
        "ontology/B.html",
    ]
    assert (out / "index.html").read_bytes() == b"two"
    (out / "ontology" / "mine.html").write_text("mine")
    with pytest.raises(SmekgError, match="did not write"):
        publish({"index.html": b"three"}, out)
    assert (out / "ontology" / "mine.html").read_text() == "mine" and (out / "index.html").read_bytes() == b"two"
    assert {p.name for p in tmp_path.iterdir()} == {"site", ".site.site-lock"}  # no staging or retired folder left


def test_the_command_without_a_release_says_so_and_writes_nothing(tmp_path: Path) -> None:
    done = smekg("site", "--release", tmp_path / "none", "--out", tmp_path / "site")
    assert done.returncode == 1
    assert "run `smekg build` first" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


def test_the_command_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    done = smekg("site", "--release", tmp_path / "none", "--out", tmp_path / "site")
    assert done.returncode == 1 and "did not write (notes.txt)" in done.stderr
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["notes.txt"]


def test_a_description_is_the_same_whatever_labels_its_blank_nodes_get() -> None:
    """Oxigraph labels blank nodes anew on every load; an entity's Turtle names them in one order."""
    turtle = f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
    <{BASE}ontology/SME> owl:equivalentClass [ owl:intersectionOf ( <{BASE}ontology/Firm>
        [ owl:onProperty <{BASE}ontology/employees> ; owl:someValuesFrom [ owl:onDatatype <urn:x:int> ] ] ) ] ;
      owl:disjointWith [ owl:unionOf ( <{BASE}ontology/A> <{BASE}ontology/B> ) ] ."""
    written = set()
    for _ in range(3):
        store = ox.Store()
        store.load(turtle.encode(), ox.RdfFormat.TURTLE)
        triples = Graph.read(store).description(BASE + "ontology/SME")
        written.add(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    assert len(written) == 1
    assert b"_:b1" in written.pop()


def test_a_list_is_sorted_only_where_its_items_are_values_the_graph_holds() -> None:
    held = {"Company B (Gao, Qu & Zhang 2019)", "Company A (Gao, Qu & Zhang 2019)", "a; b", "c"}
    assert sorted_list("Company B (Gao, Qu & Zhang 2019); Company A (Gao, Qu & Zhang 2019)", "; ", held) == (
        "Company A (Gao, Qu & Zhang 2019); Company B (Gao, Qu & Zhang 2019)"
    )
    assert sorted_list("c; a; b", "; ", held) == "c; a; b"  # "a; b" is one value: not cut
    assert sorted_list("c; a", None, held) == "c; a"


def test_rows_the_order_by_leaves_equal_come_in_one_order_and_the_rest_keep_theirs() -> None:
    """The outer ORDER BY counts, not one of a sub-SELECT (ordered by ?b there, the rows would all stay)."""
    text = 'SELECT ?a ?b (GROUP_CONCAT(DISTINCT STR(?c); separator="; ") AS ?cs) WHERE {'
    text += " { SELECT ?b WHERE { } ORDER BY ?b LIMIT 9 } } ORDER BY DESC(?a)"
    rows = Rows(["a", "b", "cs"], [{"a": 2, "b": "y", "cs": "q; p"}, {"a": 2, "b": "x", "cs": "p"}])
    rows.append({"a": 1, "b": "a", "cs": None})
    assert settled(rows, text, {"p", "q"}) == [
        {"a": 2, "b": "x", "cs": "p"},
        {"a": 2, "b": "y", "cs": "p; q"},
        {"a": 1, "b": "a", "cs": None},
    ]


# --- the generated site ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(release_site: Path) -> Path:
    """The site of the session's release (seed 1; the reproducibility test compares it with a run under another)."""
    return release_site


@pytest.fixture(scope="module")
def full(release) -> ox.Store:
    return Store(release.release_dir / "smekg-full.nt").store


def entities(full: ox.Store) -> set[str]:
    rows = full.query(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}')
    return {row["s"].value for row in rows}


class Links(HTMLParser):
    """The href and src values of a page, and its element ids, as html.parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            self.add(name, value)

    def add(self, name: str, value: str | None) -> None:
        if name in ("href", "src") and value:
            self.links.append(value)
        if name == "id" and value:
            self.ids.add(value)


# What is not markup: a comment, and the text of a script or a style element (its start tag is kept).
NOT_MARKUP = re.compile(r"<!--.*?-->|(<(script|style)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>).*?</\2\s*>", re.S | re.I)
# A start tag (it ends at the first ">" outside a quoted value) and its attributes.
START_TAG = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
ATTRIBUTE = re.compile(r"""([^\s/>"'=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


def page_links(path: Path) -> Links:
    """The href and src values and the ids of a page's start tags, read with the regular expressions above: three
    times faster than html.parser on the real site (2 s against 6 s for its 3,200 pages), and read as html.parser
    reads them (test_the_link_reader_reads_the_main_pages_as_html_parser_does)."""
    found = Links()
    text = NOT_MARKUP.sub(lambda m: m.group(1) or "", path.read_text(encoding="utf-8"))
    for tag in START_TAG.finditer(text):
        for name, value in ATTRIBUTE.findall(tag.group(1)):
            found.add(name.lower(), unescape(value[1:-1] if value[:1] in "\"'" else value))
    return found


@pytest.mark.slow
def test_two_runs_on_the_same_release_write_byte_identical_sites(site: Path, release, tmp_path: Path) -> None:
    """Two processes with different hash seeds (Oxigraph seeds its own hash maps at random in each) write the
    same files, byte for byte: the module's site (seed 1) and one more run (seed 2). The full site of the real
    release takes about 6 s of CPU per run."""
    trees = []
    for out in (site, site_in_child(release.release_dir, tmp_path / "site-2", "2")):
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    assert [path for path in sorted(trees[0]) if trees[0][path] != trees[1][path]] == []


@pytest.mark.slow
def test_every_entity_has_a_page_with_its_turtle_and_json_ld(site: Path, full: ox.Store) -> None:
    iris = entities(full)
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    continued = {page for page in pages if page.startswith("claims/")}  # a long claim group's continuation pages
    assert {page.removeprefix("claims/").rpartition("/")[0] + ".html" for page in continued} <= pages
    pages -= continued
    own = SITE_PAGES | {f"questions/{q.name}.html" for q in list_queries()}
    assert own <= pages
    assert pages - own == {f"{entity_stem(iri)}.html" for iri in iris}
    for iri in iris:
        stem = site / entity_stem(iri)
        assert stem.with_name(stem.name + ".ttl").is_file() and stem.with_name(stem.name + ".jsonld").is_file()


@pytest.mark.slow
def test_an_entitys_turtle_and_json_ld_hold_exactly_its_triples(site: Path, full: ox.Store) -> None:
    for iri in sorted(entities(full))[::97]:
        expected = {(q.predicate, q.object) for q in full.quads_for_pattern(ox.NamedNode(iri), None, None)}
        expected = {(p, o) for p, o in expected if not isinstance(o, ox.BlankNode)}
        for ext, fmt in (("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)):
            path = site / f"{entity_stem(iri)}.{ext}"
            found = {(t.predicate, t.object) for t in ox.parse(path=str(path), format=fmt) if t.subject.value == iri}
            assert {(p, o) for p, o in found if not isinstance(o, ox.BlankNode)} == expected, path


def site_files(site: Path) -> set[str]:
    """Every file of the site, as its path relative to the site's folder; the site holds no symbolic link (so a
    link's target is found by normalising its path, with no file system look-up)."""
    entries = list(site.rglob("*"))
    assert [p for p in entries if p.is_symlink()] == []
    return {p.relative_to(site).as_posix() for p in entries if p.is_file()}


@pytest.mark.slow
def test_every_link_inside_the_site_reaches_a_file_and_every_anchor_an_element(site: Path) -> None:
    """Every relative href and src names a file of the site (a path out of the site's folder names none), and a
    fragment on the same page names an element's id there."""
    files = site_files(site)
    broken = []
    for page in sorted(path for path in files if path.endswith(".html")):
        parsed = page_links(site / page)
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
            target = target if parts.path else page
            if target not in files or (parts.fragment and target == page and parts.fragment not in parsed.ids):
                broken.append((page, link))
    assert broken == []


@pytest.mark.slow
def test_the_link_reader_reads_the_main_pages_as_html_parser_does(site: Path, full: ox.Store) -> None:
    """page_links finds the same links and ids as html.parser in the home page, the views, a question and an entity
    page of each kind (on the real site, in all 3,200 pages)."""
    for path in main_pages(site, full):
        parser = Links()
        parser.feed(path.read_text(encoding="utf-8"))
        found = page_links(path)
        assert (found.links, found.ids) == (parser.links, parser.ids), path


@pytest.mark.slow
def test_no_entity_page_is_over_300_kb(site: Path) -> None:
    own = SITE_PAGES | {f"questions/{q.name}.html" for q in list_queries()}
    sizes = {p: p.stat().st_size for p in site.rglob("*.html") if p.relative_to(site).as_posix() not in own}
    largest = max(sizes, key=sizes.get)
    assert sizes[largest] <= 300_000, largest


@pytest.mark.slow
def test_the_site_refers_to_no_file_outside_itself(site: Path) -> None:
    """No script, stylesheet, font or image is fetched from elsewhere: every src and stylesheet link is relative."""
    for page in [site / "index.html", site / "search.html", site / "maps.html"]:
        text = page.read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="([^"]+)"', text):
            if ref.endswith((".js", ".css", ".woff", ".woff2", ".png", ".svg")):
                assert not urlsplit(ref).scheme, ref


@pytest.mark.slow
def test_a_documents_page_draws_its_screening_flow_and_the_views_hold_every_row(
    site: Path, full: ox.Store, store
) -> None:
    stages = full.query(
        "SELECT ?doc (COUNT(DISTINCT ?s) AS ?n) "
        "WHERE { ?doc smekg:hasMethod/smekg:hasScreeningStage ?s } GROUP BY ?doc",
        prefixes=PREFIXES,
    )
    counted = {row["doc"].value: int(row["n"].value) for row in stages}
    assert counted
    for document, count in counted.items():
        html = (site / f"{entity_stem(document)}.html").read_text(encoding="utf-8")
        flow = html[html.index('<figure class="flow">') : html.index("</figure>")]
        assert flow.count("<rect") == count
    disagreements = (site / "disagreements.html").read_text(encoding="utf-8")
    assert disagreements.count('<td class="side">') == len(run_query("disagreements", store=store))


@pytest.mark.slow
def test_the_disagreements_sources_and_cited_works_link_to_their_documents_and_works(site: Path, store) -> None:
    """Each name in a side's sources and cited works is a link to the entity page of the document or work that
    bears it (the names as the canned answer gives them, in its order)."""
    page = (site / "disagreements.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>.*?</tr>", page, re.S)
    answer = run_query("disagreements", store=store)
    assert rows and len(rows) == len(answer)
    for html, row in zip(rows, answer, strict=True):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
        for cell, listed in ((cells[5], row["sources"]), (cells[6], row["holders"] or "")):
            links = re.findall(r'<a href="((?:work|kg|[a-z]+)/[^"]+\.html)"[^>]*>([^<]*)</a>', cell)
            assert [unescape(name) for _, name in links] == [n for n in listed.split("; ") if n], cell
            assert all((site / unquote(href)).is_file() for href, _ in links)


# --- in a browser ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from playwright import sync_api  # the test extra installs it

    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with sync_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class Visit:
    """A browser tab that records console errors and every request that would leave file://, which it blocks."""

    def __init__(self, browser, shots: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self.only_files)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.shots = shots

    def only_files(self, route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=False)

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside


@pytest.fixture
def visit(browser, tmp_path_factory: pytest.TempPathFactory):
    """A tab; its screenshots go to $SMEKG_SCREENSHOTS (CI can keep them as artifacts) or a temporary folder."""
    shots = Path(os.environ.get("SMEKG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    tab = Visit(browser, shots)
    yield tab
    tab.close()


@pytest.mark.slow
def test_home_lists_every_question_with_its_answer(site: Path, visit: Visit) -> None:
    visit.open((site / "index.html").as_uri())
    visit.shot("home")
    for query in list_queries():
        section = visit.page.locator(f"section#{query.name}")
        assert section.locator("h3").inner_text() == query.question
        assert section.locator("table.answer tbody tr").count() >= 1, query.name


def concept_facts(store: ox.Store, iri: str) -> tuple[str, int]:
    """The concept's definition and how many claims have it as subject or object."""
    definition = [
        r["d"].value for r in store.query(f"SELECT ?d WHERE {{ <{iri}> skos:definition ?d }}", prefixes=PREFIXES)
    ]
    claims = store.query(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE "
        f"{{ ?c a smekg:Claim ; smekg:claimSubject|smekg:claimObject <{iri}> }}",
        prefixes=PREFIXES,
    )
    return (definition[0] if definition else ""), int(next(iter(claims))["n"].value)


@pytest.mark.slow
def test_a_link_in_an_answer_leads_to_a_concept_with_its_definition_and_claims(
    site: Path, full: ox.Store, visit: Visit
) -> None:
    visit.open((site / "index.html").as_uri())
    links = visit.page.locator("table.answer td a[href^='ontology/']")
    for n in range(links.count()):
        iri = links.nth(n).get_attribute("title")
        definition, claims = concept_facts(full, iri)
        if definition and claims:
            links.nth(n).click()
            break
    else:
        pytest.fail("no answer links to a concept with a definition and claims")
    visit.page.wait_for_url(f"**/{entity_stem(iri)}.html")
    visit.shot("concept")
    assert visit.page.locator("#definition .definition").inner_text() == definition
    assert visit.page.locator("#claims li").count() == claims
    assert iri in visit.page.locator(".iri").inner_text()


@pytest.mark.slow
def test_a_heatmap_cell_leads_to_the_claims_behind_it(site: Path, store, visit: Visit) -> None:
    visit.open((site / "maps.html").as_uri())
    visit.shot("maps")
    for name, query in (("barriers", "evidence-map-barriers"), ("impacts", "evidence-map-impacts")):
        cells = visit.page.locator(f"#map-{name} a.cell")
        counts = [row["claims"] for row in run_query(query, store=store) if row["claims"]]
        assert cells.count() == len(counts)
        claims = visit.page.locator(f"#map-{name} .cellclaims li")
        assert claims.count() == sum(counts)
    first = visit.page.locator("#map-barriers a.cell").first
    target = first.get_attribute("href")
    first.click()
    assert visit.page.url.endswith(target)
    listed = visit.page.locator(f"{target} li a")
    assert listed.count() >= 1
    listed.first.click()
    assert visit.page.locator(".kind").inner_text().lower() == "claim"
    visit.shot("claim")


def search_index(site: Path) -> list[list[str]]:
    text = (site / "static" / "search-index.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :].strip().rstrip(";"))


@pytest.mark.slow
def test_search_finds_a_concept_by_part_of_its_label_and_a_word_of_its_definition(site: Path, visit: Visit) -> None:
    index = search_index(site)
    concepts = [e for e in index if e[1] == "concept" and len(e[0]) > 12 and e[2]]
    label, _, definition, page = concepts[len(concepts) // 2]
    visit.open((site / "search.html").as_uri())
    visit.page.fill("#q", label[2:-2])
    results = visit.page.locator("#results li > a")
    assert label in results.all_inner_texts()
    visit.shot("search")

    def hits(word: str) -> int:
        return sum(word in (e[0] + " " + e[2]).lower() for e in index)

    words = [w for w in re.findall(r"[a-z]{6,}", definition.lower()) if w not in label.lower()]
    word = min(words, key=hits)
    visit.page.fill("#q", word)
    assert label in results.all_inner_texts()
    results.filter(has_text=label).first.click()
    assert visit.page.url.endswith(page)


@pytest.mark.slow
def test_search_from_the_header_of_any_page(site: Path, visit: Visit) -> None:
    visit.open((site / "ontology").glob("*.html").__next__().as_uri())
    visit.page.fill("#q-top", "network")
    visit.page.press("#q-top", "Enter")
    visit.page.wait_for_selector("#results li")
    assert "network" in visit.page.locator("#results li").first.inner_text().lower()


def kind(visit: Visit) -> str:
    return visit.page.locator(".kind").inner_text().lower()


@pytest.mark.slow
def test_home_to_a_concept_to_a_claim_to_its_document_to_a_cited_work(site: Path, full: ox.Store, visit: Visit) -> None:
    visit.open((site / "index.html").as_uri())
    links = visit.page.locator("table.answer td a[href^='ontology/']")
    for n in range(links.count()):
        if concept_facts(full, links.nth(n).get_attribute("title"))[1]:
            links.nth(n).click()
            break
    else:
        pytest.fail("no answer links to a concept with claims")
    assert kind(visit) == "concept"
    concept = visit.page.locator("h1").inner_text()
    visit.page.locator("#claims li > a").first.click()
    assert kind(visit) == "claim" and concept in visit.page.locator("#claim").inner_text()
    visit.page.locator("xpath=//section[@id='claim']//dt[.='Source']/following-sibling::dd[1]//a").click()
    assert kind(visit) == "document"
    document = visit.page.locator(".iri code").inner_text()
    visit.shot("document")
    visit.page.locator("#references li a").first.click()
    assert kind(visit) in ("work", "document")
    back = entity_stem(document).rsplit("/", 1)[-1] + ".html"
    assert visit.page.locator(f"#cited-by a[href$='/{back}']").count() == 1
    visit.shot("work")


def main_pages(site: Path, full: ox.Store) -> list[Path]:
    """The home page, the views, a question and one entity page of each kind."""
    pages = [site / name for name in sorted(SITE_PAGES)] + [next((site / "questions").glob("*.html"))]
    for kind in ("SourceDocument", "Claim", "CaseFirm"):
        row = next(iter(full.query(f"SELECT ?x WHERE {{ ?x a smekg:{kind} }} LIMIT 1", prefixes=PREFIXES)))
        pages.append(site / f"{entity_stem(row['x'].value)}.html")
    row = next(iter(full.query("SELECT ?x WHERE { ?x a owl:Class ; skos:definition ?d } LIMIT 1", prefixes=PREFIXES)))
    pages.append(site / f"{entity_stem(row['x'].value)}.html")
    return pages


@pytest.mark.slow
def test_axe_finds_no_serious_or_critical_accessibility_violation(site: Path, full: ox.Store, visit: Visit) -> None:
    """axe-core is loaded into every page as it opens (once registered, not sent again page by page); it reports
    every node of a violation, and of the other result types (passes, incomplete) only one, which spares it most
    of its work on a large page (`resultTypes`); no XHR for stylesheets from file:// (`preload: false`)."""
    found = []
    visit.page.add_init_script(path=str(AXE))
    for path in main_pages(site, full):
        visit.open(path.as_uri() + ("?q=network" if path.name == "search.html" else ""))
        result = visit.page.evaluate("axe.run(document, {preload: false, resultTypes: ['violations']})")
        found += [
            (path.relative_to(site).as_posix(), v["id"], v["impact"], v["nodes"][0]["html"][:120])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    assert found == []


@pytest.mark.slow
def test_the_editors_set_up_is_one_file_shared_with_smekg_serves_editor(site: Path) -> None:
    shared = resources.files("smekg").joinpath("serve_assets", "editor-common.js").read_bytes()
    assert (site / "static" / "editor-common.js").read_bytes() == shared
    assert "static/editor-common.js" in page_links(site / "editor.html").links
    served = resources.files("smekg").joinpath("serve_assets", "query.html").read_text(encoding="utf-8")
    assert '<script src="editor/editor-common.js"></script>' in served
    for own in (site / "static" / "editor.js", resources.files("smekg").joinpath("serve_assets", "query.js")):
        assert "new Yasqe(" not in own.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_query_editor_from_file_loads_the_question_and_says_there_is_no_endpoint(site: Path, visit: Visit) -> None:
    """From file:// a question's "Open in the query editor" opens the site's editor with its query; with no
    endpoint to run it on, the page says so and running it sends nothing (Visit fails on any request)."""
    visit.open((site / "questions" / "smes.html").as_uri())
    visit.page.click("a.editor")
    visit.page.wait_for_url("**/editor.html?name=smes")
    assert visit.page.locator("#canned").input_value() == "smes"
    assert visit.page.locator("#endpoint").input_value() == ""
    query = next(q for q in list_queries() if q.name == "smes")
    assert visit.page.locator("#question").inner_text() == query.question
    assert "SELECT" in visit.page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")
    visit.page.click(".yasqe_queryButton")
    assert visit.page.locator("#endpoint-status").inner_text().startswith("No SPARQL endpoint")
    visit.shot("editor-from-file")


def test_the_default_folder_is_the_projects_or_here_for_an_installed_release(tmp_path, monkeypatch):
    """An installed package's release is never written into: its site goes into the current folder."""
    from smekg.project import Project
    from smekg.site import default_folder

    monkeypatch.chdir(tmp_path)
    assert default_folder(Project(tmp_path / "checkout")) == tmp_path / "checkout" / "site"
    assert default_folder(Project(tmp_path / "installed", shipped=True)) == tmp_path / "site"
