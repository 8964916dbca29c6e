"""Starting Java (HermiT, the OWL API gate): find it or say what to install, and make the JVM die with smekg."""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
from collections.abc import Callable

from .safeio import fail

INSTALL = "install a Java runtime, version 11 or later (Debian: apt-get install default-jre-headless)"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def java_command(step: str) -> str:
    """The java executable on PATH, or a SmekgError saying what to install."""
    java = shutil.which("java")
    if java is None:
        raise fail(step, "PATH", f"no `java` program on PATH; {INSTALL}", "java")
    return java


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
