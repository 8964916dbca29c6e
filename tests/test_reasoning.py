"""A complete OWL 2 DL reasoner gates the build, explains what it refuses; its inferences land in the full release."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import rdflib

from conftest import copy_sources
from smekg import Project, SmekgError, build, justify, konclude
from smekg.build import BuildResult
from smekg.reasoning import entail_file
from smekg.sources import compile_sources

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
kg:test-cluster a smekg:Cluster ; rdfs:label "Test cluster"@en ; smekg:hasStructure smekg:horizontal .
"""
)

S = rdflib.Namespace("https://w3id.org/smekg/ontology/")
K = rdflib.Namespace("https://w3id.org/smekg/kg/")


def add_to_edit_module(project, text: str) -> None:
    """Declare terms where they belong: in the edit module (a knowledge file may not)."""
    with project.ontology.open("a", encoding="utf-8") as module:
        module.write(HEAD + text)


def types(graph: rdflib.Graph, node) -> set:
    return set(graph.objects(node, rdflib.RDF.type))


@pytest.mark.slow
def test_headcount_and_structure_classify_individuals(releases):
    full, base = releases["full"], releases["base"]
    assert S.SME in types(full, K["test-small"]) and S.SME not in types(base, K["test-small"])
    assert S.LargeFirm in types(full, K["test-large"]) and S.SME not in types(full, K["test-large"])
    assert {S.HorizontalCluster, S.Cluster, S.CollaborationForm} <= types(full, K["test-cluster"])


@pytest.mark.slow
def test_the_build_reasons_with_konclude_and_says_so(planted):
    _, result = planted
    assert result.reasoning.startswith("Konclude (OWL 2 DL, TBox and every individual)")
    report = json.loads((result.release_dir / "build-report.json").read_text(encoding="utf-8"))
    assert report["reasoning"] == result.reasoning


