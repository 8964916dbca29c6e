"""The cross-document canned queries, checked against facts stated in the documents."""

from __future__ import annotations

from curated import source_records
from smekg import Store, run_query


def parts(text: str | None, sep: str = "; ") -> set[str]:
    return set(text.split(sep)) if text else set()


def test_what_helps_overcome_each_barrier(project, store):
    rows = run_query("barriers-overcome", store=store, project=project)
    info = {(r["helperLabel"], r["impactLabel"]): r for r in rows if r["barrierLabel"] == "lack of information"}
    via = info[("institutional network", "information communication")]
    assert via["helperKind"] == "network type" and via["sources"] == "Gao et al. 2019" and via["claims"] == 2
    resource = [r for r in rows if r["barrierLabel"] == "resource constraint"]
    assert {s for r in resource for s in parts(r["sources"])} >= {"Guimarães et al. 2021", "Costa et al. 2015"}
    # a list survives when only some of the row's claims have a value (one claim of the chain names a case firm
    # and cites a work, the other neither): GROUP_CONCAT over a missing value would make the whole list unbound
    chain = next(
        r
        for r in rows
        if (r["barrierLabel"], r["helperLabel"], r["impactLabel"])
        == ("economic barrier", "business network", "cost reduction")
    )
    assert chain["claims"] == 2 and chain["caseFirms"] == "Company D (Gao, Qu & Zhang 2019)"
    assert chain["citedWorks"] == "Li & Qian 2007"
    internal = run_query("barriers-overcome", {"under": "smekg:InternalBarrier"}, store=store, project=project)
    assert {r["barrierLabel"] for r in internal} < {r["barrierLabel"] for r in rows}
    assert "political change" not in {r["barrierLabel"] for r in internal}


def test_evidence_map_has_every_cell_including_gaps(project, store):
    rows = run_query("evidence-map-barriers", store=store, project=project)
    barriers = {r["barrier"] for r in rows}
    networks = {r["network"] for r in rows}
    assert len(rows) == len(barriers) * len(networks)
    cell = {(r["barrierLabel"], r["networkLabel"]): r for r in rows}
    assert (
        cell[("economic barrier", "business network")]["claims"],
        cell[("economic barrier", "business network")]["documents"],
    ) == (4, 1)
    assert any(r["claims"] == 0 for r in rows), "empty cells are research gaps and must be listed"
    impacts = run_query("evidence-map-impacts", store=store, project=project)
    assert len(impacts) == len({r["impact"] for r in impacts}) * len({r["network"] for r in impacts})


def test_theory_uses_across_documents(project, store):
    rows = run_query("theory-uses", store=store, project=project)
    network = [r for r in rows if r["theoryLabel"] == "network theory"]
    assert any(r["articles"] == 20 and r["source"] == "Guimarães et al. 2021" for r in network)
    assert {r["source"] for r in rows} >= {"Guimarães et al. 2021", "Gao et al. 2019"}
    one = run_query("theory-uses", {"theory": "smekg:UppsalaModel1977"}, store=store, project=project)
    assert {r["theoryLabel"] for r in one} == {"Uppsala model (1977)"}


def test_everything_about_one_concept(project, store):
    rows = run_query("concept", {"concept": "smekg:ExportConsortium"}, store=store, project=project)
    aspects = {r["aspect"] for r in rows}
    assert {"definition", "broader", "defined in", "claim as subject"} <= aspects
    # "Export consortia are another type of strategic alliance" (Guimarães et al. 2021, §3.3.5)
    assert any(r["valueLabel"] == "strategic alliance" for r in rows if r["aspect"] == "broader")
    assert any(r["source"] == "Guimarães et al. 2021" for r in rows if r["aspect"] == "defined in")
    cluster = run_query("concept", {"concept": "smekg:Cluster"}, store=store, project=project)
    assert any(r["aspect"] == "narrower" and r["valueLabel"] == "horizontal cluster" for r in cluster)


def test_works_shared_between_documents(project, store):
    shared = {r["citation"]: r for r in run_query("shared-works", store=store, project=project)}
    assert shared["Oparaocha 2015"]["documents"] == 2
    assert parts(shared["Oparaocha 2015"]["citedBy"]) == {"Guimarães et al. 2021", "Gao et al. 2019"}
    assert "Jeong et al. 2019" in shared, "002's in-text citation resolves to 003's record"
    everything = run_query("shared-works", {"minDocuments": "1"}, store=store, project=project)
    assert len(everything) >= 200
    claims = [r["claims"] for r in everything if r["documents"] == 1]
    assert claims == sorted(claims, reverse=True)


def test_research_gaps_by_concept(project, store):
    rows = run_query("research-gaps", store=store, project=project)
    assert {r["source"] for r in rows} == {
        "Guimarães et al. 2021",
        "Gao et al. 2019",
        "Costa et al. 2015",
        "Unattributed networking review",
    }
    clusters = run_query("research-gaps", {"under": "smekg:Cluster"}, store=store, project=project)
    assert {r["gap"].rsplit("/", 1)[1] for r in clusters} >= {
        "guimaraes2021-gap-cluster-innovation-drivers",
        "guimaraes2021-gap-intra-cluster-connections",
    }
    assert all(
        r["conceptLabel"] in {"cluster", "industrial district", "horizontal cluster"} or "cluster" in r["conceptLabel"]
        for r in clusters
    )


