"""`smekg check`: the ontology quality report, SPARQL checks with levels from quality/profile.tsv."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import Finding, SmekgError
from .identity import ontology_iri
from .owlapi import gate_findings, load_gate
from .query import Store
from .release import VARIANTS, artifact_names
from .sources import Project
from .vocab import compact

LEVELS = ("ERROR", "WARN", "INFO")


@dataclass(frozen=True)
class Check:
    """One quality check: a SPARQL query returning ?entity and ?value, and its level."""

    name: str
    level: str
    query: str
    description: str


def load_profile(quality_dir: Path) -> list[Check]:
    """Read profile.tsv; every named check must have its .rq file, every level must be known."""
    profile = quality_dir / "profile.tsv"
    checks, problems = [], []
    for number, line in enumerate(profile.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        level, _, name = line.partition("\t")
        path = quality_dir / f"{name.strip()}.rq"
        if level not in LEVELS or not path.is_file():
            problems.append(Finding(str(profile), number, name, f"unknown level {level!r} or missing {path.name}"))
            continue
        text = path.read_text(encoding="utf-8")
        description = text.splitlines()[0].lstrip("# ").strip() if text.startswith("#") else name
        checks.append(Check(name.strip(), level, text, description))
    if problems:
        raise SmekgError("reading the quality profile", problems)
    return checks


def label_of(store: Store, iri: str) -> str:
    """The English (or any) label of a term, for readable reports."""
    query = "SELECT ?e ?l WHERE { ?e rdfs:label ?l } ORDER BY DESC(LANGMATCHES(LANG(?l), 'en')) LIMIT 1"
    rows = store.select(query, {"e": ox.NamedNode(iri)})
    return str(rows[0]["l"]) if rows else ""


def run_checks(store: Store, checks: list[Check]) -> list[Finding]:
    """Run every check; each result becomes a finding naming the term's label and IRI."""
    findings = []
    for check in checks:
        for row in store.select(check.query):
            iri = str(row["entity"])
            label = label_of(store, iri) if iri.startswith(("http://", "https://")) else ""
            entry = f"{compact(iri)}" + (f" '{label}'" if label else "")
            findings.append(
                Finding(check.name, 0, entry, str(row.get("value") or check.description), check.level.lower())
            )
    return findings


def parse_twice(path: Path) -> Finding | None:
    """Parse an artifact with rdflib and with Oxigraph; they must agree on the triple count."""
    import rdflib

    formats = {
        ".ttl": ("turtle", ox.RdfFormat.TURTLE),
        ".nt": ("nt", ox.RdfFormat.N_TRIPLES),
        ".owl": ("xml", ox.RdfFormat.RDF_XML),
        ".jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
    }
    rdflib_format, ox_format = formats[path.suffix]
    try:
        first = len(rdflib.Graph().parse(path, format=rdflib_format))
        second = len(list(ox.parse(path=str(path), format=ox_format)))
    except Exception as err:  # any parser error is the finding
        return Finding(str(path), 0, "", f"does not parse: {err}")
    if first != second:
        return Finding(str(path), 0, "", f"rdflib reads {first} triples, Oxigraph {second}")
    return None


def check_release(project: Project, release_dir: Path | None = None, owlapi: bool = True) -> list[Finding]:
    """The whole release gate: quality report, two parsers per artifact, and the OWL API load gate."""
    release_dir = release_dir or project.release_dir
    store = Store(release_dir / "smekg-base.nt")
    findings = run_checks(store, load_profile(project.root / "quality"))
    findings += [f for name in artifact_names() if (f := parse_twice(release_dir / name))]
    if owlapi:
        files = {release_dir / f"smekg-{variant}.{ext}": variant for variant in VARIANTS for ext in ("owl", "ttl")}
        catalog = project.ontology.with_name("catalog-v001.xml")
        report = load_gate(list(files), catalog if catalog.is_file() else None)
        for path, variant in files.items():
            findings += gate_findings({str(path): report.get(str(path), [])}, ontology_iri(variant))
    return findings
