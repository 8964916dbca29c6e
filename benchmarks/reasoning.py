"""What reasoning costs: the build's OWL 2 DL route (smekg.reasoning.entail_file) on the real compiled graph and
on synthetic copies ×10 and ×100 of it (benchmarks/synthetic.replicate_nt), wall time and peak memory of the
reasoner processes; HermiT for comparison where it finishes in time. Not part of the test suite.

    python benchmarks/reasoning.py [--scales 1,10,100] [--hermit-scales 1] [--out benchmarks/results]

Each scale runs in its own process, so peak memory (ru_maxrss of the process and of its children, Konclude and
the JVM) is that scale's alone."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import replicate_nt  # noqa: E402

from smekg.reasoning import entail_file  # noqa: E402
from smekg.sources import Project, compile_sources  # noqa: E402


def measure(path: Path, engine: str, queue: multiprocessing.Queue) -> None:
    """Reason over path in this process; put the figures on the queue."""
    started = time.perf_counter()
    result = entail_file(path, engine)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    queue.put(
        {
            "engine": result.engine,
            "seconds": round(seconds, 2),
            "peak_rss_gb": {"python": round(own / 2**20, 2), "reasoner": round(children / 2**20, 2)},
            "consistent": result.consistent,
            "types": len(result.types),
            "subclasses": len(result.subclasses),
            "values": len(result.values),
        }
    )


def run(path: Path, engine: str, timeout: float) -> dict:
    """measure() in a child process, killed after timeout seconds."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=measure, args=(path, engine, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return {"engine": engine, "status": f"did not finish in {timeout:.0f} s"}
    return queue.get() if not queue.empty() else {"engine": engine, "status": f"failed (exit {child.exitcode})"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--hermit-scales", default="1")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="smekg-bench-reasoning-"))
    real = work / "x1.nt"
    real.write_bytes(b"".join(compile_sources(Project.find()).nt_lines()))
    records = []
    for scale in [int(s) for s in args.scales.split(",")]:
        path = real if scale == 1 else work / f"x{scale}.nt"
        triples = replicate_nt(real, scale, path)
        engines = ["auto"] + (["hermit"] if str(scale) in args.hermit_scales.split(",") else [])
        for engine in engines:
            record = {"scale": scale, "triples": triples, **run(path, engine, args.timeout)}
            print(json.dumps(record), flush=True)
            records.append(record)
    args.out.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": multiprocessing.cpu_count()}
    (args.out / "reasoning.json").write_text(json.dumps({"machine": machine, "records": records}, indent=1) + "\n")


if __name__ == "__main__":
    main()
