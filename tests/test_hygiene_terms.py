"""The hygiene rules of the terms (issue 19, points 1 and 2): each finds its planted bad case and leaves the good
one alone, on a small graph run through the shipped profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import DCTERMS, OWL, RDFS

from clirun import child_env, smekg
from conftest import TURTLE_PREFIXES
from smekg import validate
from smekg.rules import load_profile, run_stage

CHILDREN = "".join(f"smekg:Wide{n} rdfs:subClassOf smekg:Wide .\n" for n in range(21)) + "".join(
    f"smekg:Narrow{n} rdfs:subClassOf smekg:Narrow .\n" for n in range(20)
)
CASES = {
    "hygiene_many_children": (CHILDREN, ["smekg:Wide"]),
    "hygiene_concept_superclass": (
        "smekg:Bad rdfs:subClassOf skos:Concept . smekg:Good rdfs:subClassOf smekg:Parent .",
        ["smekg:Bad"],
    ),
    "hygiene_single_child": (
        """smekg:Only rdfs:subClassOf smekg:Lonely .
        smekg:Kept rdfs:subClassOf smekg:Explained .
        smekg:Explained skos:editorialNote "The document names only this one kind."@en .
        smekg:One rdfs:subClassOf smekg:Pair . smekg:Two rdfs:subClassOf smekg:Pair .
        smekg:Dropped rdfs:subClassOf smekg:Old . smekg:Gone rdfs:subClassOf smekg:Old ; owl:deprecated true .""",
        ["smekg:Lonely", "smekg:Old"],
    ),
    "hygiene_plural_label": (
        """smekg:Goals a owl:Class ; rdfs:label "market goals"@en .
        smekg:Lack a owl:Class ; rdfs:label "lack of overseas contacts"@en .
        smekg:Access a owl:Class ; rdfs:label "access to new customers"@en .
        smekg:Scale a owl:Class ; rdfs:label "economies of scale"@en ;
            smekg:hygieneException "hygiene_plural_label: the fixed term of economics"@en .
        smekg:Analysis a owl:Class ; rdfs:label "cost analysis"@en .
        smekg:Costs a owl:Class ; rdfs:label "agency costs (of a venture)"@en .
        smekg:Economics a owl:Class ; rdfs:label "transaction cost economics"@en .""",
        ["smekg:Costs", "smekg:Goals"],
    ),
    "hygiene_joined_label": (
        """smekg:Joined a owl:Class ; rdfs:label "flexibility and responsiveness"@en .
        smekg:Listed a owl:Class ; rdfs:label "personal contact, family"@en .
        smekg:Either a owl:Class ; rdfs:label "ally or affiliate"@en .
        smekg:RAndD a owl:Class ; rdfs:label "research and development"@en ;
            smekg:hygieneException "hygiene_joined_label: one activity in the value-chain model"@en .
        smekg:Qualified a owl:Class ; rdfs:label "combination (knowledge conversion, explicit and explicit)"@en .
        smekg:Brand a owl:Class ; rdfs:label "Andorran brand"@en .""",
        ["smekg:Either", "smekg:Joined", "smekg:Listed"],
    ),
    "hygiene_genus_differentia": (
        """smekg:Network a owl:Class ; rdfs:label "network"@en .
        smekg:Form a owl:Class ; rdfs:label "interfirm network (collaboration form)"@en .
        smekg:Good a owl:Class ; rdfs:subClassOf smekg:Network ;
            skos:definition "A network of ties among firms."@en .
        smekg:Platform a owl:Class ; rdfs:subClassOf smekg:Network ;
            skos:definition "An online platform on which firms keep ties."@en .
        smekg:Prefix a owl:Class ; rdfs:subClassOf smekg:Network ;
            skos:definition "A networking event."@en .
        smekg:Qualified a owl:Class ; rdfs:subClassOf smekg:Form ;
            skos:definition "An interfirm network, formalized by contract."@en .
        smekg:Synonym a owl:Class ; rdfs:subClassOf smekg:Form ;
            skos:definition "A collaborative network kept by contract."@en .
        smekg:Form skos:altLabel "collaborative network"@en .
        smekg:Knowledge a owl:Class ; rdfs:label "knowledge"@en .
        smekg:Mass a owl:Class ; rdfs:subClassOf smekg:Knowledge ;
            skos:definition "Knowledge of what rivals plan."@en .
        smekg:Knowing a owl:Class ; rdfs:subClassOf smekg:Knowledge ;
            skos:definition "Knowledgeable people."@en .
        smekg:Root a owl:Class ; skos:definition "Anything at all."@en .""",
        ["smekg:Knowing", "smekg:Platform", "smekg:Prefix"],
    ),
    "hygiene_placeholder_source": (
        """smekg:Placeholder dcterms:source "smekg design" .
        smekg:Unlocated dcterms:source work:gao2019role .
        smekg:Located dcterms:source work:gao2019role ; smekg:sourceLocator "§2.1" .
        smekg:Designed dcterms:source <https://w3id.org/smekg/ontology> ;
            skos:editorialNote "A term of smekg's own design: no document defines it."@en .
        smekg:Unexplained dcterms:source <https://w3id.org/smekg/ontology> .""",
        ["smekg:Placeholder", "smekg:Unexplained", "smekg:Unlocated"],
    ),
    "hygiene_mixed_spelling": (
        """smekg:British skos:definition "A body that organises a cluster."@en .
        smekg:American skos:definition "A firm that analyzes markets."@en .
        smekg:Labor rdfs:label "skilled labor pool"@en .
        smekg:Oxford skos:definition
            "A body that organizes a cluster and analyses its enterprises, and advises them."@en .
        smekg:Stems rdfs:label "expertise, exercises and surprised rivals"@en .""",
        ["smekg:American", "smekg:British", "smekg:Labor"],
    ),
    "hygiene_kind_divergence": (
        """smekg:Cluster a owl:Class . smekg:Network a owl:Class .
        smekg:Alliance a owl:Class ; rdfs:subClassOf smekg:Form .
        smekg:Form a owl:Class ; rdfs:subClassOf smekg:Network .
        kg:off smekg:claimSubject smekg:Cluster ; smekg:claimRelation smekg:isKindOf ; smekg:claimObject smekg:Network .
        kg:on smekg:claimSubject smekg:Alliance ; smekg:claimRelation smekg:isKindOf ; smekg:claimObject smekg:Network .
        kg:noted smekg:claimSubject smekg:Network ; smekg:claimRelation smekg:isKindOf ;
            smekg:claimObject smekg:Cluster ;
            skos:editorialNote "The hierarchy keeps clusters apart from networks."@en .""",
        ["kg:off"],
    ),
    "hygiene_label_iri": (
        """smekg:AdvisoryService a owl:Class ; rdfs:label "technical and legal advice"@en .
        smekg:Evidence a owl:Class ; rdfs:label "empirical evidence"@en .
        smekg:maxSize a owl:DatatypeProperty ; rdfs:label "size"@en .
        smekg:ExportConsortium a owl:Class ; rdfs:label "export consortia"@en .
        smekg:CapabilityBuilding a owl:Class ; rdfs:label "building of capabilities"@en .
        smekg:InternationalisationProcess a owl:Class ; rdfs:label "internationalization process"@en .
        smekg:Coopetition a owl:Class ; rdfs:label "co-opetition"@en .
        smekg:CoEthnicity a owl:Class ; rdfs:label "co-ethnicity"@en .
        smekg:SMENetwork a owl:Class ; rdfs:label "network of small and medium-sized enterprises"@en .
        smekg:RAndDCost a owl:Class ; rdfs:label "R&D cost"@en .
        smekg:ManagerContact a owl:Class ; rdfs:label "manager's contact (the firm's)"@en .
        smekg:TradeFair a owl:Class ; rdfs:label "fair"@en ; skos:altLabel "trade fair"@en .
        smekg:KnowHowLoss a owl:Class ; rdfs:label "loss of knowledge"@en ;
            smekg:hygieneException "hygiene_label_iri: know-how is the knowledge the document means"@en .
        smekg:OldName a owl:Class ; rdfs:label "new name"@en ; owl:deprecated true .
        smekg:ExportPromotion a owl:Class ; rdfs:label "export promotion"@en ; skos:altLabel "trade fairs"@en .
        kg:SomeThing rdfs:label "another thing"@en .""",
        ["smekg:AdvisoryService", "smekg:Evidence", "smekg:maxSize"],
    ),
    "hygiene_label_only_definition": (
        """smekg:Handloom rdfs:label "handloom cluster"@en .
        kg:plural a smekg:DefinitionStatement ; smekg:definedConcept smekg:Handloom ;
            dcterms:description "Handloom clusters."@en .
        kg:same a smekg:DefinitionStatement ; smekg:definedConcept smekg:Handloom ;
            dcterms:description "handloom cluster"@en .
        kg:said a smekg:DefinitionStatement ; smekg:definedConcept smekg:Handloom ;
            dcterms:description "The review names handloom clusters without defining the type."@en .""",
        ["kg:plural", "kg:same"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hygiene_rule_finds_the_bad_case_and_not_the_good_one(project, name):
    text, expected = CASES[name]
    store = ox.Store()
    store.load((TURTLE_PREFIXES + text).encode(), format=ox.RdfFormat.TURTLE)
    [rule] = [r for r in load_profile(project) if r.name == name]
    [outcome] = run_stage([rule], "sources", store, lambda *_: ("x", 0), {}, union=False)
    assert sorted({f.entry for f in outcome.findings}) == expected, [f.message for f in outcome.findings]
    assert {f.level for f in outcome.findings} == {"warn"}


def test_the_mixed_spelling_rule_names_the_word(project):
    store = ox.Store()
    store.load(
        (TURTLE_PREFIXES + 'smekg:X skos:definition "Firms organised in a cluster."@en .').encode(), ox.RdfFormat.TURTLE
    )
    [rule] = [r for r in load_profile(project) if r.name == "hygiene_mixed_spelling"]
    [outcome] = run_stage([rule], "sources", store, lambda *_: ("x", 0), {}, union=False)
    assert [f.message.split("'")[1] for f in outcome.findings] == ["organised"]


def test_validate_prints_a_warning_and_succeeds(small_copy):
    """A warn-level finding (here a plural label) is printed with its place; it fails nothing."""
    with small_copy.ontology.open("a", encoding="utf-8") as module:
        module.write(
            TURTLE_PREFIXES
            + '\nsmekg:ZzGoals a owl:Class ; rdfs:label "zz goals"@en ; rdfs:subClassOf smekg:Motive ;\n'
            '    skos:definition "A motive for zz."@en ; dcterms:source work:gao2019role ; smekg:sourceLocator "§1" .\n'
        )
    done = smekg("validate", "--root", small_copy.root)
    assert done.returncode == 0, done.stderr
    assert "smekg:ZzGoals: warn: the label 'zz goals' is plural" in done.stderr


def test_the_label_iri_rule_names_the_words_on_each_side(project):
    store = ox.Store()
    store.load(
        (TURTLE_PREFIXES + 'smekg:TimeSaving a owl:Class ; rdfs:label "time saved on building"@en .').encode(),
        ox.RdfFormat.TURTLE,
    )
    [rule] = [r for r in load_profile(project) if r.name == "hygiene_label_iri"]
    [outcome] = run_stage([rule], "sources", store, lambda *_: ("x", 0), {}, union=False)
    [finding] = outcome.findings
    assert finding.message.split("(", 1)[1] == (
        "words of the IRI in no label: 'saving'; "
        "words of the label not in the IRI: 'saved', 'building'): name one thing"
    )


def rename(project, mapping: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(__file__).resolve().parents[1] / "tools" / "rename_terms.py"
    return subprocess.run(
        [sys.executable, str(tool), "--mapping", str(mapping)],
        cwd=project.root,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_rename_keeps_the_old_iri_deprecated_and_moves_every_use(small_copy, tmp_path):
    mapping = tmp_path / "renames.tsv"
    mapping.write_text('# test\nLackOfStateSupport\tStateSupportLack\tplanted by a "test"\n', encoding="utf-8")
    knowledge = small_copy.knowledge_dir / "costa2015new.ttl"
    assert "smekg:LackOfStateSupport" in knowledge.read_text(encoding="utf-8")
    done = rename(small_copy, mapping)
    assert done.returncode == 0, done.stderr
    assert "smekg:LackOfStateSupport" not in knowledge.read_text(encoding="utf-8")
    module = ox.Store()
    module.load(path=str(small_copy.ontology), format=ox.RdfFormat.TURTLE)
    old, new = (f"<https://w3id.org/smekg/ontology/{n}>" for n in ("LackOfStateSupport", "StateSupportLack"))
    assert module.query(f'ASK {{ {new} <{RDFS}label> "lack of state support"@en }}')
    assert module.query(f"ASK {{ {old} <{OWL}deprecated> true ; <{DCTERMS}isReplacedBy> {new} }}")
    note = "http://www.w3.org/2004/02/skos/core#editorialNote"
    assert module.query(f'ASK {{ {old} <{note}> ?why FILTER(CONTAINS(?why, "planted by a \\"test\\"")) }}')
    validate(small_copy)  # no use of the deprecated IRI is left, every source canonical
    texts = {p: p.read_text(encoding="utf-8") for p in (small_copy.ontology, knowledge)}
    assert rename(small_copy, mapping).returncode == 0
    assert {p: p.read_text(encoding="utf-8") for p in texts} == texts
