"""The Markdown report of a benchmark run (benchmarks/results/benchmark.md)."""

from __future__ import annotations

from report import (
    Record,
    cell,
    fmt_seconds,
    lookup,
    markdown_table,
    query_records,
    targets,
)

BUILD_STEPS = (
    "compile sources",
    "validate (references, SHACL)",
    "reason (OWL 2 DL reasoner)",
    "write release",
)
PIPELINE = (
    "full build",
    "compile sources",
    "checks (references, annotations, terms) (compiled sources)",
    "load base.nt into Oxigraph",
    "checks (references, annotations, terms)",
    "SHACL (smekg, SPARQL on Oxigraph)",
    "reasoning (OWL 2 DL: Konclude, or HermiT)",
    "release: triples (base + full)",
    "write the full release (every format)",
    "load (pyoxigraph)",
)
COMPARISON = (
    "SHACL pySHACL",
    "SHACL pyrudof (from N-Triples file)",
    "SHACL smekg (from N-Triples file)",
    "load (oxrdflib)",
    "load (rdflib)",
)
METHOD = """\
Each task (stages sharing one input) runs in a fresh Python process (`benchmarks/stages.py`). Each figure is
the median of the measured runs after one warm-up run; a stage whose warm-up takes over 60 s is measured by
that single run (marked ¹). Peak memory is the stage's own peak RSS: the kernel's high-water mark (VmHWM) is
reset before every run by writing 5 to /proc/self/clear_refs, so it covers that run only, and includes the
input the process holds (e.g. the graph loaded in Oxigraph), or, if larger, the RSS of its whole process group
(HermiT's JVM included) sampled every 0.5 s by the parent. (RUSAGE_CHILDREN is not used: a child forked from
a 3 GB process reports those 3 GB as its own peak, which counted the graph twice.) A run
over the timeout (SIGALRM, or the parent's hard deadline for native code) is "DNF"; a process group over the
memory limit is killed. A stage that did not finish at a smaller scale, or whose linear projection from it
exceeds the timeout or the memory limit, is skipped. The full build (`smekg.build`) runs on project folders
up to ×100; the graph task runs the stages after compiling at every scale on the replicated compiled graph
(base.nt in one named graph of an Oxigraph store, as smekg.checks, smekg.reasoning and the release see the
compiled sources): the checks, SHACL as smekg runs it, reasoning (its graph of inferences removed before each
run), the base and full release as sorted N-Triples lines, then the full release written in every format.
Exponents are least-squares slopes of log(time) on log(triples) over the scales that finished (input: the
compiled graph; the full release for queries); "×10→×100" is the slope between those two scales alone. Where
×100 is a single cold run and ×10 a warm median, that slope compares ×10's first (cold) run (marked ²), so both
sides are measured alike.

Synthetic graphs (`benchmarks/synthetic.py`): copy 0 is the real data; copy n renames every kg:, work: and
person: IRI (`kg:x` → `kg:x-copyn`, `work:k/author/1` → `work:k-copyn/author/1`) so each copy of a document
keeps its claims, citations, firms and evidence pointing at its own copies; smekg: terms (also those declared
in knowledge files) are shared. Two forms: a project folder (knowledge and BibTeX files replicated, with
`Copy n:` prefixed to titles and a `Copyn` given name added to people so that the build's duplicate-work check
and person IRIs stay right) on which the build and compile run, up to ×100; and N-Triples replicated from the
×1 release (base and full), used by the graph, validator and query stages at every scale so that all scales
share one method and ×1000 needs no project folder."""


def fmt_cell(record: Record | None, memory: bool = True) -> str:
    text = cell(record, memory)
    return text + ("¹" if record and record.get("status") == "ok" and not record.get("warmup") else "")


def stage_rows(results: dict, stages: tuple[str, ...]) -> list[list[str]]:
    scales, fitted = results["scales"], results["fits"]
    rows = []
    for stage in stages:
        fit = fitted.get(stage, {})
        cells = [fmt_cell(lookup(results["records"], s, stage)) for s in scales]
        rows.append([stage, *cells, exponent(fit, "exponent"), exponent(fit, "exponent_x10_x100")])
    return rows


def exponent(fit: dict, name: str) -> str:
    """An exponent, marked ² where the ×10→×100 one compares first (cold) runs."""
    value = fit.get(name)
    cold = "²" if name == "exponent_x10_x100" and fit.get("x10_x100_cold") else ""
    return "–" if value is None else f"{value:.2f}{cold}"


def build_rows(results: dict) -> list[list[str]]:
    """Per scale: the full build and each of its steps as the build timed them, and the reasoning route."""
    rows = []
    for scale in results["scales"]:
        r = lookup(results["records"], scale, "full build")
        if r is None:
            continue
        timings = r.get("info", {}).get("timings", {}) if r["status"] == "ok" else {}
        steps = [fmt_seconds(timings[s]) if s in timings else "–" for s in BUILD_STEPS]
        rows.append([f"×{scale}", fmt_cell(r), *steps, r.get("info", {}).get("reasoning", "–")])
    return rows


def build_exponents(fit: dict) -> str:
    """The full build's scaling exponents, as a sentence under its table."""
    return (
        f"\n\nExponent of the full build: {exponent(fit, 'exponent')} over the scales measured, "
        f"{exponent(fit, 'exponent_x10_x100')} from ×10 to ×100."
    )


def query_rows(results: dict) -> list[list[str]]:
    """Per canned query: pyoxigraph time per scale, rows at ×1, and exponents."""
    scales, records = results["scales"], results["records"]
    rows = []
    for r in query_records(records, 1):
        fit = results["fits"].get(r["stage"], {})
        cells = [fmt_cell(lookup(records, s, r["stage"]), False) for s in scales]
        rows_x1 = str(r.get("info", {}).get("rows", "–"))
        name = r["stage"].removeprefix("query ").rsplit(" (", 1)[0]
        rows.append([name, *cells, rows_x1, exponent(fit, "exponent"), exponent(fit, "exponent_x10_x100")])
    return rows


