"""Synthetic smekg graphs ×N: the real documents, claims, citations and firms replicated with fresh IRIs.

Copy 0 is the real data unchanged; copy n ≥ 1 renames every kg:, work: and person: IRI by suffixing its
first path segment with `-copy<n>` (`kg:gao2019-company-a` → `kg:gao2019-company-a-copy3`,
`work:gao2019role/author/1` → `work:gao2019role-copy3/author/1`), so each copy of a document keeps its
claims pointing at its own copies of works, firms and evidence. The ontology (smekg: terms, including the
terms declared in knowledge files) is shared, not copied.

Two forms: a project folder (ontology/smekg.ttl and the curated links shared, knowledge and BibTeX files
replicated) on which the real pipeline runs, and an N-Triples graph replicated from a built release (for
×1000, and for every graph-level stage so that all scales use one method).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from pybtex.database import Person
from rdflib import RDFS, BNode, Graph, Literal, URIRef

from smekg import Project
from smekg.bibliography import is_organisation
from smekg.vocab import KG, PERSON, PREFIXES, WORK

MARK = "ZZNZZ"
OWN = (str(KG), str(WORK), str(PERSON))
OWN_IRI = re.compile(r"<(https://w3id\.org/smekg/(?:kg|work|person)/[^/>]+)")
BIB_KEY = re.compile(r"(@\w+\s*[{(]\s*)([^,\s]+)(\s*,)")
BIB_TITLE = re.compile(r"(\btitle\s*=\s*\{)")
BIB_DUPLICATE = re.compile(r"(\bduplicateof\s*=\s*\{)([^}]+)(\})")
BIB_PEOPLE = re.compile(r"\b(?:author|editor)\s*=\s*\{")
BIB_SHORT_AUTHOR = re.compile(r"(\bshortauthor\s*=\s*\{)([^}]+)(\})")


def copy_iri(iri: str) -> str:
    """The IRI of an own-namespace term in copy MARK (first path segment suffixed)."""
    for ns in OWN:
        if iri.startswith(ns):
            head, sep, rest = iri[len(ns) :].partition("/")
            return f"{ns}{head}-copy{MARK}{sep}{rest}"
    return iri


def own(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(OWN)


def instance_part(graph: Graph) -> Graph:
    """Triples about kg:/work:/person: individuals and the blank nodes they reach (terms left out)."""
    part, frontier, seen = Graph(), [s for s in set(graph.subjects()) if own(s)], set()
    while frontier:
        subject = frontier.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for s, p, o in graph.triples((subject, None, None)):
            part.add((s, p, o))
            if isinstance(o, BNode):
                frontier.append(o)
    return part


def renamed(graph: Graph) -> Graph:
    """The graph with every own-namespace IRI renamed into copy MARK, and the labels of its entries too (one label
    per entry is a rule of the build)."""
    result = Graph()
    for prefix, ns in PREFIXES.items():
        result.bind(prefix, ns)
    for s, p, o in graph:
        if p == RDFS.label and own(s) and isinstance(o, Literal):
            o = Literal(f"{o} Copy{MARK}", lang=o.language, datatype=o.datatype)  # as copied_name names them
        result.add(tuple(URIRef(copy_iri(str(t))) if own(t) else t for t in (s, p, o)))
    return result


SELF = URIRef("urn:smekg:synthetic:this-file")  # stands for `<>`, the file itself, while a template is made


def knowledge_template(path: Path) -> str:
    """A knowledge file's instance triples as Turtle, renamed into copy MARK, with the file's own curation
    defaults (the triples about `<>`) kept about the copy's file."""
    graph = Graph().parse(path, format="turtle", publicID=str(SELF))
    template = renamed(instance_part(graph))
    for triple in graph.triples((SELF, None, None)):
        template.add(triple)
    return template.serialize(format="turtle").replace(f"<{SELF}>", "<>")


def closing_brace(text: str, start: int) -> int:
    """Index of the brace that closes the group opened just before start."""
    depth = 1
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i
    raise ValueError("unbalanced braces in BibTeX")


def copied_name(name: str) -> str:
    """A person's name as `von Last, Jr, First Middle CopyMARK`: an extra given name makes the person IRI fresh; a
    corporate author's `{Name CopyMARK}`, the organisation its knowledge copy names (kg:organization-name-copyMARK)."""
    person = Person(string=name.strip())
    if is_organisation(person):
        return "{" + person.last_names[0].strip("{}") + f" Copy{MARK}" + "}"
    family = " ".join(person.prelast_names + person.last_names)
    lineage = [" ".join(person.lineage_names)] if person.lineage_names else []
    given = " ".join([*person.first_names, *person.middle_names, f"Copy{MARK}"])
    return ", ".join([family, *lineage, given])


