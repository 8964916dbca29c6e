"""`python -m smekg ARGS` in a child process, as a user runs it, importing the same smekg as the tests; or the same
entry point in this process, for tests of what a command reports rather than of how its process behaves."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import chdir, contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from unittest import mock

from smekg import entry


def child_env(**extra: str) -> dict[str, str]:
    """This environment with PYTHONPATH made absolute (the child may run elsewhere), plus extra variables; without
    PYTHONDONTWRITEBYTECODE (which some machines set), so that the first child caches smekg's compiled modules for the
    others instead of each compiling them again (0.3-0.4 s a start)."""
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in paths if p), **extra}


def command(*args: object) -> list[str]:
    return [sys.executable, "-m", "smekg", *map(str, args)]


def smekg(
    *args: object, env: dict[str, str] | None = None, timeout: float = 600, **kwargs
) -> subprocess.CompletedProcess[str]:
    """Run smekg and wait; `timeout` is only a generous did-not-hang bound."""
    return subprocess.run(
        command(*args), env=env or child_env(), capture_output=True, text=True, timeout=timeout, **kwargs
    )


def smekg_started(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start smekg without waiting for it; its output is piped."""
    return subprocess.Popen(
        command(*args), env=env or child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def smekg_in_process(
    *args: object, setenv: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `smekg ARGS` through its entry point (smekg.entry.run) in this process, with the variables in setenv set
    and in the folder cwd: its exit status, stdout and stderr, as smekg() gives them (and monkeypatched faults
    apply). Without a child's start and imports (about 0.3 s); not for what needs a real process: signals, kills,
    a PATH for the children, os._exit (which ends a read-only command: here it is a plain exit 0)."""
    out, err = captured(), captured()
    with (
        command_line(args),
        mock.patch.dict(os.environ, setenv or {}),
        chdir(cwd or Path.cwd()),
        redirect_stdout(out),
        redirect_stderr(err),
        mock.patch.object(entry, "exit_at_once", side_effect=SystemExit(0)),
    ):
        status = exit_status(entry.run)
    return subprocess.CompletedProcess(["smekg", *map(str, args)], status, text(out), text(err))


def captured() -> io.TextIOWrapper:
    """A text stream with a binary buffer behind it, as sys.stdout has."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


def exit_status(entry) -> int:
    """The status the process would end with: 0 if entry returns, else that of the SystemExit it raises (a message
    instead of a status is printed on stderr and is status 1, as Python does)."""
    try:
        entry()
    except SystemExit as exited:
        if exited.code is None or isinstance(exited.code, int):
            return exited.code or 0
        print(exited.code, file=sys.stderr)
        return 1
    return 0


@contextmanager
def command_line(args: tuple[object, ...]) -> Iterator[None]:
    """sys.argv as `smekg ARGS` sees it, and SIGTERM's handler (smekg.entry.run sets its own) restored afterwards."""
    argv, handler = sys.argv, signal.getsignal(signal.SIGTERM)
    sys.argv = ["smekg", *map(str, args)]
    try:
        yield
    finally:
        sys.argv = argv
        signal.signal(signal.SIGTERM, handler)


def site_in_child(release_dir: Path, out: Path, seed: str) -> Path:
    """`smekg site` run in a child process with that hash seed (Oxigraph seeds its own hash maps at random in each
    process); the folder it wrote."""
    result = smekg("site", "--release", release_dir, "--out", out, env=child_env(PYTHONHASHSEED=seed))
    assert result.returncode == 0, result.stderr
    return out
