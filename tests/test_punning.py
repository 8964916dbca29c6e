"""No punning (issue 16, point 1): concept kinds stay OWL classes, records refer to them only through annotation
properties (the OBO way), so no class IRI is ever an individual and HermiT over the whole release types none."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Graph, Namespace

from smekg import SmekgError
from smekg.build import validate
from smekg.query import Store
from smekg.reasoning import Entailments, entail_file
from smekg.rules import load_profile, run_stage

S = Namespace("https://w3id.org/smekg/ontology/")
KG = Namespace("https://w3id.org/smekg/kg/")
HEAD = """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
REFERENCES = """SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
  VALUES ?p { smekg:claimSubject smekg:claimObject smekg:about smekg:contextConcept smekg:definedConcept
              smekg:hasMember smekg:hasKeyTerm smekg:profiledType smekg:usedEntryMode smekg:usesNetworkType }
  ?x ?p ?c . ?c a owl:Class . ?p a owl:AnnotationProperty }"""


def class_punning(project, path: Path) -> list:
    """The findings of the quality check class_punning on a graph file."""
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    rules = [r for r in load_profile(project) if r.name == "class_punning"]
    return [
        f for o in run_stage(rules, "release", store, lambda *_: (path.name, 0), {}, union=False) for f in o.findings
    ]


def test_the_release_uses_no_class_as_an_individual_yet_refers_to_the_classes(project, release):
    """0 classes used as individuals in the full release, while over 400 classes are still the values of the
    claims, definitions, gaps and categories that refer to them."""
    full = release.release_dir / "smekg-full.nt"
    assert [str(f) for f in class_punning(project, full)] == []
    assert int(Store(full).select(REFERENCES)[0]["n"]) > 400


@pytest.fixture(scope="module")
def reasoner_on_the_full_release(release) -> tuple[Graph, Entailments]:
    """A complete OWL 2 DL reasoner over the whole full release (TBox and every individual, as a user runs it)."""
    path = release.release_dir / "smekg-full.nt"
    return Graph().parse(path, format="nt"), entail_file(path)


@pytest.mark.slow
def test_the_whole_release_is_consistent(reasoner_on_the_full_release):
    _, reasoned = reasoner_on_the_full_release
    assert reasoned.engine == "Konclude", reasoned.why  # the release header (owl:versionIRI …) is on the allow-list
    assert reasoned.consistent, reasoned.justification
    assert reasoned.unsatisfiable == set()


@pytest.mark.slow
def test_a_reasoner_over_the_whole_release_types_no_class(reasoner_on_the_full_release):
    graph, reasoned = reasoner_on_the_full_release
    classes = {str(c) for c in graph.subjects(RDF.type, OWL.Class)}
    assert len(classes) > 400 and len(reasoned.types) > 4000
    assert sorted((x, c) for x, c in reasoned.types if x in classes) == []


@pytest.mark.parametrize(
    ("planted", "message"),
    [
        (
            "kg:seed002-cat-network-creation smekg:searchedDatabase smekg:Cluster .",
            "kg:seed002-cat-network-creation: error: uses the class smekg:Cluster as the value of "
            "smekg:searchedDatabase, as an individual (OWL 2 punning)",
        ),
        (
            "smekg:Cluster a owl:NamedIndividual .",
            "smekg:Cluster: error: is the class smekg:Cluster and also typed owl:NamedIndividual, an individual",
        ),
    ],
)
def test_validation_refuses_a_class_used_as_an_individual(project_copy, planted, message):
    """A curator who gives a class as the value of an object property, or types it, gets a finding naming the
    file, line and entry, and the build stops before it writes a punned release."""
    (project_copy.knowledge_dir / "zz-pun.ttl").write_text(HEAD + planted + "\n", encoding="utf-8")
    with pytest.raises(SmekgError) as raised:
        validate(project_copy)
    findings = [str(f) for f in raised.value.findings]
    assert any(f.startswith("ontology/knowledge/zz-pun.ttl:") and message in f for f in findings), findings


def test_a_network_type_profile_still_profiles_one_kind(project_copy):
    """smekg:profiledType was an owl:FunctionalProperty; as an annotation property its SHACL shape keeps it so."""
    planted = "kg:gao2019-table1-horizontal smekg:profiledType smekg:Cluster .\n"
    (project_copy.knowledge_dir / "zz-pun.ttl").write_text(HEAD + planted, encoding="utf-8")
    with pytest.raises(SmekgError, match="profiles at most one kind of network"):
        validate(project_copy)


TBOX = (
    HEAD
    + """
smekg:Claim a owl:Class . smekg:Barrier a owl:Class . smekg:Firm a owl:Class .
smekg:claimSubject a owl:AnnotationProperty ; rdfs:domain smekg:Claim ; rdfs:range smekg:Barrier .
smekg:mainSubject a owl:AnnotationProperty ; rdfs:subPropertyOf smekg:claimSubject .
smekg:employs a owl:ObjectProperty ; rdfs:domain smekg:Firm .
"""
)


ABOX = """
kg:c a owl:NamedIndividual ; smekg:mainSubject kg:b ; smekg:claimSubject kg:b ; smekg:employs kg:p .
kg:b a owl:NamedIndividual . kg:p a owl:NamedIndividual .
"""


def test_the_domain_or_range_of_an_annotation_property_types_nothing(tmp_path):
    """As OWL 2 DL says: an annotation property's domain and range type nothing, nor do its subproperties'."""
    path = tmp_path / "annotated.nt"
    Graph().parse(data=TBOX + ABOX, format="turtle").serialize(path, format="nt", encoding="utf-8")
    reasoned = entail_file(path)
    assert reasoned.types == {(str(KG.c), str(S.Firm))}
