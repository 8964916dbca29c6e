"""Validation of the compiled sources: references resolve, annotations agree, terms are documented, shapes hold.

Every check is SPARQL on the compiled Oxigraph store, so its cost grows with the graph, not faster.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph
from rdflib.namespace import OWL, RDFS, SH

from .errors import Finding
from .shacl import shape_violations
from .sources import Compiled, subject_line
from .vocab import KG, ONTOLOGY_IRI, OWN_NAMESPACES, SMEKG, TERM_KINDS, WORK, compact

OWN_IRI = " || ".join(f'STRSTARTS(STR(?term), "{ns}")' for ns in OWN_NAMESPACES)

UNDECLARED = f"""
SELECT DISTINCT ?term WHERE {{
  {{ ?term ?p ?o }} UNION {{ ?s ?term ?o }} UNION {{ ?s ?p ?term FILTER(?p NOT IN (owl:versionIRI, owl:priorVersion)) }}
  FILTER(isIRI(?term) && ({OWN_IRI}) && ?term != <{ONTOLOGY_IRI}>)
  MINUS {{ ?term a ?type }}
}}"""

USES = """
SELECT DISTINCT ?g ?s ?term WHERE {{
  VALUES ?term {{ {terms} }}
  GRAPH ?g {{
    {{ ?term ?p ?o BIND(?term AS ?s) }} UNION {{ ?s ?term ?o }}
    UNION {{ ?s ?p ?term FILTER(?p NOT IN (owl:versionIRI, owl:priorVersion)) }}
  }}
}}"""


def check_references(compiled: Compiled) -> list[Finding]:
    """Every IRI of our namespaces that a source file uses is declared (typed) somewhere."""
    missing = [row["term"] for row in compiled.query(UNDECLARED)]
    if not missing:
        return []
    uses = compiled.query(USES.format(terms=" ".join(map(str, missing))))
    findings = {
        undefined(compiled, compiled.files[row["g"].value], row["s"].value, row["term"].value)
        for row in uses
        if row["g"].value in compiled.files
    }
    return sorted(findings)


def undefined(compiled: Compiled, rel: str, subject: str, term: str) -> Finding:
    """A finding for an undeclared term, naming the entry that uses it."""
    where = compiled.locate(subject)
    line = where[1] if where[0] == rel else 0
    if term.startswith(str(WORK)):
        what = f"cites {compact(term)}, but no BibTeX entry has key {term[len(WORK) :]!r}"
    elif term == subject:
        what = f"{compact(term)} is described but never declared (it has no rdf:type)"
    else:
        what = f"refers to undefined {compact(term)}"
    return Finding(rel, line, compact(subject), what)


ANNOTATIONS = f"""
SELECT ?s ?prop ?lang ?text ?g WHERE {{
  {{
    SELECT ?s ?prop ?lang WHERE {{
      VALUES ?prop {{ rdfs:label skos:definition }}
      ?s ?prop ?o
      FILTER(isIRI(?s) && isLiteral(?o) && (STRSTARTS(STR(?s), "{SMEKG}") || STRSTARTS(STR(?s), "{KG}")))
      BIND(LANG(?o) AS ?lang)
    }} GROUP BY ?s ?prop ?lang HAVING (COUNT(DISTINCT STR(?o)) > 1)
  }}
  GRAPH ?g {{ ?s ?prop ?o }}
  FILTER(isLiteral(?o) && LANG(?o) = ?lang)
  BIND(STR(?o) AS ?text)
}}"""


def check_annotations(compiled: Compiled) -> list[Finding]:
    """A curated entry gets one label and one definition per language, even across files."""
    order = {gid: i for i, gid in enumerate(compiled.files)}
    texts: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    rows = sorted(compiled.query(ANNOTATIONS), key=lambda r: order.get(r["g"].value, len(order)))
    for row in rows:
        if row["g"].value in compiled.files:
            key = (row["s"].value, row["prop"].value, row["lang"].value)
            texts[key].setdefault(row["text"].value, compiled.files[row["g"].value])
    findings = []
    for (subject, prop, lang), found in sorted(texts.items()):
        where = ", ".join(f"{t!r} in {f}" for t, f in sorted(found.items()))
        rel, line = compiled.locate(subject)
        findings.append(
            Finding(rel, line, compact(subject), f"has {len(found)} different {compact(prop)}@{lang}: {where}")
        )
    return findings


TERMS = f"""
SELECT ?term (COUNT(DISTINCT ?label) AS ?labels) (COUNT(DISTINCT ?definition) AS ?definitions) WHERE {{
  VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
                 smekg:Theory }}
  ?term a ?kind .
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{SMEKG}"))
  OPTIONAL {{ ?term rdfs:label ?label FILTER(LANG(?label) = "en") }}
  OPTIONAL {{ ?term skos:definition ?definition FILTER(LANG(?definition) = "en") }}
}} GROUP BY ?term HAVING (COUNT(DISTINCT ?label) = 0 || COUNT(DISTINCT ?definition) = 0)
"""


def check_terms(compiled: Compiled) -> list[Finding]:
    """Every smekg term has an rdfs:label@en and a skos:definition@en (more than one is check_annotations')."""
    findings = []
    for row in compiled.query(TERMS):
        term, labels, definitions = row["term"].value, row["labels"].value, row["definitions"].value
        rel, line = compiled.locate(term)
        message = (
            "a term needs an rdfs:label@en and a skos:definition@en; "
            f"it has {labels} label(s) and {definitions} definition(s)"
        )
        findings.append(Finding(rel, line, compact(term), message))
    return findings


TERMS_IN_FILES = """
SELECT ?g ?term (GROUP_CONCAT(DISTINCT STR(?kind); separator=" ") AS ?kinds) (MAX(?here) AS ?declared) WHERE {{
  VALUES ?g {{ {graphs} }}
  VALUES ?kind {{ {kinds} }}
  {{ SELECT DISTINCT ?g ?term WHERE {{ GRAPH ?g {{ ?term ?p ?o }} FILTER(isIRI(?term)) }} }}
  ?term a ?kind
  BIND(IF(EXISTS {{ GRAPH ?g {{ ?term a ?kind }} }}, 1, 0) AS ?here)
}} GROUP BY ?g ?term"""


def check_knowledge_holds_no_terms(compiled: Compiled) -> list[Finding]:
    """A knowledge file holds individuals only: a class, property or datatype it declares or describes belongs in
    the edit module. (A rule on which file holds a triple, so it is a check here: the shapes see one graph.)"""
    project = compiled.project
    graphs = [gid for gid, rel in compiled.files.items() if (project.root / rel).parent == project.knowledge_dir]
    if not graphs:
        return []
    module = str(project.ontology.relative_to(project.root))
    query = TERMS_IN_FILES.format(
        graphs=" ".join(f"<{g}>" for g in graphs), kinds=" ".join(f"<{k}>" for k in TERM_KINDS)
    )
    findings = []
    for row in compiled.query(query):
        rel, term, kinds = compiled.files[row["g"].value], row["term"].value, row["kinds"].value.split()
        what = "class" if str(OWL.Class) in kinds else "datatype" if str(RDFS.Datatype) in kinds else "property"
        verb = "declares" if row["declared"].value == "1" else "describes"
        message = (
            f"{verb} the {what} {compact(term)}: classes and properties belong in the edit module {module}, "
            "not in a knowledge file; move its block there"
        )
        findings.append(Finding(rel, subject_line(project.root / rel, term), compact(term), message))
    return sorted(findings)


# A class used as an individual (OWL 2 punning): typed with anything but owl:Class, or the subject or the value of an
# object or datatype property assertion.
CLASS_AS_INDIVIDUAL = """
SELECT DISTINCT ?g ?node ?class ?prop ?type WHERE {
  ?class a owl:Class FILTER(isIRI(?class))
  GRAPH ?g {
    { ?class a ?type FILTER(?type NOT IN (owl:Class, rdfs:Class)) BIND(?class AS ?node) }
    UNION { ?node ?prop ?class } UNION { ?class ?prop ?value BIND(?class AS ?node) }
  }
  FILTER(BOUND(?type) || EXISTS { VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty } ?prop a ?kind })
}"""


def check_class_uses(compiled: Compiled) -> list[Finding]:
    """No class is also an individual: records refer to classes only through annotation properties."""
    findings = []
    for row in compiled.query(CLASS_AS_INDIVIDUAL):
        rel = compiled.files.get(row["g"].value)
        if rel is None:
            continue
        node, cls = row["node"].value, compact(row["class"].value)
        if row["type"] is not None:
            use = f"is the class {cls} and also typed {compact(row['type'].value)}, an individual"
        elif node == row["class"].value:
            use = f"is the class {cls} and also the subject of {compact(row['prop'].value)}, an individual"
        else:
            use = f"uses the class {cls} as the value of {compact(row['prop'].value)}, as an individual"
        message = f"{use} (OWL 2 punning): refer to a class only through an annotation property such as smekg:about"
        findings.append(Finding(rel, subject_line(compiled.project.root / rel, node), compact(node), message))
    return sorted(findings)


def check_shapes(compiled: Compiled) -> list[Finding]:
    """Run the SHACL shapes in shapes/ (as SPARQL on the store) and turn each violation into a located finding."""
    shapes = Graph()
    for path in sorted(compiled.project.shapes_dir.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    findings = []
    for v in shape_violations(compiled.store, shapes, sources=compiled.literals):
        rel, line = compiled.locate(v.focus)
        text = v.message + (f" (property {compact(v.path)})" if v.path else "")
        text += f"; value {v.value}" if v.value and v.value != f"<{v.focus}>" else ""
        level = "error" if v.severity == str(SH.Violation) else "warning"
        findings.append(Finding(rel, line, compact(v.focus), text, level))
    return sorted(findings)


def validate_compiled(compiled: Compiled) -> list[Finding]:
    """All checks on the compiled sources; errors and warnings together."""
    checks = (
        check_references,
        check_knowledge_holds_no_terms,
        check_annotations,
        check_terms,
        check_class_uses,
        check_shapes,
    )
    return [finding for check in checks for finding in check(compiled)]
