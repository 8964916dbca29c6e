"""Every canned query runs as it is in other SPARQL 1.1 engines (issue 21, point 3): pasted unchanged into the
Oxigraph server and into Virtuoso 7.2, and through `smekg query --endpoint` (with its defaults and with the
snapshots' other parameter values), it gives the rows the embedded store gives. Rows are compared as a multiset,
cells with their Python type (Virtuoso's 1 is not true), GROUP_CONCAT lists as sets of items."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from querysnap import ROOT, list_columns, runs_of
from smekg import list_queries, run_query
from smekg.endpoint import Endpoint, Limits, results_table
from smekg.query import Rows
from sparqlservers import oxigraph_server, virtuoso_server

if TYPE_CHECKING:
    from smekg.query import Value

pytestmark = pytest.mark.slow

NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
LIMITS = Limits(connect=60, total=300)


@pytest.fixture(scope="module")
def oxigraph(release, tmp_path_factory):
    for base in oxigraph_server(release.release_dir, tmp_path_factory.mktemp("oxigraph")):
        yield f"{base}/query"


@pytest.fixture(scope="module")
def virtuoso(release, tmp_path_factory):
    yield from virtuoso_server(release.release_dir, tmp_path_factory.mktemp("virtuoso"))


def comparable(rows: list[dict[str, Value]], lists: dict[str, str]) -> Counter:
    """Rows as a multiset of cells with their type; a list cell as the set of its items."""

    def cell(column: str, value: Value) -> object:
        if column in lists and isinstance(value, str):
            return frozenset(value.split(lists[column]))
        return (type(value).__name__, value)

    return Counter(tuple(sorted((c, cell(c, v)) for c, v in row.items())) for row in rows)


def pasted(url: str, text: str) -> Rows:
    """The answer to the query file's text exactly as it is, sent by the SPARQL 1.1 Protocol."""
    return results_table(json.loads(Endpoint(url, LIMITS).fetch(text, "")))


def same_rows_everywhere(url: str, name: str, project, store) -> None:
    query = next(q for q in list_queries(project) if q.name == name)
    lists = list_columns(query.text)
    embedded = run_query(name, store=store, project=project)
    as_is = pasted(url, query.text)
    assert as_is.columns == embedded.columns
    assert comparable(as_is, lists) == comparable(embedded, lists)
    for params in runs_of(query):
        expected = run_query(name, params, store=store, project=project)
        remote = run_query(name, params, store=Endpoint(url, LIMITS), project=project)
        assert comparable(remote, lists) == comparable(expected, lists), params


@pytest.mark.parametrize("name", NAMES)
def test_query_runs_as_is_on_the_oxigraph_server(name, oxigraph, project, store):
    same_rows_everywhere(oxigraph, name, project, store)


@pytest.mark.parametrize("name", NAMES)
def test_query_runs_as_is_on_virtuoso(name, virtuoso, project, store):
    same_rows_everywhere(virtuoso, name, project, store)
