"""Bibliographic records in the release read as plain text and name their agents once, as what they are
(issue 19, point 4): no BibTeX markup in any literal, corporate authors as organisations, one IRI per person, one
agent model (PROV-O) for authors, curators and reviewers."""

from __future__ import annotations

import itertools
import random
import re
import string

import pyoxigraph as ox
import pytest

from smekg.bibliography import (
    LATEX_ACTIVE,
    Bibliography,
    bibliography_triples,
    decoded,
    latex_left,
    markup_findings,
    parse_bib,
    plain,
    record_findings,
)

MARKUP = re.compile(r"\\[&%$#_{}]|\\[a-zA-Z]+|\{|\}")
KG = "https://w3id.org/smekg/kg/"
PERSON = "https://w3id.org/smekg/person/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.mark.parametrize(
    ("bibtex", "text"),
    [
        (r"Marketing Intelligence \& Planning", "Marketing Intelligence & Planning"),
        (r"{OECD} {SME} and Entrepreneurship Outlook", "OECD SME and Entrepreneurship Outlook"),
        (r"Ac{\'e}ntos, \"{o}, 50\% off", "Acéntos, ö, 50% off"),
        ("already plain – é", "already plain – é"),
        (r"The \emph{Made in Italy} label and \textit{the} \textbf{firm}", "The Made in Italy label and the firm"),
        (r"at \url{https://example.org/a}", "at https://example.org/a"),
        (r"1990--2000, 5\,000 firms", "1990–2000, 5 000 firms"),
    ],
)
def test_plain_decodes_latex_escapes_and_strips_braces(bibtex, text):
    assert plain(bibtex) == text
    assert latex_left(bibtex) == ""


@pytest.mark.parametrize(("bibtex", "left"), [(r"A \unknownmacro{x} title", r"\unknownmacro"), ("Costs $x^2$", "$")])
def test_markup_plain_cannot_decode_is_named(bibtex, left):
    assert latex_left(bibtex) == left


def records(text: str) -> list[tuple[str, str, str]]:
    """The triples of the records in BibTeX text, as (subject, predicate, object) strings."""
    parsed, findings = parse_bib(text, "test.bib")
    assert findings == []
    bib = Bibliography(records={r.key: r for r in parsed})
    return [tuple(t.value for t in triple) for triple in bibliography_triples(bib)]


def test_undecodable_markup_in_a_record_is_a_finding_naming_field_entry_and_line():
    parsed, _ = parse_bib(
        "\n@book{x2020,\n  title = {On \\foo{y}},\n  author = {Doe, Jo},\n  year = {2020}\n}\n", "a.bib"
    )
    found = markup_findings(parsed[0])
    assert [(f.file, f.line, f.entry) for f in found] == [("a.bib", 2, "x2020")]
    assert r"title: the LaTeX '\\foo' is not supported" in found[0].message


def test_every_letter_of_a_name_is_transliterated_into_its_iri_so_names_in_other_scripts_stay_apart():
    """Letters with no ASCII decomposition (ı, ł) were dropped, and a name in another script gave the bare
    person/ IRI, one for every such author: each letter is now transliterated (anyascii)."""
    names = {"Tan, Barış": "tan-baris", "Główska, Cezary": "glowska-cezary", "张, 伟": "zhang-wei"}
    names |= {"Иванов, Иван": "ivanov-ivan", "Straße, Jürgen": "strasse-jurgen", "Øberg, Ann": "oberg-ann"}
    entries = (f"@article{{k{i}, author = {{{name}}}, title = {{T}}, year = {{2020}}}}" for i, name in enumerate(names))
    bibtex = "\n".join(entries)
    people = {o for s, p, o in records(bibtex) if p == "http://purl.org/dc/terms/creator"}
    assert people == {PERSON + slug for slug in names.values()}


def test_a_name_that_gives_no_iri_is_a_finding_naming_file_line_and_entry():
    parsed, _ = parse_bib("\n\n@misc{x2020,\n  author = {{…}},\n  title = {T},\n  year = {2020}\n}\n", "a.bib")
    found = record_findings(parsed[0])
    assert [str(f) for f in found] == [
        "a.bib:3: x2020: error: author '{…}': the name has no letter or digit to make its IRI from"
    ]


def test_a_braced_corporate_author_is_an_organisation_and_its_short_name_names_it():
    triples = records(
        "@techreport{u2003, author = {{United Nations Industrial Development Organization}}, shortauthor = {UNIDO},"
        " title = {Guide}, year = {2003}}\n"
        "@techreport{o2019, author = {{OECD}}, title = {Outlook}, year = {2019}}\n"
        "@article{v2009, author = {{Van Bergeijk}, P. and {OECD}}, title = {T}, year = {2009}}\n"
    )
    types = {(s, o) for s, p, o in triples if p == RDF_TYPE}
    for org in (KG + "organization-unido", KG + "organization-oecd"):
        assert {(org, PROV + "Organization"), (org, ORG + "Organization")} <= types
    people = {s for s, o in types if o == PROV + "Person"}
    assert people == {PERSON + "vanbergeijk-p"}
    assert not any(o == "https://schema.org/Person" for _, o in types)
    names = {(s, o) for s, p, o in triples if p.endswith("altLabel")}
    assert names == {(KG + "organization-unido", "UNIDO")}


def literals(path) -> list[tuple[str, str]]:
    return [(q.subject.value, q.object.value) for q in ox.parse(path=str(path)) if isinstance(q.object, ox.Literal)]


def test_no_literal_of_the_release_carries_bibtex_markup(release):
    """Any literal, of records or knowledge: the .bib files write `\\&` (8 literals of 4 works did carry it)."""
    marked = [(s, v) for s, v in literals(release.release_dir / "smekg-full.nt") if MARKUP.search(v)]
    assert marked == []


