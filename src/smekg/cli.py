"""The `smekg` command line: build, validate, check, fmt, query, stats, link, import, export."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from .bibio import export_command, import_group
from .build import build as run_build
from .build import validate as run_validate
from .canonical import check_canonical, format_sources
from .endpoint import Endpoint, Limits
from .errors import SmekgError
from .linking import link_command
from .quality import check_release, render, tally
from .query import Store, format_rows, key_values, list_queries, run_query
from .safeio import fail, os_problem
from .sources import Project
from .stats import graph_stats

# Data (findings, warnings, paths) is printed verbatim: this console reads no markup and no emoji codes, so a
# source text like "a [/red] b" or ":smile:" cannot crash or vanish from a report. Colour only through say().
err = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


def say(label: str, style: str, text: str = "") -> None:
    """Print a coloured label, then text exactly as it is."""
    err.print(Text.assemble((label, style), " " + text if text else ""))


def warn(message: str) -> None:
    """Print a warning, its text exactly as it is."""
    say("warn", "yellow", message)


def progress(step: str, status: str) -> None:
    """Show each pipeline step on stderr as it starts and ends."""
    if status == "start":
        say("…", "bold", step)
    elif status == "failed":
        say("✗", "red", step)
    else:
        say("✓", "green", f"{step} ({status.removeprefix('done in ')})")


def project_option(func):
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Project folder (default: the nearest folder with ontology/smekg.ttl).",
    )(func)


def find_project(root: Path | None) -> Project:
    return Project(root.resolve()) if root else Project.find()


@click.group()
def main() -> None:
    """smekg: the SME-internationalization knowledge graph."""


@main.command()
@project_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder (default: release/ in the project).",
)
@click.option(
    "--reasoner",
    type=click.Choice(["auto", "konclude", "hermit"]),
    default="auto",
    show_default=True,
    help="OWL 2 DL reasoner: Konclude unless the graph needs HermiT (auto), or the one named.",
)
def build(root: Path | None, out: Path | None, reasoner: str) -> None:
    """Compile, validate, reason and write the release artifacts."""
    result = run_build(find_project(root), out, progress, reasoner)
    say("reasoning", "bold", result.reasoning)
    for warning in result.warnings:
        warn(warning)
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
    err.print(f"release written to {result.release_dir} ({counts}; {result.timings['total']:.1f} s)")


@main.command()
@project_option
def validate(root: Path | None) -> None:
    """Compile the sources and run every check, without reasoning or writing anything."""
    compiled, warnings = run_validate(find_project(root), progress)
    for warning in warnings:
        warn(str(warning))
    err.print(f"valid: {len(compiled.triples())} triples, {len(warnings)} warning(s)")


@main.command()
@project_option
@click.argument("name", required=False)
@click.option("--list", "show_list", is_flag=True, help="List the canned queries with their questions.")
@click.option("--param", "-p", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "markdown", "latex"]), default="table")
@click.option("--endpoint", metavar="URL", help="Run on this SPARQL 1.1 endpoint instead of the embedded store.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=Limits.total,
    show_default=True,
    metavar="SECONDS",
    help="With --endpoint: give up when the whole answer has not arrived within this time.",
)
@click.option(
    "--connect-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=Limits.connect,
    show_default=True,
    metavar="SECONDS",
    help="With --endpoint: give up when connecting, or any single read, takes longer than this.",
)
@click.option(
    "--max-answer",
    type=click.IntRange(min=1),
    default=Limits.max_bytes,
    show_default=True,
    metavar="BYTES",
    help="With --endpoint: refuse an answer larger than this.",
)
def query(
    root: Path | None,
    name: str | None,
    show_list: bool,
    param: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    timeout: float,
    connect_timeout: float,
    max_answer: int,
) -> None:
    """Run the canned query NAME from queries/ on the built release (or on --endpoint)."""
    project = find_project(root)
    if show_list or not name:
        for q in list_queries(project):
            params = ", ".join(f"{p.name}={p.default}" if p.default else p.name for p in q.params)
            click.echo(f"{q.name}\n    {q.question}" + (f"\n    parameters: {params}" if params else ""))
        return
    engine = Endpoint(endpoint, Limits(connect_timeout, timeout, max_answer)) if endpoint else None
    click.echo(format_rows(run_query(name, key_values(param), store=engine, project=project), fmt))


@main.command()
@project_option
@click.option(
    "--release",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder to check (default: release/ in the project).",
)
@click.option("--no-owlapi", is_flag=True, help="Skip the OWL API load gate (needs Java and libowlapi-java).")
@click.option("--format", "fmt", type=click.Choice(["text", "tsv", "json", "markdown"]), default="text")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warn"]),
    default="error",
    help="Exit 1 on findings at this level or above.",
)
def check(root: Path | None, release: Path | None, no_owlapi: bool, fmt: str, fail_on: str) -> None:
    """The release gate: the rules of the release stage (shipped profile, then quality/profile.tsv), every artifact
    parsed, a complete reasoner, the OWL API load gate; which ran, their verdicts and their findings."""
    report = check_release(find_project(root), release, owlapi=not no_owlapi)
    click.echo(render(report, fmt))
    if fmt == "tsv":
        err.print(tally(report))
    sys.exit(1 if report.fails(fail_on) else 0)


@main.command()
@project_option
@click.option("--check", "check_only", is_flag=True, help="Only report files not in canonical form (exit 1).")
def fmt(root: Path | None, check_only: bool) -> None:
    """Lay the Turtle sources out in their canonical sorted form, losing nothing (you ask for it; builds never do)."""
    project = find_project(root)
    if check_only:
        findings = check_canonical(project)
    else:
        changed, findings = format_sources(project)
        for path in changed:
            err.print(f"rewrote {path.relative_to(project.root)}")
    for finding in findings:
        err.print(str(finding))
    sys.exit(1 if findings else 0)


@main.command()
@project_option
def stats(root: Path | None) -> None:
    """Counts of classes, individuals, claims, publications and triples in the full release."""
    for key, value in graph_stats(Store.for_project(find_project(root))).items():
        click.echo(f"{key:16} {value}")


main.add_command(link_command)
main.add_command(import_group)
main.add_command(export_command)


def unforeseen(error: OSError | UnicodeDecodeError) -> SmekgError:
    """A file or network fault that no command turned into a finding, as one (not a traceback)."""
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return fail("reading", "", f"a file is not UTF-8 text (byte 0x{byte:02x} at offset {error.start})")
    return fail("running", error.filename or "", os_problem(error))


def report(error: SmekgError) -> None:
    err.print(Text(str(error), style="red"))
    sys.exit(1)


def stop(signum: int, frame: object) -> None:
    """SIGTERM ends smekg as Ctrl-C does: cleanup runs (staging folders, temporary files, the Java child)."""
    raise SystemExit(128 + signum)


def run() -> None:
    """Entry point that turns SmekgError into a readable report and exit status 1.

    Commands turn every fault they foresee into a SmekgError where it happens; an OSError or
    UnicodeDecodeError that still escapes is reported the same way, on one line."""
    signal.signal(signal.SIGTERM, stop)
    try:
        main(standalone_mode=False)
    except SmekgError as error:
        report(error)
    except (OSError, UnicodeDecodeError) as error:
        report(unforeseen(error))
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
