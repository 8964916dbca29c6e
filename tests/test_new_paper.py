"""A paper added as the README's "Adding knowledge" says (a record in sources.bib, its reference list, its knowledge
file) keeps the suite's invariants true and every canned query answering: the tests take their counts from the
sources, not from constants (issue 21, point 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import test_broken_sources as broken_sources  # modules, not their tests: pytest would collect those again here
import test_queries_across_documents as across_documents
import test_query_interface as query_interface
from conftest import ROOT, copy_sources
from smekg import Project, Store, build, list_queries, run_query
from smekg.quality import check_release

FIXTURE = Path(__file__).parent / "fixtures" / "new_paper"
KEY = "fixture2024consortia"

pytestmark = pytest.mark.slow  # a full build of the whole project


@pytest.fixture(scope="module")
def with_paper(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project with the fixture paper added, built."""
    project = copy_sources(tmp_path_factory.mktemp("new-paper"))
    shutil.copytree(ROOT / "quality", project.root / "quality")
    with (project.references_dir / "sources.bib").open("a", encoding="utf-8") as sources:
        sources.write((FIXTURE / "sources.bib").read_text(encoding="utf-8"))
    shutil.copy(FIXTURE / f"{KEY}.bib", project.references_dir)
    shutil.copy(FIXTURE / f"{KEY}.ttl", project.knowledge_dir)
    build(project)
    return project


@pytest.fixture(scope="module")
def paper_store(with_paper: Project) -> Store:
    return Store.for_project(with_paper)


def test_the_suite_s_invariants_hold_with_a_new_paper(with_paper: Project, paper_store: Store):
    query_interface.test_stats_count_the_graph(with_paper, paper_store)
    across_documents.test_documents_side_by_side(with_paper, paper_store)
    broken_sources.test_the_knowledge_files_declare_no_class_or_property(with_paper)


def test_the_new_paper_is_in_the_answers(with_paper: Project, paper_store: Store):
    comparison = run_query("document-comparison", store=paper_store, project=with_paper)
    assert "Fixture & Example 2024" in {row["citation"] for row in comparison}
    smes = run_query("smes", store=paper_store, project=with_paper)
    assert "https://w3id.org/smekg/kg/fixture2024-firm-a" in {row["firm"] for row in smes}


def test_every_canned_query_still_answers(with_paper: Project, paper_store: Store, store: Store):
    """Each canned query runs on the graph with the new paper; one that answers on the real graph still does."""
    for query in list_queries(with_paper):
        before = run_query(query.name, store=store)
        after = run_query(query.name, store=paper_store, project=with_paper)
        assert after or not before, query.name


def test_the_release_with_a_new_paper_passes_the_release_gate(with_paper: Project):
    report = check_release(with_paper, owlapi=False)
    assert not report.fails("error"), [str(f) for f in report.findings("error")]
