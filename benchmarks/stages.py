"""One benchmark process: set up one task's inputs, then measure the requested stages in order.

    python benchmarks/stages.py TASK --dir WORK/x10 [--engine NAME] --runs 3 --timeout 180 --stages '["…"]'

Writes JSON lines (setup, start, result, timeout) on stdout for benchmarks/run.py, which starts one such
process per task and scale, and another for the remaining stages if one is killed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from engines import answer_digest, canned_queries, engine_factory, normal_rows
from measure import emit, measure
from prototypes import prototypes_task
from rdflib import DCTERMS, Graph, Literal
from shacl_cache import apply_changes, owners, validate_cached
from shacl_sparql import compile_shapes, load_store, run_checks
from validation import (
    compare,
    plant_violations,
    pyrudof_findings,
    pyshacl_findings,
    shapes_graph,
    sparql_findings,
)

from smekg import Project, build
from smekg.checks import check_annotations, check_references, check_terms
from smekg.reasoning import materialise_types, reasoning_input, run_hermit
from smekg.release import FORMATS, serialise, sorted_triples
from smekg.sources import compile_sources

Stage = tuple[Callable[[], Any], Callable[[Any], dict] | None]
LONG_STAGES = ("compile sources", "load (")  # input loading: they get --long-timeout, not --timeout


def load_rdflib(path: Path) -> Graph:
    """An N-Triples file in an rdflib graph, the setup time reported."""
    started = time.perf_counter()
    graph = Graph().parse(path, format="nt")
    emit("setup", f"load {path.name} into rdflib", seconds=time.perf_counter() - started, triples=len(graph))
    return graph


def compile_task(args: argparse.Namespace) -> dict[str, Stage]:
    """Compile the project folder, run the Python checks, and the per-file SHACL cache prototype."""
    project, shapes, state = Project(args.dir / "project"), shapes_graph(args.dir / "project" / "shapes"), {}

    def compiled() -> tuple:
        state["compiled"] = compile_sources(project)
        state["union"] = state["compiled"].union()
        return state["compiled"], state["union"]

    def checks() -> list:
        c, u = state["compiled"], state["union"]
        return check_references(c, u) + check_annotations(c) + check_terms(c, u)

    def cold() -> tuple:
        state["cache"] = {}
        return validate_cached(state["compiled"], state["union"], shapes, pyshacl_findings, state["cache"])

    def edited() -> tuple:
        edit_one_file(state)
        return validate_cached(state["compiled"], state["union"], shapes, pyshacl_findings, state["cache"])

    cached = lambda r: {"findings": len(r[0]), **r[1]}  # noqa: E731
    return {
        "compile sources": (compiled, lambda r: {"triples": len(r[1]), "files": len(r[0].files)}),
        "checks (references, annotations, terms)": (checks, lambda r: {"findings": len(r)}),
        "SHACL per-file cache: cold": (cold, cached),
        "SHACL per-file cache: warm": (
            lambda: validate_cached(state["compiled"], state["union"], shapes, pyshacl_findings, state["cache"]),
            cached,
        ),
        "SHACL per-file cache: one file edited": (edited, cached),
    }


def edit_one_file(state: dict) -> None:
    """Change one description in the last knowledge file (in its graph and in the union)."""
    compiled, union = state["compiled"], state["union"]
    gid = [g for g, rel in compiled.files.items() if rel.startswith("ontology/knowledge/")][-1]
    subject = sorted(owners(compiled)[gid])[0]
    state["edits"] = state.get("edits", 0) + 1
    text = Literal(f"edited {state['edits']}", lang="en")
    for graph in (compiled.dataset.graph(gid), union):
        graph.set((subject, DCTERMS.description, text))


def build_task(args: argparse.Namespace) -> dict[str, Stage]:
    """The whole pipeline as `smekg build` runs it, writing the project's release/."""
    return {"full build": (lambda: build(Project(args.dir / "project")), lambda r: r.timings)}


