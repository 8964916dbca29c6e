"""Starting Java (HermiT, the OWL API gate): find it or say what to install, and make the JVM die with smekg."""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import fail

INSTALL = "install a Java runtime, version 11 or later (Debian: apt-get install default-jre-headless)"
COMPILE_TIMEOUT = 300  # seconds
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def java_command(step: str) -> str:
    """The java executable on PATH, or a SmekgError saying what to install."""
    java = shutil.which("java")
    if java is None:
        raise fail(step, "PATH", f"no `java` program on PATH; {INSTALL}", "java")
    return java


def compiled(source: Path, cp: str, step: str) -> list[str]:
    """How java runs a one-file program: its class, compiled once per source, classpath and Java into the user's
    cache (each start then saves the ~2 s of CPU the source-file launcher spends compiling), or the source file
    itself where the cache cannot be written."""
    java = java_command(step)
    key = hashlib.sha256(source.read_bytes() + os.path.realpath(java).encode() + cp.encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "smekg" / f"{source.stem}-{key}"
    if not (cache / f"{source.stem}.class").is_file():
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=cache.parent) as tmp:
                javac = [java, "-m", "jdk.compiler/com.sun.tools.javac.Main", "-nowarn", "-d", tmp, "-cp", cp]
                subprocess.run([*javac, str(source)], capture_output=True, check=True, timeout=COMPILE_TIMEOUT)
                os.replace(tmp, cache)
        except (OSError, subprocess.SubprocessError):
            return ["-cp", cp, str(source)]
    return ["-cp", f"{cp}:{cache}", source.stem]


def dies_with_parent() -> Callable[[], None] | None:
    """A subprocess preexec_fn that has Linux kill the child (SIGKILL) as soon as this process dies, however it
    dies (kill -9 included); None on other systems.

    Linux ties the signal to the thread that starts the child: start Java from a thread that outlives it."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: the child only calls it
    parent = os.getpid()

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)

    return arm
