"""Curation provenance: every claim says who curated it, when, and from which version of its knowledge file;
a file states its curator and date once, a claim that states its own keeps them, and a faulty curation block
is a finding naming the file, the line and the entry."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest

from smekg import SmekgError, validate
from smekg.sources import Compiled, Project, compile_sources

AGENT = "https://w3id.org/smekg/agent/seed-d912c087-maintainers"
HEADER = """PREFIX agent: <https://w3id.org/smekg/agent/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX kg: <https://w3id.org/smekg/kg/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX smekg: <https://w3id.org/smekg/ontology/>
PREFIX work: <https://w3id.org/smekg/work/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
DEFAULT = """
<>
    prov:generatedAtTime "2026-12-01T10:00:00Z"^^xsd:dateTime ;
    prov:wasAttributedTo agent:seed-d912c087-maintainers ;
.
"""
REVIEWER = """
agent:ada-reviewer
    a prov:Person ;
    rdfs:label "Ada Reviewer (a test curator)"@en ;
.
"""


def claim(name: str, extra: str = "") -> str:
    return f"""
kg:{name}
    a smekg:Claim ;
    dcterms:description "A test claim."@en ;{extra}
    smekg:claimObject smekg:ExportConsortium ;
    smekg:claimRelation smekg:explains ;
    smekg:claimSubject smekg:NetworkTheory ;
    smekg:locator "§3.1.4" ;
    smekg:statedIn work:guimaraes2021collaboration ;
.
"""


def add(project: Project, *blocks: str, name: str = "zz-curation.ttl") -> Path:
    path = project.knowledge_dir / name
    path.write_text(HEADER + "".join(blocks), encoding="utf-8")
    return path


def git_blob(path: Path) -> str:
    """The git blob id of a file, as `git hash-object` computes it."""
    data = path.read_bytes()
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


CURATION = """
SELECT ?claim ?agent ?when ?version ?blob WHERE {
  ?claim a/rdfs:subClassOf* smekg:Claim .
  OPTIONAL { ?claim prov:wasAttributedTo ?agent
             FILTER EXISTS { VALUES ?kind { prov:Person prov:SoftwareAgent } ?agent a ?kind } }
  OPTIONAL { ?claim prov:generatedAtTime ?when FILTER(DATATYPE(?when) = xsd:dateTime) }
  OPTIONAL { ?claim prov:wasDerivedFrom ?version . ?version a prov:Entity ; dcterms:identifier ?blob }
}"""


def curation(compiled: Compiled) -> dict[str, dict[str, set[str]]]:
    """Per claim, its curators, dates, versions and the versions' blob ids (each a set of values)."""
    found: dict[str, dict[str, set[str]]] = {}
    for row in compiled.query(CURATION):
        values = found.setdefault(row["claim"].value, {k: set() for k in ("agent", "when", "version", "blob")})
        for key in values:
            if row[key] is not None:
                values[key].add(row[key].value)
    return found


def files_of(compiled: Compiled) -> dict[str, str]:
    """Per claim, the knowledge file that states it."""
    query = "SELECT ?claim ?g WHERE { GRAPH ?g { ?claim a ?kind } ?kind rdfs:subClassOf* smekg:Claim }"
    rows = compiled.query(query)  # the kinds of claim are in the edit module, the claims in the knowledge files
    return {row["claim"].value: compiled.files[row["g"].value] for row in rows}


def test_every_claim_of_the_real_graph_has_a_curator_a_date_and_its_file_version(project):
    compiled = compile_sources(project)
    found, files = curation(compiled), files_of(compiled)
    assert len(found) > 700
    for name, values in found.items():
        blob = git_blob(project.root / files[name])
        assert values["agent"] == {AGENT} and len(values["when"]) == 1, name
        assert values["blob"] == {blob} and len(values["version"]) == 1, name
        assert values["version"].pop().endswith(f"{files[name]}/blob/{blob}"), name


def test_the_real_graph_keeps_the_dates_of_claims_curated_at_another_time(project):
    found = curation(compile_sources(project))
    dates = {name: values["when"] for name, values in found.items()}
    reworded = "https://w3id.org/smekg/kg/costa2015-collaborative-network-facilitates-internationalization"
    assert dates[reworded] == {"2026-11-22T08:48:47Z"}  # its own date wins over its file's 08:14:39
    assert dates["https://w3id.org/smekg/kg/costa2015-barrier-capital"] == {"2026-11-22T08:14:39Z"}


def test_the_release_carries_the_curation(store):
    rows = store.select(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a smekg:Claim ; prov:wasAttributedTo ?a ; "
        "prov:generatedAtTime ?t ; prov:wasDerivedFrom ?v . ?v dcterms:identifier ?b }"
    )
    claims = store.select("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a smekg:Claim }")
    assert rows[0]["n"] == claims[0]["n"] > 700


def test_a_claims_own_curator_and_date_win_over_the_files(project_copy):
    date = '\n    prov:generatedAtTime "2026-12-02T09:30:00+01:00"^^xsd:dateTime ;'
    own = date + "\n    prov:wasAttributedTo agent:ada-reviewer ;"
    add(project_copy, DEFAULT, REVIEWER, claim("zz-own", own), claim("zz-default"), claim("zz-date-only", date))
    compiled, _ = validate(project_copy)
    found = curation(compiled)
    reviewer = "https://w3id.org/smekg/agent/ada-reviewer"
    assert found["https://w3id.org/smekg/kg/zz-own"]["agent"] == {reviewer}
    assert found["https://w3id.org/smekg/kg/zz-own"]["when"] == {"2026-12-02T09:30:00+01:00"}
    assert found["https://w3id.org/smekg/kg/zz-default"]["agent"] == {AGENT}
    assert found["https://w3id.org/smekg/kg/zz-default"]["when"] == {"2026-12-01T10:00:00Z"}
    assert found["https://w3id.org/smekg/kg/zz-date-only"]["agent"] == {AGENT}
    assert found["https://w3id.org/smekg/kg/zz-date-only"]["when"] == {"2026-12-02T09:30:00+01:00"}