@pytest.mark.slow
def test_unsatisfiable_class_fails_the_build_with_the_axioms_that_make_it_so(small_copy, tmp_path):
    add_to_edit_module(
        small_copy,
        """
smekg:SmallGiant a owl:Class ; rdfs:subClassOf smekg:SME , smekg:LargeFirm ;
    rdfs:label "small giant"@en ; skos:definition "A deliberately impossible class."@en .
""",
    )
    with pytest.raises(SmekgError) as failed:
        build(small_copy, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    lines = [str(f) for f in failed.value.findings]
    module = small_copy.ontology.read_text(encoding="utf-8").splitlines()
    giant = next(i for i, line in enumerate(module, 1) if line.startswith("smekg:SmallGiant"))
    assert (
        f"ontology/smekg.ttl:{giant}: smekg:SmallGiant: error: Konclude: no individual can be a smekg:SmallGiant"
        in lines
    )
    why = [line for line in lines if "makes smekg:SmallGiant unsatisfiable" in line]
    assert any("SubClassOf(smekg:SmallGiant smekg:SME)" in line for line in why)
    assert any("SubClassOf(smekg:SmallGiant smekg:LargeFirm)" in line for line in why)
    assert any("DisjointClasses(smekg:LargeFirm smekg:SME)" in line for line in why)
    assert all(line.startswith("ontology/smekg.ttl:") for line in why)


@pytest.mark.slow
def test_inconsistent_graph_fails_the_build_naming_the_clashing_axioms(small_copy, tmp_path):
    bad = FIRMS.replace(
        'rdfs:label "Small test firm"@en ;', 'rdfs:label "Small test firm"@en ;\n    a smekg:LargeFirm ;'
    )
    (small_copy.knowledge_dir / "zz-bad.ttl").write_text(bad, encoding="utf-8")
    with pytest.raises(SmekgError) as failed:
        build(small_copy, tmp_path / "out")
    lines = [str(f) for f in failed.value.findings]
    firm = next(i for i, line in enumerate(bad.splitlines(), 1) if line.startswith("kg:test-small"))
    where = f"ontology/knowledge/zz-bad.ttl:{firm}: kg:test-small: error: inconsistent with the others: "
    planted = [
        where + "ClassAssertion(smekg:LargeFirm kg:test-small)",
        where + 'DataPropertyAssertion(smekg:numberOfEmployees kg:test-small "250"^^xsd:integer)',
    ]
    assert all(line in lines for line in planted)
    module = [line for line in lines[1:] if line not in planted]
    assert all(line.startswith("ontology/smekg.ttl:") for line in module)
    # either of the graph's two minimal sets, whichever the search meets first: 250 employees make the firm an SME,
    # which a LargeFirm cannot be, or they are the one value its LargeFirm definition needs to be at least 251
    assert sorted(line.split(": inconsistent with the others: ")[1] for line in module) in (
        ["DisjointClasses(smekg:LargeFirm smekg:SME)", SME_DEFINED, "SubClassOf(smekg:LargeFirm smekg:Firm)"],
        [LARGE_DEFINED, "FunctionalDataProperty(smekg:numberOfEmployees)"],
    )
    assert lines[0].startswith(f"error: Konclude: the graph is inconsistent; these {len(lines) - 1} axioms cannot")


SIZED = "EquivalentClasses(smekg:{} ObjectIntersectionOf(smekg:Firm DataSomeValuesFrom(smekg:numberOfEmployees "
SIZED += 'DatatypeRestriction(xsd:integer xsd:{} "{}"^^xsd:integer))))'
SME_DEFINED = SIZED.format("SME", "maxInclusive", 250)
LARGE_DEFINED = SIZED.format("LargeFirm", "minInclusive", 251)


PLANTED = (
    FIRMS
    + """
kg:test-mid a smekg:Firm ; rdfs:label "Mid test firm"@en ;
    smekg:numberOfEmployees "40"^^<http://www.w3.org/2001/XMLSchema#int> .
kg:test-vertical a smekg:Cluster ; rdfs:label "Vertical test cluster"@en ; smekg:hasStructure smekg:vertical .
kg:test-both a smekg:BusinessNetwork ; rdfs:label "Two-way test network"@en ;
    smekg:hasStructure smekg:multidimensional .
kg:test-alias a smekg:Firm ; rdfs:label "Test firm alias"@en ; owl:sameAs kg:test-small .
kg:test-region a smekg:Region ; rdfs:label "Test region"@en ; smekg:partOf kg:country-china .
kg:test-town a smekg:Region ; rdfs:label "Test town"@en ; smekg:partOf kg:test-region .
"""
)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, BuildResult]:
    """The real sources plus the planted firms, clusters and regions, built once for the tests that read them."""
    folder = tmp_path_factory.mktemp("planted")
    project = copy_sources(folder)
    (project.knowledge_dir / "zz-planted.ttl").write_text(PLANTED, encoding="utf-8")
    return project, build(project, folder / "out")


@pytest.fixture(scope="module")
def releases(planted) -> dict[str, rdflib.Graph]:
    """The planted build's full and base releases, each parsed once for the tests that read them."""
    _, result = planted
    return {name: rdflib.Graph().parse(result.release_dir / f"smekg-{name}.nt") for name in ("full", "base")}


@pytest.mark.slow
def test_konclude_gives_hermits_types_subclasses_and_values_on_the_real_graph_and_planted_cases(planted, tmp_path):
    """The build's reasoner (Konclude) and HermiT agree on everything on the real graph plus planted cases that
    exercise the definitions, sameAs and the transitive partOf; the planted cases get the types a reader expects."""
    compiled = compile_sources(planted[0])
    path = tmp_path / "compiled.nt"
    path.write_bytes(b"".join(compiled.nt_lines()))
    fast, reference = entail_file(path), entail_file(path, engine="hermit")
    assert (fast.engine, reference.engine) == ("Konclude", "HermiT")
    assert fast.consistent and reference.consistent
    for part in ("types", "subclasses", "equivalent", "values", "unsatisfiable"):
        assert getattr(fast, part) == getattr(reference, part), part
    assert len(fast.types) > 4000 and len(fast.values) > 10000
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
    assert planted <= fast.types
    assert (str(K["test-town"]), str(S.partOf), str(K["country-china"])) in fast.values


@pytest.mark.slow
def test_property_values_the_queries_rely_on_are_in_the_full_release(releases):
    full, base = releases["full"], releases["base"]
    through_two = (K["test-town"], S.partOf, K["country-china"])
    assert through_two in full and through_two not in base
    derived = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    influenced = rdflib.URIRef("http://www.w3.org/ns/prov#wasInfluencedBy")
    assert set(base.subject_objects(derived)) <= set(full.subject_objects(influenced))


