"""Content hygiene of the evidence and the records (issue 19, points 3–5): duplicates, and the report rules that
measure over-attribution, BibTeX markup, organisations typed as persons and agents named twice."""

from __future__ import annotations

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
