"""Time `smekg site` on the real release and on a synthetic one ×N (benchmarks/synthetic.py's replication of
the full release and its direct view), generating in memory (wall clock and CPU time: on a shared machine the
second is the one to compare) and writing to disk, and report the largest entity page. Not part of the test suite.

    PYTHONPATH=src python benchmarks/site.py [--release release] [--scales 1,10] [--work /tmp/smekg-site-bench]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import replicate_nt  # noqa: E402

from smekg import Project  # noqa: E402
from smekg.direct import DIRECT_FILES  # noqa: E402
from smekg.site import generate, publish  # noqa: E402


def release_at(scale: int, release: Path, work: Path) -> Path:
    """The release itself at ×1, else a folder with its full release and direct view replicated ×scale."""
    if scale == 1:
        return release
    folder = work / f"release-x{scale}"
    for name in ("smekg-full.nt", DIRECT_FILES[0]):
        replicate_nt(release / name, scale, folder / name)
    return folder


def measure(scale: int, release: Path, work: Path) -> dict[str, float]:
    folder = release_at(scale, release, work)
    start, cpu = time.perf_counter(), time.process_time()
    files = generate(folder, Project.find())
    generated, cpu = time.perf_counter() - start, time.process_time() - cpu
    out = work / f"site-x{scale}"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    publish(files, out)
    written = time.perf_counter() - start
    pages = {p: len(d) for p, d in files.items() if p.endswith(".html") and "/" in p and not p.startswith("questions/")}
    largest = max(pages, key=pages.get)
    return {
        "scale": scale,
        "files": len(files),
        "generate s": round(generated, 1),
        "generate cpu s": round(cpu, 1),
        "write s": round(written, 1),
        "largest page": f"{largest} {pages[largest] // 1000} KB",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--release", type=Path, default=Path("release"))
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--work", type=Path, default=Path("/tmp/smekg-site-bench"))
    args = parser.parse_args()
    for scale in map(int, args.scales.split(",")):
        print(measure(scale, args.release.resolve(), args.work), flush=True)


if __name__ == "__main__":
    main()
