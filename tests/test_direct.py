"""Relations as properties, and the direct view: `?s smekg:provides ?o` answers for every claim not contested."""

from __future__ import annotations

import shutil
from collections import defaultdict

import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, URIRef

from smekg import Project, list_queries, run_query
from smekg.query import Store
from smekg.vocab import SMEKG
from test_endpoint import normalised

CLAIMS = """
SELECT ?claim ?s ?p ?o ?d WHERE {
  ?claim smekg:claimSubject ?s ; smekg:claimRelation ?p ; smekg:claimObject ?o .
  OPTIONAL { ?claim smekg:direction ?d }
}"""

Question = tuple[str, str, str]


@pytest.fixture(scope="module")
def direct_store(release, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The full release with its direct view, as `smekg query` loads it (Store.for_project)."""
    root = tmp_path_factory.mktemp("project-with-release")
    shutil.copytree(release.release_dir, root / "release")
    return Store.for_project(Project(root))


@pytest.fixture(scope="module")
def claims(store) -> list[dict]:
    return store.select(CLAIMS)


def broader_closure(store) -> dict[str, set[str]]:
    """Each class with itself and every class above it (rdfs:subClassOf, reflexive and transitive)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for row in store.select("SELECT ?a ?b WHERE { ?a rdfs:subClassOf ?b FILTER(isIRI(?b)) }"):
        edges[row["a"]].add(row["b"])

    def up(node: str) -> set[str]:
        seen, todo = {node}, [node]
        while todo:
            for nxt in edges[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    return defaultdict(set, {node: up(node) for node in list(edges)})


def contested(store, claims: list[dict]) -> set[Question]:
    """Questions whose directed claims (on the object or a narrower one) point two or more ways, one on itself."""
    above = broader_closure(store)
    directions: dict[Question, set[str]] = defaultdict(set)
    on_itself: set[Question] = set()
    for c in claims:
        if c["d"] is None:
            continue
        on_itself.add((c["s"], c["p"], c["o"]))
        for o in above[c["o"]] | {c["o"]}:
            directions[(c["s"], c["p"], o)].add(c["d"])
    return {q for q in on_itself if len(directions[q]) > 1}


def expected_direct(store, claims: list[dict]) -> tuple[set[Question], set[Question]]:
    """(direct triples, contested questions) computed in Python from the claims."""
    disputed = contested(store, claims)
    stated = {(c["s"], c["p"], c["o"]) for c in claims if c["d"] != str(SMEKG.noEffect)}
    return stated - disputed, disputed


def test_direct_query_answers_for_the_uncontested_claims_only(store, direct_store, claims):
    expected, disputed = expected_direct(store, claims)
    assert disputed and expected
    rows = direct_store.select("SELECT ?s ?o WHERE { ?s smekg:provides ?o }")
    provides = {(s, o) for s, p, o in expected if p == str(SMEKG.provides)}
    assert provides and {(r["s"], r["o"]) for r in rows} == provides
    for relation in {p for _, p, _ in expected | disputed}:
        rows = direct_store.select(f"SELECT ?s ?o WHERE {{ ?s <{relation}> ?o }}")
        answered = {(r["s"], relation, r["o"]) for r in rows}
        assert answered == {q for q in expected if q[1] == relation}, relation
        assert not answered & disputed, relation


def test_contested_is_what_disagreements_lists(project, store, claims):
    """The questions left out of the direct view are exactly the questions of the disagreements query."""
    labels = {r["x"]: r["l"] for r in store.select("SELECT ?x ?l WHERE { ?x rdfs:label ?l }")}
    _, disputed = expected_direct(store, claims)
    listed = {
        (r["subjectLabel"], r["relationLabel"], r["objectLabel"])
        for r in run_query("disagreements", store=store, project=project)
    }
    on_claim_objects = {(labels[s], labels[p], labels[o]) for s, p, o in disputed}
    assert on_claim_objects == listed


def test_every_direct_triple_traces_to_a_claim(project, release, direct_store, store):
    direct = Graph().parse(release.release_dir / "smekg-direct.nt", format="nt")
    assert len(direct)
    for s, p, o in direct:
        found = store.select(
            f"SELECT ?claim WHERE {{ ?claim smekg:claimSubject <{s}> ; smekg:claimRelation <{p}> ; "
            f"smekg:claimObject <{o}> }}"
        )
        assert found, (s, p, o)
    rows = run_query("direct-relation", {"relation": "smekg:provides"}, store=direct_store, project=project)
    answered = {(s, o) for s, p, o in direct if p == SMEKG.provides}
    assert {(r["subject"], r["object"]) for r in rows} == {(str(s), str(o)) for s, o in answered}
    assert all(r["claims"] >= 1 and r["claimIds"] for r in rows)


@pytest.mark.slow
def test_every_claim_relation_is_an_object_property(release, claims):
    full = Graph().parse(release.release_dir / "smekg-full.nt", format="nt")
    assert set(full.objects(SMEKG.claimRelation, RDF.type)) == {OWL.AnnotationProperty}
    relations = {URIRef(c["p"]) for c in claims}
    assert len(relations) > 10
    for relation in relations:
        kinds = set(full.objects(relation, RDF.type))  # a relation may also be functional (smekg:hasStructure)
        assert OWL.ObjectProperty in kinds and not kinds & {OWL.AnnotationProperty, OWL.DatatypeProperty}, relation
        for annotation in (RDFS.label, SKOS.definition, DCTERMS.source):
            assert full.value(relation, annotation) is not None, (relation, annotation)
    assert not set(full.subjects(RDF.type, SMEKG.RelationType))


def test_direct_view_stays_out_of_the_owl_artifacts(release, claims):
    relations = {c["p"] for c in claims}
    for name in ("smekg-base.nt", "smekg-full.nt"):
        text = (release.release_dir / name).read_text(encoding="utf-8")
        used = {line.split(" ")[1].strip("<>") for line in text.splitlines() if line}
        assert not used & relations, name


def test_loading_the_direct_view_changes_no_canned_answer(project, release, direct_store):
    alone = Store(release.release_dir / "smekg-full.nt")
    for query in list_queries(project):
        if query.name == "direct-relation":
            continue
        plain = run_query(query.name, store=alone, project=project)
        viewed = run_query(query.name, store=direct_store, project=project)
        assert normalised(plain) == normalised(viewed), query.name