def graph_task(args: argparse.Namespace) -> dict[str, Stage]:
    """Stages on the compiled graph in rdflib: materialisation, SPARQL prototype, the release (sorting the
    triples into Oxigraph terms, then each serialization, of the base graph as write_release writes
    smekg-base.*), reasoning and pySHACL."""
    base = load_rdflib(args.dir / "base.nt")
    inferred = Graph().parse(args.dir / "inferred.nt", format="nt")
    shapes = shapes_graph(args.dir.parent / "x1" / "project" / "shapes")

    def sparql_from_rdflib() -> set:
        store = ox.Store()
        store.load(base.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return run_checks(store, compile_shapes(shapes))

    out, state = Path(tempfile.mkdtemp(prefix="smekg-bench-ser-")), {}

    def writer(ext: str, fmt: ox.RdfFormat) -> Callable[[], int]:
        def write() -> int:
            serialise(state["triples"], out / f"smekg-base.{ext}", fmt)
            return (out / f"smekg-base.{ext}").stat().st_size

        return write

    def triples() -> list:
        state["triples"] = sorted_triples(base)
        return state["triples"]

    return {
        "materialise types": (lambda: materialise_types(base + inferred), lambda r: {"triples": len(r)}),
        "SHACL SPARQL on Oxigraph (from rdflib graph)": (sparql_from_rdflib, lambda r: {"findings": len(r)}),
        "release: sorted triples (rdflib → Oxigraph)": (triples, lambda t: {"triples": len(t)}),
        **{f"serialize {ext}": (writer(ext, fmt), lambda size: {"bytes": size}) for ext, fmt in FORMATS.items()},
        "reasoning (input + HermiT)": (
            lambda: run_hermit(reasoning_input(base)),
            lambda r: {"consistent": r.consistent, "inferred": len(r.inferred)},
        ),
        "SHACL pySHACL": (lambda: pyshacl_findings(base, shapes), lambda r: {"findings": len(r)}),
    }


def validators_task(args: argparse.Namespace) -> dict[str, Stage]:
    """SHACL engines reading the compiled graph from an N-Triples file."""
    shapes_dir = args.dir.parent / "x1" / "project" / "shapes"
    data = args.dir / "base.nt"
    state: dict[str, Any] = {}

    def from_file() -> set:
        state["store"], state["checks"] = load_store(str(data)), compile_shapes(shapes_graph(shapes_dir))
        return run_checks(state["store"], state["checks"])

    return {
        "SHACL SPARQL on Oxigraph (from N-Triples file)": (from_file, lambda r: {"findings": len(r)}),
        "SHACL SPARQL on Oxigraph: checks only": (
            lambda: run_checks(state["store"], state["checks"]),
            lambda r: {"findings": len(r)},
        ),
        "SHACL pyrudof (from N-Triples file)": (
            lambda: pyrudof_findings(data, shapes_dir / "smekg-shapes.ttl"),
            lambda r: {"findings": len(r)},
        ),
    }


def queries_task(args: argparse.Namespace) -> dict[str, Stage]:
    """Load the full graph into one engine, then run every canned query with its default parameters."""
    state: dict[str, Any] = {}

    def load() -> Any:
        state["engine"] = engine_factory(args.engine)(args.dir / "full.nt")
        return state["engine"]

    def answers(rows: list[dict]) -> dict:
        return {
            "rows": len(rows),
            "digest": answer_digest(normal_rows(rows)),
            "lenient_digest": answer_digest(normal_rows(rows, lenient=True)),
        }

    load_stage = f"load ({args.engine})"
    if args.stages is not None and load_stage not in args.stages:
        load()  # a process started again after a stopped query still needs the data
    stages: dict[str, Stage] = {load_stage: (load, None)}
    for name, text in canned_queries(Project(args.dir.parent / "x1" / "project")):
        stages[f"query {name} ({args.engine})"] = (lambda text=text: state["engine"].select(text), answers)
    return stages


def equivalence_task(args: argparse.Namespace) -> dict[str, Stage]:
    """Findings of every validator on the real graph and on one with planted violations, compared."""
    project = Project(args.dir / "project")
    shapes_ttl = project.shapes_dir / "smekg-shapes.ttl"

    def run() -> dict:
        compiled = compile_sources(project)
        union = compiled.union()
        shapes = shapes_graph(project.shapes_dir)
        planted, what = plant_violations(union)
        report: dict[str, Any] = {"planted": what}
        for variant, graph in (("real", union), ("planted", planted)):
            if variant == "planted":
                apply_changes(compiled, union, planted)
            nt = args.dir / f"equivalence-{variant}.nt"
            graph.serialize(nt, format="nt", encoding="utf-8")
            found = {
                "pySHACL": pyshacl_findings(graph, shapes),
                "pyrudof": pyrudof_findings(nt, shapes_ttl),
                "SPARQL on Oxigraph": sparql_findings(nt, shapes),
                "per-file cache (pySHACL)": validate_cached(compiled, graph, shapes, pyshacl_findings, {})[0],
            }
            report[variant] = compare(found)
        return report

    return {"validator equivalence": (run, lambda r: r)}


TASKS = {
    "prototypes": prototypes_task,
    "compile": compile_task,
    "build": build_task,
    "graph": graph_task,
    "validators": validators_task,
    "queries": queries_task,
    "equivalence": equivalence_task,
}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=TASKS)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--engine", default="pyoxigraph")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=180)
    parser.add_argument("--long-timeout", type=int, default=600, help="for compiling sources and loading engines")
    parser.add_argument("--stages", type=json.loads, default=None, help="JSON list; default: every stage")
    parser.add_argument("--skip", type=json.loads, default=[], help="JSON list of stages not to run")
    parser.add_argument("--match", type=json.loads, default=[], help="JSON list: run only stages starting so")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stages = TASKS[args.task](args)
    chosen = [s for s in (args.stages if args.stages is not None else stages) if s not in args.skip]
    chosen = [s for s in chosen if not args.match or s.startswith(tuple(args.match))]
    emit("setup", args.task, seconds=time.perf_counter() - started, stages=chosen)
    for name in chosen:
        fn, info = stages[name]
        timeout = args.long_timeout if name.startswith(LONG_STAGES) else args.timeout
        measure(name, fn, args.runs if args.task != "equivalence" else 0, timeout, info)


if __name__ == "__main__":
    main(sys.argv[1:])
