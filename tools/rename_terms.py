"""Rename terms of the edit module OBO-style (issue 19): for each line OLD<TAB>NEW<TAB>WHY of tools/renames.tsv
(local names in smekg's namespace), smekg:OLD's block in ontology/smekg.ttl becomes smekg:NEW's, smekg:OLD stays
declared as a deprecated class (owl:deprecated true, dcterms:isReplacedBy smekg:NEW, labelled "obsolete …") so that
nothing linking to it breaks, and every use of smekg:OLD in the knowledge files and the canned queries
(queries/*.rq) becomes smekg:NEW. The Turtle sources are then laid out in canonical form (as `smekg fmt` does).

Run from the repository root, e.g. after merging branches that still use an old IRI:
`PYTHONPATH=src python tools/rename_terms.py [--dry-run]`. A rename already made in the edit module (smekg:NEW has
its block) is not made again there; uses of smekg:OLD elsewhere are always replaced, so a second run changes nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from smekg.canonical import format_sources
from smekg.safeio import atomic_write
from smekg.sources import Project
from smekg.vocab import SMEKG

STEP = "renaming terms"


@dataclass(frozen=True)
class Rename:
    old: str
    new: str
    why: str


def read_renames(path: Path) -> list[Rename]:
    """The renames of the mapping file (comments and blank lines skipped); ValueError for a malformed line."""
    renames = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not all(re.fullmatch(r"[A-Za-z][\w-]*", p) for p in parts[:2]):
            raise ValueError(f"{path}:{number}: expected OLD<TAB>NEW<TAB>WHY with local names, got {line!r}")
        renames.append(Rename(*parts))
    return renames


def uses(name: str) -> re.Pattern[str]:
    """A use of smekg:NAME, prefixed or as a full IRI, as a whole token."""
    return re.compile(rf"smekg:{re.escape(name)}(?![\w-])|<{re.escape(str(SMEKG) + name)}>")


def block(text: str, name: str) -> re.Match[str] | None:
    """The canonical block of subject smekg:NAME (its line, its predicates, the closing '.')."""
    return re.search(rf"^smekg:{re.escape(name)}\n(?:.*\n)*?\.\n", text, re.M)


def quoted(text: str) -> str:
    """text escaped for a Turtle string between double quotes."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def obsolete(rename: Rename, label: str) -> str:
    """The deprecated class that keeps the old IRI (label as written in the module, already escaped)."""
    why = quoted(rename.why)
    return (
        f"\nsmekg:{rename.old}\n    a owl:Class ;\n"
        f'    rdfs:label "obsolete {label}"@en ;\n'
        f"    dcterms:isReplacedBy smekg:{rename.new} ;\n"
        "    dcterms:source <https://w3id.org/smekg/ontology> ;\n"
        '    owl:deprecated "true"^^xsd:boolean ;\n'  # as Protégé (the OWL API) writes it
        f'    skos:definition "Obsolete: the former IRI of the class now named smekg:{rename.new}; use that."@en ;\n'
        f'    skos:editorialNote "Renamed (tools/renames.tsv): {why}. The IRI stays, deprecated, so that '
        'nothing linking to it breaks."@en ;\n.\n'
    )


def rename_in_module(text: str, rename: Rename) -> str:
    """The edit module with smekg:OLD's block renamed and the old IRI kept as a deprecated class; unchanged if
    smekg:NEW has its block already (renamed before) or smekg:OLD has none."""
    found = block(text, rename.old)
    if block(text, rename.new) or not found:
        return text
    label = re.search(r'^    rdfs:label "(.*)"@en ;$', found.group(0), re.M)
    text = uses(rename.old).sub(f"smekg:{rename.new}", text)
    return text + obsolete(rename, label.group(1) if label else rename.old)


def rename_uses(text: str, rename: Rename) -> str:
    return uses(rename.old).sub(f"smekg:{rename.new}", text)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--mapping", type=Path, default=Path("tools/renames.tsv"), help="the OLD<TAB>NEW<TAB>WHY file")
    options.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    args = options.parse_args(argv)
    project = Project.find()
    renames = read_renames(project.root / args.mapping)
    paths = [project.ontology, *sorted(project.knowledge_dir.glob("*.ttl")), *sorted(project.queries_dir.glob("*.rq"))]
    for path in paths:
        before = path.read_text(encoding="utf-8")
        after = before
        for rename in renames:
            after = rename_in_module(after, rename) if path == project.ontology else rename_uses(after, rename)
        if after != before:
            print(f"{'would rewrite' if args.dry_run else 'rewrote'} {path.relative_to(project.root)}")
            if not args.dry_run:
                atomic_write(path, after, step=STEP)
    if args.dry_run:
        return 0
    _, findings = format_sources(project)
    for finding in findings:
        print(finding, file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
