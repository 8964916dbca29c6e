"""Release artifacts, written atomically: a failed build leaves the previous release intact."""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from .vocab import PREFIXES

FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "owl": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}
VARIANTS = ("base", "full")


def artifact_names() -> list[str]:
    """File names of every release artifact, e.g. smekg-full.owl."""
    return [f"smekg-{variant}.{ext}" for variant in VARIANTS for ext in FORMATS]


RUN_LINES = 1_000_000  # lines sorted in memory at a time (about 200 MB); longer inputs spill sorted runs to disk


def unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted lines without repeats."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


def write_lines(lines: Iterable[bytes], path: Path) -> int:
    """Write lines (each ending in a newline) to path; how many."""
    count = 0
    with path.open("wb", buffering=1 << 20) as out:
        for line in lines:
            out.write(line)
            count += 1
    return count


def sort_unique(
    lines: Iterable[bytes], dest: Path, blank: list[bytes] | None = None, run_lines: int = RUN_LINES
) -> int:
    """Write the distinct lines to dest in byte order and return how many; with blank given, the lines that may
    hold a blank node are appended to it instead (see canonical_blank_nodes).

    An external merge sort: runs of run_lines are sorted in memory and spilled to temporary files beside dest,
    then merged, so memory stays bounded whatever the size of the graph.
    """
    lines = iter(lines)
    with tempfile.TemporaryDirectory(prefix=".runs-", dir=dest.parent) as tmp:
        runs: list[Path] = []
        while chunk := list(islice(lines, run_lines)):
            last = len(chunk) < run_lines
            if blank is not None:
                chunk = set_aside_blank(chunk, blank)
            if not runs and last:
                return write_lines(unique(sorted(chunk)), dest)
            runs.append(Path(tmp) / f"run-{len(runs)}")
            write_lines(unique(sorted(chunk)), runs[-1])
        with ExitStack() as stack:
            files = [stack.enter_context(run.open("rb")) for run in runs]
            return write_lines(unique(heapq.merge(*files)), dest)


def merge_unique(sources: list[Path | list[bytes]], dest: Path) -> int:
    """Sorted files or lists of lines as one file of distinct lines (the union), in byte order; how many lines."""
    with ExitStack() as stack:
        inputs = [stack.enter_context(s.open("rb")) if isinstance(s, Path) else s for s in sources]
        return write_lines(unique(heapq.merge(*inputs)), dest)


def has_blank(line: bytes) -> bool:
    """Whether an N-Triples line may hold a blank node (a literal with " _:" in it is a harmless false alarm)."""
    return line.startswith(b"_:") or b" _:" in line


def set_aside_blank(lines: list[bytes], blank: list[bytes]) -> list[bytes]:
    """The lines without those that may hold a blank node, which are appended to blank.

    Blank nodes are rare, so lines are first tested 4,096 at a time, joined, and only such a slice that has one
    is tested line by line."""
    kept: list[bytes] = []
    for start in range(0, len(lines), 4096):
        part = lines[start : start + 4096]
        if b"_:" in b"".join(part):
            blank += [line for line in part if has_blank(line)]
            part = [line for line in part if not has_blank(line)]
        kept += part
    return kept


def canonical_blank_nodes(base: list[bytes], inferred: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    """The base and inferred lines with blank nodes relabelled by W3C RDF Dataset Canonicalization (RDFC-1.0).

    The labels Oxigraph draws differ from build to build; canonical ones make the release byte-stable. Both sets
    are canonicalized together (inferred lines in a named graph), so the two releases share one labelling.
    """
    inferred_graph = ox.NamedNode("urn:smekg:release:inferred")
    dataset = ox.Dataset(ox.parse(b"".join(base), format=ox.RdfFormat.N_TRIPLES))
    for q in ox.parse(b"".join(inferred), format=ox.RdfFormat.N_TRIPLES):
        dataset.add(ox.Quad(q.subject, q.predicate, q.object, inferred_graph))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def lines(graph: ox.NamedNode | ox.DefaultGraph) -> list[bytes]:
        triples = [q.triple for q in dataset.quads_for_graph_name(graph)]
        return sorted(set(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)))

    return lines(ox.DefaultGraph()), lines(inferred_graph)


def write_formats(nt: Path, variant: str) -> None:
    """Write the variant's other formats beside its N-Triples file, streaming triples from it in file order.

    Oxigraph parses and serializes without a store, so memory stays small; the subjects come grouped because
    the lines are sorted, which gives compact Turtle.
    """
    for ext, rdf_format in FORMATS.items():
        if ext != "nt":
            triples = ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
            ox.serialize(
                triples, output=str(nt.with_name(f"smekg-{variant}.{ext}")), format=rdf_format, prefixes=PREFIXES
            )


def write_triples(folder: Path, base: Iterable[bytes], inferred: Iterable[bytes]) -> dict[str, int]:
    """Write smekg-base.nt and smekg-full.nt into folder; the triple counts.

    base and inferred are N-Triples lines in any order, possibly repeated: the base release is the sorted distinct
    base lines, the full release adds the inferred ones; blank nodes get canonical labels.
    """
    base_nt, full_nt = folder / "smekg-base.nt", folder / "smekg-full.nt"
    named_base, named_inferred = folder / ".base-named", folder / ".inferred-named"
    base_blank: list[bytes] = []
    inferred_blank: list[bytes] = []
    sort_unique(base, named_base, base_blank)
    sort_unique(inferred, named_inferred, inferred_blank)
    canonical_base, canonical_inferred = canonical_blank_nodes(base_blank, inferred_blank)
    counts = {"base triples": merge_unique([named_base, canonical_base], base_nt)}
    counts["full triples"] = merge_unique([base_nt, named_inferred, canonical_inferred], full_nt)
    counts["inferred triples"] = counts["full triples"] - counts["base triples"]
    named_base.unlink()
    named_inferred.unlink()
    return counts


def write_release(
    out_dir: Path, base: Iterable[bytes], inferred: Iterable[bytes], report: dict
) -> tuple[list[Path], dict[str, int]]:
    """Write every artifact into a temporary sibling folder, then swap it into place; the artifacts and counts."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    staging.chmod(0o755)
    try:
        counts = write_triples(staging, base, inferred)
        for variant in VARIANTS:
            write_formats(staging / f"smekg-{variant}.nt", variant)
        report = {**report, "counts": counts}
        (staging / "build-report.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(out_dir.iterdir()), counts


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with renames only, so readers never see a half release."""
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.replace(out_dir, retired)
    os.replace(staging, out_dir)
    shutil.rmtree(retired, ignore_errors=True)