def copied_people(text: str) -> str:
    """Every author and editor field with each name given an extra given name."""
    out, pos = [], 0
    for match in BIB_PEOPLE.finditer(text):
        end = closing_brace(text, match.end())
        names = re.split(r"\s+and\s+", text[match.end() : end])
        out += [text[pos : match.end()], " and ".join(copied_name(n) for n in names)]
        pos = end
    return "".join([*out, text[pos:]])


def bib_template(path: Path) -> str:
    """A BibTeX file with keys, titles and people renamed into copy MARK (titles differ, else duplicates)."""
    text = BIB_KEY.sub(rf"\g<1>\g<2>-copy{MARK}\g<3>", path.read_text(encoding="utf-8"))
    text = BIB_DUPLICATE.sub(rf"\g<1>\g<2>-copy{MARK}\g<3>", text)
    text = BIB_TITLE.sub(rf"\g<1>Copy {MARK}: ", text)
    text = BIB_SHORT_AUTHOR.sub(rf"\g<1>\g<2> Copy{MARK}\g<3>", text)  # an organisation's IRI comes from it
    return copied_people(text)


def expand(template: str, copies: Iterable[int]) -> str:
    return "".join(template.replace(MARK, str(n)) for n in copies)


def make_project(real: Project, copies: int, dest: Path) -> Project:
    """A project folder ×copies: the real sources as copy 0, then copies 1..copies-1 of every document."""
    if dest.exists():
        shutil.rmtree(dest)
    for folder in ("shapes", "queries"):
        shutil.copytree(real.root / folder, dest / folder)
    project = Project(dest)
    project.knowledge_dir.mkdir(parents=True)
    project.references_dir.mkdir(parents=True)
    shutil.copy2(real.ontology, project.ontology)
    shutil.copytree(real.imports_dir, project.imports_dir)  # the reused vocabularies' modules, compiled too
    if real.links_dir.is_dir():
        shutil.copytree(real.links_dir, project.links_dir)
    for path in sorted(real.knowledge_dir.glob("*.ttl")):
        shutil.copy2(path, project.knowledge_dir / path.name)
        template = knowledge_template(path)
        for n in range(1, copies):
            (project.knowledge_dir / f"{path.stem}-copy{n}.ttl").write_text(expand(template, [n]), encoding="utf-8")
    for path in sorted(real.references_dir.glob("*.bib")):
        template = bib_template(path)
        if path.name == "sources.bib":
            text = path.read_text(encoding="utf-8") + "\n" + expand(template, range(1, copies))
            (project.references_dir / path.name).write_text(text, encoding="utf-8")
            continue
        shutil.copy2(path, project.references_dir / path.name)
        for n in range(1, copies):
            (project.references_dir / f"{path.stem}-copy{n}.bib").write_text(expand(template, [n]), encoding="utf-8")
    return project


def nt_subject(line: str) -> str:
    return line.split(" ", 1)[0]


def nt_split(lines: list[str]) -> tuple[list[str], list[str]]:
    """N-Triples lines split into shared (ontology) and instance lines, as instance_part does."""
    by_subject: dict[str, list[str]] = {}
    for line in lines:
        by_subject.setdefault(nt_subject(line), []).append(line)
    frontier = [s for s in by_subject if s.startswith("<") and s[1:-1].startswith(OWN)]
    instance: set[str] = set()
    while frontier:
        subject = frontier.pop()
        if subject in instance:
            continue
        instance.add(subject)
        for line in by_subject.get(subject, []):
            obj = line[len(subject) :].rstrip(" .\n").rsplit(" ", 1)[-1]
            if obj.startswith("_:"):
                frontier.append(obj)
    shared = [line for line in lines if nt_subject(line) not in instance]
    return shared, [line for line in lines if nt_subject(line) in instance]


def nt_copy_line(line: str) -> str:
    """An N-Triples line renamed into copy MARK (own IRIs and blank node labels, never literals)."""
    subject, predicate, rest = line.rstrip("\n").split(" ", 2)
    if not rest.startswith('"'):
        rest = OWN_IRI.sub(rf"<\g<1>-copy{MARK}", rest)
        rest = re.sub(r"^_:(\S+)", rf"_:\g<1>c{MARK}", rest)
    subject = OWN_IRI.sub(rf"<\g<1>-copy{MARK}", subject)
    subject = re.sub(r"^_:(\S+)", rf"_:\g<1>c{MARK}", subject)
    return f"{subject} {predicate} {rest}\n"


def replicate_nt(source: Path, copies: int, dest: Path) -> int:
    """Write source ×copies as N-Triples (shared lines once, instance lines per copy); return the line count."""
    lines = [line if line.endswith("\n") else line + "\n" for line in source.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line.strip() and not line.startswith("#")]
    shared, instance = nt_split(lines)
    template = "".join(nt_copy_line(line) for line in instance)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8") as out:
        out.writelines(lines)
        for n in range(1, copies):
            out.write(template.replace(MARK, str(n)))
    return len(lines) + (copies - 1) * len(instance)
