"""Files shipped inside the smekg package, found with importlib.resources: the Java programs, the shipped rules and,
in an installed wheel, `data/` — a copy of the project as released (its built release, queries, shapes, quality
profile and curated sources), which smekg answers from outside a checkout. The wheel build puts it there (setup.py)."""

from __future__ import annotations

from pathlib import Path

DATA = "data"


def package_path(*parts: str) -> Path:
    """A file or folder shipped in the smekg package, as a path on disk (a wheel installs the package as files)."""
    from importlib.resources import files  # here, not at the top: it costs a one-shot `smekg query` 5 ms

    return Path(str(files("smekg").joinpath(*parts)))


def shipped_root() -> Path | None:
    """The project copy an installed wheel ships, or None (a checkout, an editable install)."""
    root = package_path(DATA)
    return root if (root / "release").is_dir() and (root / "queries").is_dir() else None
