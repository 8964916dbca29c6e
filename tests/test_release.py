"""The release's external sort (bounded memory, the same lines as an in-memory sort) and its stable bytes."""

from __future__ import annotations

import random
from pathlib import Path

from smekg import build
from smekg.release import artifact_names, canonical_blank_nodes, merge_unique, sort_unique


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
    c = sorted(set(lines(40, 5)))
    assert merge_unique([tmp_path / "a", tmp_path / "b", c], tmp_path / "abc") == len(set(a) | set(b) | set(c))
    assert (tmp_path / "abc").read_bytes().splitlines(keepends=True) == sorted(set(a) | set(b) | set(c))


def test_sort_unique_sets_aside_the_lines_with_blank_nodes(tmp_path: Path):
    data = lines(300, 6)
    with_blank = [b"_:x <urn:p> <urn:o> .\n", b"<urn:s> <urn:p> _:x .\n", b'<urn:s> <urn:note> "a _:x in text" .\n']
    blank: list[bytes] = []
    count = sort_unique([*data[:10], *with_blank, *data[10:]], tmp_path / "named", blank, run_lines=70)
    assert count == len(set(data)) and blank == with_blank
    assert (tmp_path / "named").read_bytes().splitlines(keepends=True) == sorted(set(data))


def test_blank_node_labels_do_not_depend_on_the_input_labels():
    """The same triples under other blank node labels give the same lines; base and inferred share labels."""
    base = [
        b"<urn:c> <urn:sub> _:x .\n",
        b"_:x <urn:on> <urn:p> .\n",
        b"_:x <urn:some> _:y .\n",
        b'_:y <urn:v> "1" .\n',
    ]
    text = b'<urn:c> <urn:note> "not a node: _:x" .\n'
    inferred = [b"_:y <urn:type> <urn:R> .\n"]
    relabel = {b"_:x": b"_:b9f0", b"_:y": b"_:a11"}

    def renamed(lines: list[bytes]) -> list[bytes]:
        for old, new in relabel.items():
            lines = [line.replace(old, new) for line in lines]
        return lines

    first = canonical_blank_nodes(base, inferred)
    assert canonical_blank_nodes(renamed(base), renamed(inferred)) == first
    labels = {token for line in first[0] + first[1] for token in line.split() if token.startswith(b"_:")}
    assert len(labels) == 2 and first[1][0].split()[0] in labels
    assert text in canonical_blank_nodes([*base, text], inferred)[0]  # kept as written


def test_two_builds_write_identical_bytes(project, release, tmp_path: Path):
    """The release is reproducible: every artifact of a second build equals the first byte for byte."""
    again = build(project, tmp_path / "release")
    for name in artifact_names():
        assert (again.release_dir / name).read_bytes() == (release.release_dir / name).read_bytes(), name
