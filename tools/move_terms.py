"""One-off migration (issue 16, point 4): move every class and property out of the knowledge files into the edit
module, ontology/smekg.ttl, losing nothing.

A block (a subject with its predicates) moves when its subject is declared, in any compiled source, with one of
the types in smekg.vocab.TERM_KINDS (a class, a property of any kind or characteristic, a datatype). Blocks move
as the lossless Turtle reader (smekg.turtle_syntax) took them apart: every term as written, every comment with
the entry it annotates; a subject described in several files becomes one block. The files are laid out in the
canonical form (smekg.canonical) and written only after checking, with pyoxigraph, that the union of the
triples over all the sources (each parsed with the base IRI the build gives it) and the multiset of comments
are unchanged, that the knowledge files no longer describe any term, and that each file is canonical.

Run once from the repository root: `PYTHONPATH=src python tools/move_terms.py [--dry-run]`. A second run finds
nothing to move and writes nothing. The build refuses a term in a knowledge file since (smekg.checks).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from smekg.canonical import Triple, canonical_turtle, comments, directives, layout, statement_lines, triples
from smekg.curation import file_iri
from smekg.safeio import atomic_write
from smekg.sources import Project
from smekg.turtle_syntax import Document, Node, Statement, read_document, tokenize
from smekg.vocab import TERM_KINDS

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"


class Refused(Exception):
    """The migration would lose or change something: nothing is written."""


def declared_terms(paths: list[Path], root: Path) -> dict[str, set[str]]:
    """Every IRI declared with a term kind in the given files, with its kinds."""
    kinds = {ox.NamedNode(kind) for kind in TERM_KINDS}
    found: dict[str, set[str]] = {}
    for path in paths:
        base = file_iri(str(path.relative_to(root)))
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base):
            named = isinstance(triple.subject, ox.NamedNode)
            if named and triple.predicate.value == RDF_TYPE and triple.object in kinds:
                found.setdefault(triple.subject.value, set()).add(triple.object.value)
    return found


def is_term(statement: Statement, terms: dict[str, set[str]]) -> bool:
    subject = statement.subject
    return subject is not None and subject.kind == "term" and subject.key[:1] == (1,) and subject.key[1] in terms


def prefixes_used(statements: list[Statement]) -> set[str]:
    """The prefix names (`p:`) the statements' prefixed names use, datatypes of literals included."""
    text = "\n".join(line for statement in statements for line in statement_lines(statement))
    return {token.text.partition(":")[0] + ":" for token in tokenize(text) if token.kind == "pname"}


def prefix_map(document: Document) -> dict[str, str]:
    return {s.directive[1]: s.directive[-1].removesuffix(" .") for s in document.statements if len(s.directive) == 3}


def add_prefixes(target: Document, source: Document, needed: set[str]) -> None:
    """Declare in target the prefixes of source it lacks, in name order among its directives; a prefix bound to
    another IRI there is refused."""
    have, theirs = prefix_map(target), prefix_map(source)
    for name in sorted(needed):
        if name in have:
            if have[name] != theirs[name]:
                raise Refused(f"prefix {name} is {theirs[name]} in a knowledge file but {have[name]} in the module")
            continue
        directive = Statement(directive=["@prefix", name, theirs[name] + " ."])
        places = [i for i, s in enumerate(target.statements) if len(s.directive) == 3 and s.directive[1] > name]
        after = [i + 1 for i, s in enumerate(target.statements) if s.directive]
        target.statements.insert(places[0] if places else max(after, default=0), directive)
        have[name] = theirs[name]


def merge(into: Statement, block: Statement) -> None:
    """Add a second block about the same subject to the first, keeping its comments; objects of one predicate join
    that predicate."""
    into.lead += block.lead
    into.close += block.close
    into.subject.close += block.subject.close  # type: ignore[union-attr]
    for pair in block.pairs:
        same = next((p for p in into.pairs if p.verb.key == pair.verb.key), None)
        if same is None:
            into.pairs.append(pair)
            continue
        same.lead += pair.lead
        same.open += pair.open + pair.verb.close
        known = {node.text for node in same.objects if node.kind == "term"}
        same.objects += [n for n in pair.objects if not (n.kind == "term" and n.text in known and bare(n))]


