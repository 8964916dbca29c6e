"""The canned queries on three engines: pyoxigraph (smekg's Store), oxrdflib (rdflib API over Oxigraph) and
rdflib's own SPARQL engine; answers normalised so that engines can be compared row for row."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from smekg import Project, Store, list_queries
from smekg.query import bind_values, bindings, python_value
from smekg.vocab import PREFIXES

ENGINES = ("pyoxigraph", "oxrdflib", "rdflib")
Row = tuple[str, ...]
Canned = tuple[str, str, dict]


def canned_queries(project: Project) -> list[Canned]:
    """Every canned query of the project: its name, its text and its default parameter values (smekg's Store
    binds them as inline VALUES plus Oxigraph substitutions; the rdflib engines get the VALUES)."""
    return [(q.name, q.text, bindings(q, {})) for q in list_queries(project)]


def from_rdflib(term: object) -> object:
    """An rdflib result term as the plain value smekg's Store would have returned (blank nodes as '_:')."""
    if term is None or isinstance(term, BNode):
        return None if term is None else "_:"
    if isinstance(term, URIRef):
        return str(term)
    if term.language:
        return str(term)
    datatype = term.datatype or URIRef("http://www.w3.org/2001/XMLSchema#string")
    return python_value(ox.Literal(str(term), datatype=ox.NamedNode(str(datatype))))


def normal(value: object, lenient: bool = False) -> str:
    """A value in a form equal across engines: floats rounded, GROUP_CONCAT parts sorted; lenient: '' as unbound."""
    if lenient and value == "":
        value = None
    if isinstance(value, float):
        return repr(round(value, 9))
    text = str(value) if value is not None else "∅"
    return " · ".join(sorted(re.split(r"; |, | \| ", text))) if re.search(r"; |, | \| ", text) else text


def normal_rows(rows: list[dict], lenient: bool = False) -> list[Row]:
    """Rows as tuples of normalised values, variables in name order."""
    return [tuple(normal(row[k], lenient) for k in sorted(row)) for row in rows]


def answer_digest(rows: list[Row]) -> str:
    """A hash of the rows as a multiset (order-free)."""
    return hashlib.sha256(repr(sorted(Counter(rows).items())).encode()).hexdigest()[:16]


class OxigraphEngine:
    """smekg's embedded default: Store (bulk_load) and Store.select with substitutions."""

    def __init__(self, path: Path):
        self.store = Store(path)

    def select(self, text: str, values: dict) -> list[dict]:
        return self.store.select(text, values)


class RdflibEngine:
    """rdflib's Graph.query, on its in-memory store (rdflib) or on Oxigraph (oxrdflib)."""

    def __init__(self, path: Path, oxigraph: bool):
        self.graph = Graph(store="Oxigraph") if oxigraph else Graph()
        self.graph.parse(path, format="ox-nt" if oxigraph else "nt")

    def select(self, text: str, values: dict) -> list[dict]:
        result = self.graph.query(bind_values(text, values), initNs=PREFIXES)
        names = [str(v) for v in result.vars]
        return [{n: from_rdflib(row[i]) for i, n in enumerate(names)} for row in result]


def engine_factory(name: str) -> Callable[[Path], OxigraphEngine | RdflibEngine]:
    """The constructor of an engine by name."""
    if name == "pyoxigraph":
        return OxigraphEngine
    return lambda path: RdflibEngine(path, oxigraph=name == "oxrdflib")
