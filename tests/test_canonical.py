"""The Turtle sources are kept in one stable, sorted form."""

from __future__ import annotations

import rdflib
from rdflib.compare import isomorphic

from smekg.canonical import canonical_turtle, check_canonical, format_sources


def test_every_turtle_source_is_canonical(project):
    assert [str(f) for f in check_canonical(project)] == []


def test_fmt_rewrites_a_shuffled_file_into_the_same_graph(project_copy):
    path = project_copy.knowledge_dir / "gao2019role.ttl"
    original = path.read_text(encoding="utf-8")
    comments, _, rest = original.partition("\n\n")
    prefixes, _, body = rest.partition("\n\n")
    blocks = body.split("\n\n")
    path.write_text("\n\n".join([comments, prefixes, *reversed(blocks)]), encoding="utf-8")
    assert [f.file for f in check_canonical(project_copy)] == ["ontology/knowledge/gao2019role.ttl"]
    assert format_sources(project_copy) == [path]
    assert path.read_text(encoding="utf-8") == original
    assert check_canonical(project_copy) == []


def test_canonical_form_keeps_the_opening_comments_and_the_triples():
    text = "# about this file\n@prefix ex: <http://example.org/> .\nex:b ex:p ex:c .\nex:a ex:p ex:c .\n"
    canonical = canonical_turtle(text)
    assert canonical.startswith("# about this file\n\n")
    assert canonical.index("ex:a") < canonical.index("ex:b")
    assert isomorphic(
        rdflib.Graph().parse(data=text, format="turtle"), rdflib.Graph().parse(data=canonical, format="turtle")
    )
    assert canonical_turtle(canonical) == canonical
