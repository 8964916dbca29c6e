"""Content hygiene of the evidence and the records (issue 19, points 3–5): duplicates, and the report rules that
measure over-attribution, BibTeX markup, organisations typed as persons and agents named twice."""

from __future__ import annotations

import pyoxigraph as ox

from clirun import smekg
from smekg.rules import load_profile, run_stage

# Two claims of one document stating one table row: the same subject, locator and count, citing the same works.
SAME_ROW = """
SELECT ?a ?b WHERE {
  ?a a smekg:Claim ; smekg:statedIn ?doc ; smekg:claimSubject ?s ; smekg:locator ?loc ; smekg:articleCount ?n .
  ?b a smekg:Claim ; smekg:statedIn ?doc ; smekg:claimSubject ?s ; smekg:locator ?loc ; smekg:articleCount ?n .
  FILTER(STR(?a) < STR(?b))
  FILTER NOT EXISTS { ?a cito:citesAsEvidence ?w FILTER NOT EXISTS { ?b cito:citesAsEvidence ?w } }
  FILTER NOT EXISTS { ?b cito:citesAsEvidence ?w FILTER NOT EXISTS { ?a cito:citesAsEvidence ?w } }
}"""


def test_no_table_row_is_stated_by_two_claims(base_store):
    """kg:costa2015-collaborative-network-export-decision repeated kg:costa2015-t3-export-decision (Table 3 of
    Costa et al. 2015, the same seven references): the row counted twice. The duplicate is retired, its IRI kept
    as a deprecated alias of the claim that replaces it, which is no claim and so counts nowhere."""
    assert base_store.select(SAME_ROW) == []
    retired = base_store.select("""
        SELECT ?type ?by WHERE { kg:costa2015-collaborative-network-export-decision a ?type ;
                                 owl:deprecated true ; dcterms:isReplacedBy ?by }""")
    assert [(r["type"].rsplit("#")[-1], r["by"].rsplit("/")[-1]) for r in retired] == [
        ("NamedIndividual", "costa2015-t3-export-decision")
    ]


PREFIXES = """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix work: <https://w3id.org/smekg/work/> .
@prefix person: <https://w3id.org/smekg/person/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
"""

# A row of a table counting three works (kg:count); the claims drawn from it: one citing the whole row (bad), one
# citing the one work the text cites (good), one citing its own row list again as evidence (bad), one keeping its
# row list apart (good); and a row of a single work, whose claim cites it (good: nothing to over-attribute).
OVER_ATTRIBUTED = """
kg:count a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Cluster ; smekg:locator "Table 3" ;
    smekg:articleCount 3 ; cito:citesAsEvidence work:a , work:b , work:c .
kg:whole-row a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Cluster ; smekg:locator "Table 3" ;
    cito:citesAsEvidence work:a , work:b , work:c .
kg:one-work a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Cluster ; smekg:locator "Table 3" ;
    cito:citesAsEvidence work:a .
kg:own-list-as-evidence a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Network ;
    smekg:locator "Table 3" ; smekg:tableRowArticle work:a , work:b ; cito:citesAsEvidence work:a , work:b .
kg:own-list-apart a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Network ;
    smekg:locator "Table 3" ; smekg:tableRowArticle work:a , work:b .
kg:single-count a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Alliance ; smekg:locator "T4" ;
    smekg:articleCount 1 ; cito:citesAsEvidence work:a .
kg:single-row a smekg:Claim ; smekg:statedIn work:doc ; smekg:claimSubject smekg:Alliance ; smekg:locator "T4" ;
    cito:citesAsEvidence work:a .
"""

MARKUP = r"""
work:bad-escape dcterms:title "John Wiley \\& Sons" .
work:bad-command schema:name "The \\emph{Made in Italy} label" .
work:bad-brace skos:note "{OECD} Outlook" .
work:bad-accent rdfs:label "Ac\\'{e}ntos"@en .
work:good-text dcterms:title "John Wiley & Sons – 50% off, “quoted”, é" .
work:good-path rdfs:label "C:/data/report (final)"@en .
"""

ORGANISATION_AS_PERSON = """
person:oecd a prov:Person ; schema:name "OECD" ; schema:familyName "OECD" .
person:unido a schema:Person ; schema:name "United Nations Industrial Development Organization" .
person:bare a prov:Person ; schema:name "Smith" ; schema:familyName "Smith" .
work:bare-work smekg:hasAuthorship [ smekg:author person:bare ] .
person:noted a prov:Person ; schema:name "Jones" ; schema:familyName "Jones" .
work:noted-work smekg:hasAuthorship [ smekg:author person:noted ] ; smekg:identificationNote "family names only" .
person:ada a prov:Person ; schema:name "Ada Lovelace" ; schema:familyName "Lovelace" ; schema:givenName "Ada" .
kg:organization-oecd a prov:Organization , org:Organization ; schema:name "OECD" .
"""