def engine_rows(results: dict, scale: int) -> list[list[str]]:
    """Per canned query at one scale: pyoxigraph time, the other engines' ratios to it, and answer agreement."""
    records, rows = results["records"], []
    for r in query_records(records, scale):
        name = r["stage"].removeprefix("query ").rsplit(" (", 1)[0]
        others = {e: lookup(records, scale, f"query {name} ({e})") for e in ("oxrdflib", "rdflib")}
        cells = [ratio(r, o) for o in others.values()]
        rows.append([name, fmt_cell(r, False), *cells, agreement(r, others)])
    return rows


def ratio(base: Record, other: Record | None) -> str:
    if other is None or other["status"] != "ok" or base["status"] != "ok":
        return cell(other, False)
    return f"{other['seconds'] / base['seconds']:.1f}× ({fmt_seconds(other['seconds'])})"


def agreement(base: Record, others: dict[str, Record | None]) -> str:
    """identical, or which engine differs (and whether only by '' against unbound)."""
    if base["status"] != "ok":
        return "–"
    notes = []
    for engine, r in others.items():
        if r is None or r["status"] != "ok":
            continue
        if r["info"]["digest"] != base["info"]["digest"]:
            lenient = r["info"]["lenient_digest"] == base["info"]["lenient_digest"]
            why = "empty GROUP_CONCAT: '' vs unbound" if lenient else "different rows"
            notes.append(f"{engine}: MISMATCH ({why}; rows {r['info']['rows']} vs {base['info']['rows']})")
    return "; ".join(notes) or "identical"


def equivalence(results: dict) -> str:
    """The validators' findings on the real and the planted graph."""
    r = lookup(results["records"], 1, "validator equivalence")
    if r is None or r["status"] != "ok":
        return "not measured"
    info = r["info"]
    lines = ["Planted: " + "; ".join(info["planted_violations"]) + ".", ""]
    for variant in ("real", "planted"):
        counts = ", ".join(f"{k} {v}" for k, v in info[variant]["counts"].items())
        same = "identical findings" if info[variant]["identical"] else f"DIFFERENT: {info[variant]['differences']}"
        lines.append(f"- {variant} graph: {counts} — {same}")
    return "\n".join(lines)


def reruns_text(results: dict) -> str:
    """The later `--only` runs whose records replaced the first run's."""
    runs = results.get("reruns", [])
    return "".join(f"; then `{r['command']}` ({r['elapsed_s']} s)" for r in runs)


def machine_text(m: dict) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    return (
        f"{m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; {m['os']}; Python {m['python']}; "
        f"{m['java']}; {packages}"
    )


def render(results: dict) -> str:
    """The whole report."""
    results = dict(results, scales=sorted(results["sizes"]))
    scales = results["scales"]
    heads = [f"×{s}" for s in scales]
    sizes = [
        [
            f"×{s}",
            str(v.get("base_triples")),
            str(v.get("full_triples")),
            str(v.get("source_files", "–")),
            str(v.get("full_nt_mb")),
        ]
        for s, v in results["sizes"].items()
    ]
    parts = [
        "# smekg benchmark",
        f"`{results['command']}` — {results['elapsed_s']} s in all{reruns_text(results)}.\n\n"
        f"Machine: {machine_text(results['machine'])}.",
        "## Method\n\n" + METHOD,
        "## Graph sizes\n\n"
        + markdown_table(["scale", "base triples", "full triples", "source files", "full.nt MB"], sizes),
        "## Targets\n\n"
        + markdown_table(
            ["target", "measured", "met"],
            [
                [t["target"], t["measured"], {True: "yes", False: "**no**", None: "–"}[t["met"]]]
                for t in targets(results)
            ],
        ),
        "## Full build (median time, peak RSS; the build's own step timings)\n\n"
        + markdown_table(["scale", "full build", *BUILD_STEPS, "reasoning route"], build_rows(results))
        + build_exponents(results["fits"].get("full build", {})),
        "## smekg's pipeline stages (median time, peak RSS)\n\n"
        + markdown_table(["stage", *heads, "exponent", "×10→×100"], stage_rows(results, PIPELINE)),
        "## Canned queries on pyoxigraph (smekg's Store)\n\n"
        + markdown_table(["query", *heads, "rows ×1", "exponent", "×10→×100"], query_rows(results)),
    ]
    for scale in (s for s in scales if s <= 100):
        parts.append(
            f"## Engines at ×{scale}: ratio of time to pyoxigraph, same query text and data\n\n"
            + markdown_table(["query", "pyoxigraph", "oxrdflib", "rdflib", "answers"], engine_rows(results, scale))
        )
    parts += [
        "## Comparison only, not part of smekg: other validators and engines (median time, peak RSS)\n\n"
        + markdown_table(["stage", *heads, "exponent", "×10→×100"], stage_rows(results, COMPARISON)),
        "### Same findings?\n\n" + equivalence(results),
        "## Not run\n\n" + not_run(results["records"]),
    ]
    return "\n\n".join(parts)


def not_run(records: list[Record]) -> str:
    """Every stage that was skipped, killed, failed or did not finish, with the reason."""
    lines = [
        f"- ×{r['scale']} {r['stage']}: {r['status']}" + (f" — {r['message']}" if r.get("message") else "")
        for r in records
        if r.get("status") in ("skipped", "killed", "error", "timeout")
    ]
    return "\n".join(lines) or "nothing"