def test_keys_are_refused_whatever_the_reasoner(tmp_path):
    """owl:hasKey: Konclude ignores keys and HermiT types wrongly with them (the corpus shows it): a loud refusal."""
    path = tmp_path / "keyed.nt"
    path.write_text(
        "<http://e.org/o> <{RDF}type> <{OWL}Ontology> .\n<http://e.org/A> <{RDF}type> <{OWL}Class> .\n"
        "<http://e.org/p> <{RDF}type> <{OWL}ObjectProperty> .\n<http://e.org/A> <{OWL}hasKey> _:k .\n"
        "_:k <{RDF}first> <http://e.org/p> .\n_:k <{RDF}rest> <{RDF}nil> .\n".format(
            RDF=str(rdflib.RDF), OWL=str(rdflib.OWL)
        ),
        encoding="utf-8",
    )
    for engine in ("auto", "hermit", "konclude"):
        with pytest.raises(SmekgError, match="keys \\(owl:hasKey\\) are not supported"):
            entail_file(path, engine=engine)


@pytest.mark.slow
def test_a_construct_off_the_allow_list_sends_the_graph_to_hermit(tmp_path):
    """A union (Konclude hangs on some) goes to HermiT; the route says why, and Konclude alone is refused."""
    path = tmp_path / "union.ttl"
    path.write_text(
        """@prefix : <http://e.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
<http://e.org/o> a owl:Ontology . :A a owl:Class . :B a owl:Class . :U a owl:Class .
:U owl:equivalentClass [ a owl:Class ; owl:unionOf ( :A :B ) ] . :x a owl:NamedIndividual , :A .
""",
        encoding="utf-8",
    )
    nt = tmp_path / "union.nt"
    rdflib.Graph().parse(path).serialize(nt, format="nt", encoding="utf-8")
    result = entail_file(nt)
    assert (result.engine, result.why) == ("HermiT", "Konclude is not shown to handle owl:unionOf")
    assert ("http://e.org/x", "http://e.org/U") in result.types
    with pytest.raises(SmekgError, match="cannot reason with Konclude: Konclude is not shown to handle owl:unionOf"):
        entail_file(nt, engine="konclude")


def test_without_konclude_hermit_reasons_and_the_route_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no Konclude (nor anything else) on PATH
    path = tmp_path / "tiny.nt"
    path.write_text(
        "<http://e.org/A> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .\n",
        encoding="utf-8",
    )
    from smekg.horned import read_ntriples
    from smekg.reasoning import Route, choose

    assert choose(read_ntriples(path), "auto") == Route(
        "HermiT", "Konclude is not installed (install Konclude (Debian: apt-get install konclude))"
    )


@pytest.mark.slow
def test_triples_py_horned_owl_cannot_read_send_the_graph_to_hermit(tmp_path):
    """A class expression without its owl:Class type is not OWL 2 by the mapping: py-horned-owl would drop the axiom,
    so Konclude would never see it; HermiT (the OWL API reads it) reasons instead, and the route names a triple."""
    path = tmp_path / "untyped.ttl"
    path.write_text(
        """@prefix : <http://e.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
<http://e.org/o> a owl:Ontology . :A a owl:Class . :B a owl:Class . :C a owl:Class .
:A owl:disjointWith [ owl:unionOf ( :B :C ) ] .
:x a owl:NamedIndividual , :A , :C .
""",
        encoding="utf-8",
    )
    nt = tmp_path / "untyped.nt"
    rdflib.Graph().parse(path).serialize(nt, format="nt", encoding="utf-8")
    result = entail_file(nt)
    assert result.engine == "HermiT" and "does not read" in result.why and "disjointWith" in result.why
    assert not result.consistent  # explained on the OWL API's reading, which keeps the axiom py-horned-owl drops
    assert "DisjointClasses(<http://e.org/A> ObjectUnionOf(<http://e.org/B> <http://e.org/C>))" in result.justification


@pytest.mark.slow
def test_a_datatype_off_the_allow_list_sends_the_graph_to_hermit(tmp_path):
    path = tmp_path / "short.ttl"
    path.write_text(
        """@prefix : <http://e.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://e.org/o> a owl:Ontology . :size a owl:DatatypeProperty . :x a owl:NamedIndividual ; :size "5"^^xsd:short .
""",
        encoding="utf-8",
    )
    nt = tmp_path / "short.nt"
    rdflib.Graph().parse(path).serialize(nt, format="nt", encoding="utf-8")
    result = entail_file(nt)
    assert (result.engine, result.why) == ("HermiT", "Konclude is not shown to handle the datatype(s) xsd:short")
    assert result.consistent