def bare(node: Node) -> bool:
    """A node with no comment of its own."""
    return not (node.lead or node.close or node.open)


def move(module: Document, knowledge: dict[Path, Document], terms: dict[str, set[str]]) -> list[Statement]:
    """Take the term blocks out of the knowledge documents into the module document; return the blocks moved."""
    by_subject = {s.subject.key: s for s in module.statements if is_term(s, terms)}  # type: ignore[union-attr]
    moved: list[Statement] = []
    for document in knowledge.values():
        blocks = [s for s in document.statements if is_term(s, terms)]
        add_prefixes(module, document, prefixes_used(blocks))
        document.statements = [s for s in document.statements if not is_term(s, terms)]
        for block in blocks:
            key = block.subject.key  # type: ignore[union-attr]
            if key in by_subject:
                merge(by_subject[key], block)
            else:
                by_subject[key] = block
                module.statements.append(block)
        moved += blocks
    return moved


def union(texts: dict[Path, str], root: Path) -> set[Triple]:
    """The triples of all the texts, each parsed with its file's base IRI, blank nodes named by structure."""
    found: set[Triple] = set()
    for path, text in texts.items():
        found |= set(triples(text, file_iri(str(path.relative_to(root)))))
    return found


def verify(before: dict[Path, str], after: dict[Path, str], root: Path, module: Path, terms: set[str]) -> None:
    """Refuse unless the new texts hold the same triples and comments as the old, keep every prefix, describe no
    term outside the module, and are canonical."""
    old, new = union(before, root), union(after, root)
    if old != new:
        raise Refused(f"the triples would change: {len(old - new)} lost, {len(new - old)} added")
    if sum(map(comments, before.values()), Counter()) != sum(map(comments, after.values()), Counter()):
        raise Refused("a comment would be lost or changed")
    for path, text in after.items():
        if not directives(text) >= directives(before[path]):
            raise Refused(f"{path}: a prefix declaration would be lost")
        if canonical_turtle(text) != text:
            raise Refused(f"{path}: the result is not in canonical form")
        described = {s for s, _, _ in triples(text, file_iri(str(path.relative_to(root))))}
        left = {s.strip("<>") for s in described} & terms
        if path != module and left:
            raise Refused(f"{path}: still describes {len(left)} terms, e.g. {sorted(left)[0]}")


def report(moved: list[Statement], terms: dict[str, set[str]]) -> str:
    """How many classes, properties and comments moved."""
    subjects = {s.subject.key[1] for s in moved}  # type: ignore[union-attr]
    classes = sum(OWL_CLASS in terms[subject] for subject in subjects)
    lines = [line for s in moved for line in statement_lines(s)]
    notes = sum(token.kind == "comment" for token in tokenize("\n".join(lines)))
    return (
        f"moved {len(moved)} blocks ({len(subjects)} subjects): {classes} classes, {len(subjects) - classes} "
        f"properties or datatypes, {notes} comments"
    )


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    args = options.parse_args(argv)
    project = Project.find()
    terms = declared_terms(project.compiled_turtle(), project.root)
    paths = [project.ontology, *sorted(project.knowledge_dir.glob("*.ttl"))]
    before = {path: path.read_text(encoding="utf-8") for path in paths}
    documents = {path: read_document(text) for path, text in before.items()}
    knowledge = {path: document for path, document in documents.items() if path != project.ontology}
    try:
        moved = move(documents[project.ontology], knowledge, terms)
        after = {path: layout(document) for path, document in documents.items()}
        verify(before, after, project.root, project.ontology, set(terms))
    except Refused as err:
        print(f"nothing written: {err}", file=sys.stderr)
        return 1
    print(report(moved, terms))
    for path, text in after.items():
        if text != before[path] and not args.dry_run:
            atomic_write(path, text, step="moving terms")
            print(f"rewrote {path.relative_to(project.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
