"""One stable, sorted layout for the Turtle sources, so that diffs stay reviewable — and nothing is lost on the way.

The layout is built from the file's own tokens (turtle_syntax.py): every term is copied as written (never
re-serialised), every comment stays beside the entry it annotates. Before a file is rewritten, the result is
checked against the original — same triples with the same lexical forms, same prefixes, same comments, and a
layout that formatting again leaves alone; a file that fails the check is left as it is, with a finding saying
why. A file with a syntax error stops the run before anything is written."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import Finding, SmekgError, os_problem
from .safeio import atomic_write
from .sources import Project
from .turtle_syntax import Comments, Document, Node, Pair, Statement, TurtleLayoutError, read_document, tokenize

INDENT = "    "
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def canonical_turtle(text: str) -> str:
    """The canonical layout of a Turtle text (TurtleLayoutError if it cannot be taken apart)."""
    return layout(read_document(text))


def layout(document: Document) -> str:
    """Header comments, the directives in file order (each in its `@prefix` form), then the subject blocks sorted
    by subject, then any closing comments; blocks apart by one blank line."""
    blocks = [document.header] if document.header else []
    directives = [s for s in document.statements if s.directive]
    if directives:
        blocks.append([line for s in directives for line in directive_lines(s)])
    subjects = [s for s in document.statements if s.subject is not None]
    blocks += [statement_lines(s) for s in sorted(subjects, key=subject_order(subjects))]
    if document.trailer:
        blocks.append(document.trailer)
    return "\n\n".join("\n".join(block) for block in blocks) + "\n" if blocks else ""


def subject_order(statements: list[Statement]) -> Callable[[Statement], tuple]:
    """rdflib's long-form Turtle order: named subjects before blank ones, the less often the file uses a subject
    as an object the earlier, then by IRI; blank node property lists and collections keep their file order."""
    uses = Counter(node.key for statement in statements for node in objects_in(statement.pairs))

    def key(statement: Statement) -> tuple:
        subject = statement.subject.key  # type: ignore[union-attr]
        return (subject[0] > 1, uses[subject], subject)

    return key


def objects_in(pairs: list[Pair]) -> Iterator[Node]:
    """Every object and collection item, nested ones included."""
    for pair in pairs:
        for node in pair.objects:
            yield from nested(node)


def nested(node: Node) -> Iterator[Node]:
    yield node
    yield from objects_in(node.pairs)
    for item in node.items:
        yield from nested(item)


def directive_lines(statement: Statement) -> list[str]:
    lines = list(statement.lead)
    end_line(lines, 0, at_form(statement.directive), statement.close)
    return lines


def at_form(directive: list[str]) -> str:
    """A directive as `@prefix p: <iri> .` or `@base <iri> .`, whichever way it was written: the OWL API's own
    Turtle parser rejects the SPARQL-style `PREFIX p: <iri>` and `BASE <iri>`, which mean the same."""
    keyword = directive[0].lstrip("@").lower()
    iri = directive[-1].removesuffix(" .")
    return " ".join([f"@{keyword}", *directive[1:-1], iri, "."])


def statement_lines(statement: Statement) -> list[str]:
    """The subject on its own line, one predicate a line below it, and the closing '.' on a line of its own."""
    lines = list(statement.lead)
    node_lines(statement.subject, 0, "", "", lines)  # type: ignore[arg-type]
    pair_lines(statement.pairs, 1, lines)
    end_line(lines, 0, ".", statement.close)
    return lines


def end_line(lines: list[str], depth: int, text: str, comments: Comments) -> None:
    """A line with its trailing comment; further comments of the same entry on the lines below it."""
    lines.append(text + (f"  {comments[0]}" if comments else ""))
    lines += [INDENT * depth + comment for comment in comments[1:]]


def verb_key(verb: Node) -> tuple:
    """rdf:type first, then rdfs:label, then the predicates by IRI (the order of rdflib's long-form Turtle)."""
    iri = verb.key[1]
    return (0,) if iri == RDF_TYPE else (1,) if iri == RDFS_LABEL else (2, iri)


def verb_text(verb: Node) -> str:
    """`a` for rdf:type however it was written (an OWL API save writes `rdf:type`), else the verb as written."""
    return "a" if verb.key[1] == RDF_TYPE else verb.text


def merged(pairs: list[Pair]) -> list[Pair]:
    """One pair per predicate, its objects and comments gathered (an OWL API save repeats `rdf:type X ;`)."""
    by_verb: dict[tuple, Pair] = {}
    for pair in pairs:
        kept = by_verb.get(pair.verb.key)
        if kept is None:
            by_verb[pair.verb.key] = Pair(pair.verb, list(pair.objects), list(pair.lead), list(pair.open))
        else:
            kept.objects += pair.objects
            kept.lead += pair.lead
            kept.open += pair.open
    return list(by_verb.values())


def pair_lines(pairs: list[Pair], depth: int, lines: list[str]) -> None:
    """Each predicate ended by ';': a lone object on its line, several objects one a line below it, ','-separated."""
    pad = INDENT * depth
    for pair in sorted(merged(pairs), key=lambda p: verb_key(p.verb)):
        lines += [pad + comment for comment in pair.lead]
        objects = sorted(pair.objects, key=lambda n: n.key)
        lone = objects[0]
        if len(objects) == 1 and not pair.open and not lone.lead and lone.kind != "bnode":
            node_lines(lone, depth, f"{pad}{verb_text(pair.verb)} ", " ;", lines)
            continue
        end_line(lines, depth + 1, pad + verb_text(pair.verb), pair.open)
        for number, node in enumerate(objects, start=1):
            lines += [pad + INDENT + comment for comment in node.lead]
            node_lines(node, depth + 1, pad + INDENT, " ;" if number == len(objects) else " ,", lines)


def node_lines(node: Node, depth: int, first: str, suffix: str, lines: list[str]) -> None:
    """A term on one line; `[` / `(` ending the first line, the contents indented, `]` / `)` on a line of its own."""
    pad = INDENT * depth
    opening, closing = ("[", "]") if node.kind == "bnode" else ("(", ")")
    if node.kind == "term" or not (node.pairs or node.items or node.open):
        text = node.text if node.kind == "term" else opening + closing
        end_line(lines, depth, first + text + suffix, node.close)
        return
    end_line(lines, depth + 1, first + opening, node.open)
    pair_lines(node.pairs, depth + 1, lines)
    for item in node.items:
        lines += [pad + INDENT + comment for comment in item.lead]
        node_lines(item, depth + 1, pad + INDENT, "", lines)
    end_line(lines, depth, pad + closing + suffix, node.close)


Triple = tuple[str, str, str]


def triples(text: str, base: str) -> Counter[Triple]:
    """The distinct triples of a Turtle text, terms in N-Triples form with their lexical forms as written (as
    pyoxigraph parses them), each blank node named by the structure below it (see blank_node_names)."""
    found = {(q.subject, q.predicate, q.object) for q in ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=base)}
    names = blank_node_names(found)
    return Counter((names.get(s, str(s)), str(p), names.get(o, str(o))) for s, p, o in found)