def test_the_allow_list_holds_only_what_the_tests_compare_with_hermit(project, tmp_path):
    """Konclude may reason alone only on axiom kinds and datatypes that occur in a case where the tests compare its
    answer with HermiT's: the corpus (tests/test_reasoning_corpus.py) or the real graph (above)."""
    from smekg.horned import audit, kind, logical_axioms, read_ntriples
    from smekg.reasoning import KONCLUDE_AXIOMS, KONCLUDE_DATATYPES

    kinds, datatypes = set(), set()
    corpus = sorted((Path(__file__).parent / "fixtures" / "reasoning").glob("*.ttl"))
    real = tmp_path / "real.nt"
    real.write_bytes(b"".join(compile_sources(project).nt_lines()))
    for number, fixture in enumerate(corpus):
        nt = tmp_path / f"{number}.nt"
        rdflib.Graph().parse(fixture).serialize(nt, format="nt", encoding="utf-8")
    for nt in [real, *(tmp_path / f"{n}.nt" for n in range(len(corpus)))]:
        ontology = read_ntriples(nt)
        kinds |= {kind(a) for a in logical_axioms(ontology)}
        datatypes |= audit(nt, ontology).datatypes
    assert len(corpus) >= 50
    assert kinds >= KONCLUDE_AXIOMS, sorted(KONCLUDE_AXIOMS - kinds)
    assert datatypes >= KONCLUDE_DATATYPES, sorted(KONCLUDE_DATATYPES - datatypes)


def round_trip_losses(path: Path, ontology) -> set:
    """The oracle for horned.audit: the file's triples that py-horned-owl's axioms, written out as RDF, do not give
    back (blank nodes as wildcards), rdfs:Class types of OWL classes aside."""
    import pyoxigraph as ox

    def key(t):
        members = ox.NamedNode(str(rdflib.OWL.members))
        predicate = members if t.predicate == ox.NamedNode(str(rdflib.OWL.distinctMembers)) else t.predicate
        return tuple(None if isinstance(n, ox.BlankNode) else n for n in (t.subject, predicate, t.object))

    triples = set(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))
    back = Counter(key(t) for t in ox.parse(input=ontology.save_to_string("owl").encode(), format=ox.RdfFormat.RDF_XML))
    missing = Counter(key(t) for t in triples) - back
    classes = {t.subject for t in triples if t.object == ox.NamedNode(str(rdflib.OWL.Class))}
    return {
        t
        for t in triples
        if missing[key(t)] and not (t.object == ox.NamedNode(str(rdflib.RDFS.Class)) and t.subject in classes)
    }


PLANTED_UNREADABLE = {  # py-horned-owl reads only the untyped union as less than its triples
    "undeclared-property": ":x :p :y .",
    "object-and-annotation": ":q a owl:ObjectProperty , owl:AnnotationProperty . :x :q :y .",
    "data-property-with-iri": ":d a owl:DatatypeProperty . :x :d :y .",
    "object-property-with-literal": ":o a owl:ObjectProperty . :x :o 5 .",
    "undeclared-class": ":x a :Undeclared .",
    "untyped-union": ":A a owl:Class . :B a owl:Class . :A owl:disjointWith [ owl:unionOf ( :B ) ] .",
    "fine": ":A a owl:Class . :o a owl:ObjectProperty . :x a :A ; :o :y .",
}


def corpus_and_planted(tmp_path: Path) -> list[Path]:
    """N-Triples of every corpus fixture and of small graphs py-horned-owl cannot (or can) read whole."""
    paths = []
    for fixture in sorted((Path(__file__).parent / "fixtures" / "reasoning").glob("*.ttl")):
        paths.append(tmp_path / f"{fixture.stem}.nt")
        rdflib.Graph().parse(fixture).serialize(paths[-1], format="nt", encoding="utf-8")
    head = "@prefix : <http://e.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    for name, body in PLANTED_UNREADABLE.items():
        paths.append(tmp_path / f"planted-{name}.nt")
        graph = rdflib.Graph().parse(data=head + ":x a owl:NamedIndividual . :y a owl:NamedIndividual .\n" + body)
        graph.serialize(paths[-1], format="nt", encoding="utf-8")
    return paths


