"""SHACL as SPARQL on Oxigraph (smekg.shacl) finds exactly what pySHACL finds, on the real graph and with
planted violations of every constraint kind the shapes use, and refuses SHACL it does not support."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH

from smekg.errors import SmekgError
from smekg.shacl import Violation, compile_shapes, component, engines, shape_violations
from smekg.sources import Project, compile_sources
from smekg.vocab import CITO, FABIO, PRISM, SCHEMA, SMEKG

EX = Namespace("https://example.org/test/")
Key = tuple[str, str, str, str, str]


@pytest.fixture(scope="module")
def sources(project: Project) -> dict[str, Graph]:
    """The real sources as the build validates them (compiled, the curation defaults applied), one rdflib graph
    per source file and one for the bibliography."""
    compiled = compile_sources(project)
    return {
        rel: Graph().parse(data=compiled.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph), format="nt")
        for rel, graph in zip(compiled.files.values(), compiled.graphs, strict=True)
    }


@pytest.fixture(scope="module")
def shapes(project: Project) -> Graph:
    graph = Graph()
    for path in sorted(project.shapes_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def union_of(graphs: dict[str, Graph]) -> Graph:
    union = Graph()
    for graph in graphs.values():
        union += graph
    return union


def store_of(graphs: dict[str, Graph]) -> ox.Store:
    """A store with each graph in a named graph of its own, as the build keeps one per source file."""
    store = ox.Store()
    for name, graph in graphs.items():
        data = graph.serialize(format="nt", encoding="utf-8")
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(EX[name])))
    return store


def ours(violations: list[Violation]) -> set[Key]:
    return {
        (v.focus if not v.focus.startswith("_:") else "_:", v.path, v.component, v.value, v.severity)
        for v in violations
    }


def pyshacl_results(data: Graph, shapes: Graph) -> set[Key]:
    """pySHACL with smekg's former options (checks.check_shapes), its results as (focus, path, component,
    value in N-Triples, severity); any blank node as '_:'."""
    _, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus, path, value = (results.value(result, p) for p in (SH.focusNode, SH.resultPath, SH.value))
        found.add(
            (
                "_:" if isinstance(focus, BNode) else str(focus),
                str(path or ""),
                str(results.value(result, SH.sourceConstraintComponent)),
                "_:" if isinstance(value, BNode) else value.n3() if value is not None else "",
                str(results.value(result, SH.resultSeverity)),
            )
        )
    return found


def first(graph: Graph, cls: URIRef, prop: URIRef, count: int = 1) -> list[URIRef]:
    """The first `count` IRIs typed cls that have prop, in sorted order."""
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef) and (s, prop, None) in graph)[
        :count
    ]


def plant(graphs: dict[str, Graph]) -> dict[str, Graph]:
    """Copies of the source graphs with violations of every constraint kind planted, in a graph of their own
    where they add triples."""
    union = union_of(graphs)
    planted = {name: graph + Graph() for name, graph in graphs.items()}
    extra = planted["planted"] = Graph()

    def drop(subject: URIRef, prop: URIRef) -> None:
        for graph in planted.values():
            graph.remove((subject, prop, None))

    def replace(subject: URIRef, prop: URIRef, value: object) -> None:
        drop(subject, prop)
        extra.add((subject, prop, value))

    claims = first(union, SMEKG.Claim, SMEKG.statedIn, 6)
    document = first(union, SMEKG.SourceDocument, SMEKG.citationKey)[0]
    for claim in claims[:2]:  # minCount, two focus nodes
        drop(claim, SMEKG.statedIn)
    extra.add((claims[2], SMEKG.statedIn, first(union, SMEKG.SourceDocument, SMEKG.citationKey, 2)[1]))  # maxCount
    extra.add((claims[3], SMEKG.statedIn, union.value(claims[3], SMEKG.statedIn)))  # the same triple twice: fine
    replace(claims[3], SMEKG.claimRelation, SMEKG.Firm)  # class
    replace(claims[4], SMEKG.claimObject, Literal("not an IRI"))  # nodeKind
    extra.add((claims[4], CITO.citesAsEvidence, Literal("Barney 1991")))  # nodeKind
    replace(claims[5], SMEKG.locator, Literal("p. 3", lang="en"))  # datatype: a language-tagged string
    counted = first(union, SMEKG.Claim, SMEKG.articleCount, 2)
    replace(counted[0], SMEKG.articleCount, Literal(-3))  # minInclusive
    replace(counted[1], SMEKG.articleCount, Literal("12abc", datatype=XSD.integer))  # ill-typed: datatype, range
    firms = first(union, SMEKG.CaseFirm, RDFS.label, 2)
    for firm in firms:  # maxCount, two focus nodes
        extra.add((firm, RDFS.label, Literal("a second label")))
    extra.add((firms[0], SMEKG.numberOfEmployees, Literal("-1", datatype=XSD.integer)))  # minInclusive
    authorship, authorless = first(union, SMEKG.Authorship, SMEKG.authorPosition, 2)
    drop(authorless, SMEKG.author)  # minCount, under a shape without sh:message
    replace(authorship, SMEKG.authorPosition, Literal("first"))  # datatype
    replace(authorship, SMEKG.author, Literal("Ada Lovelace"))  # class on a literal
    replace(document, PRISM.doi, Literal("10.1007/UPPER-CASE"))  # pattern
    evidence = first(union, SMEKG.InterviewEvidence, SMEKG.reportedBy)[0]
    replace(evidence, SMEKG.reportedBy, document)  # property-level sh:or
    article = first(union, FABIO.JournalArticle, DCTERMS.title)[0]
    drop(article, DCTERMS.title)  # node-level sh:or
    definition = first(union, SMEKG.DefinitionStatement, SMEKG.definedConcept)[0]
    drop(definition, SMEKG.definedConcept)  # minCount on a second shape
    planted["hierarchy"] = Graph().add((EX.SpecialClaim, RDFS.subClassOf, SMEKG.Claim))
    extra.add((EX.claim, RDF.type, EX.SpecialClaim))  # a focus node by subclass, in another named graph
    extra.add((EX.claim, SMEKG.direction, SCHEMA.Person))  # class, and every minCount of a claim
    extra.add((BNode(), RDF.type, SMEKG.ResearchGap))  # a blank focus node
    return planted


@pytest.fixture(scope="module")
def planted(sources: dict[str, Graph]) -> dict[str, Graph]:
    return plant(sources)


@pytest.mark.slow
def test_real_graph_as_pyshacl(sources: dict[str, Graph], shapes: Graph) -> None:
    found = shape_violations(store_of(sources), shapes)
    assert ours(found) == pyshacl_results(union_of(sources), shapes)
    assert found == []


@pytest.mark.slow
def test_planted_violations_as_pyshacl(planted: dict[str, Graph], shapes: Graph) -> None:
    found = shape_violations(store_of(planted), shapes)
    assert ours(found) == pyshacl_results(union_of(planted), shapes)
    used = {component(p) for p in set(shapes.predicates()) & COMPONENT_PARAMETERS}
    assert {v.component for v in found} == used  # every kind of constraint the shapes use is exercised


@pytest.mark.slow  # the module's rdflib copy of every compiled source
def test_planted_details(planted: dict[str, Graph], shapes: Graph) -> None:
    found = shape_violations(store_of(planted), shapes)
    special = {(v.path, v.component) for v in found if v.focus == str(EX.claim)}
    assert (str(SMEKG.claimRelation), str(SH.MinCountConstraintComponent)) in special  # ClaimShape by subclass
    assert (str(SMEKG.statedIn), str(SH.MinCountConstraintComponent)) in special  # StatementShape by subclass
    assert (str(SMEKG.direction), str(SH.ClassConstraintComponent)) in special
    assert any(v.focus.startswith("_:") and v.path == str(SMEKG.about) for v in found)
    max_counts = [
        v for v in found if v.path == str(SMEKG.statedIn) and v.component.endswith("MaxCountConstraintComponent")
    ]
    assert len(max_counts) == 1  # a triple in two named graphs is one value
    assert {v.severity for v in found} == {str(SH.Violation)}


@pytest.mark.slow  # the module's rdflib copy of every compiled source
def test_messages(planted: dict[str, Graph], shapes: Graph) -> None:
    messages = {(v.path, v.component): v.message for v in shape_violations(store_of(planted), shapes)}
    own = messages[(str(SMEKG.claimObject), str(SH.NodeKindConstraintComponent))]
    assert own == "needs a smekg:claimObject (an IRI)"  # the shape's sh:message
    generated = messages[(str(SMEKG.authorPosition), str(SH.DatatypeConstraintComponent))]
    assert generated == 'value "first" of smekg:authorPosition is not a well-formed xsd:integer literal'
    generated = messages[(str(SMEKG.author), str(SH.ClassConstraintComponent))]
    assert generated == 'value "Ada Lovelace" of smekg:author is not a prov:Agent'
    generated = messages[(str(SMEKG.author), str(SH.MinCountConstraintComponent))]
    assert generated == "needs at least 1 smekg:author, has 0"


def test_ill_formed_year(shapes: Graph) -> None:
    """sh:datatype needs a well-formed lexical form: smekg, like pySHACL, rejects "20x9" as an xsd:integer."""
    data = Graph()
    data.add((EX.work, RDF.type, FABIO.Expression))
    data.add((EX.work, SMEKG.citationKey, Literal("work")))
    data.add((EX.work, DCTERMS.title, Literal("A work")))
    data.add((EX.work, SMEKG.yearPublished, Literal("20x9", datatype=XSD.integer)))
    found = shape_violations(store_of({"data": data}), shapes)
    expected = [(str(EX.work), str(SH.DatatypeConstraintComponent))]
    assert [(v.focus, v.component) for v in found] == expected
    assert [(r[0], r[2]) for r in pyshacl_results(data, shapes)] == expected


def test_default_graph_only(shapes: Graph) -> None:
    """With union=False only the default graph is validated, and here the data sit in a named graph."""
    claim_only = {"data": Graph().add((EX.claim, RDF.type, SMEKG.Claim))}
    assert shape_violations(store_of(claim_only), shapes)
    assert shape_violations(store_of(claim_only), shapes, union=False) == []


UNSUPPORTED = {
    "sh:sparql": 'shapes:Bad sh:sparql [ sh:select "SELECT $this WHERE { }" ] .',
    "sh:qualifiedValueShape": "shapes:Bad sh:property [ sh:path smekg:about ;"
    " sh:qualifiedValueShape [ sh:class smekg:Firm ] ; sh:qualifiedMinCount 1 ] .",
    "predicate paths": "shapes:Bad sh:property [ sh:path ( smekg:about rdfs:label ) ; sh:minCount 1 ] .",
    "sh:targetObjectsOf": "shapes:Bad sh:targetObjectsOf smekg:about .",
}


@pytest.mark.parametrize("what", sorted(UNSUPPORTED))
def test_unsupported_shapes_are_refused(what: str) -> None:
    text = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix shapes: <https://w3id.org/smekg/shapes/> .\n"
        "@prefix smekg: <https://w3id.org/smekg/ontology/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "shapes:Bad a sh:NodeShape ; sh:targetClass smekg:Claim .\n" + UNSUPPORTED[what]
    )
    with pytest.raises(SmekgError) as error:
        compile_shapes(Graph().parse(data=text, format="turtle"))
    assert "shapes:Bad" in str(error.value) and what in str(error.value)


COMPONENT_PARAMETERS = {
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.minInclusive,
    SH["or"],
}


PROBE_PREFIXES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/test/> .\n"
)


def probe(shape: str, data: str, sources: bool = True) -> set[tuple[str, str, str]]:
    """The (focus, component, value) of the violations of one shape on Turtle data, the store loaded from the
    parsed quads and, if `sources`, the quads passed as the terms as written."""
    quads = list(ox.parse(PROBE_PREFIXES + data, format=ox.RdfFormat.TURTLE))
    store = ox.Store()
    store.extend(quads)
    shapes = Graph().parse(data=PROBE_PREFIXES + shape, format="turtle")
    found = shape_violations(store, shapes, sources=quads) if sources else shape_violations(store, shapes)
    return {(v.focus, v.component.rsplit("#", 1)[1], v.value) for v in found}


THING = "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n"


@pytest.mark.parametrize(
    ("datatype", "bad", "good"),
    [("xsd:date", "2019-13-45", "2019-12-31"), ("xsd:int", "abc", "7"), ("xsd:int", "2147483648", "-2147483648")],
)
def test_datatype_checks_the_lexical_form(datatype: str, bad: str, good: str) -> None:
    """An ill-formed literal (a month 13, letters for an int, an int beyond 32 bits) fails sh:datatype; a
    well-formed one of the same datatype passes (Oxigraph would store "7"^^xsd:int as an xsd:integer)."""
    shape = THING + f"sh:property [ sh:path ex:p ; sh:datatype {datatype} ] ."
    data = f'ex:a a ex:Thing ; ex:p "{bad}"^^{datatype} . ex:b a ex:Thing ; ex:p "{good}"^^{datatype} .'
    expected = {(str(EX.a), "DatatypeConstraintComponent", f'"{bad}"^^<{XSD[datatype[4:]]}>')}
    assert probe(shape, data) == expected


def test_ill_formed_date_without_sources() -> None:
    """Oxigraph keeps an ill-formed literal as written, so even on the store alone "2019-13-45" fails."""
    shape = THING + "sh:property [ sh:path ex:p ; sh:datatype xsd:date ] ."
    data = 'ex:a a ex:Thing ; ex:p "2019-13-45"^^xsd:date .'
    assert probe(shape, data, sources=False) == {
        (str(EX.a), "DatatypeConstraintComponent", f'"2019-13-45"^^<{XSD.date}>')
    }


def test_unknown_datatype_is_refused() -> None:
    """A datatype whose lexical forms no engine here checks (pyrudof accepts "1 year"^^xsd:duration) is refused,
    naming the shape, rather than passed unchecked."""
    shape = THING + "sh:property [ sh:path ex:p ; sh:datatype xsd:duration ] ."
    with pytest.raises(SmekgError) as error:
        probe(shape, 'ex:a a ex:Thing ; ex:p "1 year"^^xsd:duration .')
    assert "ex:S" in str(error.value) and "xsd:duration" in str(error.value)


def test_max_count_counts_literals_as_written() -> None:
    """ "01" and "1" are two values (Oxigraph stores them as one): sh:maxCount 1 fails, with both counted."""
    shape = THING + "sh:property [ sh:path ex:p ; sh:maxCount 1 ] ."
    data = 'ex:a a ex:Thing ; ex:p "01"^^xsd:integer , "1"^^xsd:integer . ex:b a ex:Thing ; ex:p 1 .'
    assert probe(shape, data) == {(str(EX.a), "MaxCountConstraintComponent", "")}


def test_pattern_sees_the_lexical_form() -> None:
    """sh:pattern reads "+5" as written, not Oxigraph's "5"."""
    shape = THING + 'sh:property [ sh:path ex:p ; sh:pattern "^[0-9]+$" ] .'
    data = 'ex:a a ex:Thing ; ex:p "+5"^^xsd:integer . ex:b a ex:Thing ; ex:p "5"^^xsd:integer .'
    assert probe(shape, data) == {(str(EX.a), "PatternConstraintComponent", f'"+5"^^<{XSD.integer}>')}


