"""Benchmark the smekg pipeline, the canned queries and three engines on the real graph and synthetic ×N graphs.

    python benchmarks/run.py [--scales 1,10,100,1000] [--runs 3] [--out benchmarks/results]

Each task (a group of stages sharing one input) runs in a fresh process (benchmarks/stages.py); every stage
is timed after a warm-up run, as the median of --runs runs (one run when the warm-up takes over 10 s), with
its peak RSS. A stage over --timeout seconds, or over --mem-limit-gb for the process group, is recorded as
not finished and the task goes on in a new process. Writes benchmark.json and benchmark.md into --out.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from render import render
from report import fits, machine, targets
from stages import LONG_STAGES
from synthetic import make_project, replicate_nt

from smekg import Project, build
from smekg.errors import SmekgError

HERE = Path(__file__).resolve().parent
ENGINES = ("pyoxigraph", "oxrdflib", "rdflib")


@dataclass
class Settings:
    """What the command line asked for."""

    scales: list[int]
    runs: int
    timeout: int
    long_timeout: int
    query_timeout: int
    mem_limit_mb: float
    work: Path
    out: Path
    only: list[str] = field(default_factory=list)
    match: list[str] = field(default_factory=list)
    command: str = ""
    started: float = field(default_factory=time.time)


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in a process group (the stage process and its JVM), in MiB."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024**2


def child_command(
    settings: Settings, task: str, scale: int, stages: list[str] | None, skip: list[str], engine: str, timeout: int
) -> list[str]:
    """The command line of a stage process."""
    options = {
        "--dir": str(settings.work / f"x{scale}"),
        "--engine": engine,
        "--runs": str(settings.runs),
        "--timeout": str(timeout),
        "--long-timeout": str(settings.long_timeout),
        "--stages": json.dumps(stages),
        "--skip": json.dumps(skip),
        "--match": json.dumps(settings.match),
    }
    return [sys.executable, str(HERE / "stages.py"), task, *(x for pair in options.items() for x in pair)]


class Child:
    """One stage process: its JSON events, the memory of its process group, and a hard deadline per run of a stage."""

    def __init__(self, command: list[str], log: Path, limit_mb: float, grace_s: float):
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log.open("a"), bufsize=0, start_new_session=True, cwd=HERE
        )
        self.pending = b""  # output read but not yet a whole line
        self.limit_mb, self.grace_s = limit_mb, grace_s
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)
        self.current: str | None = None
        self.deadline = float("inf")
        self.group_peak = 0.0
        self.stopped = False
        self.timeout = 0

    def events(self):
        """Yield each event; end with a 'killed' or 'timeout' event if the process is stopped mid-stage.

        The pipe is read unbuffered, as bytes are available: a buffered reader could hold a stage's 'start' line
        that select() no longer reports, and a stage killed then was blamed on the task's setup."""
        while True:
            if self.selector.select(timeout=0.5):
                data = os.read(self.proc.stdout.fileno(), 1 << 16)
                if not data:
                    return
                *lines, self.pending = (self.pending + data).split(b"\n")
                for line in lines:
                    yield from self.on_event(json.loads(line))
                continue
            rss = group_rss_mb(self.proc.pid)
            self.group_peak = max(self.group_peak, rss)
            if rss > self.limit_mb or time.monotonic() > self.deadline:
                self.kill()
                self.stopped = True
                if rss > self.limit_mb:
                    yield {"event": "killed", "stage": self.current, "message": f"{rss / 1024:.1f} GB RSS"}
                else:
                    yield {"event": "timeout", "stage": self.current, "timeout": self.timeout, "message": "stopped"}
                return

    def on_event(self, event: dict):
        if event["event"] == "run":  # the stage's next run: a new deadline, the same stage peak
            self.deadline = time.monotonic() + event["timeout"] + self.grace_s
            return []
        if event["event"] == "start":
            self.current, self.group_peak, self.timeout = event["stage"], 0.0, event["timeout"]
            self.deadline = time.monotonic() + event["timeout"] + self.grace_s
            return [event]
        event["group_peak_mb"] = self.group_peak
        self.current, self.deadline = None, float("inf")
        return [event]

    def kill(self) -> None:
        """Stop the stage process and anything it started (its own process group)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


STATUS = {"result": "ok", "timeout": "timeout", "killed": "killed", "error": "error"}


def run_task(settings: Settings, scale: int, task: str, engine: str = "pyoxigraph", skip: dict | None = None) -> list:
    """Measure a task's stages at one scale (those in skip are recorded with the reason), starting a new process
    after any stage that had to be stopped."""
    skip = {s: why for s, why in (skip or {}).items() if not settings.match or s.startswith(tuple(settings.match))}
    tags = {"scale": scale, "task": task, "engine": engine}
    records = [dict(stage=s, **tags, status="skipped", message=why) for s, why in skip.items()]
    timeout = task_timeout(settings, task, scale)
    remaining: list[str] | None = None
    needs: dict[str, list[str]] = {}
    while remaining is None or remaining:
        log(settings, f"×{scale} {task} ({engine}): {'all' if remaining is None else len(remaining)} stage(s)")
        command = child_command(settings, task, scale, remaining, list(skip), engine, timeout)
        child = Child(
            command, settings.work / "stages.log", settings.mem_limit_mb, grace_s=15 if task == "queries" else 60
        )
        for event in child.events():
            if event["event"] == "setup" and event["stage"] == task:
                remaining = event["stages"] if remaining is None else remaining
                needs = event["needs"]
            if event["event"] == "setup":
                records.append(dict(event, **tags))
            elif event["event"] != "start":
                records.append(dict(event, **tags, status=STATUS[event["event"]]))
                log(settings, f"    {event['stage']}: {STATUS[event['event']]} {event.get('seconds', '')}")
                remaining = [s for s in remaining or [] if s != event["stage"]]
        child.kill()
        if child.stopped and child.current is None:
            records[-1].update(stage=f"{task} setup", message=f"while loading its input ({records[-1]['message']})")
            records += [
                dict(stage=s, **tags, status="skipped", message="its input did not load") for s in remaining or []
            ]
            break
        if child.stopped:
            blocked = [s for s in remaining or [] if records[-1]["stage"] in needs.get(s, [])]
            why = f"needs {records[-1]['stage']}, which did not finish"
            records += [dict(stage=s, **tags, status="skipped", message=why) for s in blocked]
            remaining = [s for s in remaining or [] if s not in blocked]
        if child.stopped or remaining == []:
            continue
        crashed = (
            [f"{task} setup"] if remaining is None else [child.current] if child.current in remaining else remaining
        )
        records += [dict(stage=s, **tags, status="error", message="process ended") for s in crashed]
        remaining = [s for s in remaining or [] if s not in crashed]
    return records


def task_timeout(settings: Settings, task: str, scale: int) -> int:
    """Seconds allowed for one run of a stage of this task: queries get 12× more at ×1000, where only
    pyoxigraph runs them, and the graph stages 10× more (builds, compiling and loading get --long-timeout)."""
    if task == "queries":
        return settings.query_timeout * (12 if scale > 100 else 1)
    return settings.timeout * (10 if scale > 100 and task == "graph" else 1)


def stage_timeout(settings: Settings, task: str, scale: int, stage: str) -> int:
    """Seconds allowed for one run of one stage (as stages.py applies them)."""
    return settings.long_timeout if stage.startswith(LONG_STAGES) else task_timeout(settings, task, scale)


def log(settings: Settings, text: str) -> None:
    print(f"[{time.time() - settings.started:7.0f} s] {text}", flush=True)


def prepare_x1(settings: Settings, real: Project) -> None:
    """Snapshot the real project and build it (unmeasured; the build task measures it): its release is the ×1
    base and full graph that every other scale replicates."""
    x1 = settings.work / "x1"
    project = make_project(real, 1, x1 / "project")
    try:
        build(project)
    except SmekgError as err:
        raise SystemExit(f"the real project did not build: {err}") from err
    for variant in ("base", "full"):
        shutil.copy2(project.release_dir / f"smekg-{variant}.nt", x1 / f"{variant}.nt")


def stale_snapshot(settings: Settings, real: Project) -> bool:
    """Whether the ×1 snapshot's ontology and knowledge files differ from the repository's."""
    snapshot = Project(settings.work / "x1" / "project")
    mine = {p.relative_to(real.root): p.read_bytes() for p in real.turtle_sources()}
    theirs = {p.relative_to(snapshot.root): p.read_bytes() for p in snapshot.turtle_sources()}
    return mine != theirs


def prepare_scale(settings: Settings, scale: int) -> dict:
    """The ×scale graphs replicated from ×1 and, up to ×100, the ×scale project folder; their sizes."""
    x1, here = settings.work / "x1", settings.work / f"x{scale}"
    here.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name in ("base", "full"):
        if scale == 1:
            sizes[f"{name}_triples"] = sum(1 for line in (x1 / f"{name}.nt").open() if line.strip())
        else:
            sizes[f"{name}_triples"] = replicate_nt(x1 / f"{name}.nt", scale, here / f"{name}.nt")
    if 1 < scale <= 100:
        make_project(Project(x1 / "project"), scale, here / "project")
    if (here / "project").is_dir():
        project = Project(here / "project")
        sizes["source_files"] = len(project.turtle_sources()) + len(list(project.references_dir.glob("*.bib")))
    sizes["full_nt_mb"] = round((here / "full.nt").stat().st_size / 1024**2, 1)
    return sizes


def previous(records: list[dict], scale: int, task: str, engine: str) -> dict[str, tuple[int, dict]]:
    """Per stage, the record of this task and engine at the largest scale below this one."""
    found: dict[str, tuple[int, dict]] = {}
    for r in records:
        mine = r["task"] == task and r["engine"] == engine and r["scale"] < scale and r.get("event") != "setup"
        if mine and (r["stage"] not in found or found[r["stage"]][0] < r["scale"]):
            found[r["stage"]] = (r["scale"], r)
    return found


def predicted_skips(settings: Settings, records: list[dict], scale: int, task: str, engine: str, stages: tuple) -> dict:
    """Stages not worth running: they failed at a smaller scale, or a linear projection exceeds time or memory."""
    skips = {}
    for stage, (prev_scale, r) in previous(records, scale, task, engine).items():
        if not any(stage.startswith(s) for s in stages):
            continue
        ratio, timeout = scale / prev_scale, stage_timeout(settings, task, scale, stage)
        if r["status"] != "ok":
            skips[stage] = f"did not finish at ×{prev_scale} ({r['status']})"
        elif r["seconds"] * ratio > timeout:
            skips[stage] = f"predicted ≥ {r['seconds'] * ratio:.0f} s from ×{prev_scale} (timeout {timeout} s)"
        elif r["peak_mb"] * ratio > settings.mem_limit_mb:
            skips[stage] = f"predicted ≥ {r['peak_mb'] * ratio / 1024:.0f} GB from ×{prev_scale}"
    return skips


def plan(settings: Settings, scale: int, records: list[dict]) -> list[tuple[str, str, dict]]:
    """The (task, engine, stages to skip) to run at one scale."""
    tasks: list[tuple[str, str, dict]] = [("equivalence", "pyoxigraph", {})] if scale == 1 else []
    own = ("build", "compile", "graph") if scale <= 100 else ("graph",)
    tasks += [
        (task, "pyoxigraph", predicted_skips(settings, records, scale, task, "pyoxigraph", ("",))) for task in own
    ]
    tasks.append(
        (
            "validators",
            "pyoxigraph",
            predicted_skips(settings, records, scale, "validators", "pyoxigraph", ("SHACL pyrudof",)),
        )
    )
    for engine in ENGINES if scale <= 100 else ENGINES[:1]:
        skips = (
            predicted_skips(settings, records, scale, "queries", engine, ("query",)) if engine != "pyoxigraph" else {}
        )
        tasks.append(("queries", engine, skips))
    return tasks


def not_run(scale: int, records: list[dict]) -> list[dict]:
    """Records for the tasks on project folders, which ×1000 does not attempt (the graph task covers it)."""
    why = "not run: project folders are made up to ×100; the graph task measures the stages after compiling"
    stages = {r["stage"]: r["task"] for r in records if r["scale"] == 100 and r["task"] in ("build", "compile")}
    return [
        {"stage": s, "task": t, "engine": "pyoxigraph", "scale": scale, "status": "skipped", "message": why}
        for s, t in stages.items()
        if not s.endswith("setup")
    ]


def save(settings: Settings, results: dict) -> None:
    """Write benchmark.json and benchmark.md (after every task, so a stopped run keeps what it measured)."""
    results["elapsed_s"] = round(time.time() - settings.started)
    write_report(settings.out, results)


def write_report(out: Path, results: dict) -> None:
    """Fit the exponents, judge the targets, and write benchmark.json and benchmark.md into out."""
    out.mkdir(parents=True, exist_ok=True)
    results["fits"] = fits(results["records"], results["sizes"])
    results["targets"] = targets(results)
    (out / "benchmark.json").write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
    (out / "benchmark.md").write_text(render(results) + "\n")


def rewrite_report(out: Path) -> None:
    """Re-render benchmark.md (and the fits and targets of benchmark.json) from a previous run's JSON."""
    results = json.loads((out / "benchmark.json").read_text())
    results["sizes"] = {int(k): v for k, v in results["sizes"].items()}
    write_report(out, results)