@pytest.mark.slow
def test_the_one_pass_audit_finds_a_loss_exactly_where_the_full_round_trip_does(project, tmp_path):
    from smekg.horned import audit, read_ntriples

    real = tmp_path / "real.nt"
    real.write_bytes(b"".join(compile_sources(project).nt_lines()))
    verdicts = {}
    for path in [real, *corpus_and_planted(tmp_path)]:
        ontology = read_ntriples(path)
        verdicts[path.stem] = (bool(audit(path, ontology).unread), bool(round_trip_losses(path, ontology)))
    assert all(fast == oracle for fast, oracle in verdicts.values()), verdicts
    # py-horned-owl 2.0 drops an owl:AllDisjointClasses of three classes (the graph then goes to HermiT)
    assert {name for name, (fast, _) in verdicts.items() if fast} == {
        "planted-untyped-union",
        "violated-disjoint-classes",
    }


@pytest.mark.slow
@pytest.mark.parametrize("cache", ["writable", "a-file"])
def test_hermit_runs_from_a_class_compiled_once_or_from_source_where_no_cache_can_be_written(
    tmp_path, monkeypatch, cache
):
    """Java's source-file launcher compiles on every start (~2 s of CPU each time HermiT runs); the class is compiled
    once into the user's cache instead, and an unwritable cache only costs the time, never the answer."""
    from smekg.hermit import entail

    home = tmp_path / "cache"
    if cache == "a-file":
        home.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    ontology = tmp_path / "tiny.nt"
    ontology.write_text(
        "<http://e/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/B> .\n"
        "<http://e/B> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://e/C> .\n"
        "<http://e/B> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .\n"
        "<http://e/C> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .\n"
    )
    for _ in range(2):
        assert ("http://e/a", "http://e/C") in entail(ontology).types
    compiled = sorted(home.glob("smekg/HermitEntail-*/HermitEntail.class")) if home.is_dir() else []
    assert len(compiled) == (1 if cache == "writable" else 0)


ONE_IRI = "<http://e/o> <{RDF}type> <{OWL}Ontology> .\n"  # every ontology of the session test has this IRI
ONTOLOGIES = {
    "inconsistent": "<http://e/a> <{RDF}type> <http://e/A> .\n<http://e/a> <{RDF}type> <http://e/B> .\n"
    "<http://e/A> <{OWL}disjointWith> <http://e/B> .\n",
    "consistent": "<http://e/a> <{RDF}type> <http://e/B> .\n<http://e/B> <{RDFS}subClassOf> <http://e/C> .\n"
    "<http://e/p> <{RDF}type> <{OWL}ObjectProperty> .\n<http://e/p> <{RDF}type> <{OWL}SymmetricProperty> .\n"
    "<http://e/a> <http://e/p> <http://e/b> .\n",
    "unsatisfiable": "<http://e/D> <{RDFS}subClassOf> <http://e/A> .\n<http://e/D> <{RDFS}subClassOf> <http://e/B> .\n"
    "<http://e/A> <{OWL}disjointWith> <http://e/B> .\n",
}


def comparable(answer) -> tuple:
    return answer.consistent, answer.direct, sorted(map(sorted, answer.equivalent)), answer.types, answer.values


