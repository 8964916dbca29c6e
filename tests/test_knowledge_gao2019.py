"""Gao, Qu & Zhang 2019 (seed 000): its reference list, case firms, and the canned queries on it."""

from __future__ import annotations

from smekg import run_query

DOC = "https://w3id.org/smekg/work/gao2019role"


def parts(text: str | None, sep: str = "; ") -> set[str]:
    return set(text.split(sep)) if text else set()


def reference_list(seeds) -> list[str]:
    lines = (seeds / "000_498854dd997978da.txt").read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.strip() == "Reference List")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Appendix 1"))
    return [line for line in lines[start + 1 : end] if line.strip() and not line.strip().isdigit()]


def test_every_reference_list_item_is_a_record(seeds, project, store):
    items = reference_list(seeds)
    entries = (project.references_dir / "gao2019role.bib").read_text(encoding="utf-8").count("\n@")
    records = store.select(f"SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE {{ <{DOC}> cito:cites ?w }}")[0]["n"]
    assert len(items) == entries == 94
    assert records == 93, "the list prints Wang, Chen & Huang 2014 twice; it is one record"


def test_works_cited_by_two_documents_are_one_record(store):
    rows = store.select("""SELECT ?w WHERE { work:gao2019role cito:cites ?w .
                           work:guimaraes2021collaboration cito:cites ?w }""")
    assert "https://w3id.org/smekg/work/oparaocha2015smes" in {r["w"] for r in rows}


def test_research_question_for_each_challenge(project, store):
    rows = run_query("deglobalization-challenges", store=store, project=project)
    by_pair = {(r["challengeLabel"], r["impactLabel"]): r for r in rows}
    challenges = {c for c, _ in by_pair} - {"deglobalization"}
    assert challenges == {
        "economic barrier",
        "lack of information",
        "loss of customers' and partners' confidence",
        "political change",
    }
    assert {i for c, i in by_pair if c == "economic barrier"} == {"cost reduction", "access to new customers"}
    assert {i for c, i in by_pair if c == "lack of information"} == {"information communication"}
    info = by_pair[("lack of information", "information communication")]
    assert {"business network", "social network", "institutional network"} <= parts(info["networkTypes"])
    assert "Company C (Gao, Qu & Zhang 2019)" in parts(info["reportedBy"])
    assert {i for c, i in by_pair if c == "deglobalization"} == {
        "information communication",
        "access to new customers",
        "cost reduction",
        "reliable support",
    }


def test_six_case_firms_as_in_table_2(project, store):
    rows = {
        r["firmLabel"]: r
        for r in run_query("case-firms", store=store, project=project)
        if r["study"] == "Gao et al. 2019"
    }
    table2 = {
        "A": (12, 4, "medical equipment"),
        "B": (20, 2, "food"),
        "C": (17, 3, "food"),
        "D": (59, 4, "food"),
        "E": (24, 2, "food"),
        "F": (36, 3, "health care"),
    }
    assert len(rows) == 6
    for code, (employees, markets, industry) in table2.items():
        row = rows[f"Company {code} (Gao, Qu & Zhang 2019)"]
        assert (row["employees"], row["foreignMarkets"], row["industry"]) == (employees, markets, industry)
        assert row["sizeClass"] == "https://w3id.org/smekg/ontology/SME"
        assert "China" in row["location"] and "United States" in row["markets"]
    assert {"European Union", "East Asia"} <= parts(rows["Company F (Gao, Qu & Zhang 2019)"]["markets"], ", ")


def test_firms_by_network_type_include_subtypes(project, store):
    rows = run_query("firms-by-network-type", {"networkType": "smekg:Network"}, store=store, project=project)
    institutional = run_query(
        "firms-by-network-type", {"networkType": "smekg:InstitutionalNetwork"}, store=store, project=project
    )
    assert {r["usedTypeLabel"] for r in rows} >= {"business network", "social network", "institutional network"}
    assert {r["firm"] for r in institutional} < {r["firm"] for r in rows}
    assert all(r["usedTypeLabel"] == "institutional network" for r in institutional)


def test_smes_are_classified_by_the_reasoner_not_by_hand(project, store, base_store):
    rows = run_query("smes", store=store, project=project)
    assert {r["firmLabel"][:9] for r in rows} == {f"Company {c}" for c in "ABCDEF"}
    assert all(r["employees"] <= r["ceiling"] == 250 for r in rows)
    assert base_store.select("SELECT ?x WHERE { ?x a smekg:SME }") == []
