"""Import and compile a generated N-entry BibTeX file (default 10,000): the cost of finding each entry's line.

    PYTHONPATH=src python benchmarks/bib_lines.py [--entries N] [--work DIR]

Not part of the test suite: it prints seconds for `import refs` into the real project's copy and for compiling
the sources afterwards (what the next build starts with).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from smekg.bibio import import_refs
from smekg.sources import Project, compile_sources

ROOT = Path(__file__).resolve().parents[1]


def generated_bib(entries: int) -> str:
    """N distinct articles, each with an author, a title and a year."""
    return "".join(
        f"@article{{gen{n}x,\n  author = {{Author{n}, Given}},\n  title = {{Generated work number {n}}},\n"
        f"  journal = {{Journal}},\n  year = {{{1950 + n % 70}}}\n}}\n\n"
        for n in range(entries)
    )


def copy_project(dest: Path) -> Project:
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, dest / folder)
    return Project(dest)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        project = copy_project(Path(work) / "project")
        incoming = Path(work) / "generated.bib"
        incoming.write_text(generated_bib(args.entries), encoding="utf-8")
        seconds = timed(lambda: import_refs(project, incoming, "sources"))
        print(f"import refs ({args.entries:,} entries): {seconds:.1f} s")
        print(f"compile sources afterwards: {timed(lambda: compile_sources(project)):.1f} s")


if __name__ == "__main__":
    main()
