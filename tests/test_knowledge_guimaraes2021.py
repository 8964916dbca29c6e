"""Guimarães, Blanchet & Cimon 2021 (seed 003): its reference list and the canned queries on it."""

from __future__ import annotations

import re

from smekg import run_query

DOC = "https://w3id.org/smekg/work/guimaraes2021collaboration"


def rows_by(rows, key):
    return {r[key]: r for r in rows}


def parts(text: str | None, sep: str = "; ") -> set[str]:
    return set(text.split(sep)) if text else set()


def test_every_reference_list_item_is_a_record_cited_by_the_document(seeds, store):
    text = (seeds / "003_938f4889544c20ae.txt").read_text(encoding="utf-8")
    items = [line for line in text[text.index("\nReferences\n") :].splitlines() if line.startswith("- ")]
    cited = store.select(
        "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?d cito:cites ?w . ?w smekg:citationKey ?k }".replace(
            "?d", f"<{DOC}>"
        )
    )
    assert len(items) == 109
    assert cited[0]["n"] == len(items)


def test_review_method(store):
    rows = store.select(f"""
        SELECT ?code (COUNT(DISTINCT ?db) AS ?databases) ?start ?end WHERE {{
          <{DOC}> smekg:hasResearchQuestion ?q . ?q smekg:code ?code .
          <{DOC}> smekg:hasMethod ?m . ?m smekg:searchedDatabase ?db ; smekg:periodStart ?start ; smekg:periodEnd ?end .
        }} GROUP BY ?code ?start ?end ORDER BY ?code""")
    assert [r["code"] for r in rows] == ["Q1", "Q2"]
    assert {r["databases"] for r in rows} == {3}
    assert rows[0]["start"].year == 1990 and rows[0]["end"].year == 2020


def test_q1_forms_of_collaboration_match_table_3(project, store):
    rows = rows_by(run_query("collaboration-forms", store=store, project=project), "formLabel")
    articles = {label: r["articles"] for label, r in rows.items()}
    assert articles == {
        "interfirm network (collaboration form)": 27,
        "cluster": 37,
        "strategic alliance": 6,
        "joint venture": 4,
        "export consortium": 3,
        "strategic marketing alliance": 7,
    }
    assert parts(rows["joint venture"]["structure"], ", ") == {"horizontal"}
    assert parts(rows["export consortium"]["structure"], ", ") == {"horizontal"}
    assert parts(rows["cluster"]["structure"], ", ") == {"horizontal", "vertical"}
    assert rows["cluster"]["advantageCount"] == 10 and rows["cluster"]["disadvantageCount"] == 4
    assert rows["export consortium"]["advantageCount"] == 4
    assert {"information asymmetry", "conflict of interest", "agency costs"} == parts(
        rows["export consortium"]["disadvantages"]
    )
    assert "opportunism" in parts(rows["interfirm network (collaboration form)"]["disadvantages"])


def test_q1_article_counts_equal_the_articles_cited(store):
    rows = store.select("""
        SELECT ?form ?n (COUNT(DISTINCT ?w) AS ?cited) WHERE {
          ?c smekg:statedIn work:guimaraes2021collaboration ; smekg:claimRelation smekg:supports ;
             smekg:claimSubject ?form ; smekg:articleCount ?n ; cito:citesAsEvidence ?w .
          ?form rdfs:subClassOf* smekg:CollaborationForm .
        } GROUP BY ?form ?n""")
    assert len(rows) == 6
    assert all(r["n"] == r["cited"] for r in rows)


def test_q2_governance_modes_match_table_4(project, store):
    rows = run_query("governance-modes", {"document": "work:guimaraes2021collaboration"}, store=store, project=project)
    counted = {(r["formLabel"], r["modeLabel"]): r for r in rows if r["articles"] is not None}
    assert {k: r["articles"] for k, r in counted.items()} == {
        ("interfirm network (collaboration form)", "network administrative organization"): 2,
        ("interfirm network (collaboration form)", "network contract"): 4,
        ("cluster", "cluster organization"): 3,
    }
    assert (
        "Wegner et al. 2018"
        in counted[("interfirm network (collaboration form)", "network administrative organization")]["citedWorks"]
    )
    assert any(r["modeLabel"] == "relational governance" for r in rows)


def test_disagreements_in_the_review(project, store):
    rows = run_query("disagreements", store=store, project=project)
    side = {(r["subjectLabel"], r["objectLabel"], r["directionLabel"]): r for r in rows}
    assert parts(side[("geographic proximity", "export performance", "no effect")]["holders"]) == {
        "Brache & Felzensztein 2019"
    }
    assert parts(side[("geographic proximity", "export performance", "positive")]["holders"]) == {
        "Becchetti & Rossi 2000",
        "Boeher 2013",
    }
    network = [r for r in rows if r["subjectLabel"] == "network" and r["objectLabel"] == "international performance"]
    assert {r["directionLabel"] for r in network} == {"positive", "no effect"}
    assert {"Manolova et al. 2010", "Jeong et al. 2019"} <= {h for r in network for h in parts(r["holders"])}
    # a claim on a narrower object counts on the broader question's side, and says which object it is about
    support = side[("support programme", "performance outcome", "no effect")]
    assert "Zulu-Chisanga et al. 2020" in parts(support["holders"]) and support["narrower"] == "financial performance"


def test_government_support_programmes_and_services(project, store):
    rows = run_query("support-programmes", store=store, project=project)
    collaboration = next(r for r in rows if r["programmeKindLabel"] == "collaboration support programme")
    assert collaboration["programmes"] == 12
    assert {"China", "Denmark", "Portugal", "United States", "Canada"} <= parts(collaboration["countries"], ", ")
    services = {r["serviceKindLabel"]: r for r in rows if r["programmeKindLabel"] == "export promotion programme"}
    assert services["experiential service"]["serviceCount"] == 4
    assert services["informative service"]["serviceCount"] == 4
    assert any(re.search("trade missions", s) for s in parts(services["experiential service"]["services"]))
    assert any(re.search("foreign language", s) for s in parts(services["informative service"]["services"]))
