"""`smekg check`: the release stage of the rules (rules.py) on the release artifacts, with the gates that need
the artifacts: every artifact parsed (once), the OWL API load gate (owlapi.py, its JVM running meanwhile) and a
complete reasoner on the full release, an unsatisfiable class explained. The report renders as text, TSV, JSON or
Markdown."""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import Finding, fail
from .identity import ontology_iri
from .owlapi import Pending, finish_gate, gate_findings, start_gate
from .reasoning import entail_file, inconsistency, unsatisfiability
from .release import FORMATS, VARIANTS, artifact_names
from .rules import LEVELS, Gate, Outcome, Term, load_profile, run_stage, skip
from .sources import Project, subject_line
from .vocab import WORK

# One artifact of each format and each variant: the OWL API reads RDF/XML and Turtle; the other artifacts of a
# variant hold the same triples (the parsers gate). The full release holds every axiom of the base one, so only it
# is checked against the OWL 2 DL profile.
OWLAPI_FILES = ("smekg-full.owl", "smekg-base.ttl")
UNPROFILED = ("smekg-base.ttl",)


@dataclass
class Report:
    """What `smekg check` ran on a release, what each rule and gate found, and how long it took."""

    release_dir: Path
    outcomes: list[Outcome]
    seconds: float

    def findings(self, level: str = "info") -> list[tuple[Outcome, Finding]]:
        """Every finding at or above a level, with the rule or gate that made it."""
        worst = LEVELS.index(level)
        return [(o, f) for o in self.outcomes for f in o.findings if LEVELS.index(f.level) <= worst]

    def fails(self, level: str) -> bool:
        """Whether a finding at or above the level was made."""
        return bool(self.findings(level))


class SourceIndex:
    """Where an entry of a release is written in the project's sources: the first file that describes it."""

    def __init__(self, project: Project, fallback: str):
        self.project, self.fallback = project, fallback
        self.turtle = project.compiled_turtle()
        self.bibtex = sorted(project.references_dir.glob("*.bib"))

    def locate(self, node: str) -> tuple[str, int]:
        """The file (relative to the project) and line of the entry, else the release artifact and 0."""
        for path in self.bibtex if node.startswith(str(WORK)) else self.turtle:
            if line := subject_line(path, node):
                return str(path.relative_to(self.project.root)), line
        return self.fallback, 0

    def __call__(self, entity: Term | None, prop: Term | None, value: Term | None, graph: str) -> tuple[str, int]:
        return self.locate(entity.value) if isinstance(entity, ox.NamedNode) else (self.fallback, 0)


def parse_artifact(path: Path) -> ox.Store | Finding:
    """An artifact parsed by Oxigraph into a store of its own, or a finding saying why it does not parse."""
    store = ox.Store()
    try:
        store.load(path=str(path), format=FORMATS[path.suffix.lstrip(".")])
    except (OSError, SyntaxError, ValueError) as err:
        return Finding(str(path), getattr(err, "lineno", 0) or 0, "", f"does not parse: {err}")
    return store


def parse_artifacts(release_dir: Path) -> tuple[dict[str, ox.Store], list[Finding]]:
    """Every artifact parsed once, in threads (Oxigraph parses in Rust, without the interpreter's lock), and a
    finding for one that does not parse."""
    names = artifact_names()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = list(pool.map(parse_artifact, [release_dir / name for name in names]))
    parsed = {n: r for n, r in zip(names, results, strict=True) if isinstance(r, ox.Store)}
    return parsed, [r for r in results if isinstance(r, Finding)]


def parser_findings(release_dir: Path, parsed: dict[str, ox.Store], failures: list[Finding]) -> list[Finding]:
    """The parse failures, and each artifact whose triple count differs from its variant's N-Triples."""
    findings = list(failures)
    for name, store in parsed.items():
        reference = f"{name.rsplit('.', 1)[0]}.nt"
        if reference in parsed and len(store) != len(parsed[reference]):
            message = f"holds {len(store)} triples, {reference} {len(parsed[reference])}"
            findings.append(Finding(str(release_dir / name), 0, "", message))
    return findings


def reasoner_gate(path: Path, index: SourceIndex) -> Gate:
    """A complete reasoner on the full release: inconsistent, or an unsatisfiable class, with the axioms that make
    it so, each where the sources write it."""

    def run() -> list[Finding]:
        result = entail_file(path, individuals=False)  # the gate judges consistency and classes only
        if not result.consistent:
            return inconsistency(index, result)
        return unsatisfiability(index, result)

    return run


def owlapi_gate(pending: Pending, release_dir: Path) -> Gate:
    """The OWL API's report on the files it was started on, with the ontology IRI each variant must have."""

    def run() -> list[Finding]:
        report = finish_gate(pending)
        findings = []
        for name in OWLAPI_FILES:
            path = str(release_dir / name)
            variant = next(v for v in VARIANTS if name.startswith(f"smekg-{v}."))
            findings += gate_findings({path: report.get(path, [])}, ontology_iri(variant))
        return findings

    return run


class Background:
    """A gate run in a thread from the start of the check, so that it overlaps the rest; calling it waits for its
    findings. seconds is how long it ran."""

    def __init__(self, pool: ThreadPoolExecutor, gate: Gate):
        self.seconds = 0.0
        self.future = pool.submit(self.timed, gate)

    def timed(self, gate: Gate) -> list[Finding]:
        started = time.perf_counter()
        try:
            return gate()
        finally:
            self.seconds = time.perf_counter() - started

    def __call__(self) -> list[Finding]:
        return self.future.result()


