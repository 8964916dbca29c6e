"""HermiT gates the build and its inferences land in the full release."""

from __future__ import annotations

import pytest
import rdflib

from smekg import SmekgError, build

HEAD = """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix work: <https://w3id.org/smekg/work/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

FIRMS = (
    HEAD
    + """
kg:test-small a smekg:CaseFirm ; rdfs:label "Small test firm"@en ;
    smekg:studiedIn work:gao2019role ; smekg:numberOfEmployees 250 .
kg:test-large a smekg:CaseFirm ; rdfs:label "Large test firm"@en ;
    smekg:studiedIn work:gao2019role ; smekg:numberOfEmployees 251 .
kg:test-cluster a smekg:Cluster ; rdfs:label "Test cluster"@en ; smekg:structure smekg:horizontal .
"""
)

S = rdflib.Namespace("https://w3id.org/smekg/ontology/")
K = rdflib.Namespace("https://w3id.org/smekg/kg/")


def types(path, node):
    return set(rdflib.Graph().parse(path).objects(node, rdflib.RDF.type))


def test_headcount_and_structure_classify_individuals(project_copy, tmp_path):
    (project_copy.knowledge_dir / "zz-firms.ttl").write_text(FIRMS, encoding="utf-8")
    result = build(project_copy, tmp_path / "out")
    full, base = result.release_dir / "smekg-full.nt", result.release_dir / "smekg-base.nt"
    assert S.SME in types(full, K["test-small"]) and S.SME not in types(base, K["test-small"])
    assert S.LargeFirm in types(full, K["test-large"]) and S.SME not in types(full, K["test-large"])
    assert {S.HorizontalCluster, S.Cluster, S.CollaborationForm} <= types(full, K["test-cluster"])


def test_unsatisfiable_class_fails_the_build(project_copy, tmp_path):
    (project_copy.knowledge_dir / "zz-bad.ttl").write_text(
        HEAD
        + """
smekg:SmallGiant a owl:Class ; rdfs:subClassOf smekg:SME , smekg:LargeFirm ;
    rdfs:label "small giant"@en ; skos:definition "A deliberately impossible class."@en .
""",
        encoding="utf-8",
    )
    with pytest.raises(SmekgError, match="SmallGiant.*unsatisfiable"):
        build(project_copy, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_inconsistent_graph_fails_the_build(project_copy, tmp_path):
    (project_copy.knowledge_dir / "zz-bad.ttl").write_text(
        FIRMS.replace('rdfs:label "Small test firm"@en ;', 'rdfs:label "Small test firm"@en ; a smekg:LargeFirm ;'),
        encoding="utf-8",
    )
    with pytest.raises(SmekgError, match="inconsistent"):
        build(project_copy, tmp_path / "out")


def test_fast_route_gives_the_same_individual_inferences_as_hermit_on_everything(project):
    """HermiT on the TBox plus classifiable individuals, then SPARQL materialisation, infers the
    same types for every individual as HermiT run on the whole graph."""
    from smekg.reasoning import materialise_types, reasoning_input, run_hermit
    from smekg.sources import compile_sources

    graph = compile_sources(project).union()
    classes = set(graph.subjects(rdflib.RDF.type, rdflib.OWL.Class))

    def individual_types(reasoner_input):
        full = graph + run_hermit(reasoner_input).inferred
        full += materialise_types(full)
        return {
            (s, o)
            for s, o in full.subject_objects(rdflib.RDF.type)
            if str(s).startswith("https://w3id.org/smekg/") and s not in classes
        }

    fast = individual_types(reasoning_input(graph))
    assert fast == individual_types(graph)
    assert len(fast) > 4000
