"""The build writes every release artifact, and the real graph passes every gate."""

from __future__ import annotations

import json

import pyoxigraph as ox
import rdflib

from smekg.release import artifact_names


def test_release_has_every_artifact(release):
    names = {p.name for p in release.artifacts}
    assert set(artifact_names()) <= names
    assert "build-report.json" in names


def test_every_artifact_parses_with_two_parsers(release):
    """rdflib and Oxigraph (independent parsers) read each artifact to the same triple count."""
    rdf_formats = {
        "ttl": ("turtle", ox.RdfFormat.TURTLE),
        "nt": ("nt", ox.RdfFormat.N_TRIPLES),
        "owl": ("xml", ox.RdfFormat.RDF_XML),
    }
    for name in artifact_names():
        path = release.release_dir / name
        ext = name.rsplit(".", 1)[1]
        graph = rdflib.Graph().parse(path, format="json-ld" if ext == "jsonld" else rdf_formats[ext][0])
        assert len(graph) > 5000, name
        if ext in rdf_formats:
            assert len(list(ox.parse(path=str(path), format=rdf_formats[ext][1]))) == len(graph), name


def test_full_release_adds_inferences(release):
    counts = release.counts
    assert counts["full triples"] > counts["base triples"]
    report = json.loads((release.release_dir / "build-report.json").read_text())
    assert report["counts"] == counts


def test_inferred_hierarchy_is_in_full_release_only(release):
    """HermiT's conclusions go to the full release: the base release keeps only asserted axioms."""
    base = rdflib.Graph().parse(release.release_dir / "smekg-base.nt")
    full = rdflib.Graph().parse(release.release_dir / "smekg-full.nt")
    sme = rdflib.URIRef("https://w3id.org/smekg/ontology/SME")
    firm = rdflib.URIRef("https://w3id.org/smekg/ontology/Firm")
    assert (sme, rdflib.RDFS.subClassOf, firm) not in base
    assert (sme, rdflib.RDFS.subClassOf, firm) in full
