"""The release gates: each catches what it is for, on small broken ontologies, and the release passes."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

from smekg import SmekgError
from smekg.owlapi import gate_findings, load_gate
from smekg.quality import check_release
from smekg.rules import load_profile, run_stage
from smekg.sources import compile_sources
from smekg.vocab import ONTOLOGY_IRI

FIXTURES = Path(__file__).parent / "fixtures" / "owl"
OWLAPI_MISSING = shutil.which("java") is None or not Path("/usr/share/java/owlapi-distribution.jar").is_file()
# Outside CI the OWL API gate may be skipped on a machine without it; in CI (.ci/run installs it) never.
needs_owlapi = pytest.mark.skipif(
    OWLAPI_MISSING and not os.environ.get("CI"), reason="OWL API gate needs Java and Debian's libowlapi-java"
)


def quality(project, name: str) -> set[tuple[str, str, str]]:
    """(rule, entry, message) of each error the release-stage rules find in a fixture."""
    store = ox.Store()
    store.load(path=str(FIXTURES / name), format=ox.RdfFormat.TURTLE)
    outcomes = run_stage(load_profile(project), "release", store, lambda *_: (name, 0), {}, union=False)
    return {(o.rule.name, f.entry, f.message) for o in outcomes for f in o.findings if f.level == "error"}


@pytest.fixture(scope="module")
def owlapi_report():
    names = [
        "clean.ttl",
        "undeclared-entity.ttl",
        "punned-property.ttl",
        "punned-class.ttl",
        "unresolved-import.ttl",
        "class-without-label.ttl",
    ]
    report = load_gate([FIXTURES / n for n in names])
    return {Path(file).name: gate_findings({file: lines}, ONTOLOGY_IRI) for file, lines in report.items()}


def test_clean_fixture_passes_quality(project):
    assert quality(project, "clean.ttl") == set()


@pytest.mark.parametrize(
    ("fixture", "check", "entry", "says"),
    [
        ("undeclared-entity.ttl", "undeclared_term", "smekg:acme", "refers to undefined smekg:suppliedBy"),
        ("punned-property.ttl", "property_punning", "smekg:size", "is declared both"),
        ("punned-foreign-property.ttl", "property_punning", "http://example.org/size", "is declared both"),
        ("punned-class.ttl", "class_punning", "kg:claim", "uses the class smekg:Cluster as the value"),
        ("class-without-label.ttl", "missing_label", "smekg:Cluster", "missing label"),
        ("subclass-cycle.ttl", "subclass_cycle", "smekg:Alliance", "subclass cycle"),
        ("subclass-cycle.ttl", "subclass_cycle", "smekg:Venture", "subclass cycle"),
        ("circular-definition.ttl", "circular_definition", "smekg:ExportConsortium", "circular definition"),
        ("circular-definition.ttl", "circular_definition", "smekg:B2BNetwork", "circular definition"),
    ],
)
def test_quality_report_catches(project, fixture, check, entry, says):
    found = quality(project, fixture)
    assert any((rule, where) == (check, entry) and says in message for rule, where, message in found), found


@needs_owlapi
def test_owlapi_accepts_the_clean_fixture(owlapi_report):
    assert owlapi_report["clean.ttl"] == []


@needs_owlapi
@pytest.mark.parametrize(
    ("fixture", "problem"),
    [
        ("undeclared-entity.ttl", "OWL 2 DL profile violation"),
        ("punned-property.ttl", "OWL 2 DL profile violation"),
        ("punned-class.ttl", "class also used as an individual"),
        ("unresolved-import.ttl", "import that does not resolve offline"),
        ("class-without-label.ttl", "class without rdfs:label"),
    ],
)
def test_owlapi_gate_catches(owlapi_report, fixture, problem):
    assert any(f.message.startswith(problem) for f in owlapi_report[fixture]), owlapi_report[fixture]


@pytest.mark.slow
@needs_owlapi
def test_catalog_resolves_an_import_offline(tmp_path):
    target = tmp_path / "local.ttl"
    shutil.copy(FIXTURES / "clean.ttl", target)
    target.write_text(
        target.read_text().replace("<https://w3id.org/smekg/ontology>", "<http://example.org/not-available-offline>")
    )
    (tmp_path / "catalog-v001.xml").write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="http://example.org/not-available-offline" uri="local.ttl"/></catalog>'
    )
    report = load_gate([FIXTURES / "unresolved-import.ttl"], tmp_path / "catalog-v001.xml")
    assert [f for f in gate_findings(report) if "import" in f.message] == []


@pytest.mark.slow
@needs_owlapi
def test_release_passes_every_gate(project, release):
    report = check_release(project, release.release_dir)
    assert [str(f) for _, f in report.findings("error")] == []
    gates = ("parsers", "reasoner", "owlapi")
    assert {o.rule.name: o.verdict for o in report.outcomes if o.rule.name in gates} == dict.fromkeys(gates, "pass")


VOCABULARIES = Path(__file__).resolve().parents[2] / "shared" / "vocabularies"
needs_vocabularies = pytest.mark.skipif(
    not VOCABULARIES.is_dir() and not os.environ.get("CI"), reason="the published vocabularies are in ../shared"
)


def merged_with_vocabularies(release_nt: Path | None, out: Path) -> Path:
    """The release (or nothing) merged with the published FaBiO, CiTO, PROV-O and ORG, their ontology headers
    dropped."""
    header = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
    triples = list(ox.parse(path=str(release_nt), format=ox.RdfFormat.N_TRIPLES)) if release_nt else []
    for name in ("fabio.ttl", "cito.ttl", "prov-o.ttl", "org.ttl"):
        published = list(ox.parse(path=str(VOCABULARIES / name), format=ox.RdfFormat.TURTLE))
        heads = {t.subject for t in published if t.object == header}
        triples += [t for t in published if t.subject not in heads]
    ox.serialize(triples, output=str(out), format=ox.RdfFormat.N_TRIPLES)
    return out


def published_vocabularies() -> Graph:
    """The published FaBiO, CiTO, PROV-O and ORG in one graph."""
    published = Graph()
    for name in ("fabio.ttl", "cito.ttl", "prov-o.ttl", "org.ttl"):
        published.parse(VOCABULARIES / name)
    return published


def dl_violations(lines: list) -> Counter:
    """The OWL 2 DL violations of one gate report, keyed by what they are about: without the ontology that holds
    them, blank node labels, or the arbitrary annotation the OWL API prints for an undeclared annotation property."""
    keys = Counter()
    for kind, text in lines:
        if kind == "DL_VIOLATION":
            text = re.sub(r" in OntologyID\(.*", "", text)
            text = re.sub(r"_:genid[0-9]+", "_:b", text)
            keys[re.sub(r"in annotation \[.*? in (?=[A-Z][A-Za-z]*\()", "in annotation [", text)] += 1
    return keys


@pytest.mark.slow
@needs_owlapi
@needs_vocabularies
def test_release_merged_with_the_vocabularies_adds_no_dl_violation(release, tmp_path):
    """Merged with the published FaBiO, CiTO, PROV-O and ORG, the release adds 0 OWL 2 DL violations to theirs."""
    alone = merged_with_vocabularies(None, tmp_path / "vocabularies.nt")
    merged = merged_with_vocabularies(release.release_dir / "smekg-full.nt", tmp_path / "merged.nt")
    report = load_gate([alone, merged])
    added = dl_violations(report[str(merged)]) - dl_violations(report[str(alone)])
    assert sorted(added) == []


@needs_vocabularies
def test_release_uses_no_property_the_vocabularies_type_ambiguously(release):
    """No release triple uses a property the vocabularies declare both as annotation and as object or data property
    (dcterms:license, created, modified, issued), or a data property whose range is outside OWL 2's datatype map
    (fabio:hasPublicationYear, xsd:gYear): any use of one is an OWL 2 DL violation next to them."""
    published = published_vocabularies()
    annotation = set(published.subjects(RDF.type, OWL.AnnotationProperty))
    logical = set(published.subjects(RDF.type, OWL.ObjectProperty)) | set(
        published.subjects(RDF.type, OWL.DatatypeProperty)
    )
    outside = {p for p, r in published.subject_objects(RDFS.range) if r in (XSD.gYear, XSD.gYearMonth, XSD.date)}
    unusable = (annotation & logical) | outside
    assert URIRef("http://purl.org/spar/fabio/hasPublicationYear") in unusable
    used = {line.split(" ", 2)[1][1:-1] for line in (release.release_dir / "smekg-full.nt").read_text().splitlines()}
    assert sorted(used & {str(p) for p in unusable}) == []


@needs_vocabularies
def test_import_modules_type_each_term_as_a_publisher_does(project):
    """An import module gives a published term only a type some publisher gives it (dcterms:language stays FaBiO's
    object property, not an annotation property)."""
    published = published_vocabularies()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    retyped = set()
    for module in project.import_modules():
        for term, kind in Graph().parse(module).subject_objects(RDF.type):
            ours = set(published.objects(term, RDF.type)) & set(kinds)
            if kind in kinds and ours and kind not in ours:
                retyped.add((str(term), str(kind), module.name))
    assert sorted(retyped) == []


def reused(iri: str) -> bool:
    return iri.startswith("http") and not iri.startswith("https://w3id.org/smekg/")


def test_reused_terms_are_declared_and_placed_only_by_the_import_modules(project):
    """No edit or knowledge file declares a reused term or gives it a superclass: the publisher's place holds."""
    compiled = compile_sources(project)
    rows = compiled.query(
        "SELECT ?t ?g WHERE { GRAPH ?g { ?t rdf:type|rdfs:subClassOf|rdfs:subPropertyOf ?x } "
        "FILTER(?x IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty) || "
        "!isBlank(?x) && ?x != owl:NamedIndividual && EXISTS { ?t rdfs:subClassOf|rdfs:subPropertyOf ?x }) }"
    )
    placed = {(str(r["t"].value), compiled.files[r["g"].value]) for r in rows if reused(r["t"].value)}
    assert {(t, f) for t, f in placed if not f.startswith("ontology/imports/")} == set()
    assert ("http://purl.org/spar/fabio/WebPage", "ontology/imports/fabio_import.ttl") in placed


