"""A broken curated file fails the build with a message naming the file and the entry,
and the previous release stays exactly as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import copy_sources, first_fast
from curated import source_records
from smekg import SmekgError, build, validate
from smekg.checks import check_stage
from smekg.sources import Project, compile_sources
from smekg.vocab import SMEKG, TERM_KINDS

PREFIXES = """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix work: <https://w3id.org/smekg/work/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

GOOD_CLAIM = """
kg:test-claim a smekg:Claim ;
    smekg:statedIn work:guimaraes2021collaboration ;
    smekg:claimSubject smekg:NetworkTheory ;
    smekg:claimRelation smekg:explains ;
    smekg:claimObject smekg:ExportConsortium ;
    smekg:locator "§3.1.4" ;
    dcterms:description "A test claim."@en .
"""

# Who curated the file and when (ontology/knowledge/README.md), last so that it moves no line of the text.
CURATION = """
<> <http://www.w3.org/ns/prov#wasAttributedTo> <https://w3id.org/smekg/agent/seed-d912c087-maintainers> ;
    <http://www.w3.org/ns/prov#generatedAtTime> "2026-12-06T21:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
"""


def add_knowledge(project: Project, text: str, name: str = "zz-test.ttl") -> Path:
    path = project.knowledge_dir / name
    path.write_text(PREFIXES + text + CURATION, encoding="utf-8")
    return path


def failure(project: Project) -> SmekgError:
    with pytest.raises(SmekgError) as info:
        validate(project)
    return info.value


def digest(folder: Path) -> dict[str, str]:
    """Every file under folder (the release's store is a folder) and its hash."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_well_formed_claim_passes(small_copy):
    add_knowledge(small_copy, GOOD_CLAIM)
    validate(small_copy)


def test_turtle_syntax_error_names_file_and_line(small_copy):
    add_knowledge(small_copy, GOOD_CLAIM + "\nkg:broken a smekg:Claim ;\n    smekg:locator .\n")
    error = failure(small_copy)
    assert [(f.file, f.line) for f in error.findings] == [("ontology/knowledge/zz-test.ttl", 16)]
    assert "syntax" in str(error).lower()


def test_claim_without_source_names_file_and_entry(small_copy):
    add_knowledge(small_copy, GOOD_CLAIM.replace("    smekg:statedIn work:guimaraes2021collaboration ;\n", ""))
    error = failure(small_copy)
    finding = next(f for f in error.findings if "statedIn" in f.message)
    assert (finding.file, finding.line, finding.entry) == ("ontology/knowledge/zz-test.ttl", 7, "kg:test-claim")


def test_reference_to_undefined_concept_names_file_and_entry(small_copy):
    add_knowledge(small_copy, GOOD_CLAIM.replace("smekg:ExportConsortium", "smekg:ExportConsortia"))
    error = failure(small_copy)
    [finding] = error.findings
    assert (finding.file, finding.entry) == ("ontology/knowledge/zz-test.ttl", "kg:test-claim")
    assert "undefined smekg:ExportConsortia" in finding.message


def test_citation_of_unknown_work_names_the_missing_key(small_copy):
    add_knowledge(
        small_copy,
        GOOD_CLAIM.replace(" .\n", " ;\n    <http://purl.org/spar/cito/citesAsEvidence> work:nobody2099nothing .\n"),
    )
    [finding] = failure(small_copy).findings
    assert finding.entry == "kg:test-claim" and "'nobody2099nothing'" in finding.message


@pytest.fixture
def gao_copy(tmp_path: Path) -> Project:
    """A throw-away copy of the sources with one knowledge file, gao2019role.ttl, which labels kg:country-china."""
    return copy_sources(tmp_path, ("gao2019role.ttl",))


def test_conflicting_labels_across_files(gao_copy):
    add_knowledge(gao_copy, '\nkg:country-china rdfs:label "People\'s Republic of China"@en .\n')
    [finding] = failure(gao_copy).findings
    assert finding.entry == "kg:country-china" and "rdfs:label" in finding.message


OWL = "http://www.w3.org/2002/07/owl#"
NEW_TERM = """
smekg:ZzNewConcept a <{kinds}> ;
    rdfs:label "new concept"@en ;
    <http://www.w3.org/2004/02/skos/core#definition> "A concept a new paper needs."@en ;
    dcterms:source work:guimaraes2021collaboration ;
    smekg:sourceLocator "§3" .
