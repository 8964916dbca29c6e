"""One rules layer for every stage: checks written as query files (ROBOT's report queries are the model) and the
named gates that cannot be queries, with levels and stages from a profile; one runner, every finding located.

A rule is report_queries/NAME.rq (shipped) or quality/NAME.rq (a project's own): a SPARQL SELECT returning ?entity,
?property and ?value (any may be unbound), optionally ?message (IRIs in it written <…> are shown compact) and ?graph
(the source graph the finding is in), under a header giving its title, **Problem:** and **Fix:**. Namespaces come
from vocab.py, written {{own ?x}}, {{curated ?x}}, {{base}}, … (see expand). The profile (report_queries/profile.tsv,
then a project's quality/profile.tsv) gives each rule its level (error, warn or info) and the stages it runs at."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from .errors import Finding, SmekgError
from .resources import package_path
from .sources import Project
from .vocab import (
    BASE,
    CURATED_NAMESPACES,
    DOCUMENTED_KINDS,
    ONTOLOGY_IRI,
    OWN_NAMESPACES,
    PREFIXES,
    SOURCE,
    TERM_KINDS,
    compact,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
LEVELS = ("error", "warn", "info")
STAGES = ("sources", "reasoned", "release")
GATES = ("shacl", "parsers", "owlapi", "reasoner")
DEFAULTS = package_path("report_queries")
STEP = "reading the rules"


@dataclass(frozen=True)
class Rule:
    """One check of the profile: a query (query is its text) or a named gate (query is empty)."""

    name: str
    level: str
    stages: tuple[str, ...]
    query: str = ""
    title: str = ""
    problem: str = ""
    fix: str = ""


@dataclass
class Outcome:
    """What one rule or gate found at one stage, and how long it took."""

    rule: Rule
    stage: str
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    skipped: str = ""

    @property
    def verdict(self) -> str:
        """'skipped', 'pass', or the most severe level among the findings."""
        if self.skipped:
            return "skipped"
        return next((level for level in LEVELS if any(f.level == level for f in self.findings)), "pass")


# entity, property, value (Oxigraph terms or None) and the graph the rule names ('' if none) → file and line.
Locator = Callable[[Term | None, Term | None, Term | None, str], tuple[str, int]]
Gate = Callable[[], list[Finding]]


def macros(project: Project) -> dict[str, str]:
    """The text each {{name}} of a rule stands for ({{own ?x}} is built by expand)."""
    knowledge = str(project.knowledge_dir.relative_to(project.root))
    return {
        "base": f'"{BASE}"',
        "ontology_iri": f"<{ONTOLOGY_IRI}>",
        "documented_kinds": " ".join(f"<{k}>" for k in DOCUMENTED_KINDS),
        "term_kinds": " ".join(f"<{k}>" for k in TERM_KINDS),
        "source": f'"{SOURCE}"',
        "knowledge_graphs": f'"{SOURCE[knowledge]}/"',
        "edit_module": f'"{project.ontology.relative_to(project.root)}"',
    }


NAMESPACES = {"own": OWN_NAMESPACES, "curated": CURATED_NAMESPACES}
MACRO = re.compile(r"\{\{(\w+)(?: (\?\w+))?\}\}")


def expand(text: str, project: Project, where: str) -> str:
    """The query with every {{macro}} replaced; SmekgError naming an unknown one."""
    table = macros(project)

    def one(match: re.Match) -> str:
        name, var = match.groups()
        if name in NAMESPACES and var:
            return "(" + " || ".join(f'STRSTARTS(STR({var}), "{ns}")' for ns in NAMESPACES[name]) + ")"
        if name in table and not var:
            return table[name]
        known = ", ".join([*(f"{{{{{n} ?x}}}}" for n in NAMESPACES), *(f"{{{{{n}}}}}" for n in table)])
        raise SmekgError(STEP, [Finding(where, 0, match.group(), f"unknown macro; known: {known}")])

    return MACRO.sub(one, text)


HEADER = re.compile(r"\A# # (?P<title>[^\n]+)\n(?P<body>(?:#[^\n]*\n)+)")


def read_rule(path: Path, name: str, level: str, stages: tuple[str, ...], project: Project) -> Rule:
    """A rule file with its header (title, problem, fix); SmekgError if the header lacks one of them."""
    text = path.read_text(encoding="utf-8")
    head = HEADER.match(text)
    body = " ".join(line.lstrip("#").strip() for line in head["body"].splitlines()) if head else ""
    parts = dict(re.findall(r"\*\*(Problem|Fix):\*\*\s*(.*?)\s*(?=\*\*(?:Problem|Fix):\*\*|\(|$)", body))
    if not head or set(parts) != {"Problem", "Fix"}:
        message = "a rule starts with a header: '# # Title', then '# **Problem:** …' and '# **Fix:** …' lines"
        raise SmekgError(STEP, [Finding(str(path), 1, name, message)])
    query = expand(text, project, str(path))
    return Rule(name, level, stages, query, head["title"].strip(), parts["Problem"], parts["Fix"])


def profile_lines(path: Path) -> list[tuple[int, str, str, tuple[str, ...] | None]]:
    """The (line number, level, rule, stages or None) lines of a profile; SmekgError for a bad level or stage."""
    lines, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        level, name, given = (*line.split("\t"), "", "")[:3]
        stages = tuple(s.strip() for s in given.split(",")) if given.strip() else None
        if level not in LEVELS:
            problems.append(Finding(str(path), number, name, f"level {level!r} is not one of {', '.join(LEVELS)}"))
        elif not name.strip():
            problems.append(Finding(str(path), number, "", "expected LEVEL<TAB>RULE[<TAB>STAGES]"))
        elif stages and not set(stages) <= set(STAGES):
            problems.append(Finding(str(path), number, name, f"stages are {', '.join(STAGES)}; got {given!r}"))
        else:
            lines.append((number, level, name.strip(), stages))
    if problems:
        raise SmekgError(STEP, problems)
    return lines


def load_profile(project: Project) -> list[Rule]:
    """The shipped rules with their levels and stages, then the project's profile: new levels for shipped rules
    (their stages are fixed), and its own rules (quality/RULE.rq, with their stages)."""
    rules: dict[str, Rule] = {}
    for _, level, name, stages in profile_lines(DEFAULTS / "profile.tsv"):
        rules[name] = shipped(name, level, stages or (), project)
    own = project.root / "quality" / "profile.tsv"
    if own.is_file():
        for number, level, name, stages in profile_lines(own):
            rules[name] = project_rule(own, number, level, name, stages, rules.get(name), project)
    return list(rules.values())


def shipped(name: str, level: str, stages: tuple[str, ...], project: Project) -> Rule:
    """A rule or gate of the default profile."""
    if name in GATES:
        return Rule(name, level, stages, title=f"{name} gate")
    return read_rule(DEFAULTS / f"{name}.rq", name, level, stages, project)


def project_rule(
    profile: Path,
    number: int,
    level: str,
    name: str,
    stages: tuple[str, ...] | None,
    known: Rule | None,
    project: Project,
) -> Rule:
    """A line of a project's profile: a shipped rule at another level, or the project's own rule."""
    path = profile.with_name(f"{name}.rq")
    if known is not None and stages is None and not path.is_file():
        return replace(known, level=level)
    if known is not None:
        why = "a project profile sets only the level of a shipped rule (LEVEL<TAB>RULE); name your own rule otherwise"
        raise SmekgError(STEP, [Finding(str(profile), number, name, why)])
    if stages is None or not path.is_file():
        why = f"a rule of the project needs {path.name} beside the profile and its stages (LEVEL<TAB>RULE<TAB>STAGES)"
        raise SmekgError(STEP, [Finding(str(profile), number, name, why)])
    return read_rule(path, name, level, stages, project)


def run_stage(
    rules: list[Rule], stage: str, store: ox.Store, locate: Locator, gates: dict[str, Gate], union: bool = True
) -> list[Outcome]:
    """Run every rule and gate of the stage; a gate's findings are at most its profile level."""
    outcomes = []
    for rule in rules:
        if stage not in rule.stages:
            continue
        started = time.perf_counter()
        if rule.query:
            findings = run_rule(rule, store, locate, union)
        elif rule.name in gates:
            findings = [cap(f, rule.level) for f in gates[rule.name]()]
        else:
            outcomes.append(Outcome(rule, stage, skipped="not run at this stage by this command"))
            continue
        outcomes.append(Outcome(rule, stage, sorted(set(findings)), round(time.perf_counter() - started, 3)))
    return outcomes


