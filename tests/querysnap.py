"""Snapshots of every canned query's answer (issue 16, point 7): take them, write them, compare them.

A snapshot file (tests/snapshots/NAME.json) holds one run per parameter set: the parameters, the columns, the
columns that are GROUP_CONCAT lists (with their separator) and the rows. A cell is an IRI as "<iri>", a
literal as its value (a number, a boolean, else its text without language tag or datatype), a list as the
sorted list of its items, an unbound value as null. Rows are sorted, one per line, so a change is a one-line diff.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox

from smekg import Project, Store, list_queries
from smekg.query import CannedQuery, bind_values, bindings, code_only, python_value, refuse_non_select
from smekg.safeio import atomic_write
from smekg.vocab import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(__file__).resolve().parent / "snapshots"

# Besides its defaults, a query taking parameters runs with these values: each gives a non-empty answer, and all
# but governance-modes' (the one document with governance claims) one that differs from the default answer.
# Not here: queries whose other values all answer nothing on today's graph (collaboration-forms, intermediaries,
# network-reasons, deglobalization-challenges: one document each).
EXTRA_RUNS: dict[str, list[dict[str, str]]] = {
    "barriers-overcome": [{"under": "smekg:InternalBarrier"}],
    "concept": [{"concept": "smekg:Cluster"}, {"concept": "smekg:NetworkTheory"}],
    "curation-quality": [{"issue": "unresolved citation"}, {"issue": "claim without cited evidence"}],
    "decision-making": [{"decision": "smekg:CollaborativeDecisionMaking"}],
    "definitions-compared": [{"concept": "smekg:Cluster"}],
    "firms-by-network-type": [{"networkType": "smekg:InstitutionalNetwork"}],
    "governance-modes": [{"document": "work:guimaraes2021collaboration"}],
    "networking-model": [{"document": "work:gao2019role"}],
    "research-gaps": [{"under": "smekg:Cluster"}],
    "shared-works": [{"minDocuments": "1"}],
    "theories-explaining-collaboration": [{"explained": "smekg:Internationalization"}],
    "theory-uses": [{"theory": "smekg:NetworkTheory"}],
    "work-identifiers": [{"status": "linked"}, {"status": "unlinked"}],
}

AS_VARIABLE = re.compile(r"\bAS\s+\?(\w+)\s*\)", re.I)
SEPARATOR = re.compile(r'separator\s*=\s*"([^"]+)"|CONCAT\(\s*"([^"]+)"', re.I)


def opening(code: str, end: int) -> int:
    """Offset of the unmatched "(" before end: the start of the `(expression AS ?x)` ending there."""
    depth = 0
    for i in range(end - 1, -1, -1):
        if code[i] == ")":
            depth += 1
        elif code[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return 0


def list_columns(text: str) -> dict[str, str]:
    """Variables bound to a GROUP_CONCAT (directly, or through an expression over one), with their separator."""
    code = code_only(text)
    lists: dict[str, str] = {}
    found = True
    while found:
        found = False
        for match in AS_VARIABLE.finditer(code):
            start = opening(code, match.start())
            expression, name = code[start : match.start()], match.group(1)
            if name in lists:
                continue
            if "GROUP_CONCAT" in expression.upper():
                separator = SEPARATOR.search(text[start : match.start()])
                lists[name] = (separator.group(1) or separator.group(2)) if separator else " "  # SPARQL's default
                found = True
            elif inherited := [lists[v] for v in re.findall(r"\?(\w+)", expression) if v in lists]:
                lists[name] = inherited[0]
                found = True
    return lists


def cell(term: object, separator: str | None) -> object:
    """One answer cell in snapshot form (see the module docstring)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return "_:"  # a blank node's label changes from one load to the next
    value = python_value(term)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if separator and isinstance(value, str):
        return sorted(value.split(separator))
    return value


def answer(store: Store, query: CannedQuery, params: dict[str, str]) -> tuple[list[str], list[tuple]]:
    """The query's columns and rows as RDF terms, parameters bound by the same VALUES block as Store.select."""
    refuse_non_select(query.text, str(query.path), query.name)
    text = bind_values(query.text, bindings(query, params), str(query.path), query.name)
    solutions = store.store.query(text, prefixes=PREFIXES)
    return [v.value for v in solutions.variables], [tuple(row) for row in solutions]


