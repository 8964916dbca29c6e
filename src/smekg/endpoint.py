"""Canned queries against any SPARQL 1.1 endpoint (Fuseki, GraphDB, Virtuoso, Oxigraph) over the SPARQL 1.1
Protocol: one POST, a connect timeout, a total deadline and a cap on the answer's size."""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlparse

import pyoxigraph as ox

from .errors import Finding, SmekgError, os_problem
from .prefixes import PREFIXES
from .query import Rows, Term, bind_values, code_only, expect_form, literal_value
from .safeio import Limits, NetworkLimit, read_capped, with_deadline
from .vocab import BASE

if TYPE_CHECKING:
    from .query import Value

USER_AGENT = "smekg/0.1 (SME internationalization knowledge graph; https://w3id.org/smekg/)"
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
T = TypeVar("T")
# What a full release loaded with its direct view answers yes to, by the file that brings it.
RELEASE_MARKERS = {
    "smekg-full.nt": f"ASK {{ <{BASE}smekg-full.owl> a <http://www.w3.org/2002/07/owl#Ontology> }}",
    "smekg-direct.nt": "ASK { ?s <https://w3id.org/smekg/ontology/provides> ?o }",
}
BASE_MARKER = f"ASK {{ <{BASE}smekg-base.owl> a <http://www.w3.org/2002/07/owl#Ontology> }}"
CELL_TYPES = ("uri", "literal", "typed-literal", "bnode")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is reported, not followed: urllib would resend the POSTed query as an empty GET."""

    def redirect_request(self, *args: object) -> None:
        return None


def excerpt(data: bytes | str, size: int = 120) -> str:
    """The start of an answer on one line, for a finding."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    flat = " ".join(text.split())
    return repr(flat[:size] + ("…" if len(flat) > size else ""))


def json_value(cell: object) -> Value:
    """A SPARQL JSON results cell as the same plain Python value the embedded store gives.

    A cell that is not an object with a known type, a string value and a string datatype is a ValueError."""
    if cell is None:
        return None
    if (
        not isinstance(cell, dict)
        or cell.get("type") not in CELL_TYPES
        or not isinstance(cell.get("value"), str)
        or not isinstance(cell.get("datatype", ""), str)
    ):
        raise ValueError(
            f"a cell must be an object with a type ({', '.join(CELL_TYPES)}) and a string value, not "
            f"{excerpt(json.dumps(cell))}"
        )
    if cell["type"] in ("uri", "bnode"):
        return cell["value"]
    datatype = cell.get("datatype") or ("http://www.w3.org/2001/XMLSchema#string" if "xml:lang" not in cell else None)
    return literal_value(cell["value"], datatype)


def results_table(data: object) -> Rows:
    """SPARQL 1.1 JSON results of a SELECT query as Rows; any other shape is a ValueError saying what is wrong."""
    head = data.get("head") if isinstance(data, dict) else None
    columns = head.get("vars") if isinstance(head, dict) else None
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ValueError("the JSON has no head.vars list: it is not the answer to a SELECT query")
    results = data.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list):
        raise ValueError("the JSON has no results.bindings list")
    rows = []
    for number, binding in enumerate(bindings, start=1):
        if not isinstance(binding, dict):
            raise ValueError(f"row {number} is not an object but {excerpt(json.dumps(binding))}")
        try:
            rows.append({c: json_value(binding.get(c)) for c in columns})
        except ValueError as err:
            raise ValueError(f"row {number}: {err}") from None
    return Rows(columns, rows)


DECLARED_PREFIX = re.compile(r"\bPREFIX\s+([\w.-]*):", re.I)


def undeclared_prefixes(text: str) -> str:
    """Declarations of smekg's prefixes the query does not declare itself, on one line to go before its first."""
    declared = set(DECLARED_PREFIX.findall(code_only(text)))
    return "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items() if p not in declared)


def truth(data: object) -> bool:
    """The boolean of SPARQL JSON results to an ASK query; any other shape is a ValueError."""
    if not isinstance(data, dict) or not isinstance(data.get("boolean"), bool):
        raise ValueError("the JSON has no boolean: it is not the answer to an ASK query")
    return data["boolean"]


