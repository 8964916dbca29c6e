"""`python -m smekg ARGS` in a child process, as a user runs it, importing the same smekg as the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def child_env(**extra: str) -> dict[str, str]:
    """This environment with PYTHONPATH made absolute (the child may run elsewhere), plus extra variables."""
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(str(Path(p).resolve()) for p in paths if p), **extra}


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


def site_in_child(release_dir: Path, out: Path, seed: str) -> Path:
    """`smekg site` run in a child process with that hash seed (Oxigraph seeds its own hash maps at random in each
    process); the folder it wrote."""
    result = smekg("site", "--release", release_dir, "--out", out, env=child_env(PYTHONHASHSEED=seed))
    assert result.returncode == 0, result.stderr
    return out
