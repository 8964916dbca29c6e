"""Guimarães, Blanchet & Cimon 2021 (seed 003): its reference list and the canned queries on it."""

from __future__ import annotations

import difflib
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


# The 31 claims of Table 3 for which the text cites no source of its own (issue 19, point 3): each local name of
# kg:guimaraes2021-t3-…, the table row, its column (1 advantages, 2 disadvantages, 3 structure) and the item as printed.
ROW_LIST_CLAIMS = {
    "network-adv-knowledge": ("Network", 1, "Generate superior knowledge and capabilities"),
    "network-adv-scale": ("Network", 1, "Achieve economies or scale in operations"),
    "network-adv-specialization": ("Network", 1, "efficient scale of operations through specialization"),
    "network-dis-governance": ("Network", 2, "Difficulty in having effective governance"),
    "network-dis-loss-of-control": ("Network", 2, "Loss of control over operations"),
    "network-dis-misappropriation": ("Network", 2, "Misappropriation of technological know-how"),
    "network-dis-opportunism": ("Network", 2, "Opportunism"),
    "network-dis-partner-competitor": ("Network", 2, "The risk that a partner will become a stronger competitor"),
    "alliance-adv-autonomy": ("Strategic alliance", 1, "Preserve business autonomy"),
    "alliance-adv-imitability": ("Strategic alliance", 1, "Reduced imitability"),
    "alliance-adv-market-share": ("Strategic alliance", 1, "Increased market share"),
    "alliance-adv-profitability": ("Strategic alliance", 1, "Increase profitability"),
    "alliance-adv-scale": ("Strategic alliance", 1, "Economies of scale"),
    "alliance-structure-horizontal": ("Strategic alliance", 3, "Horizontal/vertical network"),
    "alliance-structure-vertical": ("Strategic alliance", 3, "Horizontal/vertical network"),
    "jv-dis-result-sharing": ("Joint venture", 2, "Instability in achieving a balanced distribution of results"),
    "jv-structure-horizontal": ("Joint venture", 3, "Horizontal network"),
    "consortium-adv-autonomy": ("Export consortia", 1, "Preservation of autonomy"),
    "consortium-adv-risk-sharing": ("Export consortia", 1, "Risk sharing"),
    "consortium-adv-scale": ("Export consortia", 1, "Economy of scale"),
    "consortium-adv-synergy": ("Export consortia", 1, "Benefit from synergies"),
    "consortium-dis-agency-costs": ("Export consortia", 2, "Agency costs"),
    "consortium-dis-conflicts": ("Export consortia", 2, "Conflicts of interest"),
    "consortium-dis-information-asymmetry": ("Export consortia", 2, "Information asymmetry"),
    "sma-adv-delivery-risk": ("Strategic marketing alliance", 1, "Minimization of the risk of delivery of goods"),
    "sma-adv-independence": ("Strategic marketing alliance", 1, "Keeping independence of business"),
    "sma-adv-new-customers": ("Strategic marketing alliance", 1, "Access to new consumers of goods and services"),
    "sma-adv-specialists": ("Strategic marketing alliance", 1, "Access to specialists"),
    "sma-adv-time-savings": ("Strategic marketing alliance", 1, "Time savings on building relationships"),
    "sma-dis-financial-participation": ("Strategic marketing alliance", 2, "Financial participation required"),
    "sma-dis-sales-control": ("Strategic marketing alliance", 2, "Reduction of the amount of control the sales"),
}
KG = "https://w3id.org/smekg/kg/guimaraes2021-t3-"


def table_3_rows(text: str) -> dict[str, list[str]]:
    """Table 3 as printed: its row name → its cells (type, advantages, disadvantages, structure, articles)."""
    table = text[text.index("Table 3. Types of collaboration") : text.index("3.4. Business Models")]
    rows = {}
    for line in table.splitlines():
        cells = [re.sub(r"<ul[^>]*>", "", cell).strip() for cell in line.split("\t")]
        if len(cells) == 5 and cells[0] != "Collaboration Type":
            rows[cells[0]] = cells
    return rows


def printed_citation(item: str) -> str:
    """'Akçay and Tan (2008)' as the records' short citation is written: 'Akçay & Tan 2008'."""
    return re.sub(r"\s*\((\d{4})\)$", r" \1", item.strip()).replace(" and ", " & ")


def record_of(printed: str, records: dict[str, str]) -> str:
    """The record (of the works the review cites) whose short citation is the printed one, allowing the review's
    misprints of a name ('Hahti' for Haahti, 'Boehe' for Boeher): the closest with the same year."""
    year = printed[-4:]
    same_year = {citation: work for citation, work in records.items() if citation.endswith(year)}
    match = difflib.get_close_matches(printed, same_year, n=1, cutoff=0.8)
    assert match, f"no record of the review matches {printed!r}"
    return same_year[match[0]]