def check_release(project: Project, release_dir: Path | None = None, owlapi: bool = True) -> Report:
    """The release stage, its parts overlapping: the OWL API's JVM and the reasoner (in a thread: Konclude is a
    process of its own) start first; meanwhile every artifact is parsed once and the rules run on the base release;
    then the reasoner's and the OWL API's answers are collected."""
    started = time.perf_counter()
    release_dir = release_dir or project.release_dir
    if not (release_dir / "smekg-full.nt").is_file():
        raise fail("checking the release", release_dir, "no release here (no smekg-full.nt); run `smekg build` first")
    rules = load_profile(project)
    catalog = project.ontology.with_name("catalog-v001.xml")
    files = [release_dir / name for name in OWLAPI_FILES if name not in UNPROFILED]
    unprofiled = tuple(release_dir / name for name in UNPROFILED)
    wanted = owlapi and any(r.name == "owlapi" and "release" in r.stages for r in rules)
    pending = start_gate(files, catalog if catalog.is_file() else None, unprofiled=unprofiled) if wanted else None
    index = SourceIndex(project, str(release_dir / "smekg-base.nt"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        reasoner = Background(pool, reasoner_gate(release_dir / "smekg-full.nt", index))
        parse_started = time.perf_counter()
        parsed, failures = parse_artifacts(release_dir)
        parse_seconds = time.perf_counter() - parse_started
        gates = {"parsers": lambda: parser_findings(release_dir, parsed, failures), "reasoner": reasoner}
        if pending is not None:
            gates["owlapi"] = owlapi_gate(pending, release_dir)
        outcomes = run_stage(rules, "release", parsed.get("smekg-base.nt", ox.Store()), index, gates, union=False)
    for outcome in outcomes:
        if outcome.rule.name == "parsers":
            outcome.seconds = round(outcome.seconds + parse_seconds, 3)
        if outcome.rule.name == "reasoner":
            outcome.seconds = round(reasoner.seconds, 3)
    if not owlapi:
        skip(outcomes, "owlapi", "--no-owlapi")
    return Report(release_dir, outcomes, round(time.perf_counter() - started, 3))


COLUMNS = ("level", "rule", "file", "line", "entry", "message")


def rows(report: Report) -> list[dict]:
    """One dict per finding, most severe first."""
    found = sorted(report.findings(), key=lambda p: (LEVELS.index(p[1].level), p[0].rule.name, p[1]))
    return [
        {"level": f.level, "rule": o.rule.name, "file": f.file, "line": f.line, "entry": f.entry, "message": f.message}
        for o, f in found
    ]


def gates(report: Report) -> list[dict]:
    """One dict per rule or gate: what it is, its verdict, how many findings, how long it took."""
    return [
        {
            "rule": o.rule.name,
            "kind": "query" if o.rule.query else "gate",
            "level": o.rule.level,
            "verdict": o.verdict,
            "findings": len(o.findings),
            "seconds": o.seconds,
            **({"skipped": o.skipped} if o.skipped else {}),
        }
        for o in report.outcomes
    ]


def tally(report: Report) -> str:
    """'N error(s), N warn, N info in S s'."""
    counts = {level: sum(1 for _, f in report.findings() if f.level == level) for level in LEVELS}
    return ", ".join(f"{n} {level}" for level, n in counts.items()) + f" ({report.seconds:.1f} s)"


def render(report: Report, fmt: str) -> str:
    """The report as text, tsv (the findings), json or markdown."""
    if fmt == "json":
        return json.dumps(
            {
                "release": str(report.release_dir),
                "seconds": report.seconds,
                "gates": gates(report),
                "findings": rows(report),
            },
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "tsv":
        lines = ["\t".join(COLUMNS)]
        lines += ["\t".join(str(r[c]).replace("\t", " ").replace("\n", " ") for c in COLUMNS) for r in rows(report)]
        return "\n".join(lines)
    if fmt == "markdown":
        table = ["| rule | kind | level | verdict | findings | seconds |", "|---|---|---|---|---|---|"]
        table += [
            f"| {g['rule']} | {g['kind']} | {g['level']} | {g['verdict']} | {g['findings']} | {g['seconds']} |"
            for g in gates(report)
        ]
        found = ["| " + " | ".join(c for c in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        found += ["| " + " | ".join(markdown_cell(r[c]) for c in COLUMNS) + " |" for r in rows(report)]
        return "\n".join([*table, "", *(found if len(found) > 2 else ["No findings."]), "", tally(report)])
    width = max(len(o.rule.name) for o in report.outcomes)
    lines = [
        f"{g['rule']:{width}}  {g['verdict']:7}  {g['findings']:4}  {g['seconds']:6.2f} s"
        + (f"  ({g['skipped']})" if "skipped" in g else "")
        for g in gates(report)
    ]
    for r in rows(report):
        where = r["file"] + (f":{r['line']}" if r["line"] else "")
        lines.append(f"{r['level']:5}  {where}: {r['entry']}: {r['message']} [{r['rule']}]")
    return "\n".join([*lines, tally(report)])


def markdown_cell(value: object) -> str:
    """A value safe in a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")
