"""The rules layer: one profile and one runner at every stage (sources, reasoned graph, release), findings located,
levels spelled one way; the release gate's report and its reasoner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from clirun import smekg
from conftest import TURTLE_PREFIXES
from smekg import SmekgError, build, validate
from smekg.quality import SourceIndex, parse_artifacts, parser_findings, reasoner_gate
from smekg.rules import LEVELS, load_profile, run_stage

CURATION = """
<> prov:wasAttributedTo <https://w3id.org/smekg/agent/seed-d912c087-maintainers> ;
    prov:generatedAtTime "2026-12-06T21:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .
"""
# A claim in all but its type: smekg:instanceCount has rdfs:domain smekg:Claim, so the reasoner makes it one; it
# says nothing of the document that states it.
HIDDEN_CLAIM = """
kg:zz-hidden-claim a prov:Entity ;
    smekg:claimSubject smekg:NetworkTheory ;
    smekg:claimRelation smekg:explains ;
    smekg:claimObject smekg:ExportConsortium ;
    smekg:instanceCount 3 .
"""


def add_knowledge(project, text: str) -> Path:
    path = project.knowledge_dir / "zz-test.ttl"
    path.write_text(TURTLE_PREFIXES + text + CURATION, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if line.startswith(text))


@pytest.mark.slow  # a full build: the reasoner runs
def test_a_claim_typed_only_by_the_reasoner_fails_the_build_naming_file_line_and_why(small_copy, tmp_path):
    path = add_knowledge(small_copy, HIDDEN_CLAIM)
    validate(small_copy)  # before reasoning it is no claim
    with pytest.raises(SmekgError) as info:
        build(small_copy, tmp_path / "release")
    assert info.value.step == "validation after reasoning"
    where = ("ontology/knowledge/zz-test.ttl", line_of(path, "kg:zz-hidden-claim"), "kg:zz-hidden-claim")
    stated = [f for f in info.value.findings if "smekg:statedIn" in f.message]
    assert [(f.file, f.line, f.entry) for f in stated] == [where]
    assert "smekg:instanceCount has rdfs:domain smekg:Claim" in stated[0].message


def test_a_shape_warning_is_a_warn_level_finding(project_copy):
    shapes = project_copy.shapes_dir / "smekg-shapes.ttl"
    shapes.write_text(
        shapes.read_text()
        + "\n<urn:zz:shape> a sh:NodeShape ; sh:targetNode <https://w3id.org/smekg/ontology/Cluster> ;"
        + ' sh:property [ sh:path <urn:zz:never> ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "zz" ] .\n'
    )
    _, warnings = validate(project_copy)
    assert [(f.entry, f.level) for f in warnings if f.message.startswith("zz")] == [("smekg:Cluster", "warn")]


def test_every_documented_kind_needs_a_label_at_the_sources_stage(project_copy):
    """smekg:Direction is one of the kinds each term needs a label for, in validate as in check."""
    with project_copy.ontology.open("a", encoding="utf-8") as module:
        module.write(TURTLE_PREFIXES + '\nsmekg:ZzSideways a smekg:Direction ;\n    skos:definition "Sideways."@en .\n')
    with pytest.raises(SmekgError) as info:
        validate(project_copy)
    line = line_of(project_copy.ontology, "smekg:ZzSideways")
    assert [(f.file, f.line, f.entry) for f in info.value.findings if "label" in f.message] == [
        ("ontology/smekg.ttl", line, "smekg:ZzSideways")
    ]


def test_a_project_profile_sets_a_level(project_copy):
    add_knowledge(project_copy, "\nkg:zz-loose a prov:Entity ; smekg:claimObject smekg:NoSuchThing .\n")
    (project_copy.root / "quality").mkdir(exist_ok=True)
    (project_copy.root / "quality" / "profile.tsv").write_text("warn\tundeclared_term\n")
    _, warnings = validate(project_copy)
    assert [(f.entry, f.level) for f in warnings if "smekg:NoSuchThing" in f.message] == [("kg:zz-loose", "warn")]


OWN_RULE = """# # Entity without description
#
# **Problem:** A test rule: kg:zz entries need a dcterms:description.
#
# **Fix:** Describe it.
SELECT ?entity ?property WHERE {
  ?entity a prov:Entity FILTER(STRSTARTS(STR(?entity), STR(kg:zz)))
  FILTER NOT EXISTS { ?entity dcterms:description ?d }
  BIND(dcterms:description AS ?property)
}
"""


def test_a_project_adds_its_own_rule(project_copy):
    path = add_knowledge(project_copy, "\nkg:zz-thing a prov:Entity .\n")
    quality = project_copy.root / "quality"
    quality.mkdir(exist_ok=True)
    (quality / "zz_described.rq").write_text(OWN_RULE)
    (quality / "profile.tsv").write_text("error\tzz_described\tsources\n")
    with pytest.raises(SmekgError) as info:
        validate(project_copy)
    [finding] = info.value.findings
    assert (finding.file, finding.line, finding.entry) == (
        "ontology/knowledge/zz-test.ttl",
        line_of(path, "kg:zz-thing"),
        "kg:zz-thing",
    )
    assert finding.message == "entity without description: dcterms:description"


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ({"profile.tsv": "WARN\tundeclared_term\n"}, "level 'WARN' is not one of error, warn, info"),
        ({"profile.tsv": "warning\tundeclared_term\n"}, "level 'warning' is not one of error, warn, info"),
        ({"profile.tsv": "error\tundeclared_term\trelease\n"}, "sets only the level of a shipped rule"),
        ({"profile.tsv": "error\tzz\tsources\n", "zz.rq": "SELECT ?entity WHERE { }\n"}, "starts with a header"),
        ({"profile.tsv": "error\tzz\n", "zz.rq": OWN_RULE}, "needs zz.rq beside the profile and its stages"),
        ({"profile.tsv": "error\tzz\tsources\n", "zz.rq": OWN_RULE + "# {{nope}}\n"}, "unknown macro"),
    ],
)
def test_a_wrong_project_profile_is_refused_naming_the_line(project_copy, files, says):
    quality = project_copy.root / "quality"
    quality.mkdir(exist_ok=True)
    for name, text in files.items():
        (quality / name).write_text(text)
    with pytest.raises(SmekgError) as info:
        load_profile(project_copy)
    assert any(says in f.message for f in info.value.findings), info.value


def test_the_shipped_profile_spells_each_level_one_way(project):
    assert {rule.level for rule in load_profile(project)} <= set(LEVELS)


def test_duplicate_labels_differing_in_case_are_found_once_per_entry(project):
    store = ox.Store()
    store.load(
        TURTLE_PREFIXES.encode() + b'kg:a rdfs:label "Export Consortium"@en . kg:b rdfs:label "export consortium"@en .'
        b' kg:c rdfs:label "export consortium"@de . kg:d rdfs:label "Other"@en .',
        format=ox.RdfFormat.TURTLE,
    )
    rules = [r for r in load_profile(project) if r.name == "duplicate_label"]
    [outcome] = run_stage(rules, "release", store, lambda *_: ("x", 0), {}, union=False)
    assert sorted(f.entry for f in outcome.findings) == ["kg:a", "kg:b"]


UNSATISFIABLE = """
smekg:ZzLeft a owl:Class ; rdfs:label "left"@en .
smekg:ZzRight a owl:Class ; rdfs:label "right"@en ; owl:disjointWith smekg:ZzLeft .
smekg:ZzBoth a owl:Class ; rdfs:label "both"@en ;
    rdfs:subClassOf smekg:ZzLeft , smekg:ZzRight .