def blank_node_names(found: set[tuple]) -> dict[ox.BlankNode, str]:
    """A name for each blank node from what hangs below it, computed leaves first, so that two isomorphic graphs
    give the same triples. Linear, unlike general canonicalization (RDFC-1.0 takes minutes on a list of a
    thousand equal items). A blank node on a cycle (only possible with `_:` labels) is named by its terms alone."""
    below: dict[ox.BlankNode, list[tuple]] = defaultdict(list)
    above: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    waiting: Counter[ox.BlankNode] = Counter()
    for s, p, o in found:
        for term in (s, o):
            if isinstance(term, ox.BlankNode):
                waiting[term] += 0
        if isinstance(s, ox.BlankNode):
            below[s].append((p, o))
            if isinstance(o, ox.BlankNode):
                waiting[s] += 1
                above[o].append(s)
    names: dict[ox.BlankNode, str] = {}
    ready = [node for node, count in waiting.items() if count == 0]
    while ready:
        node = ready.pop()
        names[node] = digest(f"{p} {names.get(o, o)}" for p, o in below[node])
        for parent in above[node]:
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    for node in waiting.keys() - names.keys():
        names[node] = digest(["on a cycle", *(f"{p} {o}" for p, o in below[node] if not isinstance(o, ox.BlankNode))])
    return names


def digest(lines: Iterable[str]) -> str:
    """A blank node name for a multiset of lines (order does not matter)."""
    return "_:" + hashlib.sha256("\n".join(sorted(map(str, lines))).encode("utf-8")).hexdigest()[:32]


def comments(text: str) -> Counter[str]:
    return Counter(token.text.rstrip() for token in tokenize(text) if token.kind == "comment")


def directives(text: str) -> Counter[str]:
    """The prefix and base declarations, each in its `@` form (the form is the layout's to choose)."""
    return Counter(at_form(s.directive) for s in read_document(text).statements if s.directive)


