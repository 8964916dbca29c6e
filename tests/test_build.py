"""The build writes every release artifact, and the real graph passes every gate."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

from smekg.labels import GENERATED, generate, label_text
from smekg.owlapi import load_gate
from smekg.release import VARIANTS, artifact_names
from smekg.sources import compile_sources
from test_quality_gates import needs_owlapi

# The release folder as the README documents it (written out here, not taken from the code under test).
DOCUMENTED_RELEASE = {
    *(f"smekg-{variant}.{ext}" for variant in ("base", "full") for ext in ("ttl", "owl", "jsonld", "nt")),
    "smekg-direct.nt",
    "smekg-direct.ttl",
    "build-report.json",
    ".smekg-release",
    "oxigraph",  # the read-only store `smekg query` opens (a folder)
}


def test_release_has_every_artifact(release):
    """The release holds exactly the documented files, none empty, and the build reports the files it wrote."""
    names = {p.name for p in release.release_dir.iterdir()}
    assert names == DOCUMENTED_RELEASE
    assert {p.name for p in release.artifacts} == DOCUMENTED_RELEASE
    assert all((release.release_dir / name).stat().st_size > 0 for name in names)
    assert set(artifact_names()) == {
        name for name in DOCUMENTED_RELEASE if name.startswith(("smekg-base", "smekg-full"))
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DOCUMENTED_RELEASE - {"build-report.json", ".smekg-release", "oxigraph"}))
def test_every_artifact_parses_with_two_parsers(release, name: str):
    """rdflib and Oxigraph (independent parsers) read each artifact to the same triple count."""
    rdf_formats = {
        "ttl": ("turtle", ox.RdfFormat.TURTLE),
        "nt": ("nt", ox.RdfFormat.N_TRIPLES),
        "owl": ("xml", ox.RdfFormat.RDF_XML),
    }
    path = release.release_dir / name
    ext = name.rsplit(".", 1)[1]
    graph = rdflib.Graph().parse(path, format="json-ld" if ext == "jsonld" else rdf_formats[ext][0])
    assert len(graph) > (500 if name.startswith("smekg-direct") else 5000)
    if ext in rdf_formats:
        assert len(list(ox.parse(path=str(path), format=rdf_formats[ext][1]))) == len(graph)


def nt_lines(release, name: str) -> list[bytes]:
    return (release.release_dir / name).read_bytes().splitlines()


def body(lines: list[bytes], variant: str) -> set[bytes]:
    """The lines of an N-Triples artifact but its ontology header (whose subject is the artifact's own IRI)."""
    return {line for line in lines if not line.startswith(f"<https://w3id.org/smekg/smekg-{variant}.owl> ".encode())}


def test_full_release_adds_inferences(release):
    """The full release is the base release (its header aside) and more: a known inference among the added
    triples; the counts the build reports are those of the files."""
    base, full = nt_lines(release, "smekg-base.nt"), nt_lines(release, "smekg-full.nt")
    inferred = body(full, "full") - body(base, "base")
    assert body(base, "base") < body(full, "full")
    assert f"<{SMEKG}SME> <{RDFS.subClassOf}> <{SMEKG}Firm> .".encode() in inferred
    report = json.loads((release.release_dir / "build-report.json").read_text())
    counted = {
        "base triples": len(base),
        "full triples": len(full),
        "inferred triples": len(inferred),
        "direct triples": len(nt_lines(release, "smekg-direct.nt")),
    }
    assert report["counts"] == release.counts == counted


def test_inferred_hierarchy_is_in_full_release_only(release):
    """HermiT's conclusions go to the full release: the base release keeps only asserted axioms."""
    inferred = f"<{SMEKG}SME> <{RDFS.subClassOf}> <{SMEKG}Firm> .".encode()  # N-Triples lines, as the build writes
    assert inferred not in nt_lines(release, "smekg-base.nt") and inferred in nt_lines(release, "smekg-full.nt")


SMEKG, KG = "https://w3id.org/smekg/ontology/", "https://w3id.org/smekg/kg/"
INDIVIDUALS = """SELECT DISTINCT ?x WHERE { ?x a ?t FILTER(isIRI(?x) && !STRSTARTS(STR(?t), STR(owl:))
  && !STRSTARTS(STR(?t), STR(rdf:)) && !STRSTARTS(STR(?t), STR(rdfs:))) }"""


LABEL = ox.NamedNode(str(RDFS.label))


def base_store(release) -> ox.Store:
    store = ox.Store()
    store.load(path=str(release.release_dir / "smekg-base.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def ask(store: ox.Store, query: str) -> list:
    prefixes = {"owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "smekg": SMEKG, "kg": KG}
    return [row[0].value for row in store.query(query, prefixes=prefixes)]


def test_every_individual_is_declared_and_labelled(release):
    store = base_store(release)
    individuals = ask(store, INDIVIDUALS)
    assert len(individuals) > 2000
    assert (
        ask(store, f"SELECT ?x WHERE {{ {{ {INDIVIDUALS} }} FILTER NOT EXISTS {{ ?x a owl:NamedIndividual }} }}") == []
    )
    assert ask(store, f"SELECT ?x WHERE {{ {{ {INDIVIDUALS} }} FILTER NOT EXISTS {{ ?x rdfs:label ?l }} }}") == []
    report = json.loads((release.release_dir / "build-report.json").read_text())
    assert report["generated"]["individuals declared"] == len(individuals)


CLAIM = KG + "gao2019-concl-lack-of-capital-hinders"


def test_claims_get_a_readable_generated_label_that_stays_out_of_the_sources(project, release):
    label = "Gao et al. 2019: lack of capital hinders internationalization"
    assert ask(base_store(release), f"SELECT ?l WHERE {{ <{CLAIM}> rdfs:label ?l }}") == [label]
    marked = "SELECT ?x WHERE { ?x smekg:labelIsGenerated true }"
    assert CLAIM in ask(base_store(release), marked)  # so queries can prefer a curated label to a description
    assert KG + "country-china" not in ask(base_store(release), marked)  # its label is curated: not marked
    assert not any(label in path.read_text(encoding="utf-8") for path in project.turtle_sources())


def generated_label(project) -> list[str]:
    compiled = compile_sources(project)
    generate(compiled)
    return [q.object.value for q in compiled.store.quads_for_pattern(ox.NamedNode(CLAIM), LABEL, None, GENERATED)]


def test_a_curated_label_wins(project_copy):
    assert generated_label(project_copy) == ["Gao et al. 2019: lack of capital hinders internationalization"]
    source = project_copy.knowledge_dir / "gao2019role.ttl"
    source.write_text(source.read_text(encoding="utf-8") + f'<{CLAIM}> rdfs:label "no capital, no exports"@en .\n')
    assert generated_label(project_copy) == []


def test_no_two_entities_share_a_label(release):
    """A generated label never repeats another one, curated or generated (ignoring case, per language)."""
    query = """SELECT (SAMPLE(?x) AS ?entity) WHERE {
      ?x rdfs:label ?l FILTER(isIRI(?x) && (STRSTARTS(STR(?x), STR(smekg:)) || STRSTARTS(STR(?x), STR(kg:))))
    } GROUP BY (LCASE(STR(?l)) AS ?text) (LANG(?l) AS ?lang) HAVING (COUNT(DISTINCT ?x) > 1)"""
    assert ask(base_store(release), query) == []


def test_owlready2_lists_the_individuals(release):
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology((release.release_dir / "smekg-base.owl").as_uri()).load()
    names = {individual.iri for individual in onto.individuals()}
    assert KG + "gao2019-concl-lack-of-capital-hinders" in names and len(names) > 2000


@needs_owlapi
@pytest.mark.slow
def test_the_owl_api_loads_every_release_artifact_with_its_own_identity(project, release):
    """The OWL API's own parsers (RDF/XML and Turtle) read each artifact whole, under its own ontology IRI."""
    files = {release.release_dir / f"smekg-{v}.{ext}": v for v in VARIANTS for ext in ("owl", "ttl")}
    report = load_gate(list(files), project.ontology.with_name("catalog-v001.xml"))
    version = json.loads((release.release_dir / "build-report.json").read_text())["version"]
    for path, variant in files.items():
        lines = report[str(path)]
        assert not {kind for kind, _ in lines} & {"LOAD_ERROR", "UNPARSED", "ERROR_ENTITY"}, (path, lines)
        assert ("FORMAT", "RDF/XML Syntax" if path.suffix == ".owl" else "Turtle Syntax") in lines
        assert ("IRI", f"https://w3id.org/smekg/smekg-{variant}.owl") in lines
        assert ("VERSION_IRI", f"https://w3id.org/smekg/releases/{version}/smekg-{variant}.owl") in lines


@pytest.mark.parametrize(
    ("parts", "label"),
    [
        (
            {"cite": ["A 2020"], "kind": ["claim"], "subject": ["x", "y"], "relation": ["hinders"], "object": ["z"]},
            "A 2020: x and y hinders z",
        ),
        (
            {"cite": ["A 2020"], "kind": ["hypothesis"], "subject": ["x"], "relation": ["affects"], "object": ["z"]},
            "A 2020: x affects z (hypothesis)",
        ),
        (
            {"cite": ["A 2020"], "kind": ["definition statement"], "of": ["born global"]},
            "A 2020: definition statement of born global",
        ),
        ({"cite": ["A 2020"], "kind": ["authorship"], "number": ["2"], "name": ["K. P"]}, "A 2020: authorship 2 K. P"),
        (
            {"cite": ["A 2020"], "kind": ["analysis step"], "sort": ["analysis step"], "number": ["6"]},
            "A 2020: analysis step 6",
        ),
        ({"cite": ["A 2020"], "kind": ["criterion"], "sort": ["exclusion"]}, "A 2020: exclusion criterion"),
        ({"kind": ["research gap"], "about": ["a", "b", "c"]}, "research gap about a, b and c"),
    ],
)
def test_generated_labels_read_as_english(parts, label):
    assert label_text(parts) == label
