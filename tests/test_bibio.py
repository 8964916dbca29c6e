"""BibTeX and CSL-JSON in and out: round trips, duplicates reported on import, export of a query's works."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import first_fast
from smekg import Project, SmekgError, run_query, validate
from smekg.bibio import export_command, export_entries, import_group, import_refs, query_work_keys, render
from smekg.bibliography import BibRecord, display_name, load_bibliography, normalise_doi
from smekg.linking import read_records
from smekg.sources import compile_sources

ROOT = Path(__file__).resolve().parents[1]


def empty_project(folder: Path) -> Project:
    """The ontology alone: no knowledge files, no reference files."""
    (folder / "ontology" / "knowledge").mkdir(parents=True)
    (folder / "ontology" / "references").mkdir()
    shutil.copy(ROOT / "ontology" / "smekg.ttl", folder / "ontology" / "smekg.ttl")
    return Project(folder)


def summary(rec: BibRecord) -> tuple:
    """What a round trip must keep: key, title, year, authors in order, DOI."""
    people = [display_name(p) for p in rec.entry.persons.get("author", [])]
    return rec.key, rec.title, rec.year, people, normalise_doi(rec.entry.fields.get("doi", ""))


def records(project: Project) -> list[tuple]:
    return [summary(r) for r in read_records(project).values()]


@pytest.mark.parametrize("fmt, suffix", [("bibtex", ".bib"), ("csl-json", ".json")])
def test_round_trip_into_an_empty_project(project: Project, tmp_path: Path, fmt: str, suffix: str):
    exported = tmp_path / f"all{suffix}"
    exported.write_text(render(export_entries(project), fmt), encoding="utf-8")
    empty = empty_project(tmp_path / "empty")
    report = import_refs(empty, exported, into="sources")
    original = records(project)
    assert len(report.added) == len(original) and not report.skipped and not report.renamed
    assert [summary(r) for r in compile_sources(empty).bibliography.records.values()] == original


def test_import_reports_records_already_present(small_copy: Project, tmp_path: Path):
    target = small_copy.references_dir / "gao2019role.bib"
    before = target.read_bytes()
    incoming = tmp_path / "gao2019role.bib"
    incoming.write_text(
        """@article{Barney1991,
  author = {Barney, J.},
  title = {Firm Resources and Sustained Competitive Advantage},
  journal = {Journal of Management}, year = {1991}
}
@article{guimaraesAgain,
  author = {Guimaraes, L.}, title = {Collaboration among SMEs}, year = {2021},
  doi = {https://doi.org/10.3390/ADMSCI11040153}
}
@article{coviello1997network,
  author = {Coviello, N.E. and Munro, H.J.},
  title = {Network Relationships and the Internationalization Process of Smaller Software Firms},
  year = {1997}
}
@book{barney1991firm,
  author = {Barney, Jay}, title = {Gaining and Sustaining Competitive Advantage}, year = {1997},
  publisher = {Addison-Wesley}
}
@article{lindqvist2018collaborative,
  author = {Lindqvist, Maria and Rossi, Paolo},
  title = {Collaborative networks and the internationalization of small firms},
  journal = {International Small Business Journal}, year = {2018}, doi = {10.5555/ISBJ.2018.0412}
}
""",
        encoding="utf-8",
    )
    report = import_refs(small_copy, incoming)
    assert report.added == ["barney1997gaining", "lindqvist2018collaborative"]
    barney, guimaraes = report.cited
    assert "Barney1991: same first author, year and title as barney1991firm" in barney
    assert "guimaraesAgain: same DOI 10.3390/admsci11040153 as guimaraes2021collaboration" in guimaraes
    assert len(report.skipped) == 1 and "coviello1997network" in report.skipped[0], "already in this list"
    assert report.renamed == [
        f"{incoming}:15 barney1991firm → barney1997gaining: the key already names another work "
        f"(ontology/references/guimaraes2021collaboration.bib:83)"
    ]
    after = target.read_bytes()
    assert after.startswith(before), "the existing file is appended to, never rewritten"
    assert b"imported from gao2019role.bib by `smekg import refs`" in after[len(before) :]
    bib, findings = load_bibliography(small_copy.references_dir, small_copy.root)
    assert not findings
    assert {"barney1991firm", "barney1997gaining", "lindqvist2018collaborative"} <= set(
        bib.reference_lists["gao2019role"]
    )
    assert bib.records["lindqvist2018collaborative"].entry.fields["doi"] == "10.5555/ISBJ.2018.0412"
    compiled = compile_sources(small_copy)
    assert "lindqvist2018collaborative" in compiled.bibliography.records


def test_import_needs_to_know_where_records_go(small_copy: Project, tmp_path: Path):
    incoming = tmp_path / "mylibrary.bib"
    incoming.write_text("@misc{x2020y, title = {Y}, year = {2020}}\n", encoding="utf-8")
    with pytest.raises(SmekgError, match="--into sources .* or --into KEY"):
        import_refs(small_copy, incoming)
    assert not (small_copy.references_dir / "mylibrary.bib").exists()


def test_import_that_would_break_the_build_changes_nothing(small_copy: Project, tmp_path: Path):
    target = small_copy.references_dir / "sources.bib"
    before = target.read_bytes()
    incoming = tmp_path / "new.bib"
    incoming.write_text("@misc{x2020y, title = {Y}, year = {2020}, duplicateof = {nosuchkey}}\n", encoding="utf-8")
    with pytest.raises(SmekgError, match="duplicateof names unknown key 'nosuchkey'"):
        import_refs(small_copy, incoming, into="sources")
    assert target.read_bytes() == before


def test_import_command_reads_csl_json(small_copy: Project, tmp_path: Path):
    incoming = tmp_path / "zotero.json"
    item = {
        "type": "article-journal",
        "title": "Barriers to SME internationalization: a review of the network literature",
        "author": [{"family": "Okafor", "given": "Hannah"}],
        "issued": {"date-parts": [[2012, 1]]},
        "container-title": "Journal of World Business",
        "page": "110-121",
    }
    incoming.write_text(json.dumps([item]), encoding="utf-8")
    result = CliRunner().invoke(
        import_group, ["refs", str(incoming), "--into", "costa2015new", "--root", str(small_copy.root)]
    )
    assert result.exit_code == 0, result.output
    assert (
        "1 record(s) added" in result.output
        and "wrote a new file ontology/references/costa2015new.bib" in result.output
    )
    rec = load_bibliography(small_copy.references_dir, small_copy.root)[0].records["okafor2012barriers"]
    assert rec.entry.type == "article" and rec.entry.fields["journal"] == "Journal of World Business"
    assert rec.entry.fields["pages"] == "110--121"


def test_export_command_writes_csl_json(project: Project, tmp_path: Path):
    out = tmp_path / "all.json"
    result = CliRunner().invoke(export_command, ["--csl-json", "--out", str(out), "--root", str(project.root)])
    assert result.exit_code == 0, result.output
    items = {i["id"]: i for i in json.loads(out.read_text(encoding="utf-8"))}
    assert len(items) == len(read_records(project))
    guimaraes = items["guimaraes2021collaboration"]
    assert guimaraes["DOI"] == "10.3390/admsci11040153" and guimaraes["type"] == "article-journal"
    assert guimaraes["author"][0] == {"family": "Guimarães", "given": "Luciana Gondim de Almeida"}


def test_export_the_works_behind_a_query(project: Project, store):
    keys = query_work_keys(project, "work-identifiers", {"status": "linked"}, store=store)
    assert set(keys) >= {"costa2015new", "guimaraes2021collaboration"}
    text = render(export_entries(project, keys), "bibtex")
    assert "@article{guimaraes2021collaboration," in text and "doi = {10.3390/admsci11040153}" in text


def test_export_of_a_query_follows_its_claims(project: Project, store):
    """disagreements answers with claims: their documents and the works they cite are exported."""
    keys = query_work_keys(project, "disagreements", {}, store=store)
    rows = store.select(
        "SELECT DISTINCT ?w WHERE { ?c a smekg:Claim ; smekg:direction ?d ; smekg:statedIn|cito:citesAsEvidence ?w }"
    )
    assert keys and set(keys) <= {str(r["w"]).rsplit("/", 1)[-1] for r in rows}


def test_bibtex_and_csl_json_together_is_an_error(project: Project):
    result = CliRunner().invoke(export_command, ["--bibtex", "--csl-json", "--root", str(project.root)])
    assert result.exit_code == 2 and "--bibtex and --csl-json" in result.output


def test_export_of_an_empty_answer_is_a_clear_error(project: Project, store):
    with pytest.raises(SmekgError, match="the answer names no work"):
        query_work_keys(project, "shared-works", {"minDocuments": "99"}, store=store)


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_export_works_for_every_canned_query(name: str, project: Project, store):
    assert query_work_keys(project, name, {}, store=store)


def test_export_of_a_query_takes_the_works_its_claims_cite_and_the_stating_document(project: Project, store):
    """governance-modes names works only by their short citations, in lists: each is exported, with the review."""
    rows = run_query("governance-modes", store=store, project=project)
    cited = {c for r in rows if r["citedWorks"] for c in r["citedWorks"].split("; ")}
    keys = query_work_keys(project, "governance-modes", {}, store=store)
    labels = {
        str(r["work"]).rsplit("/", 1)[-1]: r["label"]
        for r in store.select("SELECT ?work ?label WHERE { ?work smekg:shortCitation ?label }")
    }
    assert {labels[k] for k in keys if k != "guimaraes2021collaboration"} == cited
    assert "guimaraes2021collaboration" in keys


def test_export_of_an_evidence_map_follows_the_claims_between_its_iris(project: Project, store):
    keys = query_work_keys(project, "evidence-map-impacts", {}, store=store)
    stated = store.select("SELECT DISTINCT ?w WHERE { ?c smekg:claimRelation smekg:provides ; smekg:statedIn ?w }")
    assert {str(r["w"]).rsplit("/", 1)[-1] for r in stated} <= set(keys)


# ---------------------------------------------------------------- import never loses or breaks a reference file


def refused(project: Project, incoming: Path, into: str) -> SmekgError:
    """The error of an import that must change nothing."""
    with pytest.raises(SmekgError) as info:
        import_refs(project, incoming, into=into)
    return info.value


def test_import_of_json_that_is_not_a_list_of_items_changes_nothing(small_copy: Project, tmp_path: Path):
    target = small_copy.references_dir / "sources.bib"
    before = target.read_bytes()
    incoming = tmp_path / "library.json"
    incoming.write_text('{"items": [1, 2]}', encoding="utf-8")
    [finding] = refused(small_copy, incoming, "sources").findings
    assert finding.file == str(incoming) and "list of items" in finding.message
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    "name, text, line, entry",
    first_fast(
        [
            (
                "new.bib",
                "@article{ok2020fine,\n  author = {Okafor, H.}, title = {Fine}, year = {2020}\n}\n\n"
                "@article{nameless2021,\n  author = {Nobody, N.},\n  year = {2021}\n}\n",
                5,
                "nameless2021",
            ),
            (
                "new.json",
                '[\n {"type": "book", "title": "Fine", "author": [{"family": "Ok"}],'
                ' "issued": {"date-parts": [[2020]]}},\n'
                ' {"id": "nameless2021", "type": "book", "author": [{"family": "Nobody"}],'
                ' "issued": {"date-parts": [[2021]]}}\n]\n',
                3,
                "nameless2021",
            ),
        ]
    ),
)
def test_import_of_a_record_the_build_would_refuse_names_it_and_changes_nothing(
    small_copy: Project, tmp_path: Path, name: str, text: str, line: int, entry: str
):
    """A title-less record breaks the next build (the SHACL shape on records): the import refuses it, naming the
    record where the user wrote it, and adds none of the records."""
    target = small_copy.references_dir / "sources.bib"
    before = target.read_bytes()
    incoming = tmp_path / name
    incoming.write_text(text, encoding="utf-8")
    [finding] = refused(small_copy, incoming, "sources").findings
    assert (finding.file, finding.line, finding.entry) == (str(incoming), line, entry)
    assert "dcterms:title" in finding.message
    assert target.read_bytes() == before


@pytest.mark.slow
def test_import_that_cannot_write_changes_nothing(small_copy: Project, tmp_path: Path, monkeypatch):
    """A full disk while writing: a finding naming the file; the file as it was and no temporary file left."""
    target = small_copy.references_dir / "gao2019role.bib"
    before = target.read_bytes()
    incoming = tmp_path / "gao2019role.bib"
    incoming.write_text(
        "@article{okafor2012barriers,\n  author = {Okafor, Hannah},\n  title = {Barriers},\n  year = {2012}\n}\n",
        encoding="utf-8",
    )

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    monkeypatch.setattr(os, "rename", full_disk)
    [finding] = refused(small_copy, incoming, "gao2019role").findings
    assert finding.file == str(target) and "no space left on device" in finding.message
    assert target.read_bytes() == before
    left = sorted(p.name for p in small_copy.references_dir.iterdir() if p.name != ".import.lock")  # the lock's
    assert left == ["gao2019role.bib", "guimaraes2021collaboration.bib", "sources.bib"]


@pytest.mark.slow
def test_import_killed_while_checking_leaves_the_file_as_it_was(small_copy: Project, tmp_path: Path):
    """The file changes only once the import has passed every check: watch it, and kill the import the moment
    it changes. (Appending first and checking afterwards left a file that the next build rejects.)"""
    target = small_copy.references_dir / "sources.bib"
    before = target.read_bytes()
    incoming = tmp_path / "many.bib"
    many = "".join(
        f"@article{{gen{n}x,\n  author = {{Author{n}, A.}},\n  title = {{Work {n}}},\n  year = {{2001}}\n}}\n"
        for n in range(3000)
    )
    incoming.write_text(many + "@misc{pointer2001,\n  title = {P}, year = {2001},\n  duplicateof = {nosuchkey}\n}\n")
    command = [sys.executable, "-m", "smekg", "import", "refs", str(incoming), "--into", "sources"]
    child = subprocess.Popen(
        [*command, "--root", str(small_copy.root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ
    )
    deadline = time.monotonic() + 300
    while child.poll() is None and target.read_bytes() == before and time.monotonic() < deadline:
        time.sleep(0.005)
    child.kill()
    _, stderr = child.communicate()
    assert target.read_bytes() == before
    assert child.returncode == 1 and "duplicateof names unknown key 'nosuchkey'" in stderr.decode()


@pytest.mark.slow
def test_an_import_builds_and_keeps_the_file_mode(small_copy: Project, tmp_path: Path):
    target = small_copy.references_dir / "sources.bib"
    target.chmod(0o640)
    incoming = tmp_path / "new.json"
    item = {
        "id": "okafor2012barriers",
        "type": "article-journal",
        "title": "Barriers to SME internationalization",
        "author": [{"family": "Okafor", "given": "Hannah"}],
        "issued": {"date-parts": [["2012"]]},
    }
    incoming.write_text(json.dumps([item]), encoding="utf-8")
    assert import_refs(small_copy, incoming, into="sources").added == ["okafor2012barriers"]
    assert target.stat().st_mode & 0o777 == 0o640
    compiled, _ = validate(small_copy)
    assert compiled.bibliography.records["okafor2012barriers"].year == "2012"


@pytest.mark.slow
def test_two_imports_at_once_keep_both_records(small_copy: Project, tmp_path: Path):
    """Two curators import into the same file at the same moment: each waits for the other, neither is lost."""
    runs = []
    for key, family in (("adeyemi2014export", "Adeyemi"), ("lindqvist2016export", "Lindqvist")):
        item = {
            "id": key,
            "type": "article-journal",
            "title": f"Export studies by {family}",
            "author": [{"family": family, "given": "A."}],
            "issued": {"date-parts": [[key[-10:-6]]]},
        }
        (tmp_path / f"{key}.json").write_text(json.dumps([item]), encoding="utf-8")
        command = [sys.executable, "-m", "smekg", "import", "refs", str(tmp_path / f"{key}.json")]
        runs.append(subprocess.Popen([*command, "--into", "sources", "--root", str(small_copy.root)]))
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    text = (small_copy.references_dir / "sources.bib").read_text(encoding="utf-8")
    assert "@article{adeyemi2014export," in text and "@article{lindqvist2016export," in text