def loss(original: str, formatted: str, base: str, before: Counter[Triple] | None = None) -> tuple[int, str]:
    """(line, what) the formatted text would lose or change against the original (whose triples may be given);
    (0, '') if nothing."""
    try:
        before = triples(original, base) if before is None else before
        after = triples(formatted, base)
    except SyntaxError as err:
        return 0, f"the laid-out text would not parse ({err.msg})"
    if before != after:
        lost, added = before - after, after - before
        example = " ".join(next(iter(lost or added)))
        return 0, f"the triples would change ({lost.total()} lost, {added.total()} added; e.g. {example})"
    written, laid_out = comments(original), comments(formatted)
    if written != laid_out:
        missing = written - laid_out
        line = next((t.line for t in tokenize(original) if t.text.rstrip() in missing), 0)
        return line, "a comment would be lost or changed"
    if directives(formatted) != directives(original):
        return 0, "the prefix or base declarations would change"
    if canonical_turtle(formatted) != formatted:
        return 0, "the layout is not stable here (formatting twice would differ)"
    return 0, ""


@dataclass
class Prepared:
    """One source read and laid out, or the finding that stops it: `blocking` for a file that cannot be read
    or parsed (then nothing is rewritten), otherwise a refusal of this file alone."""

    path: Path
    text: str = ""
    formatted: str = ""
    finding: Finding | None = None
    blocking: bool = False


def prepare(path: Path, root: Path) -> Prepared:
    """Read a source, check its syntax, lay it out and check that the layout loses nothing."""
    rel = str(path.relative_to(root))
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as err:
        return Prepared(path, finding=Finding(rel, 0, "", f"cannot read: {os_problem(err)}"), blocking=True)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return Prepared(path, finding=Finding(rel, line, "", "not UTF-8 text"), blocking=True)
    base = path.resolve().as_uri()
    try:
        before = triples(text, base)
    except SyntaxError as err:
        why = str(err.msg).split(": ", 1)[-1]
        return Prepared(
            path, text, finding=Finding(rel, err.lineno or 0, "", f"Turtle syntax error: {why}"), blocking=True
        )
    try:
        formatted = canonical_turtle(text)
        # a text already in its canonical form loses nothing to it (and laying it out again gives it back)
        line, what = loss(text, formatted, base, before) if formatted != text else (0, "")
    except TurtleLayoutError as err:
        line, what = err.line, f"cannot lay it out ({err.message})"
    except RecursionError:
        line, what = 0, "cannot lay it out (blank nodes or lists nested too deeply)"
    if what:
        return Prepared(path, text, finding=Finding(rel, line, "", f"not formatted, left as it is: {what}"))
    return Prepared(path, text, formatted)


def check_canonical(project: Project) -> list[Finding]:
    """A finding for every Turtle source that is not in canonical form or cannot be formatted."""
    findings = []
    for prepared in (prepare(path, project.root) for path in project.turtle_sources()):
        if prepared.finding:
            findings.append(prepared.finding)
        elif prepared.formatted != prepared.text:
            rel = str(prepared.path.relative_to(project.root))
            findings.append(Finding(rel, 0, "", "not in canonical form; run `smekg fmt` to rewrite it"))
    return findings


def format_sources(project: Project) -> tuple[list[Path], list[Finding]]:
    """Rewrite the Turtle sources that are not canonical, each atomically and keeping its mode; return those
    rewritten and the files refused. A syntax error (or an unreadable file) anywhere rewrites nothing."""
    prepared = [prepare(path, project.root) for path in project.turtle_sources()]
    blocking = [p.finding for p in prepared if p.blocking and p.finding]
    if blocking:
        note = "no file was rewritten"
        raise SmekgError("formatting", [Finding(f.file, f.line, f.entry, f"{f.message}; {note}") for f in blocking])
    changed, refused = [], [p.finding for p in prepared if p.finding]
    for p in prepared:
        if p.finding or p.formatted == p.text:
            continue
        if not unchanged(p):
            rel = str(p.path.relative_to(project.root))
            refused.append(Finding(rel, 0, "", "not formatted: the file changed while it was being formatted"))
            continue
        atomic_write(p.path, p.formatted, step="formatting")
        changed.append(p.path)
    return changed, refused


def unchanged(prepared: Prepared) -> bool:
    """Whether the file still holds the text that was laid out (no one saved it meanwhile)."""
    try:
        return prepared.path.read_bytes() == prepared.text.encode("utf-8")
    except OSError:
        return False