def test_corporate_authors_are_organisations_with_one_iri_each(base_store):
    rows = base_store.select("""
        SELECT ?work ?agent WHERE {
          VALUES ?work { work:oecd2019oecd work:unitednationsindustrialdevelopmentorganization2003development }
          ?work smekg:hasAuthorship/smekg:author ?agent }""")
    agents = {r["work"].rsplit("/", 1)[1]: r["agent"] for r in rows}
    assert agents == {
        "oecd2019oecd": KG + "organization-oecd",
        "unitednationsindustrialdevelopmentorganization2003development": KG + "organization-unido",
    }
    for agent in agents.values():
        kinds = {r["t"] for r in base_store.select(f"SELECT ?t WHERE {{ <{agent}> a ?t }}")}
        assert {PROV + "Organization", ORG + "Organization"} <= kinds and PROV + "Person" not in kinds


# The IRIs that dropped a letter with no ASCII decomposition, retired for the transliterated ones.
TRANSLITERATED = {
    "akcay-yalcn": "akcay-yalcin",
    "gajowiak-magorzata": "gajowiak-malgorzata",
    "gowska-cezary": "glowska-cezary",
    "skulska-bogusawa": "skulska-boguslawa",
    "tan-bars": "tan-baris",
}


def test_one_iri_per_person_and_the_retired_ones_resolve(base_store):
    """Jorge Pinho de Sousa had two IRIs (the reference list of 003 splits his name another way); the corporate
    authors had person IRIs. Each retired IRI is an alias replaced by the one IRI, and says nothing else."""
    works = base_store.select("""
        SELECT DISTINCT ?agent WHERE {
          VALUES ?work { work:costa2015new work:costa2016information work:costa2017institutional }
          ?work smekg:hasAuthorship ?a . ?a smekg:author ?agent ; smekg:authorPosition 3 }""")
    assert [r["agent"] for r in works] == [PERSON + "desousa-jorge-pinho"]
    retired = base_store.select("""
        SELECT ?old ?new WHERE {
          ?old owl:deprecated true ; dcterms:isReplacedBy ?new FILTER(STRSTARTS(STR(?old), STR(person:))) }""")
    assert {(r["old"], r["new"]) for r in retired} == {
        (PERSON + "pinhodesousa-jorge", PERSON + "desousa-jorge-pinho"),
        (PERSON + "oecd", KG + "organization-oecd"),
        (PERSON + "unitednationsindustrialdevelopmentorganization", KG + "organization-unido"),
        *{(PERSON + old, PERSON + new) for old, new in TRANSLITERATED.items()},
    }
    for new in TRANSLITERATED.values():  # each replacement is a person with a name
        assert base_store.select(f"SELECT ?n WHERE {{ <{PERSON + new}> a prov:Person ; schema:name ?n }}")
    described = base_store.select("""
        SELECT ?old WHERE { ?old owl:deprecated true ; ?p ?o FILTER(STRSTARTS(STR(?old), STR(person:)))
                            FILTER(?p NOT IN (rdf:type, owl:deprecated, dcterms:isReplacedBy, rdfs:comment)) }""")
    assert described == []


def test_authors_and_curators_are_agents_of_one_model(store):
    """Authors, editors, curators and reviewers are PROV-O agents (prov:Person, prov:Organization,
    prov:SoftwareAgent, all prov:Agent as PROV-O declares them); no author is a schema:Person any more."""
    rows = store.select("""
        SELECT (COUNT(DISTINCT ?agent) AS ?agents) (COUNT(DISTINCT ?prov) AS ?provAgents)
               (COUNT(DISTINCT ?s) AS ?schema)
        WHERE { { [] smekg:author ?agent } UNION { [] prov:wasAttributedTo ?agent }
                OPTIONAL { ?agent a prov:Agent BIND(?agent AS ?prov) }
                OPTIONAL { ?agent a schema:Person BIND(?agent AS ?s) } }""")
    assert rows[0]["agents"] > 400
    assert rows[0]["provAgents"] == rows[0]["agents"]
    assert rows[0]["schema"] == 0


def test_interviewees_and_employees_are_agents_of_the_same_model(store):
    """The people firms employ (the interviewees) are PROV-O persons too: no individual is a schema:Person."""
    rows = store.select("""
        SELECT (COUNT(DISTINCT ?person) AS ?employed) (COUNT(DISTINCT ?prov) AS ?provPersons)
               (COUNT(DISTINCT ?s) AS ?schema)
        WHERE { { [] smekg:employs ?person } UNION { ?person a smekg:Interviewee }
                OPTIONAL { ?person a prov:Person BIND(?person AS ?prov) }
                OPTIONAL { ?any a schema:Person BIND(?any AS ?s) } }""")
    assert rows[0]["employed"] > 5
    assert rows[0]["provPersons"] == rows[0]["employed"]
    assert rows[0]["schema"] == 0


def test_text_without_latex_is_what_latexcodec_decodes_it_to():
    """plain()'s shortcut (ASCII without anything LaTeX gives a meaning) agrees with latexcodec on every such text:
    all strings of up to three characters over the characters LaTeX or latexcodec treat specially and a letter and
    a space, and random printable strings."""
    special = "\\{}%~`$-,'\"<>!?^_&# a\t"
    rng = random.Random(19)
    texts = ["".join(t) for n in (1, 2, 3) for t in itertools.product(special, repeat=n)]
    texts += ["".join(rng.choice(string.printable) for _ in range(rng.randint(1, 40))) for _ in range(5000)]
    plain_texts = [t for t in texts if not LATEX_ACTIVE.search(t)]
    assert len(plain_texts) > 3000
    assert [plain(t) for t in plain_texts] == [decoded(t) for t in plain_texts]