DUPLICATE_AGENT = """
person:one a prov:Person ; schema:name "Jorge Pinho de Sousa" .
person:two a prov:Person ; schema:name "Jorge Pinho De Sousa" .
person:three a schema:Person ; rdfs:label "Jorge Pinho-de-Sousa"@en .
kg:organization-unido a org:Organization ; skos:altLabel "UNIDO"@en ; rdfs:label "UNIDO Vienna"@en .
person:unido a prov:Person ; schema:name "Unido" .
person:other a prov:Person ; schema:name "Jorge Sousa" .
kg:not-an-agent rdfs:label "Jorge Pinho de Sousa"@en .
"""


def findings_of(project, rule: str, turtle: str, level: str = "warn") -> list[str]:
    """The entries a shipped rule reports on a graph of the given Turtle (at that level)."""
    store = ox.Store()
    store.load((PREFIXES + "@prefix dcterms: <http://purl.org/dc/terms/> .\n" + turtle).encode(), ox.RdfFormat.TURTLE)
    rules = [r for r in load_profile(project) if r.name == rule]
    [outcome] = run_stage(rules, "release", store, lambda *_: ("x", 0), {}, union=False)
    assert all(f.level == level for f in outcome.findings)
    return sorted({f.entry for f in outcome.findings})


def test_over_attributed_claims_are_those_citing_their_whole_row_as_evidence(project):
    assert findings_of(project, "hygiene_over_attributed_claim", OVER_ATTRIBUTED) == [
        "kg:own-list-as-evidence",
        "kg:whole-row",
    ]


def test_bibtex_markup_is_found_in_any_literal(project):
    found = findings_of(project, "hygiene_bibtex_markup", MARKUP)
    assert found == ["work:bad-accent", "work:bad-brace", "work:bad-command", "work:bad-escape"]


def test_organisation_like_persons_are_found(project):
    found = findings_of(project, "hygiene_organisation_as_person", ORGANISATION_AS_PERSON)
    assert found == ["person:bare", "person:oecd", "person:unido"]


def test_agents_with_one_normalised_name_are_found(project):
    found = findings_of(project, "hygiene_duplicate_agent", DUPLICATE_AGENT)
    assert found == ["kg:organization-unido", "person:one", "person:three", "person:two", "person:unido"]


SPELLINGS = """
person:hakansson-h a prov:Person ; schema:name "H. Hakansson" , "H. Håkansson" .
person:ford-d a prov:Person ; schema:name "D. Ford" ; rdfs:label "D. Ford"@en , "D. Ford"@de .
person:one a prov:Person ; schema:name "Jorge Sousa" .
person:two a prov:Person ; schema:name "Jorge Sousa" .
"""


def test_an_agent_with_two_names_is_reported_for_information(project):
    """One IRI, two spellings (the real graph's one case: Gao, Qu & Zhang's reference list writes Hakansson and
    Håkansson, and both give person:hakansson-h): an info finding at the release stage, with both names."""
    assert findings_of(project, "hygiene_agent_spellings", SPELLINGS, level="info") == ["person:hakansson-h"]


HYGIENE = (
    "hygiene_over_attributed_claim",
    "hygiene_bibtex_markup",
    "hygiene_organisation_as_person",
    "hygiene_duplicate_agent",
)


def test_the_release_has_no_hygiene_finding_of_evidence_and_records(project, release):
    """Issue 19's measure: 0 over-attributed claims (31 before), 0 literals with markup (8 before), 0 organisations
    typed as persons (2 before, and 14 persons whose records did not say their source gives no given names), 0
    agents named twice (UNIDO, Jorge Pinho de Sousa before)."""
    store = ox.Store()
    store.bulk_load(path=str(release.release_dir / "smekg-full.nt"), format=ox.RdfFormat.N_TRIPLES)
    rules = [r for r in load_profile(project) if r.name in HYGIENE]
    outcomes = run_stage(rules, "release", store, lambda *_: ("x", 0), {}, union=False)
    assert {o.rule.name: [str(f) for f in o.findings] for o in outcomes} == {name: [] for name in HYGIENE}


def test_validate_prints_the_warnings_of_the_rules(small_copy):
    """A warn-level finding at the sources stage is printed, and validation passes (it crashed printing one)."""
    path = small_copy.knowledge_dir / "costa2015new.ttl"
    path.write_text(path.read_text() + '\nkg:costa2015-sample rdfs:comment "John Wiley \\\\& Sons"@en .\n')
    result = smekg("validate", cwd=small_copy.root)
    assert result.returncode == 0, result.stderr
    assert "kg:costa2015-sample: warn: carries BibTeX/LaTeX markup: '\\&'" in result.stderr
