"""The canned-query interface: listing, parameters as bindings, formats, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest

from clirun import smekg_in_process
from curated import source_records, typed_in_knowledge
from smekg import SmekgError, list_queries, run_query
from smekg.query import CELL_WIDTH, cell_lines, format_rows


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


def test_an_iri_parameter_may_be_written_as_sparql_writes_it(project, store):
    """smekg:Cluster, the full IRI, and the full IRI in angle brackets give the same answer."""
    full = "https://w3id.org/smekg/ontology/Cluster"
    answers = [run_query("concept", {"concept": v}, store=store, project=project) for v in ("smekg:Cluster", full)]
    assert answers[0] and answers == [run_query("concept", {"concept": f"<{full}>"}, store=store, project=project)] * 2
    with pytest.raises(SmekgError, match="not a valid iri"):
        run_query("concept", {"concept": "<smekg:Cluster> } ; {"}, store=store, project=project)


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
    assert latex.startswith("\\begin{tabularx}{\\linewidth}{") and latex.endswith("\\end{tabularx}")
    assert ">{\\raggedright\\arraybackslash}X" in latex.splitlines()[0]  # the wide columns wrap
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


@pytest.mark.parametrize("glued", ["?o.SERVICE", "?o .SERVICE", "1SERVICE", "trueSERVICE", "}SERVICE"])
def test_a_service_glued_to_its_neighbour_is_refused(glued: str):
    """Oxigraph reads SERVICE as the keyword after a dot, a number or `true` with no space between them."""
    from smekg.query import refuse_service

    text = f"SELECT * WHERE {{ ?s ?p ?o {glued} <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(SmekgError, match="a SERVICE clause"):
        refuse_service(text, "q.rq", "q")


def test_a_service_inside_a_name_is_harmless():
    from smekg.query import refuse_service

    refuse_service("SELECT ?myservice WHERE { ?s ex:a.service ?o ; service:x ?myservice ; ex:SERVICE ?z }")


def test_bound_values_keep_every_line_number(store):
    """The injected VALUES block adds no line, so findings and engines' messages give the file's own lines."""
    from smekg.query import bind_values

    text = "SELECT ?v ?n\nWHERE {\n  BIND(STRLEN(?v) AS ?n)\n}\n"
    values = {"v": ox.Literal("two\nlines")}
    assert bind_values(text, values).count("\n") == text.count("\n")
    assert store.select(text, values) == [{"v": "two\nlines", "n": 9}]


def test_a_mistyped_iri_parameter_is_an_error_with_the_closest_names(project, store):
    with pytest.raises(
        SmekgError, match=r"concept=smekg:Clusterr names nothing in the graph; did you mean smekg:Cluster"
    ):
        run_query("concept", {"concept": "smekg:Clusterr"}, store=store, project=project)


def test_a_value_outside_the_allowed_ones_is_an_error_listing_them(project, store):
    with pytest.raises(
        SmekgError, match=r"'Linked' is not an allowed value of status; use one of 'all', 'linked', 'unlinked'"
    ):
        run_query("work-identifiers", {"status": "Linked"}, store=store, project=project)


def test_enumerated_parameters_declare_their_values_and_defaults_live_in_the_query(project):
    params = {q.name: {p.name: p for p in q.params} for q in list_queries(project)}
    assert params["work-identifiers"]["status"].allowed == ("all", "linked", "unlinked")
    assert params["work-identifiers"]["status"].default == ox.Literal("all")
    assert "unresolved citation" in params["curation-quality"]["issue"].allowed
    assert params["curation-quality"]["issue"].default is None  # UNDEF: every issue
    assert params["shared-works"]["minDocuments"].default.value == "2"


def test_a_parameter_without_its_values_row_is_refused(tmp_path):
    from smekg.query import parse_header

    path = tmp_path / "q.rq"
    path.write_text("# param: x (iri) — a thing\nSELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    with pytest.raises(SmekgError, match=r"need their defaults in a VALUES row"):
        parse_header("q", path)
    path.write_text(
        "# param: x (iri) = smekg:A — a thing\nSELECT ?x WHERE { VALUES (?x) { (UNDEF) } }\n", encoding="utf-8"
    )
    with pytest.raises(SmekgError, match=r"q.rq:1: q: error: malformed parameter .*the default goes in the VALUES row"):
        parse_header("q", path)


def test_a_given_value_replaces_the_values_row_and_keeps_the_lines(project, store):
    from smekg.query import bind_values, bindings, get_query

    query = get_query("work-identifiers", project)
    bound = bind_values(query.text, bindings(query, {"status": "unlinked"}))
    assert bound.count("\n") == query.text.count("\n")
    assert 'VALUES (?status) { ("unlinked") }' in bound and '("all")' not in bound


def test_ask_and_construct_from_python(store):
    text = "PREFIX smekg: <https://w3id.org/smekg/ontology/>\n{} WHERE {{ ?firm a smekg:SME }}"
    assert store.ask(text.format("ASK")) is True
    assert len(store.construct(text.format("CONSTRUCT { ?firm a smekg:SME }"))) == 6
    with pytest.raises(SmekgError, match="a ASK query where SELECT is expected"):
        store.select(text.format("ASK"))


def test_cli_runs_any_query_file_of_any_form(project, release, tmp_path):
    from clirun import smekg

    ask = tmp_path / "any.rq"
    ask.write_text("PREFIX smekg: <https://w3id.org/smekg/ontology/>\nASK WHERE { ?f a smekg:SME }\n", encoding="utf-8")
    construct = tmp_path / "graph.rq"
    construct.write_text(
        "PREFIX smekg: <https://w3id.org/smekg/ontology/>\nCONSTRUCT { ?f a smekg:SME } WHERE { ?f a smekg:SME }\n",
        encoding="utf-8",
    )
    folder = str(release.release_dir)
    assert smekg("query", str(ask), "--release", folder, "--root", str(project.root)).stdout == "true\n"
    out = smekg("query", str(construct), "--release", folder, "--root", str(project.root)).stdout
    assert "kg:gao2019-firm-a a smekg:SME ." in out


def test_a_one_shot_query_prints_its_whole_answer_before_it_exits(project, release, store):
    """`smekg query` ends without Python's teardown (entry.exit_at_once): its answer, larger than a pipe's buffer, still
    reaches the reader whole."""
    from clirun import smekg

    done = smekg("query", "evidence-map-impacts", "--format", "json", "--release", str(release.release_dir))
    assert done.returncode == 0 and len(done.stdout) > 65536, done.stderr
    assert len(json.loads(done.stdout)) == len(run_query("evidence-map-impacts", store=store, project=project))


@pytest.mark.parametrize("args", [(), ("--",)], ids=["plain", "click"])
def test_a_reader_that_stops_early_ends_smekg_quietly(release, args):
    """`smekg query NAME | head -1`: the answer (larger than a pipe's buffer) meets a closed pipe; smekg ends with
    status 1 and prints no finding, whichever way the command line is read (entry.py or click)."""
    from clirun import smekg_started

    running = smekg_started("query", "evidence-map-impacts", "--release", release.release_dir, *args)
    assert running.stdout.readline().startswith("impact")
    running.stdout.close()
    assert running.wait(timeout=120) == 1
    assert running.stderr.read() == ""


def test_a_release_older_than_its_sources_warns_naming_the_file(release, tmp_path):
    import os

    from clirun import smekg
    from conftest import copy_sources

    copy = copy_sources(tmp_path)
    built = (release.release_dir / "smekg-full.nt").stat().st_mtime
    for path in copy.root.rglob("*"):
        os.utime(path, (built - 60, built - 60))
    quiet = smekg("query", "smes", "--release", str(release.release_dir), "--root", str(copy.root))
    assert "changed after the release" not in quiet.stderr
    edited = copy.knowledge_dir / "gao2019role.ttl"
    os.utime(edited, (built + 60, built + 60))
    warned = smekg("query", "smes", "--release", str(release.release_dir), "--root", str(copy.root))
    assert f"{edited} changed after the release" in warned.stderr.replace("\n", "")


def test_long_cells_wrap_in_the_table_instead_of_being_cut():
    long = " ".join(f"word{i}" for i in range(40))
    table = format_rows([{"a": long, "b": 1}], "table")
    assert all(len(line) <= 80 + 3 for line in table.splitlines())
    assert " ".join(table.split()).count("word39") == 1 and "..." not in table


@pytest.mark.parametrize(
    "value",
    [
        "",
        " ",
        "short",
        "  leading",
        "trailing  ",
        "tab\tinside",
        "line\nbreak",
        "no\u00a0break",
        "x" * 80,
        "x" * 81,
        "word " * 17,
        "a-b-c " * 14,
    ],
)
def test_a_cell_has_the_lines_textwrap_gives_it(value):
    """The table's shortcut for short cells gives exactly textwrap's lines."""
    assert cell_lines(value) == (textwrap.wrap(value, CELL_WIDTH, break_on_hyphens=False) or [""])


def test_list_cells_compact_their_iris_like_other_cells():
    rows = [
        {"one": "https://w3id.org/smekg/kg/c1", "list": "https://w3id.org/smekg/kg/c1; https://w3id.org/smekg/kg/c2"}
    ]
    for fmt in ("table", "csv", "markdown"):
        out = format_rows(rows, fmt)
        assert "kg:c1; kg:c2" in out and "https://" not in out


def test_the_readmes_python_example_runs(store, monkeypatch):
    """The README's example of your own queries from Python, run as it is on the tests' release."""
    from pathlib import Path

    import smekg

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    example = readme.split("**Your own queries.**", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.setattr(smekg.Store, "for_project", classmethod(lambda cls, *a: store))
    names: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), names)  # noqa: S102 - the project's own documentation
    assert names["smes"].columns == ["firm", "employees"] and len(names["smes"]) == 6
    assert len(names["triples"]) == 6 and names["gaps"] and names["modes"]


@pytest.mark.parametrize("command", [("query", "smes"), ("stats",), ("validate",)])
def test_a_root_that_names_no_folder_is_a_finding(tmp_path, command):
    """--root given, smekg does not look elsewhere: a missing folder is said as such, not as a missing release."""
    missing = tmp_path / "missing"
    done = smekg_in_process(*command, "--root", missing)
    assert done.returncode == 1
    assert f"{missing}: error: --root names no folder" in done.stderr
