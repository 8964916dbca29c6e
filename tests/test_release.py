"""The release's external sort (bounded memory, the same lines as an in-memory sort) and its stable bytes."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
import rdflib
from rdflib import DCTERMS, OWL, RDF

from smekg import build
from smekg.errors import SmekgError
from smekg.identity import release_version, source_files
from smekg.release import artifact_names, canonical_blank_nodes, merge_unique, sort_unique, write_triples
from smekg.vocab import SCHEMA


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


@pytest.mark.slow
def test_two_builds_write_identical_bytes(project, release, tmp_path: Path):
    """The release is reproducible: every artifact of a second build equals the first byte for byte."""
    again = build(project, tmp_path / "release")
    for name in artifact_names():
        assert (again.release_dir / name).read_bytes() == (release.release_dir / name).read_bytes(), name


ONT = "https://w3id.org/smekg/ontology"


def test_each_release_gets_its_own_ontology_iri_and_a_dated_version_iri(tmp_path: Path):
    """The edit module's header moves to each artifact's IRI; its version triples are replaced, blank nodes kept."""
    base = [
        f"<{ONT}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Ontology> .\n",
        f'<{ONT}> <http://purl.org/dc/terms/title> "t"@en .\n',
        f'<{ONT}> <http://www.w3.org/2002/07/owl#versionInfo> "0.1.0" .\n',
        f"<{ONT}> <http://purl.org/dc/terms/creator> _:who .\n",
        '_:who <http://schema.org/name> "someone" .\n',
        "<urn:s> <urn:p> <urn:o> .\n",
    ]
    counts = write_triples(tmp_path, [line.encode() for line in base], [b"<urn:s> <urn:q> <urn:o> .\n"], "2026-01-02")
    assert counts == {"base triples": 9, "full triples": 10, "inferred triples": 1}
    for variant in ("base", "full"):
        graph = rdflib.Graph().parse(tmp_path / f"smekg-{variant}.nt")
        iri = rdflib.URIRef(f"https://w3id.org/smekg/smekg-{variant}.owl")
        assert set(graph.subjects(RDF.type, OWL.Ontology)) == {iri}
        assert graph.value(iri, OWL.versionIRI) == rdflib.URIRef(
            f"https://w3id.org/smekg/releases/2026-01-02/smekg-{variant}.owl"
        )
        assert str(graph.value(iri, OWL.versionInfo)) == "2026-01-02"
        assert str(graph.value(iri, SCHEMA.dateModified)) == "2026-01-02"
        assert str(graph.value(iri, DCTERMS.title)) == "t"
        assert str(graph.value(graph.value(iri, DCTERMS.creator), rdflib.URIRef("http://schema.org/name"))) == "someone"
        assert not list(graph.triples((rdflib.URIRef(ONT), None, None)))


def test_the_version_is_source_date_epoch_when_set(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert release_version(project) == "2026-01-01"
    for wrong in ("soon", "-5", "1e9", "99999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", wrong)
        with pytest.raises(SmekgError, match="SOURCE_DATE_EPOCH: .*not a number of seconds"):
            release_version(project)


def test_the_version_is_the_date_the_sources_last_changed(project_copy, monkeypatch):
    """Outside git, the newest source file's modification time; an edit since the last commit moves it too."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for number, path in enumerate(source_files(project_copy)):
        os.utime(path, (0, 86400 * number))
    assert release_version(project_copy) == f"1970-01-{len(source_files(project_copy)):02d}"
    root = project_copy.root
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"]):
        subprocess.run(
            ["git", "-C", str(root), *command],
            check=True,
            env={**os.environ, "GIT_COMMITTER_DATE": "2025-03-04T12:00:00Z"},
        )
    assert release_version(project_copy) == "2025-03-04"
    os.utime(project_copy.ontology, (0, 1767225600))  # 2026-01-01
    project_copy.ontology.write_text(project_copy.ontology.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    os.utime(project_copy.ontology, (0, 1767225600))
    assert release_version(project_copy) == "2026-01-01"
