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


def add_to_edit_module(project, text: str) -> None:
    """Declare terms where they belong: in the edit module (a knowledge file may not)."""
    with project.ontology.open("a", encoding="utf-8") as module:
        module.write(HEAD + text)


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
    add_to_edit_module(
        project_copy,
        """
smekg:SmallGiant a owl:Class ; rdfs:subClassOf smekg:SME , smekg:LargeFirm ;
    rdfs:label "small giant"@en ; skos:definition "A deliberately impossible class."@en .
""",
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


PLANTED = (
    FIRMS
    + """
kg:test-mid a smekg:Firm ; rdfs:label "Mid test firm"@en ;
    smekg:numberOfEmployees "40"^^<http://www.w3.org/2001/XMLSchema#int> .
kg:test-vertical a smekg:Cluster ; rdfs:label "Vertical test cluster"@en ; smekg:structure smekg:vertical .
kg:test-both a smekg:BusinessNetwork ; rdfs:label "Two-way test network"@en ;
    smekg:structure smekg:vertical , smekg:horizontal .
kg:test-alias a smekg:Firm ; rdfs:label "Test firm alias"@en ; owl:sameAs kg:test-small .
"""
)


def individual_types(compiled, inferred: rdflib.Graph) -> set:
    """(individual, class) for every non-class subject of ours, after the inferences, closed under the hierarchy."""
    from smekg.reasoning import Rules, as_quads, realise, tbox_graph

    compiled.store.extend(as_quads(inferred))
    assert realise(compiled, Rules(tbox_graph(compiled), inferred, definitions=False)) == []
    rows = compiled.query(
        "SELECT ?x ?c WHERE { ?x a ?c FILTER(STRSTARTS(STR(?x), 'https://w3id.org/smekg/')) MINUS { ?x a owl:Class } }",
    )
    return {(r["x"].value, r["c"].value) for r in rows}


def test_rules_give_the_same_individual_types_as_hermit_on_everything(project_copy):
    """HermiT on the TBox plus the SPARQL rules type every individual as HermiT on the whole graph does,
    on the real graph and on planted firms, clusters and networks that exercise every definition."""
    from smekg.reasoning import reason, run_hermit, tbox_graph
    from smekg.sources import compile_sources

    (project_copy.knowledge_dir / "zz-planted.ttl").write_text(PLANTED, encoding="utf-8")
    fast = compile_sources(project_copy)
    assert reason(fast) == ("HermiT (TBox) + SPARQL rules", [])
    reference = compile_sources(project_copy)
    # On the whole graph, owlready2 drops some subsumptions HermiT finds on the TBox (MultidimensionalValueNetwork
    # ⊑ HorizontalNetwork); the reference closes HermiT's individual types under both classifications.
    classified = run_hermit(tbox_graph(reference)).inferred
    by_hermit = individual_types(reference, run_hermit(reference.union()).inferred + classified)
    by_rules = individual_types(fast, rdflib.Graph())
    assert by_rules == by_hermit
    assert len(by_rules) > 4000
    planted = {
        (str(K[x]), str(S[c]))
        for x, c in [
            ("test-small", "SME"),
            ("test-large", "LargeFirm"),
            ("test-mid", "SME"),
            ("test-vertical", "VerticalCluster"),
            ("test-cluster", "HorizontalCluster"),
            ("test-both", "MultidimensionalValueNetwork"),
            ("test-alias", "SME"),
        ]
    }
    assert planted <= by_rules


def test_a_definition_the_rules_cannot_realise_falls_back_to_hermit(project_copy, tmp_path):
    (project_copy.knowledge_dir / "zz-firms.ttl").write_text(FIRMS, encoding="utf-8")
    add_to_edit_module(
        project_copy,
        """
smekg:StaffedFirm a owl:Class ; rdfs:label "staffed firm"@en ; skos:definition "A firm with a headcount."@en ;
    owl:equivalentClass [ owl:intersectionOf ( smekg:Firm
        [ a owl:Restriction ; owl:onProperty smekg:numberOfEmployees ; owl:minCardinality 1 ] ) ] .
""",
    )
    result = build(project_copy, tmp_path / "out")
    assert result.reasoning.startswith("HermiT (TBox and classifiable individuals")
    full = result.release_dir / "smekg-full.nt"
    assert {S.StaffedFirm, S.SME} <= types(full, K["test-small"])


@pytest.mark.parametrize(
    "axiom",
    [
        "smekg:studiedIn owl:inverseOf smekg:studies .",
        "[ owl:intersectionOf ( smekg:Firm smekg:Cluster ) ] rdfs:subClassOf smekg:Network .",
        "smekg:SME rdfs:subClassOf [ owl:onProperty smekg:structure ; owl:hasValue smekg:vertical ] .",
    ],
)
def test_axioms_beyond_the_rules_are_refused(project, axiom):
    """Axioms that can type individuals but that the rules do not apply send the build to HermiT."""
    from smekg.reasoning import Rules, Unsupported, tbox_graph
    from smekg.sources import compile_sources

    tbox = tbox_graph(compile_sources(project))
    tbox.parse(data=HEAD + axiom, format="turtle")
    with pytest.raises(Unsupported):
        Rules(tbox, rdflib.Graph())
