"""Release artifacts, written atomically: a failed build leaves the previous release intact."""

from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
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


def merge_lines(first: list[bytes], second: list[bytes]) -> list[bytes]:
    """Two sorted lists of N-Triples lines as one sorted list without duplicates (sharing the line objects)."""
    merged: list[bytes] = []
    for line in heapq.merge(first, second):
        if not merged or merged[-1] != line:
            merged.append(line)
    return merged


def write_variant(lines: list[bytes], folder: Path, variant: str) -> None:
    """Write one variant in every format: N-Triples as the sorted lines, the others dumped by Oxigraph.

    Oxigraph loads and dumps in native code, two formats at a time (about 50x faster than rdflib's
    serializers, and 1.5x faster than feeding it the triples from Python).
    """
    data = b"\n".join(lines) + b"\n"
    (folder / f"smekg-{variant}.nt").write_bytes(data)
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)

    def dump(ext: str) -> None:
        path = folder / f"smekg-{variant}.{ext}"
        store.dump(output=str(path), format=FORMATS[ext], from_graph=ox.DefaultGraph(), prefixes=PREFIXES)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(dump, [ext for ext in FORMATS if ext != "nt"]))


def write_release(out_dir: Path, graphs: dict[str, list[bytes]], report: dict) -> list[Path]:
    """Write every artifact into a temporary sibling folder, then swap it into place."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    staging.chmod(0o755)
    try:
        for variant, lines in graphs.items():
            write_variant(lines, staging, variant)
        (staging / "build-report.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
        swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(out_dir.iterdir())


def swap_into_place(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with renames only, so readers never see a half release."""
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        os.replace(out_dir, retired)
    os.replace(staging, out_dir)
    shutil.rmtree(retired, ignore_errors=True)