@pytest.mark.slow
def test_a_hermit_session_answers_each_request_as_a_run_of_its_own(tmp_path):
    """One JVM for many questions (explanations ask dozens): each answer is the one-shot run's, though every
    ontology has the same IRI (a manager kept between requests would refuse the second); a request that fails is a
    finding and the session goes on; a request past its deadline ends the session."""
    from smekg.hermit import GaveUp, Session, entail

    paths = {}
    for name, body in ONTOLOGIES.items():
        paths[name] = tmp_path / f"{name}.nt"
        classes = {c for c in ("A", "B", "C", "D") if f"<http://e/{c}>" in body}
        declared = "".join(f"<http://e/{c}> <{{RDF}}type> <{{OWL}}Class> .\n" for c in sorted(classes))
        text = (ONE_IRI + declared + body).format(RDF=str(rdflib.RDF), RDFS=str(rdflib.RDFS), OWL=str(rdflib.OWL))
        paths[name].write_text(text, encoding="utf-8")
    one_shot = {name: comparable(entail(path)) for name, path in paths.items()}
    with Session() as session:
        for name in [*ONTOLOGIES, *ONTOLOGIES]:
            assert comparable(session.entail(paths[name])) == one_shot[name], name
        assert ("http://e/b", "http://e/p", "http://e/a") in session.entail(paths["consistent"]).values
        assert [session.consistent(paths[name]) for name in ONTOLOGIES] == [False, True, True]
        assert not session.satisfiable(paths["unsatisfiable"], "http://e/D")
        assert session.satisfiable(paths["unsatisfiable"], "http://e/A")
        assert not session.satisfiable(paths["inconsistent"], "http://e/A")
        with pytest.raises(SmekgError, match="HermiT.*Java failed"):
            session.consistent(tmp_path / "missing.nt")
        assert session.consistent(paths["consistent"])
        with pytest.raises(GaveUp):
            session.consistent(paths["consistent"], seconds=0)
        assert session.process.poll() is not None


TWO_VALUES_AND_AN_INFERRED_ONE = """Prefix(:=<http://e.org/>)
Ontology(<http://e.org/o>
Declaration(ObjectProperty(:p0)) Declaration(ObjectProperty(:p1)) Declaration(ObjectProperty(:p2))
Declaration(NamedIndividual(:a)) Declaration(NamedIndividual(:b)) Declaration(NamedIndividual(:c))
SubObjectPropertyOf(:p0 :p2)
ObjectPropertyAssertion(:p0 :a :b) ObjectPropertyAssertion(:p1 :a :c) ObjectPropertyAssertion(:p1 :b :c)
)
"""


def test_konclude_answers_written_out_of_order_are_read_for_their_own_property(tmp_path):
    """Konclude was seen writing its answers to the property-value queries in another order than they were asked
    (4 runs in 37, on a busy machine): values then went to the wrong property. Each answer names its query."""
    from smekg import konclude

    properties = [f"http://e.org/p{i}" for i in range(3)]
    (tmp_path / "input.ofn").write_text(TWO_VALUES_AND_AN_INFERRED_ONE, encoding="utf-8")
    (tmp_path / "values.sparql").write_text(konclude.sparql(properties), encoding="utf-8")
    asked = konclude.run(["sparqlfile", "-s", "values.sparql", "-i", "input.ofn", "-o", "values.xml"], tmp_path)
    konclude.finish(asked, "property values", 60)
    written = tmp_path / "values.xml"
    documents = ["<?xml" + d for d in written.read_text(encoding="utf-8").split("<?xml") if d.strip()]
    e = "http://e.org/"
    expected = {(e + "a", e + "p0", e + "b"), (e + "a", e + "p1", e + "c"), (e + "b", e + "p1", e + "c")}
    expected.add((e + "a", e + "p2", e + "b"))
    for order in ([0, 1, 2], [2, 0, 1], [1, 2, 0]):
        written.write_text("".join(documents[i] for i in order), encoding="utf-8")
        answer = konclude.Answer(True)
        konclude.solutions(written, properties, answer)
        assert answer.values == expected, order
    written.write_text(documents[0] + documents[1] + documents[1], encoding="utf-8")
    with pytest.raises(SmekgError, match="an answer to no query it was asked, or to one twice"):
        konclude.solutions(written, properties, konclude.Answer(True))


