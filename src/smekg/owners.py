"""Temporary files and folders named after the process that made them, so that what a killed build left
behind can be recognised and removed without touching anything a running process still uses."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

REASON_PREFIX = "smekg-reason-"  # the reasoning's temporary folders, + the build's process id (tagged)


def tagged(prefix: str) -> str:
    """prefix followed by this process's id and a dash, e.g. 'smekg-reason-4711-'."""
    return f"{prefix}{os.getpid()}-"


def owner_pid(name: str, prefix: str) -> int | None:
    """The process id in a name made by tagged(prefix) (or prefix + pid alone); None for any other name."""
    match = re.fullmatch(re.escape(prefix) + r"(\d+)(-.*)?", name, re.S)
    return int(match.group(1)) if match else None


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (a process of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_dead_owners_folders(parent: Path, prefix: str) -> None:
    """Remove the folders in parent named tagged(prefix) by a process that no longer runs, if they are ours
    (owned by this user, not links, the process id followed by a dash as tagged() writes it)."""
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        pid = owner_pid(entry.name, prefix)
        if pid is None or not entry.name.startswith(f"{prefix}{pid}-") or process_alive(pid):
            continue
        if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.getuid():
            shutil.rmtree(entry.path, ignore_errors=True)
