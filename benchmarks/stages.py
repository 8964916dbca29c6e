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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from engines import answer_digest, canned_queries, engine_factory, normal_rows
from measure import deadline, emit, measure
from rdflib import Graph
from validation import (
    compare,
    plant_violations,
    pyrudof_findings,
    pyshacl_findings,
    shapes_graph,
    smekg_findings,
)

from smekg import Project, build
from smekg.bibliography import Bibliography
from smekg.checks import check_annotations, check_references, check_shapes, check_terms
from smekg.reasoning import INFERRED, reason
from smekg.release import FORMATS, write_formats, write_triples
from smekg.sources import Compiled, compile_sources
from smekg.vocab import SOURCE

REPO = Path(__file__).resolve().parent.parent
LONG_STAGES = ("full build", "compile sources", "load ")  # they get --long-timeout, not --timeout
LOAD_BASE = "load base.nt into Oxigraph"
CHECKS = "checks (references, annotations, terms)"
SHACL = "SHACL (smekg, SPARQL on Oxigraph)"
REASONING = "reasoning (OWL 2 DL: Konclude, or HermiT)"
RELEASE = "release: triples (base + full)"


@dataclass
class Stage:
    """What a stage runs, what it reports of the result, the stages whose state it needs, whether it is
    measured (else it only runs, unmeasured, when a chosen stage needs it), and how to drop the result it
    keeps, so that each run starts without the previous run's graph in memory."""

    run: Callable[[], Any]
    info: Callable[[Any], dict] | None = None
    needs: tuple[str, ...] = ()
    measured: bool = True
    reset: Callable[[], Any] | None = None


def findings(result: list) -> dict:
    return {"findings": len(result)}


def all_checks(compiled: Compiled) -> list:
    """smekg's checks of references, annotations and terms (SPARQL on the store)."""
    return check_references(compiled) + check_annotations(compiled) + check_terms(compiled)


def build_task(args: argparse.Namespace) -> dict[str, Stage]:
    """The whole pipeline as `smekg build` runs it, writing the project's release/; its own step timings."""
    report = lambda r: {"timings": r.timings, "reasoning": r.reasoning, **r.counts}  # noqa: E731
    return {"full build": Stage(lambda: build(Project(args.dir / "project")), report)}


def compile_task(args: argparse.Namespace) -> dict[str, Stage]:
    """Compile the project folder into Oxigraph, then run the checks on the compiled sources."""
    project, state = Project(args.dir / "project"), {}

    def compiled() -> Compiled:
        state["compiled"] = compile_sources(project)
        return state["compiled"]

    return {
        "compile sources": Stage(
            compiled, lambda c: {"quads": len(c.store), "files": len(c.files)}, reset=lambda: state.pop("compiled", 0)
        ),
        f"{CHECKS} (compiled sources)": Stage(lambda: all_checks(state["compiled"]), findings, ("compile sources",)),
    }


