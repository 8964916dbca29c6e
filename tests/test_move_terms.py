"""The one-off migration tools/move_terms.py moves term blocks into the edit module losing nothing, merges a
subject described in several files, and writes nothing when it would lose something."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from clirun import child_env
from conftest import first_fast
from smekg import validate
from smekg.canonical import comments, triples
from smekg.curation import file_iri
from smekg.sources import Project

ROOT = Path(__file__).resolve().parents[1]

PLANTED = """# A knowledge file written the old way: terms beside the individuals.

@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix work: <https://w3id.org/smekg/work/> .
@prefix zz: <https://example.org/zz/> .

# the new barrier, as the paper names it
smekg:ZzBarrier a owl:Class ;  # a kind of barrier
    rdfs:subClassOf smekg:Barrier ;
    rdfs:label "zz barrier"@en ;
    skos:definition "A barrier planted by a test."@en ;
    dcterms:source work:guimaraes2021collaboration ;
    smekg:sourceLocator "§1" ;
    rdfs:seeAlso zz:page .

smekg:Cluster skos:altLabel "zz business cluster"@en .  # also described in the edit module

smekg:zzScore a owl:DatatypeProperty , owl:FunctionalProperty ;
    rdfs:label "zz score"@en ;
    skos:definition "A score planted by a test."@en ;
    rdfs:range [ a rdfs:Datatype ; owl:oneOf ( "low" "high" ) ] .

smekg:ZzBarrier rdfs:comment "Described twice in this file."@en .

kg:zz-place a smekg:Country ;
    rdfs:label "Zzland"@en .
"""


def migrate(project: Project, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "tools" / "move_terms.py"), *args]
    return subprocess.run(command, cwd=project.root, env=child_env(), capture_output=True, text=True, timeout=300)


def sources(project: Project) -> dict[Path, str]:
    paths = [project.ontology, *sorted(project.knowledge_dir.glob("*.ttl"))]
    return {path: path.read_text(encoding="utf-8") for path in paths}


def union(project: Project, texts: dict[Path, str]) -> set:
    return {t for path, text in texts.items() for t in triples(text, file_iri(str(path.relative_to(project.root))))}


@pytest.mark.slow
def test_the_migration_moves_every_term_block_and_loses_nothing(small_copy):
    planted = small_copy.knowledge_dir / "zz-old.ttl"
    planted.write_text(PLANTED, encoding="utf-8")
    before = sources(small_copy)
    result = migrate(small_copy)
    assert result.returncode == 0, result.stderr
    assert "moved 4 blocks (3 subjects): 2 classes, 1 properties or datatypes, 3 comments" in result.stdout
    after = sources(small_copy)
    assert union(small_copy, after) == union(small_copy, before)
    assert sum(map(comments, after.values()), Counter()) == sum(map(comments, before.values()), Counter())
    left = planted.read_text(encoding="utf-8")
    assert "smekg:Zz" not in left and "smekg:Cluster" not in left and "smekg:zzScore" not in left
    assert "kg:zz-place" in left and left.startswith("# A knowledge file written the old way")
    module = small_copy.ontology.read_text(encoding="utf-8")
    assert "@prefix zz: <https://example.org/zz/> ." in module
    assert module.count("\nsmekg:ZzBarrier\n") == 1 and module.count("\nsmekg:Cluster\n") == 1
    block = module[module.index("# the new barrier, as the paper names it\nsmekg:ZzBarrier\n") :]
    block = block[: block.index("\n.\n")]
    assert "a owl:Class ;  # a kind of barrier" in block and "Described twice" in block
    validate(small_copy)
    again = migrate(small_copy)
    assert again.returncode == 0 and "moved 0 blocks" in again.stdout and "rewrote" not in again.stdout
    assert sources(small_copy) == after


@pytest.mark.parametrize(
    "old, new, why",
    first_fast(
        [
            (
                "<https://w3id.org/smekg/work/>",
                "<https://example.org/other/>",
                "prefix work: is <https://example.org/other/>",
            ),
            ("rdfs:seeAlso zz:page", "rdfs:seeAlso <>", "the triples would change: 1 lost, 1 added"),  # `<>`: the file
        ]
    ),
)
def test_the_migration_writes_nothing_when_it_would_change_a_triple(small_copy, old: str, new: str, why: str):
    planted = small_copy.knowledge_dir / "zz-old.ttl"
    planted.write_text(PLANTED.replace(old, new), "utf-8")
    before = sources(small_copy)
    result = migrate(small_copy, "--dry-run")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"nothing written: {why}")
    assert sources(small_copy) == before
