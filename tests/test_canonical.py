"""`smekg fmt` keeps the Turtle sources in one stable, sorted layout — and loses nothing a curator wrote: the same
triples with the same lexical forms, every comment beside its entry, the file's mode; a file it cannot keep
whole is refused with a finding, and a syntax error anywhere rewrites nothing."""

from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from clirun import smekg, smekg_in_process
from conftest import SMALL, copy_sources
from smekg import Project
from smekg.canonical import canonical_turtle, check_canonical, format_sources, loss
from smekg.errors import SmekgError
from smekg.identity import EDIT_MODULE_IRI
from smekg.owlapi import load_gate
from test_quality_gates import needs_owlapi

PREFIXES = (
    "PREFIX cito: <http://purl.org/spar/cito/>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX kg: <https://w3id.org/smekg/kg/>\n"
    "PREFIX smekg: <https://w3id.org/smekg/ontology/>\n"
    "PREFIX work: <https://w3id.org/smekg/work/>\n"
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
)
README = Path(__file__).resolve().parents[1] / "ontology" / "knowledge" / "README.md"


def triples(path: Path) -> set[ox.Quad]:
    """The file's triples as Oxigraph parses them (lexical forms as written), blank nodes canonically labelled."""
    dataset = ox.Dataset(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri="http://example.org/"))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def plant(path: Path) -> list[str]:
    """Put the file's entries in reverse order after two blank lines, with a comment before each, one trailing its
    subject and one trailing its last predicate line; return the subjects."""
    header, _, rest = path.read_text(encoding="utf-8").partition("\n\n")
    prefixes, _, body = rest.partition("\n\n")
    blocks, subjects = [], []
    for block in body.strip("\n").split("\n\n"):
        subject, *middle, last, end = block.split("\n")
        subjects.append(subject)
        middle = [*middle, f"{last}  # last of {subject}"]
        blocks.append("\n".join([f"# about {subject}", f"{subject}  # on {subject}", *middle, end]))
    path.write_text("\n\n".join([header, prefixes + "\n", *reversed(blocks)]) + "\n", encoding="utf-8")
    return subjects


def beside_their_entries(text: str, subjects: list[str]) -> None:
    """Each planted comment is still where it was: before its subject, on its subject line, on its last line."""
    lines = text.splitlines()
    for subject in subjects:
        at = lines.index(f"{subject}  # on {subject}")
        assert lines[at - 1] == f"# about {subject}"
        block = lines[at : lines.index(".", at)]
        assert sum(line.endswith(f"  # last of {subject}") for line in block) == 1, subject
        assert text.count(f"# last of {subject}\n") == 1