class Endpoint:
    """A remote SPARQL endpoint with the same select() as the embedded Store."""

    def __init__(self, url: str, limits: Limits | None = None):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SmekgError("query", [Finding("", 0, url, "the endpoint must be an http(s) URL")])
        self.url = url
        self.limits = limits or Limits()
        self.opener = urllib.request.build_opener(NoRedirects)
        self.checked = False

    def problem(self, message: str, entry: str = "") -> SmekgError:
        return SmekgError("query", [Finding(self.url, 0, entry, message)])

    def send(
        self, text: str, forms: tuple[str, ...], values: dict[str, Term] | None, origin: str, entry: str, accept: str
    ) -> bytes:
        """Send a query of one of these forms, with smekg's prefixes it does not declare (on its first line, so the
        endpoint's error messages give the file's own lines) and parameters bound as inline data; once per
        endpoint, first check that it holds the full release."""
        expect_form(text, forms, origin, entry)
        if not self.checked:
            self.check_release(entry)
        return self.fetch(undeclared_prefixes(text) + bind_values(text, values or {}, origin, entry), entry, accept)

    def json_answer(self, body: bytes, read: Callable[[object], T], entry: str) -> T:
        try:
            return read(json.loads(body))
        except ValueError as err:  # also a JSONDecodeError or UnicodeDecodeError
            raise self.problem(f"not SPARQL JSON results: {err}; the answer begins {excerpt(body)}", entry) from None

    def select(self, text: str, values: dict[str, Term] | None = None, origin: str = "", entry: str = "") -> Rows:
        """The rows of a SELECT query, as the embedded Store gives them."""
        body = self.send(text, ("SELECT",), values, origin, entry, RESULTS_JSON)
        return self.json_answer(body, results_table, entry)

    def ask(self, text: str, values: dict[str, Term] | None = None, origin: str = "", entry: str = "") -> bool:
        """The answer to an ASK query."""
        return self.json_answer(self.send(text, ("ASK",), values, origin, entry, RESULTS_JSON), truth, entry)

    def construct(
        self, text: str, values: dict[str, Term] | None = None, origin: str = "", entry: str = ""
    ) -> list[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query (asked for as N-Triples)."""
        body = self.send(text, ("CONSTRUCT", "DESCRIBE"), values, origin, entry, N_TRIPLES)
        try:
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as err:
            raise self.problem(f"not N-Triples: {err}; the answer begins {excerpt(body)}", entry) from None

    def check_release(self, entry: str) -> None:
        """The endpoint must hold the full release and its direct view, or queries answer wrongly (the base release
        has no inferred types), so silently: say what to load instead. An endpoint that cannot answer an ASK
        query is left to fail on the query itself, with that query's finding."""
        self.checked = True
        try:
            missing = [name for name, ask in RELEASE_MARKERS.items() if not truth(json.loads(self.fetch(ask, entry)))]
            held = bool(missing) and truth(json.loads(self.fetch(BASE_MARKER, entry)))
        except ValueError:
            return
        if missing:
            holds = "the base release (smekg-base), not the full one" if held else "no smekg release"
            message = (
                f"the endpoint holds {holds}: load {' and '.join(missing)} from `smekg build`'s release folder into "
                "its default graph (the graph the queries read)"
            )
            raise self.problem(message, entry)

    def fetch(self, query: str, entry: str, accept: str = RESULTS_JSON) -> bytes:
        """The body of the endpoint's answer to the query in the accepted format, within the limits; any fault is a
        finding."""
        deadline = time.monotonic() + self.limits.total
        try:
            kind, body = self.post(query, deadline, accept)
        except (OSError, http.client.HTTPException, NetworkLimit) as err:
            raise self.problem(self.failure(err, deadline), entry) from None
        expected, wanted = ("json", "SPARQL JSON results") if accept == RESULTS_JSON else ("triples", "N-Triples")
        if kind and expected not in kind:
            raise self.problem(f"answered {kind}, not {wanted}; the answer begins {excerpt(body)}", entry)
        return body

    def post(self, query: str, deadline: float, accept: str) -> tuple[str, bytes]:
        """A SPARQL 1.1 Protocol POST: the answer's Content-Type and body, read by the deadline and within the cap."""
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": accept, "User-Agent": USER_AGENT},
            method="POST",
        )
        limits = self.limits
        # The socket timeout bounds connecting and each read; the total deadline alone decides when it is shorter.
        opened = with_deadline(lambda: self.opener.open(request, timeout=limits.connect), limits.total)
        with opened as response:
            return response.headers.get("Content-Type", ""), read_capped(response, deadline, limits.max_bytes)

    def failure(self, err: OSError | http.client.HTTPException | NetworkLimit, deadline: float) -> str:
        """A network fault in words, naming the limit that was reached."""
        limits = self.limits
        if isinstance(err, urllib.error.HTTPError):
            return self.refusal(err, deadline)
        if isinstance(err, NetworkLimit):
            return f"{err} (--timeout {limits.total:g} s, --max-answer {limits.max_bytes:,} bytes)"
        if isinstance(err, urllib.error.URLError):
            return f"cannot reach the endpoint: {err.reason}"
        if isinstance(err, TimeoutError):
            return f"the endpoint sent nothing for {limits.connect:g} s (--connect-timeout)"
        problem = os_problem(err) if isinstance(err, OSError) else f"{type(err).__name__} {err}"
        return f"the connection failed: {problem}"

    def refusal(self, err: urllib.error.HTTPError, deadline: float) -> str:
        """An HTTP error status in words, with the start of the server's explanation."""
        if 300 <= err.code < 400:
            return f"answered HTTP {err.code}, a redirect to {err.headers.get('Location')}; give that URL instead"
        try:
            said = with_deadline(lambda: err.read(2000), max(deadline - time.monotonic(), 0.1))
        except (NetworkLimit, OSError, http.client.HTTPException):
            said = b""
        return f"answered HTTP {err.code} {err.reason}" + (f": {excerpt(said, 300)}" if said.strip() else "")
