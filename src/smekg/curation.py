"""Curation provenance: who curated each claim, when, and from which version of its knowledge file.

A knowledge file states once, on its own node (`<>`, the file), who curated its claims (prov:wasAttributedTo a
declared agent) and when (prov:generatedAtTime, an xsd:dateTime with a time zone). After compiling, every claim
that states neither gets the file's, and every claim is prov:wasDerivedFrom the file's version: a prov:Entity
named and identified by the git blob id of the file's bytes (computed here; git is not needed).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import DCTERMS, RDF, RDFS, XSD

from .errors import Finding, SmekgError, os_problem
from .vocab import PROV, SOURCE, compact

if TYPE_CHECKING:
    from .sources import Compiled

CURATOR, WHEN, DERIVED = (ox.NamedNode(PROV[p]) for p in ("wasAttributedTo", "generatedAtTime", "wasDerivedFrom"))
TYPE, LABEL, IDENTIFIER = ox.NamedNode(RDF.type), ox.NamedNode(RDFS.label), ox.NamedNode(DCTERMS.identifier)
ENTITY, DATETIME = ox.NamedNode(PROV.Entity), ox.NamedNode(XSD.dateTime)
AGENT_KINDS = " ".join(f"<{PROV[k]}>" for k in ("Agent", "Person", "SoftwareAgent", "Organization"))
UNDECLARED = "but it is not declared as an agent (a prov:Person, prov:SoftwareAgent or prov:Organization)"
LEXICAL_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

AGENTS = f"SELECT DISTINCT ?agent WHERE {{ VALUES ?kind {{ {AGENT_KINDS} }} ?agent a/rdfs:subClassOf* ?kind }}"
# ?graph (a knowledge file's graph) and ?file (the file's own node, `<>` in it) are bound when run (Oxigraph binds
# only projected variables)
STATED = """
SELECT DISTINCT ?node ?p ?o ?graph ?file WHERE {
  { GRAPH ?graph { ?node a ?kind } ?kind rdfs:subClassOf* smekg:Claim } UNION { BIND(?file AS ?node) }
  VALUES ?p { prov:wasAttributedTo prov:generatedAtTime }
  GRAPH ?graph { ?node ?p ?o }
}"""
CLAIMS = "SELECT DISTINCT ?claim ?graph WHERE { GRAPH ?graph { ?claim a ?kind } ?kind rdfs:subClassOf* smekg:Claim }"


def blob_id(data: bytes) -> str:
    """The git blob id of a file's bytes (what `git hash-object` prints), so a version is found in the history."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def file_iri(rel: str) -> str:
    """The IRI of a source file (also its named graph and its Turtle base IRI, so `<>` in it names it)."""
    return str(SOURCE[rel])


def apply_curation(compiled: Compiled) -> Compiled:
    """Give every claim of every knowledge file its curator, date and file version; fail on a faulty curation."""
    agents = {row["agent"] for row in compiled.query(AGENTS)}
    findings: list[Finding] = []
    for gid, rel in compiled.files.items():
        path = compiled.project.root / rel
        if path.parent == compiled.project.knowledge_dir and path.suffix == ".ttl":
            findings += curate_file(compiled, ox.NamedNode(gid), rel, path, agents)
    if findings:
        raise SmekgError("curation provenance", findings)
    return compiled