def parse_args(argv: list[str]) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,10,100,1000", help="comma-separated multiples of the real graph")
    parser.add_argument("--runs", type=int, default=3, help="measured runs after the warm-up")
    parser.add_argument("--timeout", type=int, default=180, help="seconds allowed for one run of a stage")
    parser.add_argument("--long-timeout", type=int, default=600, help="seconds for compiling sources, loading engines")
    parser.add_argument("--query-timeout", type=int, default=10, help="seconds allowed for one run of a query")
    parser.add_argument("--mem-limit-gb", type=float, default=16, help="RSS at which a stage process is stopped")
    parser.add_argument("--work", type=Path, default=Path("/tmp/smekg-bench"), help="where the synthetic data go")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--report-only", action="store_true", help="only re-render the report of --out")
    parser.add_argument("--only", default="", help="re-measure only these tasks (task or task:engine, comma-separated)")
    parser.add_argument("--match", default="", help="with --only: only the stages starting so (comma-separated)")
    args = parser.parse_args(argv)
    if args.report_only:
        rewrite_report(args.out)
        raise SystemExit(0)
    scales = sorted({int(s) for s in args.scales.split(",")} | (set() if args.only else {1}))
    return Settings(
        scales,
        args.runs,
        args.timeout,
        args.long_timeout,
        args.query_timeout,
        args.mem_limit_gb * 1024,
        args.work,
        args.out,
        [t for t in args.only.split(",") if t],
        [m for m in args.match.split(",") if m],
        " ".join(["python", "benchmarks/run.py", *argv]),
    )