def skip(outcomes: list[Outcome], name: str, why: str) -> None:
    """Mark a gate as skipped (e.g. --no-owlapi), dropping what it found."""
    for outcome in outcomes:
        if outcome.rule.name == name:
            outcome.findings, outcome.skipped = [], why


def cap(finding: Finding, level: str) -> Finding:
    """The finding at the less severe of its own level and the profile's."""
    worst = max(LEVELS.index(finding.level), LEVELS.index(level))
    return Finding(finding.file, finding.line, finding.entry, finding.message, LEVELS[worst])


IRI_IN_TEXT = re.compile(r"<([^<>\s]+)>")


def run_rule(rule: Rule, store: ox.Store, locate: Locator, union: bool) -> list[Finding]:
    """One rule's rows as findings at the rule's level."""
    prefixes = PREFIXES | {"source": str(SOURCE)}
    findings = []
    for row in store.query(rule.query, prefixes=prefixes, use_default_graph_as_union=union):
        entity, prop, value, graph = (row[v] for v in ("entity", "property", "value", "graph"))
        file, line = locate(entity, prop, value, graph.value if isinstance(graph, ox.NamedNode) else "")
        findings.append(Finding(file, line, shown(entity), message(rule, row, prop, value), rule.level))
    return findings


def message(rule: Rule, row: ox.QuerySolution, prop: Term | None, value: Term | None) -> str:
    """The row's ?message (its <IRI>s compact), else the rule's title with the property and value."""
    text = row["message"]
    if text is not None:
        return IRI_IN_TEXT.sub(lambda m: compact(m[1]), text.value)
    details = " ".join(shown(t) for t in (prop, value) if t is not None)
    return f"{rule.title.lower()}" + (f": {details}" if details else "")


def shown(term: Term | None) -> str:
    """A term as a user reads it: a compact IRI, a quoted literal, a blank node label."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.Literal):
        return repr(term.value) + (f"@{term.language}" if term.language else "")
    return str(term)
