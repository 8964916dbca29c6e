"""Canned query: which theories explain collaborative SME internationalization (003 §3.1, Table 2)."""

from __future__ import annotations

from smekg import run_query


def test_four_theories_with_article_counts_and_cited_works(project, store):
    rows = run_query("theories-explaining-collaboration", store=store, project=project)
    by_theory = {r["theoryLabel"]: r for r in rows if r["source"] == "Guimarães et al. 2021"}
    counts = {label: r["articles"] for label, r in by_theory.items() if r["articles"] is not None}
    assert counts == {
        "resource-based view": 20,
        "transaction cost economics": 11,
        "Uppsala model": 13,
        "network theory": 20,
    }
    assert "Barney 1991" in by_theory["resource-based view"]["citedWorks"]
    assert "Johanson & Vahlne 2009" in by_theory["Uppsala model"]["citedWorks"]
    assert "Mesquita & Lazzarini 2008" in by_theory["transaction cost economics"]["citedWorks"]
    assert "Havierníková & Mynarzová 2018" in by_theory["network theory"]["citedWorks"]
    assert all(r["locator"].endswith("Table 2") for r in by_theory.values() if r["articles"])