def test_changing_a_files_bytes_changes_the_version_recorded(project_copy):
    path = project_copy.knowledge_dir / "costa2015new.ttl"
    name = "https://w3id.org/smekg/kg/costa2015-barrier-capital"
    before = curation(compile_sources(project_copy))[name]["blob"]
    path.write_bytes(path.read_bytes() + b"# one more comment: the triples are the same\n")
    after = curation(compile_sources(project_copy))[name]["blob"]
    assert before != after and after == {git_blob(path)}


def test_a_file_without_a_default_fails_for_a_claim_that_states_none(project_copy):
    add(project_copy, claim("zz-uncurated"))
    with pytest.raises(SmekgError) as error:
        validate(project_copy)
    messages = {(f.file, f.line, f.entry, f.message.split(":")[0]) for f in error.value.findings}
    where = ("ontology/knowledge/zz-curation.ttl", 10, "kg:zz-uncurated")
    assert messages == {(*where, "needs a curator"), (*where, "needs one curation date")}


def one_finding(project: Project) -> tuple[str, int, str, str]:
    with pytest.raises(SmekgError) as error:
        validate(project)
    [finding] = error.value.findings
    return finding.file, finding.line, finding.entry, finding.message


def test_a_default_naming_an_undeclared_agent_is_a_finding(project_copy):
    add(project_copy, DEFAULT.replace("agent:seed-d912c087-maintainers", "agent:nobody"), claim("zz-c"))
    file, line, entry, message = one_finding(project_copy)
    assert (file, line, entry) == ("ontology/knowledge/zz-curation.ttl", 10, "<>")
    assert "https://w3id.org/smekg/agent/nobody as curator, but it is not declared as an agent" in message


def test_a_claim_naming_an_undeclared_agent_is_a_finding(project_copy):
    add(project_copy, DEFAULT, claim("zz-c", "\n    prov:wasAttributedTo kg:zz-c ;"))
    assert one_finding(project_copy)[:3] == ("ontology/knowledge/zz-curation.ttl", 15, "kg:zz-c")


@pytest.mark.parametrize(
    "date, problem",
    [
        ('"2026-12-01"^^xsd:date', "is not an xsd:dateTime"),
        ('"2026-12-01T10:00:00Z"', "is not an xsd:dateTime"),
        ('"yesterday"^^xsd:dateTime', "with a time zone"),
        ('"2026-12-01T10:00:00"^^xsd:dateTime', "with a time zone"),
        ('"2026-02-30T10:00:00Z"^^xsd:dateTime', "that exists"),
        ("agent:seed-d912c087-maintainers", "is not an xsd:dateTime"),
    ],
)
def test_a_malformed_date_is_a_finding(project_copy, date, problem):
    add(project_copy, DEFAULT.replace('"2026-12-01T10:00:00Z"^^xsd:dateTime', date), claim("zz-c"))
    file, line, entry, message = one_finding(project_copy)
    assert (file, line, entry) == ("ontology/knowledge/zz-curation.ttl", 10, "<>")
    assert message.startswith("prov:generatedAtTime") and problem in message


@pytest.mark.parametrize(
    "second, what",
    [
        ('<> prov:generatedAtTime "2026-12-03T10:00:00Z"^^xsd:dateTime .\n', "prov:generatedAtTime"),
        ("<> prov:wasAttributedTo agent:ada-reviewer .\n" + REVIEWER, "prov:wasAttributedTo"),
    ],
)
def test_two_defaults_in_one_file_are_a_finding(project_copy, second, what):
    add(project_copy, DEFAULT, claim("zz-c"), second)
    file, line, entry, message = one_finding(project_copy)
    assert (file, line, entry) == ("ontology/knowledge/zz-curation.ttl", 24, "<>")  # the second one
    assert f"two defaults in one file: {what}" in message


def test_a_file_that_cannot_be_read_for_its_version_is_a_finding(project_copy, monkeypatch):
    """The build reads each knowledge file again to name its version; an OSError then (the file was loaded a
    moment before, so it is simulated) is a finding naming the file, never a traceback."""
    read_bytes = Path.read_bytes

    def failing(path: Path) -> bytes:
        if path.name == "costa2015new.ttl":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    with pytest.raises(SmekgError) as error:
        compile_sources(project_copy)
    [finding] = error.value.findings
    assert finding.file == "ontology/knowledge/costa2015new.ttl" and "input/output error" in finding.message


def test_each_knowledge_file_is_a_labelled_entity_with_its_curation(project):
    rows = compile_sources(project).query(
        "SELECT ?file ?label ?agent WHERE { ?file a prov:Entity ; rdfs:label ?label ; prov:wasAttributedTo ?agent ; "
        'prov:generatedAtTime "2026-11-22T08:14:39Z"^^xsd:dateTime }'
    )
    found = {(row["file"].value, row["label"].value, row["agent"].value) for row in rows}
    paths = sorted(str(p.relative_to(project.root)) for p in project.knowledge_dir.glob("*.ttl"))
    assert found == {(f"https://w3id.org/smekg/source/{p}", p, AGENT) for p in paths}