def encoded(columns: list[str], rows: list[tuple], lists: dict[str, str]) -> list[dict[str, object]]:
    """Rows in snapshot form, sorted."""
    table = [{c: cell(t, lists.get(c)) for c, t in zip(columns, row, strict=True)} for row in rows]
    return sorted(table, key=canonical)


def canonical(row: dict[str, object]) -> str:
    """A row as one line of text that does not depend on column order."""
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


def take(store: Store, query: CannedQuery, params: dict[str, str]) -> dict[str, object]:
    """One run of a query, in snapshot form, its list columns read from the query's text."""
    columns, rows = answer(store, query, params)
    lists = {c: s for c, s in list_columns(query.text).items() if c in columns}
    return {"params": params, "columns": columns, "lists": lists, "rows": encoded(columns, rows, lists)}


def runs_of(query: CannedQuery) -> list[dict[str, str]]:
    return [{}, *EXTRA_RUNS.get(query.name, [])]


def provenance() -> dict[str, str]:
    """The commit (+dirty if tracked files had uncommitted changes), the time and the graph of a snapshot."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty=+dirty", "--abbrev=40"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"commit": commit, "date": when, "graph": "smekg-full.nt built from that commit"}


def dumps(name: str, taken: dict[str, str], runs: list[dict[str, object]]) -> str:
    """A snapshot file's text: valid JSON, one row per line."""

    def line(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for run in runs:
        rows = ",\n".join(f"      {line(row)}" for row in run["rows"])
        parts.append(
            f'    {{"params": {line(run["params"])},\n     "columns": {line(run["columns"])},\n'
            f'     "lists": {line(run["lists"])},\n     "rows": [\n{rows}\n     ]}}'
        )
    runs_text = ",\n".join(parts)
    return f'{{"query": {line(name)},\n "taken": {line(taken)},\n "runs": [\n{runs_text}\n ]}}\n'


def load(name: str, folder: Path = FOLDER) -> dict[str, object]:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


def differences(expected: dict[str, object], live: tuple[list[str], list[tuple]]) -> list[str]:
    """What the live answer lost and gained against one snapshot run, as readable lines; [] if the same."""
    columns, rows = live
    lines = []
    lost_columns, new_columns = set(expected["columns"]) - set(columns), set(columns) - set(expected["columns"])
    if lost_columns or new_columns:
        lines.append(f"  columns lost: {sorted(lost_columns)}, gained: {sorted(new_columns)}")
    before = Counter(map(canonical, expected["rows"]))
    after = Counter(map(canonical, encoded(columns, rows, expected["lists"])))
    lines += [f"  - {row}" for row in sorted((before - after).elements())]
    lines += [f"  + {row}" for row in sorted((after - before).elements())]
    return lines


def compare(store: Store, query: CannedQuery, snapshot: dict[str, object]) -> list[str]:
    """Every run of a snapshot against the live answer: a readable report per run, [] if all are the same."""
    report = []
    for run in snapshot["runs"]:
        lines = differences(run, answer(store, query, run["params"]))
        if lines:
            report += [f"{query.name} {json.dumps(run['params'])}: rows lost (-), rows gained (+)", *lines]
    return report


def queries(project: Project) -> dict[str, CannedQuery]:
    return {q.name: q for q in list_queries(project)}


def refresh(store: Store, project: Project, folder: Path, accept: bool) -> int:
    """Compare every query with its snapshot in folder; print each difference; write new snapshots, and changed
    ones only if accept. 0 when the folder now matches every query, 1 when a difference was left unwritten."""
    taken, status = provenance(), 0
    known = queries(project)
    for name, query in known.items():
        path = folder / f"{name}.json"
        runs = [take(store, query, params) for params in runs_of(query)]
        if path.exists():
            old = load(name, folder)
            report = compare(store, query, old)
            if [run["params"] for run in old["runs"]] != runs_of(query):
                report.append(f"{name}: parameter sets {[r['params'] for r in old['runs']]} → {runs_of(query)}")
            if not report:
                continue
            print("\n".join(report))
            if not accept:
                print(f"{path}: NOT overwritten (run with --accept to take the new answer)\n")
                status = 1
                continue
        atomic_write(path, dumps(name, taken, runs))
        print(f"{path}: written")
    for stale in sorted(set(p.stem for p in folder.glob("*.json")) - set(known)):
        print(f"{folder / stale}.json: no query {stale!r} any more; remove the file yourself (git rm) and say why")
        status = 1
    return status
