"""smekg: an OWL ontology and knowledge graph of research on SME internationalization.

Scripts use the same functions as the command line::

    from smekg import build, run_query
    build()
    rows = run_query("theories-explaining-collaboration")

The names below are imported when first used, so that `smekg query` loads only what a query needs.
"""

from __future__ import annotations

from importlib import import_module

API = {
    "BuildResult": "build",
    "build": "build",
    "validate": "build",
    "Finding": "errors",
    "SmekgError": "errors",
    "Project": "project",
    "Store": "query",
    "list_queries": "query",
    "run_query": "query",
    "graph_stats": "stats",
}

__all__ = ["__version__", *sorted(API)]


def package_version() -> str:
    """The installed distribution's version (importlib.metadata costs 20 ms: read only when asked)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("smekg")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> object:
    """Import an API name from its module on first use (and read __version__ when first asked)."""
    if name == "__version__":
        return package_version()
    if name not in API:
        raise AttributeError(f"module 'smekg' has no attribute {name!r}")
    value = getattr(import_module(f".{API[name]}", __name__), name)
    globals()[name] = value
    return value
