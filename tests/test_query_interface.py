"""The canned-query interface: listing, parameters as bindings, formats, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from curated import source_records, typed_in_knowledge
from smekg import SmekgError, list_queries, run_query
from smekg.query import format_rows


def test_every_query_documents_its_question(project):
    queries = list_queries(project)
    assert queries
    for q in queries:
        assert q.title and q.question and q.sources, q.name


def test_unknown_parameter_is_a_clear_error(project, store):
    with pytest.raises(SmekgError, match="unknown parameter.*nonsense"):
        run_query("theories-explaining-collaboration", {"nonsense": "1"}, store=store, project=project)


def test_wrong_kind_of_value_is_a_clear_error(project, store):
    with pytest.raises(SmekgError, match="not a valid iri"):
        run_query("theories-explaining-collaboration", {"explained": "not an iri"}, store=store, project=project)


def test_iri_parameter_cannot_carry_query_text(project, store):
    with pytest.raises(SmekgError, match="not a valid iri"):
        run_query(
            "theories-explaining-collaboration",
            {"explained": "smekg:X>}} ; DROP ALL ; {{"},
            store=store,
            project=project,
        )


def test_parameter_is_bound_not_spliced(store):
    """A string that would break out of the query text arrives intact as a value."""
    hostile = 'x" } ; DROP ALL ; SELECT * { "'
    rows = store.select("SELECT ?v ?n WHERE { BIND(STRLEN(?v) AS ?n) }", {"v": ox.Literal(hostile)})
    assert rows == [{"v": hostile, "n": len(hostile)}]


def test_formats(project, store):
    rows = run_query("theories-explaining-collaboration", store=store, project=project)
    assert json.loads(format_rows(rows, "json"))[0]["theoryLabel"]
    assert format_rows(rows, "csv").splitlines()[0].startswith("theory,theoryLabel,articles")
    assert format_rows(rows, "markdown").splitlines()[1].startswith("|---|")
    assert format_rows(rows, "table").endswith(f"({len(rows)} rows)")


def test_cli_lists_queries(project):
    out = subprocess.run(
        [sys.executable, "-m", "smekg", "query", "--list", "--root", str(project.root)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "theories-explaining-collaboration" in out


def test_comparison_exports_as_latex(project, store):
    rows = run_query("document-comparison", store=store, project=project)
    latex = format_rows(rows, "latex")
    assert latex.startswith("\\begin{tabular}") and latex.endswith("\\end{tabular}")
    assert "Guimarães et al. 2021" in latex
    assert "x \\& y\\_z" in format_rows([{"a": "x & y_z"}], "latex")
    assert latex.count(" \\\\\n") == len(rows) + 1


def test_stats_count_the_graph(project, store):
    """The counts the sources determine (a paper added changes them) are compared with the sources."""
    from smekg import graph_stats

    stats = graph_stats(store)
    assert stats["source documents"] == len(source_records(project))
    assert stats["case firms"] == len(typed_in_knowledge(project, "smekg:CaseFirm"))
    assert stats["publications"] >= 200 and stats["claims"] > 700 and stats["triples"] > 20000


def test_projected_variables_are_read_from_the_select_clause():
    """Only projected parameters are also passed to Oxigraph as substitutions."""
    from smekg.query import projected

    assert projected("SELECT ?a (COUNT(?b) AS ?n) ?c\nWHERE { ?a ?b ?c }") == {"a", "n", "c"}
    assert projected("# SELECT ?x WHERE {\nSELECT DISTINCT ?y WHERE { { SELECT ?z WHERE {} } }") == {"y"}
    assert projected("SELECT * WHERE { ?s ?p ?o }") is None


def test_clauses_are_read_from_code_not_from_strings_comments_or_names():
    """SERVICE and the query form are keywords only outside strings, IRIs, comments, variables and prefixed names."""
    from smekg.query import refuse_non_select, refuse_service

    harmless = (
        "PREFIX ask: <http://example.org/construct#>\n# ASK SERVICE\n"
        "SELECT ?service WHERE { ?s smekg:service ?o ; rdfs:comment \"SERVICE <x> { }\", '''ASK\n{ }''' "
        "FILTER(?o != <http://example.org/ask#SERVICE>) }"
    )
    refuse_non_select(harmless)
    refuse_service(harmless)
    with pytest.raises(SmekgError, match=r"q.rq:3: q: error: a SERVICE clause"):
        refuse_service(
            'SELECT * WHERE {\n  ?s ?p "#" .\n  service <http://example.org/sparql> { ?s ?p ?o } }', "q.rq", "q"
        )
    with pytest.raises(SmekgError, match=r":2: error: a CONSTRUCT query"):
        refuse_non_select("PREFIX select: <http://example.org/>\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_bound_values_keep_every_line_number(store):
    """The injected VALUES block adds no line, so findings and engines' messages give the file's own lines."""
    from smekg.query import bind_values

    text = "SELECT ?v ?n\nWHERE {\n  BIND(STRLEN(?v) AS ?n)\n}\n"
    values = {"v": ox.Literal("two\nlines")}
    assert bind_values(text, values).count("\n") == text.count("\n")
    assert store.select(text, values) == [{"v": "two\nlines", "n": 9}]
