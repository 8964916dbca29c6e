"""The release's external sort: bounded memory, the same lines as an in-memory sort."""

from __future__ import annotations

import random
from pathlib import Path

from smekg.release import merge_unique, sort_unique


def lines(n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [f'<urn:s{rng.randrange(n)}> <urn:p> "{rng.random():.3f}" .\n'.encode() for _ in range(n)]


def test_sort_unique_spills_runs_and_merges_them(tmp_path: Path):
    data = lines(5000, 1)
    dest = tmp_path / "sorted.nt"
    count = sort_unique(iter(data), dest, run_lines=700)  # eight runs spilled, then merged
    assert dest.read_bytes().splitlines(keepends=True) == sorted(set(data))
    assert count == len(set(data)) and not any(p.name.startswith(".runs-") for p in tmp_path.iterdir())


def test_sort_unique_of_a_list_and_of_nothing(tmp_path: Path):
    data = lines(50, 2) * 3
    assert sort_unique(data, tmp_path / "a.nt", run_lines=7) == len(set(data))
    assert sort_unique([], tmp_path / "empty.nt") == 0 and (tmp_path / "empty.nt").read_bytes() == b""


def test_merge_unique_is_the_sorted_union(tmp_path: Path):
    a, b = lines(300, 3), lines(300, 4) + lines(100, 3)
    sort_unique(a, tmp_path / "a")
    sort_unique(b, tmp_path / "b")
    assert merge_unique(tmp_path / "a", tmp_path / "b", tmp_path / "ab") == len(set(a) | set(b))
    assert (tmp_path / "ab").read_bytes().splitlines(keepends=True) == sorted(set(a) | set(b))
