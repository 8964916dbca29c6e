"""The `smekg` command line: build, validate, check, fmt, query, stats, link, import, export."""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path

import click

from .entry import ANSWERED, FORMATS, err, print_answer, say, warn
from .entry import run as run  # the entry point that environments installed before entry.py still call
from .project import Project
from .query import Store, list_queries, parameter_summary
from .safeio import Limits, ServerLimits

# Each command imports what it needs when it runs (rich, rdflib, pybtex and the linker are slow to import and a
# query needs none of them): tests/test_package.py checks what `smekg query` imports. A plain `smekg query` does not
# come here at all (entry.py answers it without click).


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


class LazyGroup(click.Group):
    """A command group whose commands defined in other modules are imported only when one of them runs."""

    def __init__(self, *args, lazy: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = lazy  # command name -> "module:attribute"

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, attribute = self.lazy[name].split(":")
        return getattr(import_module(module, __package__), attribute)


def show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the installed smekg's version, and the release it answers from outside a checkout."""
    if not value or ctx.resilient_parsing:
        return
    from . import package_version
    from .resources import shipped_root

    shipped = shipped_root()
    click.echo(f"smekg {package_version()}" + (f" (shipped release: {shipped / 'release'})" if shipped else ""))
    ctx.exit()


@click.group(
    cls=LazyGroup,
    lazy={"link": ".linking:link_command", "import": ".bibio:import_group", "export": ".bibio:export_command"},
)
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=show_version, help="Show the version."
)
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
    from .build import build as run_build

    result = run_build(Project.at(root, checkout=True), out, progress, reasoner)
    say("reasoning", "bold", result.reasoning)
    for warning in result.warnings:
        warn(str(warning))
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items())
    err().print(f"release written to {result.release_dir} ({counts}; {result.timings['total']:.1f} s)")


@main.command()
@project_option
def validate(root: Path | None) -> None:
    """Compile the sources and run every check, without reasoning or writing anything."""
    from .build import validate as run_validate

    compiled, warnings = run_validate(Project.at(root), progress)
    for warning in warnings:
        warn(str(warning))
    err().print(f"valid: {len(compiled.triples())} triples, {len(warnings)} warning(s)")


@main.command()
@project_option
@click.argument("name", required=False)
@click.option("--list", "show_list", is_flag=True, help="List the canned queries with their questions.")
@click.option("--param", "-p", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table")
@click.option(
    "--release",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder to query (default: release/ in the project).",
)
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
    release: Path | None,
    endpoint: str | None,
    timeout: float,
    connect_timeout: float,
    max_answer: int,
) -> str | None:
    """Run the canned query NAME from queries/, or any query file NAME.rq, on the built release (or on --endpoint).

    A SELECT query answers with a table in --format, an ASK query with true or false, a CONSTRUCT or DESCRIBE
    query with Turtle."""
    project = Project.at(root)
    if show_list or not name:
        for q in list_queries(project):
            params = ", ".join(parameter_summary(p) for p in q.params)
            click.echo(f"{q.name}\n    {q.question}" + (f"\n    parameters: {params}" if params else ""))
        return
    limits = Limits(connect_timeout, timeout, max_answer)
    return print_answer(project, name, param, fmt, release, endpoint, limits)


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
    from .quality import check_release, render, tally

    report = check_release(Project.at(root), release, owlapi=not no_owlapi)
    click.echo(render(report, fmt))
    if fmt == "tsv":
        err().print(tally(report))
    sys.exit(1 if report.fails(fail_on) else 0)


@main.command()
@project_option
@click.option("--check", "check_only", is_flag=True, help="Only report files not in canonical form (exit 1).")
def fmt(root: Path | None, check_only: bool) -> None:
    """Lay the Turtle sources out in their canonical sorted form, losing nothing (you ask for it; builds never do)."""
    from .canonical import check_canonical, format_sources

    project = Project.at(root, checkout=True)
    if check_only:
        findings = check_canonical(project)
    else:
        changed, findings = format_sources(project)
        for path in changed:
            err().print(f"rewrote {path.relative_to(project.root)}")
    for finding in findings:
        err().print(str(finding))
    sys.exit(1 if findings else 0)


@main.command()
@project_option
def stats(root: Path | None) -> str:
    """Counts of classes, individuals, claims, publications and triples in the full release."""
    from .stats import graph_stats

    for key, value in graph_stats(Store.on_disk(Project.at(root).release_dir)).items():
        click.echo(f"{key:16} {value}")
    return ANSWERED


@main.command()
@project_option
@click.option(
    "--release",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder to publish (default: release/ in the project).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Site folder (default: site/ in the project, or here for an installed release); new, empty or a site.",
)
def site(root: Path | None, release: Path | None, out: Path | None) -> None:
    """Write the static web site of the release: pages for every entity, the research questions, evidence maps."""
    from .site import build_site

    folder, count = build_site(Project.at(root), release, out)
    err().print(f"site written to {folder} ({count} files); open {folder / 'index.html'}")


@main.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--site",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="A static site (from `smekg site`) to serve, with its pages at the IRIs' paths.",
)
@click.option(
    "--release",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Release folder whose full release /sparql answers from (default: release/ in the project).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=ServerLimits.timeout,
    show_default=True,
    metavar="SECONDS",
    help="Stop a query (and its worker process) that runs longer than this.",
)
@click.option(
    "--max-answer",
    type=click.IntRange(min=1),
    default=ServerLimits.max_bytes,
    show_default=True,
    metavar="BYTES",
    help="Refuse (413) an answer larger than this.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=256),
    default=ServerLimits.max_memory_mb,
    show_default=True,
    metavar="MB",
    help="Address space of each query worker process.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=ServerLimits.workers,
    show_default=True,
    help="Queries run at once, each in its own worker process.",
)
@click.option(
    "--queue",
    type=click.IntRange(min=0),
    default=ServerLimits.queue,
    show_default=True,
    help="Queries that may wait for a worker; beyond them the server answers 503.",
)
def serve(
    root: Path | None,
    host: str,
    port: int,
    site: Path | None,
    release: Path | None,
    timeout: float,
    max_answer: int,
    max_memory: int,
    workers: int,
    queue: int,
) -> None:
    """Serve the knowledge over HTTP: a read-only SPARQL endpoint (/sparql), a query editor (/query), the IRIs
    with content negotiation, the release files (/release/…) and a VoID description (/.well-known/void)."""
    from .serve import Settings
    from .serve import serve as run_server

    project = Project.at(root)
    limits = ServerLimits(timeout, max_answer, max_memory, workers, queue)
    folder = (release or project.release_dir).resolve()
    run_server(Settings(folder, site.resolve() if site else None, list_queries(project), limits), host, port)


def dispatch() -> str | None:
    """Run the command line with click; a usage error is reported as click reports it, Ctrl-C as exit status 130."""
    try:
        return main(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
