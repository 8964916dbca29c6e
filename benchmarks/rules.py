"""What each rule and gate of a stage costs on a project, warm and in one process (not part of the suite).

    python benchmarks/rules.py [--root PATH] [--stage sources] [--runs 7]

Compiles the project once, runs the stage once to warm up, then --runs times; prints the median and range of
the whole stage (wall and CPU) and of each rule (Outcome.seconds), slowest first. Compare two checkouts by
running it with each one's src on PYTHONPATH, alternating.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from smekg.checks import check_stage
from smekg.sources import Project, compile_sources


def spread(values: list[float]) -> str:
    """The median and range of some seconds."""
    return f"{statistics.median(values):.3f} s [{min(values):.3f}–{max(values):.3f}]"


def main() -> None:
    """Measure the stage and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--stage", default="sources")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    compiled = compile_sources(Project(args.root))
    check_stage(compiled, args.stage)
    wall, cpu, rules = [], [], {}
    for _ in range(args.runs):
        started, processor = time.perf_counter(), time.process_time()
        outcomes = check_stage(compiled, args.stage)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - processor)
        for outcome in outcomes:
            rules.setdefault(outcome.rule.name, []).append(outcome.seconds)
    print(f"stage {args.stage}: wall {spread(wall)}, CPU {spread(cpu)}, {args.runs} runs")
    for name, seconds in sorted(rules.items(), key=lambda item: -statistics.median(item[1])):
        print(f"  {name:32} {spread(seconds)}")


if __name__ == "__main__":
    main()