def test_definitions_that_differ(project, store):
    rows = run_query("definitions-compared", {"concept": "smekg:Networking"}, store=store, project=project)
    sources = [r["source"] for r in rows]
    assert "ontology" in sources and sources.count("Gao et al. 2019") >= 2
    assert len({r["definition"] for r in rows}) == len(rows)


def test_documents_side_by_side(project, store):
    rows = {r["citation"]: r for r in run_query("document-comparison", store=store, project=project)}
    assert set(rows) == set(source_records(project).values())  # one row per source document, whatever they are
    assert rows["Guimarães et al. 2021"]["articlesSelected"] == 76
    assert rows["Unattributed networking review"]["articlesSelected"] == 47
    assert rows["Costa et al. 2015"]["articlesSelected"] == 16
    assert (rows["Gao et al. 2019"]["caseFirms"], rows["Costa et al. 2015"]["caseFirms"]) == (6, 3)
    assert "network theory" in rows["Guimarães et al. 2021"]["theories"]
    assert "export consortium" in rows["Guimarães et al. 2021"]["collaborationForms"]
    assert all(r["mainFindings"] for r in rows.values())


def test_curation_quality(project, store):
    unresolved = run_query("curation-quality", {"issue": "unresolved citation"}, store=store, project=project)
    costa = [r for r in unresolved if r["document"] == "Costa et al. 2015"]
    assert len(costa) == 39 and {r["found"] for r in unresolved} == {"unresolved citation"}
    everything = run_query("curation-quality", store=store, project=project)
    assert "term without definition" not in {r["found"] for r in everything}


def test_curation_quality_lists_a_term_once_per_issue(project, release, tmp_path):
    """A planted concept with neither definition nor source gives two rows, with no document."""
    planted = tmp_path / "planted.nt"
    concept = "<https://w3id.org/smekg/ontology/PlantedConcept>"
    planted.write_text(
        (release.release_dir / "smekg-full.nt").read_text()
        + f"{concept} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2002/07/owl#Class> .\n"
        + f'{concept} <http://www.w3.org/2000/01/rdf-schema#label> "planted concept"@en .\n'
    )
    everything = run_query("curation-quality", store=Store(planted), project=project)
    rows = [r for r in everything if r["label"] == "planted concept"]
    assert sorted(r["found"] for r in rows) == ["term without definition", "term without source"]
    assert all(r["document"] is None for r in rows)


def test_queries_about_a_class_find_members_of_its_subclasses(store, base_store):
    """The full release carries inferred types, so plain class patterns find subclass members."""

    def members(store, kind: str) -> set[str]:
        return {r["x"] for r in store.select(f"SELECT ?x WHERE {{ ?x a smekg:{kind} }}")}

    clusters, found = members(base_store, "Cluster"), members(store, "CollaborationForm")
    assert clusters and clusters <= found
    assert members(base_store, "CollaborationForm") < found


def test_disagreements_equal_a_vote_count_made_in_python(project, store):
    """Each contested question's sides, recomputed here from the claims and the class hierarchy."""
    claims = store.select(
        "SELECT ?claim ?s ?relationLabel ?o ?directionLabel ?source WHERE { ?claim smekg:direction ?d ;"
        " smekg:claimSubject ?s ; smekg:claimRelation ?r ; smekg:claimObject ?o ; smekg:statedIn/smekg:shortCitation"
        " ?source . ?r rdfs:label ?relationLabel . ?d rdfs:label ?directionLabel }"
    )
    broader: dict[str, set[str]] = {}
    for row in store.select("SELECT ?a ?b WHERE { ?a rdfs:subClassOf+ ?b }"):
        broader.setdefault(row["a"], set()).add(row["b"])
    sides: dict[tuple, set[str]] = {}
    for c in claims:
        for question in {c["o"], *broader.get(c["o"], ())}:
            sides.setdefault((c["s"], c["relationLabel"], question, c["directionLabel"]), set()).add(c["claim"])
    on_itself = {(c["s"], c["relationLabel"], c["o"]) for c in claims}
    directions: dict[tuple, set[str]] = {}
    for s, r, o, d in sides:
        directions.setdefault((s, r, o), set()).add(d)
    expected = {k: v for k, v in sides.items() if k[:3] in on_itself and len(directions[k[:3]]) > 1}
    rows = run_query("disagreements", store=store, project=project)
    found = {(r["subject"], r["relationLabel"], r["object"], r["directionLabel"]): parts(r["claimIds"]) for r in rows}
    assert found == expected and len(found) >= 20
    sources = {c["claim"]: c["source"] for c in claims}
    holders: dict[str, set[str]] = {}
    for row in store.select(
        "SELECT ?claim ?holder WHERE { ?claim smekg:direction ?d ; cito:citesAsEvidence ?work ."
        " ?work smekg:shortCitation|smekg:citationLabel ?holder }"
    ):
        holders.setdefault(row["claim"], set()).add(row["holder"])
    for r in rows:
        side = parts(r["claimIds"])
        assert r["claims"] == len(side)
        assert parts(r["sources"]) == {sources[c] for c in side}
        # a side lists every cited work, also when some of its claims cite none
        assert parts(r["holders"]) == set().union(*(holders.get(c, set()) for c in side))
    assert any(len(parts(r["claimIds"])) > 1 and not all(c in holders for c in parts(r["claimIds"])) for r in rows)