@pytest.fixture(scope="module")
def canonical_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project with every source in canonical form (formatted once for the module), not to be changed."""
    project = copy_sources(tmp_path_factory.mktemp("canonical"), SMALL)
    format_sources(project)
    return project.root


@pytest.fixture
def canonical_copy(canonical_sources: Path, tmp_path: Path) -> Project:
    """A throw-away copy of the small project with every source already in canonical form, so that a test sees only
    its own change."""
    shutil.copytree(canonical_sources, tmp_path, dirs_exist_ok=True)
    return Project(tmp_path)


@pytest.mark.slow
def test_every_turtle_source_is_canonical(project):
    assert [str(f) for f in check_canonical(project)] == []


@pytest.mark.slow
def test_fmt_on_every_curated_file_changes_no_triple_lexical_form_or_comment(project_copy):
    sources = project_copy.turtle_sources()
    assert len(sources) >= 6
    before = {path: triples(path) for path in sources}
    headers = {path: path.read_text(encoding="utf-8").partition("\n\n")[0] for path in sources}
    planted = {path: plant(path) for path in sources}
    changed, refused = format_sources(project_copy)
    assert refused == []
    assert sorted(changed) == sorted(sources)
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert triples(path) == before[path], path
        assert text.startswith(headers[path] + "\n\n"), path
        beside_their_entries(text, planted[path])


def test_the_readme_example_keeps_its_inline_comments_on_their_lines(small_copy):
    example = re.search(r"```turtle\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    commented = {line.split()[0]: "#" + line.split("#", 1)[1] for line in example.splitlines() if "#" in line}
    assert len(commented) >= 5
    path = small_copy.knowledge_dir / "example.ttl"
    path.write_text(f"# an example\n\n{PREFIXES}\n{example}", encoding="utf-8")
    before = triples(path)
    assert path in format_sources(small_copy)[0]
    text = path.read_text(encoding="utf-8")
    assert triples(path) == before
    for predicate, comment in commented.items():
        [line] = [line for line in text.splitlines() if line.endswith(f"  {comment}")]
        assert line.split()[0] == predicate, line


def test_comments_between_entries_and_inside_nodes_stay_next_to_their_entry():
    text = (
        f"{PREFIXES}\n"
        "# about b\n"
        "kg:b a smekg:Claim ; smekg:locator '§1' .\n"
        "\n# about a, first line\n# about a, second line\n"
        "kg:a smekg:p [ smekg:q kg:r ] ;  # after the node\n"
        "    smekg:list ( kg:one  # the first item\n"
        '        "two"@en ) ;\n'
        "    # before the count\n"
        "    smekg:count 3 .\n"
    )
    lines = canonical_turtle(text).splitlines()
    assert lines[lines.index("kg:a") - 2 : lines.index("kg:a")] == ["# about a, first line", "# about a, second line"]
    assert lines[lines.index("kg:b") - 1] == "# about b"
    assert lines[lines.index("    # before the count") + 1] == "    smekg:count 3 ;"
    assert "        kg:one  # the first item" in lines
    assert "        ] ;  # after the node" in lines


def test_a_predicate_written_twice_is_laid_out_once_and_rdf_type_as_a():
    """An OWL API (Protégé) save writes `rdf:type owl:ObjectProperty ; rdf:type owl:FunctionalProperty ;`."""
    text = (
        f"{PREFIXES}\n@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "kg:a rdf:type smekg:B ;\n    smekg:p kg:x ;  # first x\n    rdf:type smekg:A ;\n    smekg:p kg:y .\n"
    )
    formatted = canonical_turtle(text)
    body = formatted[formatted.index("kg:a") :]
    lines = ["kg:a", "    a", "        smekg:A ,", "        smekg:B ;", "    smekg:p", "        kg:x ,  # first x"]
    assert body == "\n".join([*lines, "        kg:y ;", ".", ""])
    assert loss(text, formatted, "http://example.org/") == (0, "")


def test_planted_literals_stay_distinct_and_verbatim(small_copy):
    literals = ['"2020-01-01Z"^^xsd:date', '"1"^^xsd:boolean', '"true"^^xsd:boolean', '"01"^^xsd:integer', "1.50"]
    objects = " , ".join(literals)
    path = small_copy.knowledge_dir / "literals.ttl"
    path.write_text(f"{PREFIXES}\nkg:z smekg:value {objects} ;\n  smekg:when 'x'@en-GB .\n", encoding="utf-8")
    before = triples(path)
    assert len(before) == len(literals) + 1
    format_sources(small_copy)
    text = path.read_text(encoding="utf-8")
    assert triples(path) == before
    for literal in [*literals, "'x'@en-GB"]:
        assert literal in text


@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_fmt_keeps_the_file_mode(small_copy, mode: int):
    path = small_copy.knowledge_dir / "costa2015new.ttl"
    plant(path)
    path.chmod(mode)
    assert path in format_sources(small_copy)[0]
    assert path.stat().st_mode & 0o7777 == mode


def test_a_syntax_error_in_the_second_file_rewrites_nothing_and_names_file_and_line(small_copy):
    first = small_copy.ontology
    plant(first)
    second = small_copy.knowledge_dir / "costa2015new.ttl"
    lines = second.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[40] = 'kg:broken smekg:locator "unclosed ;\n'
    second.write_text("".join(lines), encoding="utf-8")
    before = {path: path.read_bytes() for path in small_copy.turtle_sources()}
    result = smekg("fmt", "--root", str(small_copy.root))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "ontology/knowledge/costa2015new.ttl:41" in result.stderr
    assert "no file was rewritten" in result.stderr
    assert {path: path.read_bytes() for path in small_copy.turtle_sources()} == before


@pytest.mark.slow
def test_fmt_twice_is_fmt_once_and_check_then_reports_nothing(small_copy):
    path = small_copy.knowledge_dir / "costa2015new.ttl"
    subjects = plant(path)
    assert smekg_in_process("fmt", "--check", "--root", str(small_copy.root)).returncode == 1
    first = smekg_in_process("fmt", "--root", str(small_copy.root))
    assert first.returncode == 0, first.stderr
    assert "rewrote ontology/knowledge/costa2015new.ttl" in first.stderr
    once = path.read_text(encoding="utf-8")
    beside_their_entries(once, subjects)
    second = smekg_in_process("fmt", "--root", str(small_copy.root))
    assert (second.returncode, second.stderr) == (0, "")
    assert path.read_text(encoding="utf-8") == once
    check = smekg_in_process("fmt", "--check", "--root", str(small_copy.root))
    assert (check.returncode, check.stderr) == (0, "")


@pytest.mark.slow
def test_a_file_it_cannot_keep_whole_is_refused_and_left_as_it_is(canonical_copy):
    refused = canonical_copy.knowledge_dir / "triple-terms.ttl"
    content = f"{PREFIXES}\nkg:b smekg:p kg:c .\nkg:a smekg:p <<( kg:s smekg:p kg:o )>> .\n"
    refused.write_text(content, encoding="utf-8")
    other = canonical_copy.knowledge_dir / "costa2015new.ttl"
    plant(other)
    changed, findings = format_sources(canonical_copy)
    assert refused.read_text(encoding="utf-8") == content
    assert changed == [other]
    [finding] = findings
    assert (finding.file, finding.line) == ("ontology/knowledge/triple-terms.ttl", 9)
    assert "not formatted, left as it is" in finding.message
    assert [f.file for f in check_canonical(canonical_copy)] == ["ontology/knowledge/triple-terms.ttl"]


@pytest.mark.parametrize(
    "change, what",
    [
        (lambda t: t.replace('"1"^^xsd:boolean', '"true"^^xsd:boolean'), "the triples would change"),
        (lambda t: t.replace("  # kept", ""), "a comment would be lost"),
        (lambda t: t.replace("@prefix unused: <http://example.org/unused/> .\n", ""), "prefix"),
    ],
)
def test_a_layout_that_would_lose_something_is_caught_before_writing(change, what: str):
    text = f'PREFIX unused: <http://example.org/unused/>\n{PREFIXES}\nkg:a smekg:v "1"^^xsd:boolean .  # kept\n'
    formatted = canonical_turtle(text)
    assert loss(text, formatted, "http://example.org/") == (0, "")
    assert what in loss(text, change(formatted), "http://example.org/")[1]


@pytest.mark.slow
def test_a_long_list_of_equal_items_is_checked_without_hanging(canonical_copy):
    path = canonical_copy.knowledge_dir / "values.ttl"
    path.write_text(f"{PREFIXES}\nkg:a smekg:values (" + " 1" * 3000 + " ) .\n", encoding="utf-8")
    result = smekg("fmt", "--root", canonical_copy.root, timeout=120)  # RDFC-1.0 takes hours on this list
    assert (result.returncode, result.stderr) == (0, "rewrote ontology/knowledge/values.ttl\n")


@pytest.mark.slow
def test_blank_nodes_nested_too_deeply_are_refused_with_a_finding(small_copy):
    path = small_copy.knowledge_dir / "deep.ttl"
    content = f"{PREFIXES}\nkg:a smekg:p " + "[ smekg:q " * 3000 + "kg:o" + " ]" * 3000 + " .\n"
    path.write_text(content, encoding="utf-8")
    changed, [finding] = format_sources(small_copy)
    assert finding.file == "ontology/knowledge/deep.ttl"
    assert "nested too deeply" in finding.message
    assert path.read_text(encoding="utf-8") == content


@pytest.mark.slow
def test_a_file_that_is_not_utf8_stops_the_run_with_its_line(small_copy):
    path = small_copy.knowledge_dir / "latin1.ttl"
    path.write_bytes(f"{PREFIXES}\nkg:a smekg:p 'caf\xe9' .\n".encode("latin-1"))
    first = small_copy.ontology
    plant(first)
    before = first.read_bytes()
    with pytest.raises(SmekgError) as raised:
        format_sources(small_copy)
    [finding] = raised.value.findings
    assert (finding.file, finding.line) == ("ontology/knowledge/latin1.ttl", 8)
    assert first.read_bytes() == before


@pytest.mark.slow
def test_a_full_disk_leaves_the_file_unchanged_with_a_finding(canonical_copy, monkeypatch):
    path = canonical_copy.knowledge_dir / "costa2015new.ttl"
    plant(path)
    before = path.read_bytes()

    def no_space(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("smekg.safeio.os.replace", no_space)
    with pytest.raises(SmekgError) as raised:
        format_sources(canonical_copy)
    assert "ontology/knowledge/costa2015new.ttl" in str(raised.value)
    assert "no space left on device" in str(raised.value)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]


def test_prefix_and_base_directives_are_written_in_their_at_form_losing_nothing():
    """The OWL API's own Turtle parser rejects SPARQL-style `PREFIX`: fmt writes every directive as `@prefix`."""
    text = (
        "# header\n\nPREFIX kg: <https://w3id.org/smekg/kg/>  # kg\nprefix smekg: <https://w3id.org/smekg/ontology/>\n"
        "BASE <http://example.org/>\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
        'kg:a smekg:v "1"^^xsd:integer ; smekg:w <b> .\n'
    )
    formatted = canonical_turtle(text)
    assert formatted.splitlines()[2:6] == [
        "@prefix kg: <https://w3id.org/smekg/kg/> .  # kg",
        "@prefix smekg: <https://w3id.org/smekg/ontology/> .",
        "@base <http://example.org/> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    assert "PREFIX" not in formatted.upper().replace("@PREFIX", "")
    assert loss(text, formatted, "http://example.org/") == (0, "")


@pytest.mark.slow
def test_fmt_changes_only_the_form_of_the_directives_of_every_source(project_copy):
    """On the real sources, fmt's only change is `PREFIX p: <iri>` → `@prefix p: <iri> .`."""
    sources = project_copy.turtle_sources()
    before = {path: path.read_text(encoding="utf-8") for path in sources}
    format_sources(project_copy)
    for path in sources:
        expected = re.sub(r"^PREFIX (\S+) (<[^>]*>)$", r"@prefix \1 \2 .", before[path], flags=re.M)
        assert path.read_text(encoding="utf-8") == expected, path


@needs_owlapi
@pytest.mark.slow
def test_the_owl_api_turtle_parser_loads_the_edit_module_after_fmt(small_copy):
    """The OWL API's own parser (not rdf4j's, as in Protégé) reads smekg.ttl once fmt has written it."""
    format_sources(small_copy)
    catalog = small_copy.ontology.with_name("catalog-v001.xml")
    [(file, lines)] = load_gate([small_copy.ontology], catalog).items()
    kinds = {kind for kind, _ in lines}
    assert "LOAD_ERROR" not in kinds and "UNPARSED" not in kinds and "ERROR_ENTITY" not in kinds, lines
    assert ("FORMAT", "Turtle Syntax") in lines
    assert ("IRI", EDIT_MODULE_IRI) in lines