def test_a_konclude_answer_without_an_asserted_value_gives_way_to_hermit(tmp_path, monkeypatch):
    """The safety net: an answer from Konclude that lacks a value the graph asserts is not trusted; HermiT reasons."""
    from smekg import konclude

    read = konclude.solutions

    def losing_one(path, properties, answer):
        read(path, properties, answer)
        answer.values.discard(("http://e.org/a", "http://e.org/p1", "http://e.org/c"))

    monkeypatch.setattr(konclude, "solutions", losing_one)
    path = tmp_path / "values.nt"
    e, rdf, owl = "http://e.org/", str(rdflib.RDF), str(rdflib.OWL)
    lines = [f"<{e}o> <{rdf}type> <{owl}Ontology> ."]
    lines += [f"<{e}p{i}> <{rdf}type> <{owl}ObjectProperty> ." for i in range(2)]
    lines += [f"<{e}{x}> <{rdf}type> <{owl}NamedIndividual> ." for x in "abc"]
    lines += [f"<{e}a> <{e}p0> <{e}b> .", f"<{e}a> <{e}p1> <{e}c> ."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = entail_file(path)
    assert result.engine == "HermiT" and result.why == f"Konclude's answer lacks asserted values of {e}p1"
    assert (e + "a", e + "p1", e + "c") in result.values


CHAIN = """@prefix : <http://e.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://e.org/o> a owl:Ontology .
:p a owl:ObjectProperty ; rdfs:range :B . :q a owl:ObjectProperty . :B a owl:Class .
:A0 a owl:Class ; rdfs:subClassOf :A1 . :A1 a owl:Class ; rdfs:subClassOf :A2 .
:A2 a owl:Class ; rdfs:subClassOf :A3 . :A3 a owl:Class ; owl:disjointWith :B .
:x a owl:NamedIndividual , :A0 . :N60 a owl:Class . :n60 a owl:NamedIndividual .
""" + "".join(
    f":N{i} a owl:Class ; rdfs:subClassOf :N{i + 1} . :n{i} a owl:NamedIndividual , :N{i} ; :q :n{i + 1} , :x .\n"
    for i in range(60)
)
A_IS_NOT_B = [f"SubClassOf(<http://e.org/A{i}> <http://e.org/A{i + 1}>)" for i in range(3)]
A_IS_NOT_B += ["DisjointClasses(<http://e.org/A3> <http://e.org/B>)"]
CLASHES = {
    "inconsistent": (
        ":y a owl:NamedIndividual ; :p :x .",
        None,
        A_IS_NOT_B
        + [
            "ClassAssertion(<http://e.org/A0> <http://e.org/x>)",
            "ObjectPropertyAssertion(<http://e.org/p> <http://e.org/y> <http://e.org/x>)",
            "ObjectPropertyRange(<http://e.org/p> <http://e.org/B>)",
        ],
    ),
    "unsatisfiable": (
        ":Z a owl:Class ; rdfs:subClassOf :A0 , :B .",
        "http://e.org/Z",
        A_IS_NOT_B
        + ["SubClassOf(<http://e.org/Z> <http://e.org/A0>)", "SubClassOf(<http://e.org/Z> <http://e.org/B>)"],
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["konclude", "hermit"])
@pytest.mark.parametrize("clash", sorted(CLASHES))
def test_an_explanation_several_rings_from_its_seed_is_minimal_and_found_in_a_small_part(
    clash, engine, tmp_path, monkeypatch
):
    """The axioms behind a clash sit four rings of related axioms from the seed (the class, or the assertion the
    bisection ends on), among 250 that have nothing to do with it, some linked to x: the search reaches them by
    expanding, contracts only what it reached (never the whole graph), and what it returns is minimal by the
    reasoner's own judgement, each axiom removed leaving the rest consistent (the class satisfiable)."""
    added, cls, expected = CLASHES[clash]
    nt = tmp_path / "chain.nt"
    rdflib.Graph().parse(data=CHAIN + added, format="turtle").serialize(nt, format="nt", encoding="utf-8")
    contracted: list[int] = []
    search = justify.search

    def spy(background: list, changed: bool, candidates: list, bad) -> list:
        contracted.append(len(background) + len(candidates))
        return search(background, changed, candidates, bad)

    monkeypatch.setattr(justify, "search", spy)
    result = entail_file(nt, engine)
    found = result.explanations[cls] if cls else result.justification
    assert sorted(found) == sorted(expected)
    assert 0 < max(contracted) < 20  # the graph has over 250 axioms
    for left_out in [None, *found]:
        kept = [axiom for axiom in found if axiom != left_out]
        assert holds(kept, cls, tmp_path / "check.ofn") == (left_out is not None), left_out


def holds(axioms: list[str], cls: str | None, path: Path) -> bool:
    """Whether Konclude finds the axioms (functional syntax) consistent, or cls satisfiable in them."""
    declared = [f"Declaration(Class(<{cls}>))"] if cls else []
    path.write_text("Ontology(<http://e.org/check>\n" + "\n".join(declared + axioms) + "\n)\n", encoding="utf-8")
    return konclude.consistent(path, 30) if cls is None else konclude.satisfiable(path, cls, 30)
