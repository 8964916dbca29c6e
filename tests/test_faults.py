"""The bad-input and fault matrix: every case ends in a one-line finding naming the file or URL, the entry and
what is wrong, exit 1, with nothing the user wrote changed — never a traceback, never a hang.

One section per area; each test names its case. The data-loss cases live beside their commands' own tests
(test_release_safety, test_canonical, test_linking, test_bibio)."""

from __future__ import annotations

# --- build and release ---------------------------------------------------------------------------------------


# (cases: full disk, read-only release folder, literal over 16 MB, no java on PATH)


# --- bibliography and import ----------------------------------------------------------------------------------


# (cases: non-UTF-8 .bib, CSL-JSON shapes, empty locator, no year/author, year 20x1, unclosed brace)


# --- queries and endpoints ------------------------------------------------------------------------------------


# (cases: non-UTF-8 .rq, CONSTRUCT/ASK, SERVICE, syntax error line, HTML 200, JSON without head, hung server)


# --- linking ---------------------------------------------------------------------------------------------------


# (cases: corrupt cache, wrong-shaped Wikidata answer, hung or dribbling server, oversized answer, redirect port)


# --- console output ----------------------------------------------------------------------------------------------


# (cases: console markup in source text)
