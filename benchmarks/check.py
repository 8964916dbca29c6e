"""What the release gate costs: `smekg check --format json` end to end (process start to exit) on the real project
and on synthetic project folders ×10 and ×100 (benchmarks/synthetic.make_project, built first, unmeasured), with
each gate's own seconds from the report. Not part of the test suite.

    python benchmarks/check.py [--scales 1,10,100] [--runs 3] [--work /tmp/smekg-bench-check] [--out FILE.json]

Target (issue 18): ≤ 5 s on the real graph."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import make_project  # noqa: E402

from smekg.sources import Project  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def smekg(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smekg", *map(str, args)], capture_output=True, text=True)


def project_at(scale: int, work: Path) -> Path:
    """The project folder of a scale, built (unmeasured): the real checkout at ×1, a synthetic copy otherwise."""
    if scale == 1:
        root = ROOT
    else:
        root = work / f"x{scale}"
        if not (root / "ontology").is_dir():
            make_project(Project(ROOT), scale, root)
    release = work / f"release-x{scale}"
    if not (release / "smekg-full.nt").is_file():
        done = smekg("build", "--root", root, "--out", release)
        if done.returncode != 0:
            raise SystemExit(f"the ×{scale} build failed: {done.stderr[-2000:]}")
    return root


def measure(root: Path, release: Path) -> dict:
    """One run of the gate: wall seconds, exit code and each gate's seconds."""
    started = time.perf_counter()
    done = smekg("check", "--root", root, "--release", release, "--format", "json")
    seconds = time.perf_counter() - started
    report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
    gates = {g["rule"]: g["seconds"] for g in report.get("gates", []) if "seconds" in g}
    return {"seconds": round(seconds, 2), "exit": done.returncode, "gates": gates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/smekg-bench-check"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in map(int, args.scales.split(",")):
        root = project_at(scale, args.work)
        measure(root, args.work / f"release-x{scale}")  # warm-up: file caches, the compiled OWL API gate
        runs = [measure(root, args.work / f"release-x{scale}") for _ in range(args.runs)]
        median = statistics.median(r["seconds"] for r in runs)
        results.append({"scale": scale, "median_seconds": median, "runs": runs})
        print(f"×{scale}: median {median:.2f} s over {args.runs} runs; gates of the last: {runs[-1]['gates']}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
