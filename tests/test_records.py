"""Bibliographic records in the release read as plain text: no BibTeX markup leaks into a literal (issue 19)."""

from __future__ import annotations

import re

import pytest

from smekg.bibliography import plain

MARKUP = re.compile(r"\\[&%$#_{}]|\\[a-zA-Z]+\{|\{\\|[{}]")


@pytest.mark.parametrize(
    ("bibtex", "text"),
    [
        (r"Marketing Intelligence \& Planning", "Marketing Intelligence & Planning"),
        (r"{OECD} {SME} and Entrepreneurship Outlook", "OECD SME and Entrepreneurship Outlook"),
        (r"Ac{\'e}ntos, \"{o}, 50\% off", "Acéntos, ö, 50% off"),
        ("already plain – é", "already plain – é"),
    ],
)
def test_plain_decodes_latex_escapes_and_strips_braces(bibtex, text):
    assert plain(bibtex) == text


def test_no_literal_of_the_release_carries_bibtex_markup(release):
    """The .bib files write `\\&` (8 literals of 4 works did carry it into the RDF)."""
    marked = [
        line
        for line in (release.release_dir / "smekg-base.nt").read_text(encoding="utf-8").splitlines()
        if line.startswith("<https://w3id.org/smekg/work/") and '"' in line and MARKUP.search(line.split('"', 1)[1])
    ]
    assert marked == []