def test_invalid_pattern_is_refused() -> None:
    """A pattern that is no regex is refused when the shapes load, naming the shape, not passed by every value."""
    with pytest.raises(SmekgError) as error:
        probe(THING + 'sh:property [ sh:path ex:p ; sh:pattern "[" ] .', 'ex:a a ex:Thing ; ex:p "x" .', False)
    assert "ex:S" in str(error.value) or "sh:pattern" in str(error.value)


def test_xsd_only_escape_is_never_passed_silently() -> None:
    """\\i (an XML name's first character) has no Python equivalent: the shape goes to pyrudof, which either
    judges it or is refused; a value that cannot match never passes."""
    shape = THING + 'sh:property [ sh:path ex:p ; sh:pattern "^\\\\i+$" ] .'
    try:
        found = probe(shape, 'ex:a a ex:Thing ; ex:p "1 2" .', sources=False)
    except SmekgError:
        return
    assert found == {(str(EX.a), "PatternConstraintComponent", '"1 2"')}


def test_big_integer_compares_exactly() -> None:
    """An integer beyond 64 bits is a number at least 0 (and -10^30 is not)."""
    shape = THING + "sh:property [ sh:path ex:p ; sh:minInclusive 0 ] ."
    data = "ex:a a ex:Thing ; ex:p 100000000000000000000000000000 ."
    data += " ex:b a ex:Thing ; ex:p -1000000000000000000000000000000 ."
    assert probe(shape, data, sources=False) == {
        (str(EX.b), "MinInclusiveConstraintComponent", f'"-1000000000000000000000000000000"^^<{XSD.integer}>')
    }


