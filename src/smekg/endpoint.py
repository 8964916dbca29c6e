"""Canned queries against any SPARQL 1.1 endpoint (Fuseki, GraphDB, Virtuoso, Oxigraph) via SPARQLWrapper."""

from __future__ import annotations

from urllib.parse import urlparse

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .errors import Finding, SmekgError
from .query import COMMENT_LINE, Rows, Value, bind_values, literal_value, refuse_non_select
from .vocab import PREFIXES

USER_AGENT = "smekg/0.1 (SME internationalization knowledge graph; https://w3id.org/smekg/)"


def json_value(cell: dict | None) -> Value:
    """A SPARQL JSON results cell as the same plain Python value the embedded store gives."""
    if cell is None:
        return None
    if cell["type"] == "uri":
        return cell["value"]
    if cell["type"] == "bnode":
        return cell["value"]
    datatype = cell.get("datatype") or ("http://www.w3.org/2001/XMLSchema#string" if "xml:lang" not in cell else None)
    return literal_value(cell["value"], datatype)


class Endpoint:
    """A remote SPARQL endpoint with the same select() as the embedded Store."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise SmekgError("query", [Finding("", 0, url, "the endpoint must be an http(s) URL")])
        self.url = url

    def select(
        self,
        text: str,
        values: dict[str, ox.NamedNode | ox.Literal] | None = None,
        origin: str = "",
        entry: str = "",
    ) -> Rows:
        """Send the query with our prefixes declared and parameters bound as inline data.

        Header comments are dropped: SPARQLWrapper guesses the query form from the text and would
        take a comment's 'describe' for a DESCRIBE query."""
        refuse_non_select(text, origin, entry)
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        client = SPARQLWrapper(self.url, agent=USER_AGENT)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        body = COMMENT_LINE.sub("", bind_values(text, values or {}))
        client.setQuery(header + body)
        try:
            result = client.queryAndConvert()
        except (SPARQLWrapperException, OSError) as err:
            raise SmekgError("query", [Finding(self.url, 0, "", f"endpoint error: {err}")]) from err
        columns = result["head"]["vars"]
        rows = [{c: json_value(b.get(c)) for c in columns} for b in result["results"]["bindings"]]
        return Rows(columns, rows)
