"""SHACL validators side by side (pySHACL, pyrudof, smekg's SPARQL on Oxigraph) and planted violations.

Every validator's findings are normalised to (focus, path, component, value) strings so their sets can be
compared: IRIs and literals by their lexical form, any blank node as '_:', a missing value or path as ''.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from smekg.shacl import shape_violations
from smekg.vocab import CITO, PRISM, SMEKG

Violation = tuple[str, str, str, str]

DCTERMS_TITLE = URIRef("http://purl.org/dc/terms/title")


def term_key(term: object) -> str:
    """A comparable string for an rdflib term or a value string in N-Triples (pyrudof, smekg)."""
    if term is None:
        return ""
    if isinstance(term, BNode) or str(term).startswith("_:"):
        return "_:"
    text = str(term)
    match = re.fullmatch(r'"(.*)"(?:\^\^<?[^>]*>?|@[\w-]+)?', text, re.S) if isinstance(term, str) else None
    return match.group(1) if match else text.strip("<>")


def component(iri: object) -> str:
    return str(iri).rsplit("#", 1)[-1]


def shapes_graph(shapes_dir: Path) -> Graph:
    """Every shapes file of shapes/ in one graph."""
    shapes = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def pyshacl_findings(data: Graph, shapes: Graph) -> set[Violation]:
    """pySHACL with smekg's options (checks.check_shapes), results normalised."""
    from pyshacl import validate

    _, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    found = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        found.add(
            (
                term_key(results.value(result, SH.focusNode)),
                str(path) if isinstance(path, URIRef) else "",
                component(results.value(result, SH.sourceConstraintComponent)),
                term_key(results.value(result, SH.value)),
            )
        )
    return found


def pyrudof_findings(data_nt: Path, shapes_ttl: Path) -> set[Violation]:
    """pyrudof's native SHACL engine on an N-Triples file, results normalised."""
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(data_nt), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(str(shapes_ttl))
    return {
        (term_key(e.focus_node), e.path or "", component(e.constraint_component), term_key(e.value))
        for e in rudof.validate_shacl()
    }


def smekg_findings(data_nt: Path, shapes: Graph) -> set[Violation]:
    """smekg's SHACL (SPARQL on Oxigraph) on an N-Triples file loaded into the default graph, normalised."""
    store = ox.Store()
    store.bulk_load(path=str(data_nt), format=ox.RdfFormat.N_TRIPLES)
    return {
        (term_key(v.focus), v.path, component(v.component), term_key(v.value))
        for v in shape_violations(store, shapes, union=False)
    }


def first(graph: Graph, cls: URIRef, prop: URIRef | None = None, count: int = 1) -> list[URIRef]:
    """The first `count` IRIs typed cls (having prop, when given), in sorted order."""
    nodes = sorted(s for s in graph.subjects(RDF.type, cls) if prop is None or (s, prop, None) in graph)
    return nodes[:count]


def plant_violations(graph: Graph) -> tuple[Graph, list[str]]:
    """A copy of graph with one or more violations of each constraint kind; and what was planted."""
    g, planted = Graph(), []
    g += graph
    for claim in first(g, SMEKG.Claim, SMEKG.statedIn, 3):
        g.remove((claim, SMEKG.statedIn, None))
    planted.append("3 claims without smekg:statedIn (minCount)")
    for firm in first(g, SMEKG.CaseFirm, RDFS.label, 2):
        g.add((firm, RDFS.label, Literal("a second label", lang="en")))
    planted.append("2 case firms with a second rdfs:label (maxCount)")
    claim = first(g, SMEKG.Claim, SMEKG.claimRelation)[0]
    g.set((claim, SMEKG.claimRelation, SMEKG.Firm))
    planted.append("a claimRelation that is no owl:ObjectProperty (class)")
    claim = first(g, SMEKG.Claim, SMEKG.claimObject, 2)[1]
    g.set((claim, SMEKG.claimObject, Literal("not an IRI")))
    planted.append("a claimObject literal (nodeKind)")
    claim = first(g, SMEKG.Claim, SMEKG.articleCount)[0]
    g.set((claim, SMEKG.articleCount, Literal(-3)))
    planted.append("a negative smekg:articleCount (minInclusive)")
    work = first(g, SMEKG.SourceDocument)[0]
    g.set((work, PRISM.doi, Literal("10.1007/UPPER-CASE")))
    planted.append("an upper-case DOI (pattern)")
    authorship = first(g, SMEKG.Authorship, SMEKG.authorPosition)[0]
    g.set((authorship, SMEKG.authorPosition, Literal("first")))
    planted.append("an authorPosition string (datatype)")
    evidence = first(g, SMEKG.InterviewEvidence, SMEKG.reportedBy)[0]
    g.set((evidence, SMEKG.reportedBy, first(g, SMEKG.SourceDocument)[0]))
    planted.append("interview evidence reportedBy a document (or)")
    work = first(g, URIRef("http://purl.org/spar/fabio/JournalArticle"), DCTERMS_TITLE)[0]
    g.remove((work, DCTERMS_TITLE, None))
    planted.append("a journal article without dcterms:title or identificationNote (node-level or)")
    claim = first(g, SMEKG.Claim, CITO.citesAsEvidence)[0]
    g.add((claim, CITO.citesAsEvidence, Literal("Barney 1991", datatype=XSD.string)))
    planted.append("a literal cito:citesAsEvidence (nodeKind)")
    return g, planted


def compare(named: dict[str, set[Violation]]) -> dict:
    """Counts per validator and, for each against the first, what only one of them reports."""
    names = list(named)
    reference = named[names[0]]
    report: dict = {"counts": {n: len(v) for n, v in named.items()}, "identical": True, "differences": {}}
    for name in names[1:]:
        only_ref, only_this = sorted(reference - named[name]), sorted(named[name] - reference)
        if only_ref or only_this:
            report["identical"] = False
            report["differences"][name] = {f"only {names[0]}": only_ref[:10], f"only {name}": only_this[:10]}
    return report
