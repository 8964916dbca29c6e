"""Validation of the compiled graph: references resolve, annotations agree, SHACL shapes hold."""

from __future__ import annotations

from collections import defaultdict

from pyshacl import validate as shacl_validate
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import SH

from .errors import Finding
from .sources import Compiled
from .vocab import KG, ONTOLOGY_IRI, OWN_NAMESPACES, SMEKG, WORK, compact

CURATED = (str(SMEKG), str(KG))


def own(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(OWN_NAMESPACES)


def check_references(compiled: Compiled, union: Graph) -> list[Finding]:
    """Every IRI of our namespaces that a source file uses is declared (typed) somewhere."""
    declared = set(union.subjects(RDF.type, None)) | {URIRef(ONTOLOGY_IRI)}
    findings = []
    for gid, rel in compiled.files.items():
        graph = compiled.dataset.graph(gid)
        for s, p, o in graph:
            if p in (OWL.versionIRI, OWL.priorVersion):
                continue
            for term in (s, p, o):
                if own(term) and term not in declared:
                    findings.append(undefined(compiled, rel, s, term))
    return sorted(set(findings))


def undefined(compiled: Compiled, rel: str, subject: URIRef, term: URIRef) -> Finding:
    """A finding for an undeclared term, naming the entry that uses it."""
    line = compiled.locate(str(subject))[1] if compiled.locate(str(subject))[0] == rel else 0
    if str(term).startswith(str(WORK)):
        what = f"cites {compact(term)}, but no BibTeX entry has key {str(term)[len(WORK) :]!r}"
    elif term == subject:
        what = f"{compact(term)} is described but never declared (it has no rdf:type)"
    else:
        what = f"refers to undefined {compact(term)}"
    return Finding(rel, line, compact(subject), what)


def check_annotations(compiled: Compiled) -> list[Finding]:
    """A curated entry gets one label and one definition per language, even across files."""
    values: dict[tuple[URIRef, URIRef, str], dict[str, str]] = defaultdict(dict)
    for gid, rel in compiled.files.items():
        for prop in (RDFS.label, SKOS.definition):
            for s, o in compiled.dataset.graph(gid).subject_objects(prop):
                if isinstance(s, URIRef) and str(s).startswith(CURATED) and isinstance(o, Literal):
                    values[(s, prop, o.language or "")].setdefault(str(o), rel)
    findings = []
    for (s, prop, lang), texts in values.items():
        if len(texts) > 1:
            where = ", ".join(f"{t!r} in {f}" for t, f in sorted(texts.items()))
            rel, line = compiled.locate(str(s))
            findings.append(
                Finding(rel, line, compact(s), f"has {len(texts)} different {compact(prop)}@{lang}: {where}")
            )
    return findings


TERM_QUERY = """
SELECT ?term (COUNT(DISTINCT ?label) AS ?labels) (COUNT(DISTINCT ?definition) AS ?definitions) WHERE {
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                 smekg:Theory smekg:RelationType }
  ?term a ?kind .
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(smekg:)))
  OPTIONAL { ?term rdfs:label ?label FILTER(LANG(?label) = "en") }
  OPTIONAL { ?term skos:definition ?definition FILTER(LANG(?definition) = "en") }
} GROUP BY ?term HAVING (COUNT(DISTINCT ?label) = 0 || COUNT(DISTINCT ?definition) = 0)
"""


def check_terms(compiled: Compiled, union: Graph) -> list[Finding]:
    """Every smekg term has an rdfs:label@en and a skos:definition@en (more than one is check_annotations')."""
    findings = []
    for term, labels, definitions in union.query(
        TERM_QUERY, initNs={"owl": OWL, "rdfs": RDFS, "skos": SKOS, "smekg": SMEKG}
    ):
        rel, line = compiled.locate(str(term))
        findings.append(
            Finding(
                rel,
                line,
                compact(term),
                f"a term needs an rdfs:label@en and a skos:definition@en; "
                f"it has {labels} label(s) and {definitions} definition(s)",
            )
        )
    return findings


def check_shapes(compiled: Compiled, union: Graph) -> list[Finding]:
    """Run the SHACL shapes in shapes/ and turn each result into a located finding."""
    shapes = Graph()
    for path in sorted(compiled.project.shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    conforms, results, _ = shacl_validate(
        union, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    if conforms:
        return []
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage) or "violates a shape"
        severity = results.value(result, SH.resultSeverity)
        rel, line = compiled.locate(str(focus))
        text = f"{message}" + (f" (property {compact(path)})" if isinstance(path, URIRef) else "")
        level = "error" if severity in (None, SH.Violation) else "warning"
        findings.append(Finding(rel, line, compact(focus), text, level))
    return sorted(findings)


def validate_compiled(compiled: Compiled, union: Graph | None = None) -> list[Finding]:
    """All checks on the compiled sources; errors and warnings together."""
    union = union if union is not None else compiled.union()
    return (
        check_references(compiled, union)
        + check_annotations(compiled)
        + check_terms(compiled, union)
        + check_shapes(compiled, union)
    )