def rerun(settings: Settings, only: list[str]) -> None:
    """Measure again only some tasks (`task` or `task:engine`; with --match, only their stages starting so) at
    the given scales, replacing those records in the previous run's JSON (data missing in --work is made)."""
    results = json.loads((settings.out / "benchmark.json").read_text())
    results["sizes"] = {int(k): v for k, v in results["sizes"].items()}
    if stale_snapshot(settings, Project.find(HERE.parent)):
        log(
            settings,
            "warning: the ontology or knowledge changed since the data in --work was made; the queries and "
            "shapes measured are the repository's, the graphs are not (run the whole benchmark to remake them)",
        )
    for scale in settings.scales:
        if not (settings.work / f"x{scale}" / "full.nt").is_file():
            results["sizes"][scale] = prepare_scale(settings, scale)
        if scale > 100 and not settings.match:
            stale = {(r["scale"], r["stage"]) for r in not_run(scale, results["records"])}
            results["records"] = [r for r in results["records"] if (r["scale"], r["stage"]) not in stale]
            results["records"] += not_run(scale, results["records"])
        for task, engine, skip in plan(settings, scale, results["records"]):
            if task not in only and f"{task}:{engine}" not in only:
                continue
            new = run_task(settings, scale, task, engine, skip)
            redone = {(r["scale"], r["task"], r["engine"], r["stage"]) for r in new}
            kept = [r for r in results["records"] if (r["scale"], r["task"], r["engine"], r["stage"]) not in redone]
            results["records"] = kept + new
            write_report(settings.out, results)
    results.setdefault("reruns", []).append(
        {"command": settings.command, "elapsed_s": round(time.time() - settings.started)}
    )
    write_report(settings.out, results)
    log(settings, f"done: {settings.out / 'benchmark.md'}")


def main(argv: list[str]) -> None:
    settings = parse_args(argv)
    if settings.only:
        rerun(settings, settings.only)
        return
    settings.work.mkdir(parents=True, exist_ok=True)
    results: dict = {"command": settings.command, "machine": machine(), "sizes": {}}
    keep = ("scales", "runs", "timeout", "long_timeout", "query_timeout", "mem_limit_mb", "work", "out")
    results["settings"] = {k: str(getattr(settings, k)) for k in keep}
    results["records"] = []
    prepare_x1(settings, Project.find(HERE.parent))
    for scale in settings.scales:
        results["sizes"][scale] = prepare_scale(settings, scale)
        log(settings, f"×{scale}: {results['sizes'][scale]}")
        if scale > 100:
            results["records"] += not_run(scale, results["records"])
        for task, engine, skip in plan(settings, scale, results["records"]):
            results["records"] += run_task(settings, scale, task, engine, skip)
            save(settings, results)
        for name in ("base.nt", "full.nt") if scale > 100 else ():
            (settings.work / f"x{scale}" / name).unlink()
    save(settings, results)
    log(settings, f"done: {settings.out / 'benchmark.md'}")


if __name__ == "__main__":
    main(sys.argv[1:])
