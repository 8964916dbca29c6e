"""The direct view: the claims' relations as plain triples, like Wikidata's truthy triples beside its statements.

For every claim that is not contested and not of no effect, the triple `?subject <relation> ?object` (e.g.
`smekg:BusinessNetwork smekg:provides smekg:MarketKnowledge`). Claim subjects and objects are concept classes,
so these triples would pun them as individuals: the view is its own release artifact (smekg-direct.nt and .ttl),
outside the OWL product, which `smekg query` loads beside the full release. A direct triple is traced back to
the claims behind it by the pattern DIRECT_CLAIMS (or by hand:
`?claim smekg:claimSubject ?s ; smekg:claimRelation ?p ; smekg:claimObject ?o`).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .prefixes import PREFIXES

DIRECT_FILES = ("smekg-direct.nt", "smekg-direct.ttl")

# The claims a direct triple stands for. A question (subject, relation, object) is contested as in
# queries/disagreements.rq: the claims with a direction on the object or on a narrower one (a subclass) point
# in two or more directions, and one of them is on the object itself. A claim of no effect says the relation
# does not hold, so it gives no triple (it still takes part in a disagreement).
DIRECT_CLAIMS = """
SELECT ?claim ?s ?p ?o WHERE {
  ?claim smekg:claimSubject ?s ; smekg:claimRelation ?p ; smekg:claimObject ?o .
  FILTER NOT EXISTS { ?claim smekg:direction smekg:noEffect }
  MINUS {
    SELECT ?s ?p ?o WHERE {
      ?member smekg:direction ?direction ; smekg:claimSubject ?s ; smekg:claimRelation ?p ; smekg:claimObject ?on .
      ?on rdfs:subClassOf* ?o .
    } GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?direction) > 1 && SUM(IF(?on = ?o, 1, 0)) > 0)
  }
}"""

DIRECT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ {DIRECT_CLAIMS} }} }}"


def direct_triples(store: ox.Store) -> list[bytes]:
    """The direct view of the graph in store, as sorted N-Triples lines."""
    triples = store.query(DIRECT, prefixes=PREFIXES)
    return sorted(set(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True)))


def write_direct_view(folder: Path, source: str = "smekg-full.nt") -> int:
    """Write smekg-direct.nt and smekg-direct.ttl into folder, computed from its full release; how many triples."""
    store = ox.Store()
    store.bulk_load(path=str(folder / source), format=ox.RdfFormat.N_TRIPLES)
    lines = direct_triples(store)
    nt, ttl = (folder / name for name in DIRECT_FILES)
    nt.write_bytes(b"".join(lines))
    triples = ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(triples, output=str(ttl), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return len(lines)