def test_table_3_claims_without_a_source_of_their_own_keep_the_row_list_apart(seeds, store):
    """The 31 claims cite no work as evidence (the text names none for them) and record their row's article list,
    as printed in Table 3, with smekg:tableRowArticle: exactly these claims, exactly these lists."""
    rows = table_3_rows((seeds / "003_938f4889544c20ae.txt").read_text(encoding="utf-8"))
    assert len(rows) == 6
    records = {
        r["citation"]: r["work"]
        for r in store.select(
            f"SELECT ?work ?citation WHERE {{ <{DOC}> cito:cites ?work . ?work smekg:shortCitation ?citation }}"
        )
    }
    listed = store.select("""SELECT ?claim ?work WHERE { ?claim smekg:tableRowArticle ?work }""")
    row_lists: dict[str, set[str]] = {}
    for r in listed:
        row_lists.setdefault(r["claim"], set()).add(r["work"])
    assert set(row_lists) == {KG + name for name in ROW_LIST_CLAIMS}
    evidence = store.select("SELECT ?claim WHERE { ?claim smekg:tableRowArticle ?w ; cito:citesAsEvidence ?e }")
    assert evidence == []
    for name, (row, column, item) in ROW_LIST_CLAIMS.items():
        cells = rows[row]
        assert item in cells[column], (name, item)
        printed = {record_of(printed_citation(c), records) for c in cells[4].split(";")}
        assert row_lists[KG + name] == printed, name


def test_table_3_row_lists_are_the_rows_article_counts(store):
    """A claim's row list is the list of the row's article count claim (same form, same table)."""
    rows = store.select("""
        SELECT ?claim (COUNT(DISTINCT ?w) AS ?listed) (SAMPLE(?n) AS ?counted) WHERE {
          ?claim smekg:tableRowArticle ?w ; smekg:claimSubject ?form .
          ?count smekg:statedIn work:guimaraes2021collaboration ; smekg:claimSubject ?form ;
                 smekg:claimRelation smekg:supports ; smekg:articleCount ?n ; cito:citesAsEvidence ?w .
        } GROUP BY ?claim""")
    assert len(rows) == len(ROW_LIST_CLAIMS)
    assert all(r["listed"] == r["counted"] for r in rows)


def test_cluster_initiatives_and_cluster_organizations_stay_apart(seeds, store):
    """§3.3.2 keeps clusters, cluster initiatives and cluster organisations apart: an initiative can be formalised
    as a cluster organisation, which is not thereby a kind of initiative (issue 19)."""
    text = " ".join((seeds / "003_938f4889544c20ae.txt").read_text(encoding="utf-8").split())
    assert "differences that exist in the concepts of clusters, cluster initiatives, and cluster organizations" in text
    assert (
        "The cluster initiative can be formalized in the form of a cooperation agreement or a cluster organization"
        in text
    )
    rows = store.select(f"""
        SELECT ?s ?r ?o WHERE {{
          ?c smekg:statedIn <{DOC}> ; smekg:claimSubject ?s ; smekg:claimRelation ?r ; smekg:claimObject ?o .
          VALUES (?s ?o) {{ (smekg:ClusterOrganization smekg:ClusterInitiative)
                            (smekg:ClusterInitiative smekg:ClusterOrganization) }}
        }}""")
    short = [tuple(v.rsplit("/", 1)[-1] for v in (r["s"], r["r"], r["o"])) for r in rows]
    assert short == [("ClusterInitiative", "isAssociatedWith", "ClusterOrganization")]


def test_shared_works_shows_the_row_lists_apart_from_the_evidence(seeds, project, store):
    """shared-works counts, for each work, the claims citing it as evidence and, apart, the claims whose table row
    lists it (rowListClaims): for the works of Table 3, the pinned claims whose printed row lists them."""
    rows = table_3_rows((seeds / "003_938f4889544c20ae.txt").read_text(encoding="utf-8"))
    answer = {r["work"]: r for r in run_query("shared-works", {"minDocuments": "1"}, store=store, project=project)}
    records = {r["citation"]: w for w, r in answer.items() if "Guimarães et al. 2021" in parts(r["citedBy"])}
    expected: dict[str, int] = {}
    for row, _, _ in ROW_LIST_CLAIMS.values():
        for item in rows[row][4].split(";"):
            work = record_of(printed_citation(item), records)
            expected[work] = expected.get(work, 0) + 1
    listed = {w: r["rowListClaims"] for w, r in answer.items() if r["rowListClaims"]}
    assert listed == expected
    assert listed["https://w3id.org/smekg/work/tyll2020strategic"] == 7
