"""Every canned query answers as in its snapshot (tests/snapshots/NAME.json), taken before the remodel of issue 16.

Each query runs with its defaults and with the parameters of querysnap.EXTRA_RUNS, on the real graph. The
comparison tolerates only what is not part of an answer's facts:
- the order of rows: SPARQL leaves ties of an ORDER BY to the engine; a ranking's ground (a count) is a column,
  so it is compared;
- the order of columns: rows are compared by column name;
- the order of items in a GROUP_CONCAT list (the snapshot's "lists", with their separator): SPARQL leaves it
  to the engine; such a cell is compared as its sorted items;
- how a literal is typed: it is compared by the value run_query gives (so "x"@en equals "x", 3 as xsd:int
  equals 3 as xsd:integer; a number still differs from a text).
Anything else is a difference: a renamed column, an IRI, a label, a count, a row lost or gained. An intended
one is taken knowingly: `python tests/snapshots/refresh.py` prints the differences and writes them only with
--accept; list them in your note.
"""

from __future__ import annotations

import copy
import json
import shutil
from collections import Counter

import pyoxigraph as ox
import pytest

from querysnap import FOLDER, ROOT, answer, compare, differences, list_columns, load, queries, refresh, runs_of
from smekg import run_query
from smekg.query import python_value

NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
REFRESH = "if the change is intended: PYTHONPATH=src python tests/snapshots/refresh.py [--accept]"


def test_every_query_has_a_snapshot_and_every_snapshot_a_query():
    assert sorted(p.stem for p in FOLDER.glob("*.json")) == NAMES, REFRESH


@pytest.mark.parametrize("name", NAMES)
def test_query_answers_as_in_its_snapshot(name, project, store):
    query = queries(project)[name]
    snapshot = load(name)
    assert [run["params"] for run in snapshot["runs"]] == runs_of(query), REFRESH
    report = compare(store, query, snapshot)
    if report:
        pytest.fail("\n".join([*report, REFRESH]), pytrace=False)


def test_snapshots_read_the_rows_run_query_returns(project, store):
    """answer() runs without Store.select's substitutions (a speed-up) to keep IRIs apart from literals."""

    def plain(row: tuple, columns: list[str], lists: dict[str, str]) -> tuple:
        return tuple(
            tuple(sorted(v.split(lists[c]))) if c in lists and isinstance(v, str) else v
            for c, v in zip(columns, row, strict=True)
        )

    for name, query in queries(project).items():
        lists = list_columns(query.text)
        for params in runs_of(query):
            columns, rows = answer(store, query, params)
            given = run_query(name, params, store=store, project=project)
            assert given.columns == columns, name
            expected = Counter(plain(tuple(map(python_value, row)), columns, lists) for row in rows)
            assert Counter(plain(tuple(row.values()), columns, lists) for row in given) == expected, (name, params)


def test_a_changed_value_a_renamed_column_and_a_lost_row_are_differences(project, store):
    query = queries(project)["smes"]
    run = load("smes")["runs"][0]
    assert differences(run, answer(store, query, {})) == []
    changed = copy.deepcopy(run)
    changed["rows"][0]["employees"] += 1
    lines = differences(changed, answer(store, query, {}))
    assert [line[:4] for line in lines] == ["  - ", "  + "] and '"employees"' in lines[0]
    renamed = copy.deepcopy(run)
    renamed["columns"][0] = "company"
    for row in renamed["rows"]:
        row["company"] = row.pop("firm")
    assert "columns lost: ['company'], gained: ['firm']" in differences(renamed, answer(store, query, {}))[0]
    fewer = copy.deepcopy(run)
    fewer["rows"].pop()
    assert [line[:4] for line in differences(fewer, answer(store, query, {}))] == ["  + "]


def test_row_column_and_list_item_order_are_not_differences(project, store):
    query = queries(project)["case-firms"]
    run = load("case-firms")["runs"][0]
    columns, rows = answer(store, query, {})
    reordered = [tuple(reversed(row)) for row in reversed(rows)]
    assert differences(run, (list(reversed(columns)), reordered)) == []
    at = columns.index("markets")
    row = next(i for i, row in enumerate(rows) if row[at] is not None and ", " in row[at].value)
    items = rows[row][at].value.split(", ")
    swapped = ox.Literal(", ".join(reversed(items)))
    shuffled = [*rows[:row], (*rows[row][:at], swapped, *rows[row][at + 1 :]), *rows[row + 1 :]]
    assert differences(run, (columns, shuffled)) == []


@pytest.mark.slow
def test_refresh_prints_a_difference_overwrites_only_with_accept_and_never_deletes(project, store, tmp_path, capsys):
    for snapshot_file in FOLDER.glob("*.json"):
        shutil.copy(snapshot_file, tmp_path)
    path = tmp_path / "smes.json"
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    snapshot["runs"][0]["rows"][0]["employees"] += 1
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    before = path.read_bytes()
    assert refresh(store, project, tmp_path, accept=False) == 1
    assert path.read_bytes() == before
    printed = capsys.readouterr().out
    assert "smes {}: rows lost (-), rows gained (+)" in printed and "NOT overwritten" in printed
    assert refresh(store, project, tmp_path, accept=True) == 0
    assert compare(store, queries(project)["smes"], load("smes", tmp_path)) == []
    assert refresh(store, project, tmp_path, accept=False) == 0
    stale = tmp_path / "a-removed-query.json"
    stale.write_text("{}", encoding="utf-8")
    assert refresh(store, project, tmp_path, accept=True) == 1 and stale.read_text(encoding="utf-8") == "{}"
    assert "no query 'a-removed-query' any more" in capsys.readouterr().out
