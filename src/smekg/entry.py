"""The `smekg` program: where it starts, how it ends, and what it prints on stderr.

A plain `smekg query NAME` (with --param, --format, --root, --release) is read and answered here, without loading
click: click and the command definitions cost a one-shot query about 30 ms, as much as the query itself. Every
other command line, `--help` and every usage error go to the click commands of cli.py, which answer a query the
same way (print_answer)."""

from __future__ import annotations

import os
import signal
import sys
from collections import namedtuple
from functools import cache
from pathlib import Path

from .errors import Finding, SmekgError, fail, os_problem
from .project import Project

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (7 ms of a one-shot query)
if TYPE_CHECKING:
    from rich.console import Console

    from .safeio import Limits

ANSWERED = "answered"  # what a command that only reads and prints returns: run() then ends the process at once
FORMATS = ("table", "csv", "json", "markdown", "latex")
PLAIN_OPTIONS = {"--param": "param", "-p": "param", "--format": "fmt", "--root": "root", "--release": "release"}


@cache
def err() -> Console:
    """The console on stderr. Data (findings, warnings, paths) is printed verbatim: it reads no markup and no emoji
    codes, so a source text like "a [/red] b" or ":smile:" cannot crash or vanish from a report. Colour only through
    say()."""
    from rich.console import Console

    return Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)


def say(label: str, style: str, text: str = "") -> None:
    """Print a coloured label, then text exactly as it is."""
    from rich.text import Text

    err().print(Text.assemble((label, style), " " + text if text else ""))


def warn(message: str) -> None:
    """Print a warning, its text exactly as it is."""
    say("warn", "yellow", message)


def key_values(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """Command-line KEY=VALUE parameters as a dict; anything else is a finding."""
    given = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SmekgError("query", [Finding("", 0, "--param", f"{item!r} is not KEY=VALUE")])
        given[key] = value
    return given


def print_answer(
    project: Project,
    name: str,
    params: tuple[str, ...] | list[str],
    fmt: str,
    release: Path | None = None,
    endpoint: str | None = None,
    limits: Limits | None = None,
) -> str:
    """Answer the query NAME (a canned query, or a query file) on the release (or on the endpoint at that URL) and
    print it: a SELECT query as a table in fmt, an ASK query as true or false, a CONSTRUCT or DESCRIBE query as
    Turtle. A release older than its sources gets a warning naming each changed file."""
    from .query import Rows, Store, answer, format_rows, get_query, stale_sources, turtle

    canned = get_query(name, project)
    if endpoint:
        from .endpoint import Endpoint  # only then: it loads the network modules

        engine = Endpoint(endpoint, limits)
    else:
        folder = release or project.release_dir
        for path in stale_sources(project, folder):
            warn(f"{path} changed after the release in {folder} was built; run `smekg build` to query it")
        engine = Store.on_disk(folder)
    result = answer(canned, key_values(params), engine)
    if isinstance(result, bool):
        print("true" if result else "false")
    elif isinstance(result, Rows):
        print(format_rows(result, fmt))
    else:
        sys.stdout.write(turtle(result))
    return ANSWERED


PlainQuery = namedtuple("PlainQuery", "name param fmt root release")


def plain_query(args: list[str]) -> PlainQuery | None:
    """The options of a plain `smekg query NAME` command line, or None for any other command line (cli.py reads
    it, with its help and its usage errors). Options are read as click reads them: `--opt VALUE` or
    `--opt=VALUE`, the last one given wins, -p/--param repeat."""
    if not args or args[0] != "query":
        return None
    options: dict = {"name": None, "param": [], "fmt": "table", "root": None, "release": None}
    rest = iter(args[1:])
    for arg in rest:
        key, sep, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        dest = PLAIN_OPTIONS.get(key)
        if dest:
            value = value if sep else next(rest, None)
            if value is None or value.startswith("-") or not usable(dest, value):
                return None
            if dest == "param":
                options["param"].append(value)
            else:
                options[dest] = Path(value) if dest in ("root", "release") else value
        elif arg.startswith("-") or options["name"] is not None or not arg:
            return None
        else:
            options["name"] = arg
    return PlainQuery(**options) if options["name"] is not None else None


def usable(dest: str, value: str) -> bool:
    """Whether click would take this option value without a usage error (a folder option must not name a file)."""
    if dest == "fmt":
        return value in FORMATS
    if dest in ("root", "release"):
        return not os.path.isfile(value)
    return True


def unforeseen(error: OSError | UnicodeError) -> SmekgError:
    """A file or network fault that no command turned into a finding, as one (not a traceback). An output that
    cannot take a character is named by its code point only: the report goes to a stream that may not take it
    either."""
    if isinstance(error, UnicodeDecodeError):
        byte = error.object[error.start]
        return fail("reading", "", f"a file is not UTF-8 text (byte 0x{byte:02x} at offset {error.start})")
    if isinstance(error, UnicodeEncodeError):
        point = ord(error.object[error.start])
        why = f"the output's encoding ({error.encoding}) has no character U+{point:04X}; set a UTF-8 locale"
        return fail("writing", "", why + " (LANG=C.UTF-8) or PYTHONIOENCODING=utf-8")
    return fail("running", error.filename or "", os_problem(error))


def report(error: SmekgError) -> None:
    from rich.text import Text

    err().print(Text(str(error), style="red"))
    sys.exit(1)


def exit_at_once() -> None:
    """End the process as soon as a read-only command has printed its answer, without Python's teardown of every
    module and object (about 20 ms of a one-shot `smekg query`, a fifth of it): the command holds no file open for
    writing, no child process and no temporary file, and its output is flushed first (a flush that fails raises,
    and run() reports it)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def reader_gone() -> None:
    """The reader of the output went away (`smekg query NAME | head -1`): end quietly with status 1, as click does
    for the other commands (and as Python's documentation advises), not with a finding. stdout is pointed at
    /dev/null first, so that Python's own last flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def stop(signum: int, frame: object) -> None:
    """SIGTERM ends smekg as Ctrl-C does: cleanup runs (staging folders, temporary files, the Java child)."""
    raise SystemExit(128 + signum)


def run() -> None:
    """Entry point that turns SmekgError into a readable report and exit status 1.

    Commands turn every fault they foresee into a SmekgError where it happens; an OSError or UnicodeError that
    still escapes is reported the same way, on one line."""
    signal.signal(signal.SIGTERM, stop)
    try:
        plain = plain_query(sys.argv[1:])
        if plain is not None:
            done = print_answer(Project.at(plain.root), plain.name, plain.param, plain.fmt, plain.release)
        else:
            from .cli import dispatch

            done = dispatch()
        if done == ANSWERED:
            exit_at_once()
    except SmekgError as error:
        report(error)
    except BrokenPipeError:
        reader_gone()
    except (OSError, UnicodeError) as error:
        report(unforeseen(error))
    except KeyboardInterrupt:  # Ctrl-C: as click ends the other commands (a new line, status 130), no traceback
        print(file=sys.stderr)
        sys.exit(130)