def test_edit_module_imports_resolve_through_the_catalog(project):
    """Every owl:imports of smekg.ttl is mapped by catalog-v001.xml to a module file with that ontology IRI."""
    catalog = project.ontology.with_name("catalog-v001.xml")
    mapped = {
        e.get("name"): catalog.parent / e.get("uri")
        for e in ElementTree.parse(catalog).getroot()
        if e.tag.endswith("uri")
    }
    imports = set(Graph().parse(project.ontology).objects(None, OWL.imports))
    assert imports and all(str(i) in mapped for i in imports)
    for iri in imports:
        assert (URIRef(iri), RDF.type, OWL.Ontology) in Graph().parse(mapped[str(iri)])


@pytest.mark.slow
@needs_owlapi
def test_import_modules_load_in_the_owlapi_as_owl2_dl(project):
    """The OWL API's own Turtle parser reads each module (no PREFIX lines) with no finding."""
    report = load_gate(project.import_modules())
    assert report and {f: gate_findings({f: lines}) for f, lines in report.items()} == {f: [] for f in report}


def test_the_duplicate_systematic_review_class_is_gone(release):
    """smekg:SystematicReview duplicated fabio:SystematicReview: the sources now use FaBiO's."""
    nt = (release.release_dir / "smekg-full.nt").read_text(encoding="utf-8")
    assert "<https://w3id.org/smekg/ontology/SystematicReview>" not in nt
    assert "<http://purl.org/spar/fabio/SystematicReview>" in nt


def test_check_on_a_folder_without_a_release_says_so_before_starting_a_gate(project, tmp_path):
    """Not a reasoner's failure to read a missing file: the release is missing, and the finding says what to run."""
    with pytest.raises(SmekgError) as refused:
        check_release(project, tmp_path)
    assert [str(f) for f in refused.value.findings] == [
        f"{tmp_path}: error: no release here (no smekg-full.nt); run `smekg build` first"
    ]