def test_implicit_class_target() -> None:
    """A shape that is also a class targets its instances (and those of its subclasses)."""
    for kind in ("rdfs:Class", "<http://www.w3.org/2002/07/owl#Class>"):
        shape = f"ex:Thing a sh:NodeShape , {kind} ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ."
        data = "ex:Sub rdfs:subClassOf ex:Thing . ex:a a ex:Thing . ex:b a ex:Sub . ex:c a ex:Thing ; ex:p 1 ."
        expected = {(str(EX[n]), "MinCountConstraintComponent", "") for n in "ab"}
        assert probe(shape, data, sources=False) == expected


def test_one_unsupported_shape_does_not_block_the_others(shapes: Graph) -> None:
    """A shape the compiler does not support runs on pyrudof; the project's shapes still run compiled."""
    extra = Graph().parse(
        data=PROBE_PREFIXES + "ex:Closed a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true .",
        format="turtle",
    )
    data = 'ex:a a ex:Thing ; ex:p 1 . ex:w a <http://purl.org/spar/fabio/Expression> ; ex:q "1" .'
    quads = list(ox.parse(PROBE_PREFIXES + data, format=ox.RdfFormat.TURTLE))
    store = ox.Store()
    store.extend(quads)
    found = shape_violations(store, shapes + extra, sources=quads)
    assert {(v.focus, v.engine) for v in found} == {(str(EX.a), "pyrudof"), (str(EX.w), "smekg")}
    assert all("[checked by pyrudof]" in v.message for v in found if v.engine == "pyrudof")
    ran = engines(shapes + extra)
    assert ran["ex:Closed"].startswith("pyrudof (") and "sh:closed" in ran["ex:Closed"]
    assert ran["shapes:WorkShape"] == "smekg"


def test_the_build_judges_literals_as_the_curator_wrote_them(project_copy) -> None:
    """Oxigraph stores "024" and 24 as one value; validation sees the two the source states, so sh:maxCount 1
    fails, naming the file and the firm."""
    from smekg.build import validate as validate_sources

    (project_copy.knowledge_dir / "zz-firm.ttl").write_text(
        """@prefix smekg: <https://w3id.org/smekg/ontology/> .
@prefix kg: <https://w3id.org/smekg/kg/> .
@prefix work: <https://w3id.org/smekg/work/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kg:test-firm a smekg:CaseFirm ; rdfs:label "Test firm"@en ; smekg:studiedIn work:gao2019role ;
    smekg:numberOfEmployees 24 , "024"^^xsd:integer .
""",
        encoding="utf-8",
    )
    with pytest.raises(SmekgError) as failed:
        validate_sources(project_copy)
    lines = [str(f) for f in failed.value.findings]
    assert any(
        line.startswith("ontology/knowledge/zz-firm.ttl:7: kg:test-firm:") and "at most one" in line for line in lines
    ), lines
