"""Media types of SPARQL results and RDF, and HTTP content negotiation over them (RFC 9110 §12.5.1)."""

from __future__ import annotations

import pyoxigraph as ox

RESULT_FORMATS = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
RDF_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.JSON_LD, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.RDF_XML)


def bare(media: str) -> str:
    """A media type without its parameters: text/csv for 'text/csv; charset=utf-8'."""
    return media.split(";")[0].strip().lower()


# SPARQL results of a SELECT or ASK query by media type, in the server's order of preference. application/json is
# an alias that many clients send; the answer is SPARQL JSON results either way.
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    bare(RESULT_FORMATS[0].media_type): RESULT_FORMATS[0],
    "application/json": RESULT_FORMATS[0],
    **{bare(f.media_type): f for f in RESULT_FORMATS[1:]},
}
# RDF graphs (CONSTRUCT and DESCRIBE answers, descriptions of an IRI), in the server's order of preference, and the
# file extension of the document that holds each.
RDF_TYPES: dict[str, ox.RdfFormat] = {f.media_type: f for f in RDF_FORMATS}
RDF_EXTENSIONS: dict[str, str] = {f.file_extension: f.media_type for f in RDF_FORMATS}


def content_type(media: str) -> str:
    """The Content-Type header for a media type: a text format says it is UTF-8."""
    return media if ";" in media or not media.startswith("text/") else f"{media}; charset=utf-8"


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their weights; no header (or an empty one) accepts anything."""
    ranges = []
    for part in (header or "*/*").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            continue
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        ranges.append((media.lower(), weight))
    return ranges or [("*/*", 1.0)]


def weight(ranges: list[tuple[str, float]], offer: str) -> float:
    """The weight the client gives a media type: that of the most specific range matching it (0 if none does)."""
    kind = offer.split("/")[0]
    best, specificity = 0.0, -1
    for media, q in ranges:
        level = 2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
        if level > specificity:
            best, specificity = q, level
    return best if specificity >= 0 else 0.0


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (ties go to the earlier offer); None when it accepts none of them."""
    ranges = parse_accept(header)
    scored = [(weight(ranges, offer), -index, offer) for index, offer in enumerate(offers)]
    best = max(scored, default=(0.0, 0, None))
    return best[2] if best[0] > 0 else None