"""


@pytest.mark.parametrize(
    "kinds, what",
    first_fast(
        [
            (f"{OWL}Class> ; rdfs:subClassOf <https://w3id.org/smekg/ontology/Barrier", "class"),
            (f"{OWL}ObjectProperty", "property"),
            (f"{OWL}DatatypeProperty> , <{OWL}FunctionalProperty", "property"),
            (f"{OWL}AnnotationProperty", "property"),
            ("http://www.w3.org/2000/01/rdf-schema#Datatype", "datatype"),
        ]
    ),
)
def test_a_term_declared_in_a_knowledge_file_names_file_line_and_the_edit_module(small_copy, kinds, what):
    """Classes and properties live in the edit module; a knowledge file that declares one fails the build, and the
    same block in the edit module passes."""
    block = NEW_TERM.format(kinds=kinds)
    add_knowledge(small_copy, GOOD_CLAIM + block)
    [finding] = failure(small_copy).findings
    assert (finding.file, finding.line, finding.entry) == ("ontology/knowledge/zz-test.ttl", 15, "smekg:ZzNewConcept")
    assert finding.message.startswith(f"declares the {what} smekg:ZzNewConcept: ")
    assert "belong in the edit module ontology/smekg.ttl" in finding.message
    add_knowledge(small_copy, GOOD_CLAIM)
    with small_copy.ontology.open("a", encoding="utf-8") as module:
        module.write(PREFIXES + block)
    validate(small_copy)


def test_a_knowledge_file_describing_a_class_of_the_edit_module_names_it(small_copy):
    add_knowledge(small_copy, GOOD_CLAIM + '\nsmekg:Cluster rdfs:comment "Also called a business cluster."@en .\n')
    [finding] = failure(small_copy).findings
    assert (finding.file, finding.line, finding.entry) == ("ontology/knowledge/zz-test.ttl", 15, "smekg:Cluster")
    assert finding.message.startswith("describes the class smekg:Cluster: ")
    assert "ontology/smekg.ttl" in finding.message


def test_the_knowledge_files_declare_no_class_or_property(project):
    """Every class, property and datatype the sources declare is declared in the edit module or an import module,
    none in a knowledge file, and no knowledge file describes one."""
    terms = {ox.NamedNode(kind) for kind in TERM_KINDS}
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def parse(path: Path) -> list[ox.Triple]:
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))

    def declared(paths: list[Path]) -> set:
        return {t.subject for path in paths for t in parse(path) if t.predicate == kind and t.object in terms}

    knowledge = sorted(project.knowledge_dir.glob("*.ttl"))
    assert {path.stem for path in knowledge} == set(source_records(project))  # a file per source document
    in_modules = declared([project.ontology, *project.import_modules()])
    assert declared(knowledge) == set()
    assert {t.subject for path in knowledge for t in parse(path)} & in_modules == set()
    assert len({t for t in in_modules if isinstance(t, ox.NamedNode) and t.value.startswith(str(SMEKG))}) > 400
    outcomes = check_stage(compile_sources(project), "sources")
    assert [o.findings for o in outcomes if o.rule.name == "knowledge_declares_term"] == [[]]


def test_bibtex_syntax_error_names_file_and_line(small_copy):
    bib = small_copy.references_dir / "zz-broken.bib"
    bib.write_text(
        "@article{ok2000good,\n  title = {Fine},\n  year = {2000}\n}\n\n@article{bad2001,\n  title = {Open\n",
        encoding="utf-8",
    )
    [finding] = failure(small_copy).findings
    assert finding.file == "ontology/references/zz-broken.bib" and finding.line >= 6


def test_same_key_for_different_works_is_an_error(small_copy):
    bib = small_copy.references_dir / "zz-clash.bib"
    bib.write_text(
        "@article{barney1991firm,\n  author = {Barney, Jay},\n  title = {Something else},\n  year = {1991}\n}\n",
        encoding="utf-8",
    )
    [finding] = failure(small_copy).findings
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-clash.bib", 1, "barney1991firm")


@pytest.mark.slow
def test_failed_build_leaves_previous_release_untouched(small_copy, release, tmp_path):
    """The previous release is a copy of the session's."""
    out = tmp_path / "out"
    shutil.copytree(release.release_dir, out)
    before = digest(out)
    add_knowledge(small_copy, GOOD_CLAIM.replace("smekg:ExportConsortium", "smekg:NoSuchThing"))
    with pytest.raises(SmekgError, match="undefined smekg:NoSuchThing"):
        build(small_copy, out)
    assert digest(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith((".out.tmp-", ".out.old-"))], (
        "no staging folder is left behind"
    )


def test_undefined_property_and_untyped_entry_are_named(small_copy):
    add_knowledge(small_copy, GOOD_CLAIM + '\nkg:loose smekg:noSuchProperty "x" .\n')
    findings = {(f.file, f.line, f.entry, f.message) for f in failure(small_copy).findings}
    where = ("ontology/knowledge/zz-test.ttl", 15, "kg:loose")
    assert (*where, "kg:loose is described but never declared (it has no rdf:type)") in findings
    assert (*where, "refers to undefined smekg:noSuchProperty") in findings