"""


def test_an_unsatisfiable_class_in_a_release_comes_with_its_explanation_located(project_copy, tmp_path):
    with project_copy.ontology.open("a", encoding="utf-8") as module:
        module.write(TURTLE_PREFIXES + UNSATISFIABLE)
    release = tmp_path / "smekg-full.nt"
    ox.serialize(
        ox.parse(TURTLE_PREFIXES + UNSATISFIABLE, format=ox.RdfFormat.TURTLE), str(release), ox.RdfFormat.N_TRIPLES
    )
    findings = reasoner_gate(release, SourceIndex(project_copy, str(release)))()
    line = line_of(project_copy.ontology, "smekg:ZzBoth")
    assert (findings[0].file, findings[0].line, findings[0].entry) == ("ontology/smekg.ttl", line, "smekg:ZzBoth")
    because = sorted(f.message.split(": ", 1)[1] for f in findings[1:])
    assert because == [
        "DisjointClasses(smekg:ZzRight smekg:ZzLeft)",
        "SubClassOf(smekg:ZzBoth smekg:ZzLeft)",
        "SubClassOf(smekg:ZzBoth smekg:ZzRight)",
    ]


def test_an_artifact_that_lost_a_triple_is_named(release, tmp_path):
    copy = tmp_path / "release"
    shutil.copytree(release.release_dir, copy)
    nt = copy / "smekg-full.nt"
    nt.write_text("".join(nt.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]), encoding="utf-8")
    parsed, failures = parse_artifacts(copy)
    named = sorted(Path(f.file).name for f in parser_findings(copy, parsed, failures))
    assert named == ["smekg-full.jsonld", "smekg-full.owl", "smekg-full.ttl"]


@pytest.mark.slow
def test_check_reports_its_gates_as_json_and_fails_on_warn(project_copy, release):
    (project_copy.root / "quality").mkdir(exist_ok=True)
    (project_copy.root / "quality" / "profile.tsv").write_text("warn\tclass_without_parent\n")
    done = smekg(
        "check",
        "--root",
        project_copy.root,
        "--release",
        release.release_dir,
        "--no-owlapi",
        "--format",
        "json",
        "--fail-on",
        "warn",
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    verdicts = {g["rule"]: g["verdict"] for g in report["gates"]}
    assert verdicts["class_without_parent"] == "warn" and verdicts["reasoner"] == "pass"
    assert verdicts["owlapi"] == "skipped" and verdicts["parsers"] == "pass"
    warned = [f for f in report["findings"] if f["rule"] == "class_without_parent"]
    assert warned and all(f["level"] == "warn" and f["file"] == "ontology/smekg.ttl" and f["line"] for f in warned)
