"""smekg: an OWL ontology and knowledge graph of research on SME internationalization.

Scripts use the same functions as the command line::

    from smekg import build, run_query
    build()
    rows = run_query("theories-explaining-collaboration")
"""

from .build import BuildResult, build, validate
from .errors import Finding, SmekgError
from .query import Store, list_queries, run_query
from .sources import Project
from .stats import graph_stats

__all__ = [
    "BuildResult",
    "Finding",
    "Project",
    "SmekgError",
    "Store",
    "build",
    "graph_stats",
    "list_queries",
    "run_query",
    "validate",
]
