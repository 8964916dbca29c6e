"""Costa, Soares & de Sousa 2015 (seed 001) and the networking review (seed 002): tables, citations, model."""

from __future__ import annotations

import re

from smekg import run_query


def table_rows(text: str, start: str, end: str) -> dict[str, int]:
    """Rows 'label [3, 13-17, 8]' of a table in the source, with the number of references each lists."""
    block = text[text.index(start) : text.index(end, text.index(start))]
    rows = {}
    for label, refs in re.findall(r"^(\S.*?)\s*\[([\d,\s–-]+)\]\s*$", block, re.M):
        count = 0
        for part in refs.split(","):
            low, _, high = part.strip().replace("–", "-").partition("-")
            count += int(high) - int(low) + 1 if high else 1
        rows[label.strip()] = count
    return rows


def test_table_3_reasons_ranked_by_references(seeds, project, store):
    text = (seeds / "001_fdbf8f3eb43d0b69.txt").read_text(encoding="utf-8")
    source = table_rows(text, "Table 3.", "From the SLR results")
    rows = run_query("network-reasons", store=store, project=project)
    assert len(source) == len(rows) == 15
    assert sorted(source.values(), reverse=True) == [r["references"] for r in rows]
    assert rows[0]["reasonLabel"] == "rapid international growth" and rows[0]["references"] == 8
    assert all(len(r["citations"].split(", ")) == r["references"] for r in rows)


def test_table_2_intermediaries_ranked(seeds, project, store):
    text = (seeds / "001_fdbf8f3eb43d0b69.txt").read_text(encoding="utf-8")
    source = table_rows(text, "Table 2.", "The knowledge, experience")
    rows = run_query("intermediaries", store=store, project=project)
    assert len(source) == len(rows) == 10
    assert sorted(source.values(), reverse=True) == [r["references"] for r in rows]
    assert rows[0]["intermediaryLabel"] == "local partner" and rows[0]["references"] == 9


def test_decisions_networks_bear_on(project, store):
    rows = run_query("decision-making", store=store, project=project)
    costa = {r["objectLabel"]: r for r in rows if r["source"] == "Costa et al. 2015"}
    assert costa["export decision"]["references"] == 7
    assert costa["entry mode selection"]["references"] == 6


def test_numbered_citations_stay_unresolved(store):
    rows = store.select("""SELECT ?n ?to WHERE { ?c a smekg:InTextCitation ; smekg:statedIn work:costa2015new ;
                           smekg:referenceNumber ?n . OPTIONAL { ?c smekg:resolvesTo ?to } }""")
    assert sorted(r["n"] for r in rows) == list(range(1, 40))
    assert all(r["to"] is None for r in rows)


def test_author_year_citations_resolve_only_to_matching_records(store):
    rows = store.select("""SELECT ?label ?key ?year WHERE {
                             ?c a smekg:InTextCitation ; smekg:statedIn work:seed002review ;
                                smekg:citationLabel ?label ; smekg:resolvesTo ?w .
                             ?w smekg:citationKey ?key ; smekg:yearPublished ?year }""")
    assert rows
    for row in rows:
        assert str(row["year"]) in row["label"], row
        assert row["key"][:4].lower() in row["label"].lower().replace(" ", ""), row


def test_networking_model_categories(project, store):
    rows = run_query("networking-model", store=store, project=project)
    mains = {r["mainCategory"] for r in rows}
    assert mains == {
        "Antecedents of international networking",
        "Processes of international networking",
        "Consequences of international networking",
    }
    antecedents = {r["category"] for r in rows if r["mainCategory"].startswith("Antecedents")}
    assert len(antecedents) == 6
    resources = [r for r in rows if r["category"] == "Resources (antecedent)"]
    assert len(resources) == 9
    processes = {r["category"] for r in rows if r["mainCategory"].startswith("Processes") and r["category"]}
    assert len(processes) == 3


def test_review_protocol_counts(store):
    rows = store.select("""SELECT ?n WHERE { work:seed002review smekg:hasMethod ?m .
                           ?m smekg:hasScreeningStage ?s . ?s smekg:recordCount ?n } ORDER BY DESC(?n)""")
    assert [r["n"] for r in rows][:2] == [112, 47]