def load_base(args: argparse.Namespace) -> Compiled:
    """base.nt in one named graph of an Oxigraph store, as a Compiled of the ×1 project (for its shapes)."""
    store, graph = ox.Store(), SOURCE["base.nt"]
    store.bulk_load(path=str(args.dir / "base.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    project = Project.find(REPO)  # its shapes as they are now (the data is the ×1 snapshot's)
    return Compiled(project=project, store=store, bibliography=Bibliography(), files={str(graph): "base.nt"})


def graph_task(args: argparse.Namespace) -> dict[str, Stage]:
    """smekg's pipeline after compiling, on the replicated base graph: checks, SHACL, reasoning, the release
    (base and full triples, then each serialization of the full release), and pySHACL for comparison."""
    state: dict[str, Any] = {}
    out = Path(tempfile.mkdtemp(prefix="smekg-bench-ser-"))

    def load() -> Compiled:
        state["compiled"] = load_base(args)
        return state["compiled"]

    def reasoning() -> dict:
        state["compiled"].store.remove_graph(INFERRED)
        route, found = reason(state["compiled"])
        return {"route": route, "findings": len(found)}

    def release() -> dict:
        """The base and full N-Triples files, as smekg.release.write_release makes them (external sort)."""
        return write_triples(out, state["compiled"].nt_lines(), state["compiled"].nt_lines([INFERRED]))

    def write() -> dict:
        write_formats(out / "smekg-full.nt", "full")
        return {ext: (out / f"smekg-full.{ext}").stat().st_size for ext in FORMATS}

    def rdflib() -> None:
        state["rdflib"] = load_rdflib(args.dir / "base.nt")

    def pyshacl() -> set:
        return pyshacl_findings(state["rdflib"], shapes_graph(REPO / "shapes"))

    return {
        LOAD_BASE: Stage(load, lambda c: {"triples": len(c.store)}, reset=lambda: state.pop("compiled", 0)),
        CHECKS: Stage(lambda: all_checks(state["compiled"]), findings, (LOAD_BASE,)),
        SHACL: Stage(lambda: check_shapes(state["compiled"]), findings, (LOAD_BASE,)),
        REASONING: Stage(reasoning, lambda r: r, (LOAD_BASE,)),
        RELEASE: Stage(release, lambda r: r, (REASONING,)),
        "write the full release (every format)": Stage(write, lambda r: r, (RELEASE,)),
        "load base.nt into rdflib": Stage(rdflib, measured=False),
        "SHACL pySHACL": Stage(pyshacl, findings, ("load base.nt into rdflib",)),
    }


def load_rdflib(path: Path) -> Graph:
    """An N-Triples file in an rdflib graph, the time reported as a setup event."""
    started = time.perf_counter()
    graph = Graph().parse(path, format="nt")
    emit("setup", f"load {path.name} into rdflib", seconds=time.perf_counter() - started, triples=len(graph))
    return graph


def validators_task(args: argparse.Namespace) -> dict[str, Stage]:
    """SHACL engines reading the compiled graph from an N-Triples file: smekg's and pyrudof."""
    shapes_dir = REPO / "shapes"
    data = args.dir / "base.nt"
    return {
        "SHACL smekg (from N-Triples file)": Stage(lambda: smekg_findings(data, shapes_graph(shapes_dir)), findings),
        "SHACL pyrudof (from N-Triples file)": Stage(
            lambda: pyrudof_findings(data, shapes_dir / "smekg-shapes.ttl"), findings
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
    stages = {load_stage: Stage(load, reset=lambda: state.pop("engine", 0))}
    # the repository's queries, not the ×1 snapshot's: a rerun (--only) keeps the snapshot but measures the
    # queries as they are now
    for name, text, values in canned_queries(Project.find(REPO)):
        run = lambda text=text, values=values: state["engine"].select(text, values)  # noqa: E731
        stages[f"query {name} ({args.engine})"] = Stage(run, answers, (load_stage,))
    return stages


def equivalence_task(args: argparse.Namespace) -> dict[str, Stage]:
    """Findings of every validator on the real graph and on one with planted violations, compared."""
    project = Project(args.dir / "project")
    shapes_ttl = project.shapes_dir / "smekg-shapes.ttl"

    def run() -> dict:
        union, shapes = compile_sources(project).union(), shapes_graph(project.shapes_dir)
        planted, what = plant_violations(union)
        report: dict[str, Any] = {"planted_violations": what}
        for variant, graph in (("real", union), ("planted", planted)):
            nt = args.dir / f"equivalence-{variant}.nt"
            graph.serialize(nt, format="nt", encoding="utf-8")
            found = {
                "pySHACL": pyshacl_findings(graph, shapes),
                "pyrudof": pyrudof_findings(nt, shapes_ttl),
                "smekg (SPARQL on Oxigraph)": smekg_findings(nt, shapes),
            }
            report[variant] = compare(found)
        return report

    return {"validator equivalence": Stage(run, lambda r: r)}


TASKS = {
    "build": build_task,
    "compile": compile_task,
    "graph": graph_task,
    "validators": validators_task,
    "queries": queries_task,
    "equivalence": equivalence_task,
}


def needed(stages: dict[str, Stage], name: str) -> list[str]:
    """Every stage whose state the named stage needs, directly or not, in stage order."""
    found, todo = set(), list(stages[name].needs)
    while todo:
        stage = todo.pop()
        if stage not in found:
            found.add(stage)
            todo += stages[stage].needs
    return [s for s in stages if s in found]


def prepare(stages: dict[str, Stage], name: str, chosen: list[str], done: set[str], timeout: int) -> None:
    """Run once, unmeasured and within timeout seconds, what the named stage needs that is not measured itself (a
    process started again after a stopped stage, --match, or a comparison's input), just before the stage: the
    rdflib graph pySHACL needs is then not held in memory while smekg's own stages are measured."""
    for need in needed(stages, name):
        if need not in chosen and need not in done:
            with deadline(timeout):
                stages[need].run()
            done.add(need)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("task", choices=TASKS)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--engine", default="pyoxigraph")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=180)
    parser.add_argument("--long-timeout", type=int, default=600, help="for builds, compiling and loading")
    parser.add_argument("--stages", type=json.loads, default=None, help="JSON list; default: every stage")
    parser.add_argument("--skip", type=json.loads, default=[], help="JSON list of stages not to run")
    parser.add_argument("--match", type=json.loads, default=[], help="JSON list: run only stages starting so")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    stages = TASKS[args.task](args)
    listed = args.stages if args.stages is not None else [s for s, stage in stages.items() if stage.measured]
    chosen = [s for s in listed if s not in args.skip]
    chosen = [s for s in chosen if not args.match or s.startswith(tuple(args.match))]
    needs = {s: needed(stages, s) for s in stages}
    emit("setup", args.task, seconds=time.perf_counter() - started, stages=chosen, needs=needs)
    prepared: set[str] = set()
    for name in chosen:
        prepare(stages, name, chosen, prepared, args.long_timeout)
        timeout = args.long_timeout if name.startswith(LONG_STAGES) else args.timeout
        stage = stages[name]
        measure(name, stage.run, args.runs if args.task != "equivalence" else 0, timeout, stage.info, stage.reset)


if __name__ == "__main__":
    main(sys.argv[1:])