def curate_file(compiled: Compiled, graph: ox.NamedNode, rel: str, path: Path, agents: set) -> list[Finding]:
    """Check one file's curation statements and add its defaults and version to its claims."""
    try:
        data = path.read_bytes()
    except OSError as err:
        return [Finding(rel, 0, "", f"cannot read it to record its version: {os_problem(err)}")]
    text = data.decode("utf-8", errors="replace")
    node = ox.NamedNode(file_iri(rel))
    stated: dict[ox.NamedNode, dict[ox.NamedNode, list]] = defaultdict(lambda: defaultdict(list))
    for row in compiled.query(STATED, {"graph": graph, "file": node}):
        stated[row["node"]][row["p"]].append(row["o"])
    findings = [f for n, values in stated.items() for f in faults(rel, text, n, n == node, values, agents)]
    default = stated.get(node, {})
    version, quads = file_version(graph, rel, blob_id(data))
    for row in compiled.query(CLAIMS, {"graph": graph}):
        claim, own = row["claim"], stated.get(row["claim"], {})
        quads.append(ox.Quad(claim, DERIVED, version, graph))
        quads += [ox.Quad(claim, p, o, graph) for p in (CURATOR, WHEN) if not own.get(p) for o in default.get(p, [])]
    compiled.store.extend(quads)
    return findings


def file_version(graph: ox.NamedNode, rel: str, blob: str) -> tuple[ox.NamedNode, list[ox.Quad]]:
    """The node of this version of the file, a prov:Entity named and identified by its git blob id, and the quads
    that describe it and the file (`<>`, also a prov:Entity, labelled with its path)."""
    node, version = ox.NamedNode(file_iri(rel)), ox.NamedNode(f"{file_iri(rel)}/blob/{blob}")
    facts = [(node, TYPE, ENTITY), (node, LABEL, ox.Literal(rel, language="en")), (version, TYPE, ENTITY)]
    facts += [(version, LABEL, ox.Literal(f"{rel} (git blob {blob[:12]})", language="en"))]
    facts += [(version, IDENTIFIER, ox.Literal(blob))]
    return version, [ox.Quad(*fact, graph) for fact in facts]


def faults(rel: str, text: str, node: ox.NamedNode, is_file: bool, values: dict, agents: set) -> list[Finding]:
    """What is wrong with the curator and date a file (its default) or a claim (its override) states."""
    problems = [(0, f"names {shown(a)} as curator, {UNDECLARED}") for a in values.get(CURATOR, []) if a not in agents]
    problems += [
        (0, f"prov:generatedAtTime {shown(w)} {date_problem(w)}") for w in values.get(WHEN, []) if date_problem(w)
    ]
    for prop in (CURATOR, WHEN) if is_file else ():
        if len(values.get(prop, [])) > 1:
            listed = ", ".join(sorted(map(shown, values[prop])))
            why = f"two defaults in one file: {compact(prop.value)} {listed}; a file states one"
            problems.append((-1, f"{why}, a claim curated otherwise states its own"))
    if not problems:
        return []
    entry, lines = "<>" if is_file else compact(node.value), entry_lines(text, node.value, is_file)
    return [Finding(rel, lines[which], entry, message) for which, message in problems]


def date_problem(term: ox.NamedNode | ox.Literal) -> str:
    """Why a curation date is malformed ('' when it is an xsd:dateTime with a time zone that exists)."""
    if not isinstance(term, ox.Literal) or term.datatype != DATETIME:
        return 'is not an xsd:dateTime (write e.g. "2026-11-22T08:14:39+00:00"^^xsd:dateTime)'
    if not LEXICAL_DATETIME.match(term.value):
        return "is not a date and time with a time zone (e.g. 2026-11-22T08:14:39+00:00)"
    try:
        datetime.fromisoformat(term.value.replace("Z", "+00:00"))
    except ValueError:
        return "is not a date and time that exists"
    return ""


def shown(term: ox.NamedNode | ox.Literal) -> str:
    """A term as a finding shows it: a compact IRI, or a literal's text."""
    return compact(term.value) if isinstance(term, ox.NamedNode) else f'"{term.value}"'


def entry_lines(text: str, iri: str, is_file: bool) -> list[int]:
    """The lines on which the file's own node (`<>`) or a claim opens a statement ([0] if none is found)."""
    local = re.escape(iri.rsplit("/", 1)[-1])
    written = r"<>" if is_file else rf"[\w-]*:{local}"
    pattern = rf"^[ \t]*(?:{written}|<{re.escape(iri)}>)(?=[\s;])"
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(pattern, text, re.M)] or [0]
