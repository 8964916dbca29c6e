"""The bad-input and fault matrix: every case ends in a one-line finding naming the file or URL, the entry and
what is wrong, exit 1, with nothing the user wrote changed — never a traceback, never a hang.

One section per area; each test names its case. The data-loss cases live beside their commands' own tests
(test_release_safety, test_canonical, test_linking, test_bibio)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from smekg import Finding, Project, SmekgError, validate
from smekg.bibio import import_refs
from smekg.cli import run

# --- build and release ---------------------------------------------------------------------------------------


# (cases: full disk, read-only release folder, literal over 16 MB, no java on PATH)


# --- bibliography and import ----------------------------------------------------------------------------------


BIB_OK = "@article{ok2000good,\n  author = {Good, A.},\n  title = {Fine},\n  year = {2000}\n}\n\n"


def bib_findings(project: Project, text: str | bytes) -> list[Finding]:
    """The findings of validating the project with one more reference file, zz-faults.bib, holding text."""
    path = project.references_dir / "zz-faults.bib"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(SmekgError) as info:
        validate(project)
    return info.value.findings


def import_refs_cli(monkeypatch, capsys, project: Project, incoming: Path) -> tuple[int, str]:
    """`smekg import refs FILE --into sources` in process, as the command line runs it: exit status and stderr."""
    command = ["smekg", "import", "refs", str(incoming), "--into", "sources", "--root", str(project.root)]
    monkeypatch.setattr(sys, "argv", command)
    with pytest.raises(SystemExit) as info:
        run()
    return info.value.code, capsys.readouterr().err


def test_bib_with_bytes_that_are_not_utf8_names_line_and_entry(project_copy):
    [finding] = bib_findings(project_copy, BIB_OK.encode() + b"@article{bad2001,\n  title = {Caf\xe9}\n}\n")
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-faults.bib", 8, "bad2001")
    assert "not UTF-8: byte 0xe9" in finding.message


@pytest.mark.parametrize(
    "fields, problem",
    [
        ("author = {Nobody, N.},\n  title = {No year}", "no year"),
        ("author = {Nobody, N.},\n  title = {Odd year},\n  year = {20x1}", "year '20x1' is not a year"),
        ("title = {No author},\n  year = {2001}", "no author or editor"),
    ],
)
def test_bib_record_without_year_or_author_or_with_a_bad_year(project_copy, fields, problem):
    [finding] = bib_findings(project_copy, BIB_OK + f"@article{{bad2001,\n  {fields}\n}}\n")
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-faults.bib", 7, "bad2001")
    assert problem in finding.message


def test_bib_records_by_an_editor_an_organisation_or_with_an_identification_note_pass(project_copy):
    """The rule: a four-digit year, and an author or an editor (an organisation in braces is an author); a record
    that has neither says why in its identification note (as sources.bib's seed002review does)."""
    with (project_copy.references_dir / "sources.bib").open("a", encoding="utf-8") as sources:
        sources.write(
            "@book{ed2001,\n  editor = {Editor, E.},\n  title = {Edited},\n  year = {2001}\n}\n"
            "@techreport{oecd2002,\n  author = {{OECD}},\n  title = {Report},\n  year = {2002}\n}\n"
            "@misc{unknown,\n  identification = {Authors and year are not stated.},\n  title = {Untold}\n}\n"
        )
    validate(project_copy)


def test_bib_unclosed_brace_names_the_entry_and_line_where_it_opens(project_copy):
    text = BIB_OK + "@article{open2001,\n  author = {Open, O.},\n  title = {Never closed,\n  year = {2001}\n}\n\n"
    [finding] = bib_findings(project_copy, text + BIB_OK.replace("ok2000good", "later2002"))
    assert (finding.file, finding.line, finding.entry) == ("ontology/references/zz-faults.bib", 7, "open2001")
    assert "never closed" in finding.message


def test_empty_locator_names_file_line_and_entry(project_copy):
    path = project_copy.knowledge_dir / "gao2019role.ttl"
    text = path.read_text(encoding="utf-8").replace('smekg:locator "§2.2.2"', 'smekg:locator ""', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SmekgError) as info:
        validate(project_copy)
    [finding] = info.value.findings
    assert finding.file == "ontology/knowledge/gao2019role.ttl" and "smekg:locator is empty" in finding.message
    start = sum(len(line) + 1 for line in text.splitlines()[: finding.line - 1])
    assert text[start:].split()[0] == finding.entry
    assert start < text.index('smekg:locator ""') < text.index("\n.\n", start), "the claim that has the locator"


@pytest.mark.parametrize(
    "data, line, entry, problem",
    [
        (
            b'[\n {"id": "a2020", "type": "book", "title": "T", "author": "Ann Smith"}\n]',
            2,
            "item 1 (a2020)",
            "author is",
        ),
        (
            b'[{"id": "a2020", "type": "book"},\n {"id": "b2020", "issued": {"date-parts": [2020]}}]',
            2,
            "item 2 (b2020)",
            "date-parts is [2020]",
        ),
        (b'[{"type": "book", "author": [{"family": 123}]}]', 1, "item 1", "author 1: family is 123, not text"),
        (b'[{"type": "book", "title": "Caf\xe9"}]', 1, "", "not UTF-8: byte 0xe9"),
        (b'{"items": [1, 2]}', 1, "", "top level is an object with keys items"),
        (b"[\n  1,\n  2\n]", 2, "item 1", "an item is an object"),
    ],
)
def test_csl_json_of_the_wrong_shape_is_a_finding(
    monkeypatch, capsys, project_copy, tmp_path, data, line, entry, problem
):
    target = project_copy.references_dir / "sources.bib"
    before = target.read_bytes()
    incoming = tmp_path / "library.json"
    incoming.write_bytes(data)
    with pytest.raises(SmekgError) as info:
        import_refs(project_copy, incoming, into="sources")
    finding = info.value.findings[0]
    assert (finding.file, finding.line, finding.entry) == (str(incoming), line, entry)
    assert problem in finding.message
    status, stderr = import_refs_cli(monkeypatch, capsys, project_copy, incoming)
    assert status == 1 and str(finding) in stderr and "Traceback" not in stderr
    assert target.read_bytes() == before


def test_bib_input_that_is_not_utf8_is_a_finding(monkeypatch, capsys, project_copy, tmp_path):
    incoming = tmp_path / "library.bib"
    incoming.write_bytes(BIB_OK.encode() + b"@article{bad2001,\n  title = {Caf\xe9}\n}\n")
    status, stderr = import_refs_cli(monkeypatch, capsys, project_copy, incoming)
    assert status == 1 and f"{incoming}:8: bad2001: error: not UTF-8: byte 0xe9 on line 8" in stderr


# --- queries and endpoints ------------------------------------------------------------------------------------


# (cases: non-UTF-8 .rq, CONSTRUCT/ASK, SERVICE, syntax error line, HTML 200, JSON without head, hung server)


# --- linking ---------------------------------------------------------------------------------------------------


# (cases: corrupt cache, wrong-shaped Wikidata answer, hung or dribbling server, oversized answer, redirect port)


# --- console output ----------------------------------------------------------------------------------------------


# (cases: console markup in source text)
