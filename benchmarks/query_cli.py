"""What a one-shot `smekg query smes` costs end to end (process start to exit) at ×1, ×10 and ×100 the real graph,
answering from the release's on-disk store, and loading the release into memory as before the store existed.

    python benchmarks/query_cli.py                       # ×1, ×10, ×100; a few minutes (×100 writes a 4 M-triple store)
    python benchmarks/query_cli.py --scales 1 --runs 20 --release release

The release ×N is the built release's smekg-full.nt and smekg-direct.nt replicated as synthetic.py replicates
N-Triples (copy 0 the real graph, copies 1..N-1 with fresh kg:, work: and person: IRIs), and its store is written
by the build's own code (release.write_store). Targets (issue 21): ≤ 100 ms at ×1 and ≤ 150 ms at ×100.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from synthetic import replicate_nt

from smekg.direct import DIRECT_FILES
from smekg.project import RELEASE_STORE
from smekg.release import write_store

ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {1: 100, 100: 150}


def scaled_project(release: Path, scale: int, work: Path) -> Path:
    """A project folder (the canned queries, a release ×scale with its store); made once, then reused."""
    folder = work / f"x{scale}"
    done = folder / "release" / RELEASE_STORE
    if done.is_dir():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "release").mkdir(parents=True)
    (folder / "queries").symlink_to(ROOT / "queries")
    for name in ("smekg-full.nt", DIRECT_FILES[0]):
        replicate_nt(release / name, scale, folder / "release" / name)
    started = time.perf_counter()
    write_store(folder / "release")
    print(f"×{scale}: store written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


def without_store(project: Path) -> Path:
    """The same project whose release has no store (its files linked), so smekg loads the release into memory."""
    folder = project.with_name(project.name + "-memory")
    if not folder.is_dir():
        (folder / "release").mkdir(parents=True)
        (folder / "queries").symlink_to(ROOT / "queries")
        for name in ("smekg-full.nt", DIRECT_FILES[0]):
            (folder / "release" / name).symlink_to(project / "release" / name)
    return folder


def children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def smekg_command() -> list[str]:
    """How a user starts smekg: the `smekg` script of the environment running this benchmark (the README's venv),
    else `python -m smekg`."""
    script = Path(sys.executable).with_name("smekg")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "smekg"]


def timed_runs(project: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall seconds from starting `smekg query smes` to its exit, and its CPU seconds (which the other processes of
    a busy machine do not inflate), for runs after one warm-up run. Python caches the compiled modules as a user's
    Python does (pip compiles an installed package; an editable one is compiled on its first run): this benchmark
    drops PYTHONDONTWRITEBYTECODE, which some sandboxes set and which recompiles every module of smekg at each start."""
    command = [*smekg_command(), "query", "smes", "--root", str(project)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    wall, cpu = [], []
    for _ in range(runs + 1):
        started, used = time.perf_counter(), children_cpu()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        wall.append(time.perf_counter() - started)
        cpu.append(children_cpu() - used)
    return wall[1:], cpu[1:]


def ms(seconds: list[float]) -> str:
    return f"{statistics.median(seconds) * 1000:.0f}" if seconds else "not run"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100", help="comma-separated multiples of the real graph")
    parser.add_argument("--runs", type=int, default=10, help="measured runs per case, after one warm-up")
    parser.add_argument("--release", type=Path, default=ROOT / "release", help="the built release to replicate")
    parser.add_argument("--work", type=Path, default=Path("/tmp/smekg-bench-cli"), help="where the releases ×N go")
    parser.add_argument("--memory-up-to", type=int, default=10, help="also time the in-memory load up to this scale")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores); medians of {args.runs} runs, ms")
    print("| scale | store: wall | store: min wall | store: CPU | in memory: wall | in memory: CPU | target |")
    print("|---|---|---|---|---|---|---|")
    for scale in map(int, args.scales.split(",")):
        project = scaled_project(args.release, scale, args.work)
        wall, cpu = timed_runs(project, args.runs)
        memory = timed_runs(without_store(project), args.runs) if scale <= args.memory_up_to else ([], [])
        target = f"≤ {TARGETS_MS[scale]} ms" if scale in TARGETS_MS else ""
        cells = [ms(wall), f"{min(wall) * 1000:.0f}", ms(cpu), ms(memory[0]), ms(memory[1]), target]
        print(f"| ×{scale} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
