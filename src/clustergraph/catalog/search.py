"""Search over the names of clusters, actors, fields, technologies, programmes, events, initiatives.

A resource matches when the text occurs (case-insensitively) in one of its names, or, for
clusters and actors, in the name of a technology, innovation field or
city they are tied to. SPARQL finds every match; the ranking puts the best match of each
resource first:

1. how the text matches: the whole name, the start of the name, the start of a word, anywhere;
2. what matched: its name, short name, other name, then a technology, field or city;
3. the kind: clusters, actors, innovation fields, technologies, programmes, initiatives, events;
4. the name, then the IRI (so the order is stable).
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.common import display_name, names_of, paginate
from clustergraph.catalog.models import Page, SearchHit
from clustergraph.catalog.query import Catalog, with_values
from clustergraph.catalog.reads import read

# Kind (API name) → class, in ranking order.
KINDS: dict[str, str] = {
    "cluster": "cg:Cluster",
    "organisation": "cg:Actor",
    "innovation-field": "cg:InnovationField",
    "technology": "cg:Technology",
    "programme": "cg:FundingProgramme",
    "initiative": "cg:Initiative",
    "event": "cg:Event",
}
FIELDS = ("name", "short_name", "alt_name", "technology", "innovation_field", "city")

# Every name that contains ?q, and what it is the name of.
SEARCH = """
SELECT ?s ?field ?text ?q WHERE {
  {
    { ?s skos:prefLabel ?text BIND("name" AS ?field) }
    UNION { ?s cg:shortName ?text BIND("short_name" AS ?field) }
    UNION { ?s skos:altLabel ?text BIND("alt_name" AS ?field) }
    UNION { ?s cg:technology/(skos:prefLabel|skos:altLabel) ?text BIND("technology" AS ?field) }
    UNION { ?s cg:innovationField/(skos:prefLabel|skos:altLabel) ?text BIND("innovation_field" AS ?field) }
    UNION { ?s cg:basedIn/(skos:prefLabel|skos:altLabel) ?text BIND("city" AS ?field) }
  }
  FILTER(CONTAINS(LCASE(STR(?text)), LCASE(?q)))
}
"""
# The types of the matches, mapped to kinds in Python with the class closures (a second
# query: asked together with the text match, the engines would type every resource first).
TYPES_OF = """
SELECT ?s ?type WHERE {
  #VALUES#
  ?s a ?type .
}
"""


@read
def search(cat: Catalog, q: str, *, kind: str | None = None, limit: int | None = None, offset: int = 0) -> Page[SearchHit]:
    """Resources whose names (or whose technologies', fields' or cities' names) contain ``q``.

    One hit per resource, its best match; ranked as the module docstring says.
    """
    rows = cat.select(SEARCH, q=Literal(q))
    matched = list({row["s"].value: row["s"] for row in rows if isinstance(row.get("s"), NamedNode)}.values())
    kind_of_class = {}
    for name, cls in reversed(KINDS.items()):  # a class under two kinds counts as the first
        kind_of_class.update({c.value: name for c in cat.classes(cls)})
    kinds: dict[str, str] = {}
    for row in cat.select(with_values(TYPES_OF, "s", matched)) if matched else []:
        hit_kind = kind_of_class.get(row["type"].value)
        if hit_kind is None:
            continue
        # A resource of several kinds is listed as the first kind in ranking order.
        if row["s"].value not in kinds or list(KINDS).index(hit_kind) < list(KINDS).index(kinds[row["s"].value]):
            kinds[row["s"].value] = hit_kind
    needle = q.casefold()
    best: dict[str, tuple[tuple, dict]] = {}
    for row in rows:
        s, field, found = row.get("s"), row.get("field"), row.get("text")
        if not isinstance(s, NamedNode) or field is None or found is None or s.value not in kinds:
            continue
        hit_kind = kinds[s.value]
        if kind is not None and hit_kind != kind:
            continue
        rank = (_quality(needle, found.value), FIELDS.index(field.value), list(KINDS).index(hit_kind))
        candidate = {"iri": s, "kind": hit_kind, "field": field.value, "text": found.value, "lang": found.language or None}
        # The same text in two languages: the language decides, not the order the store gives rows in.
        key = (rank, found.value, found.language or "")
        if s.value not in best or key < (best[s.value][0], best[s.value][1]["text"], best[s.value][1]["lang"] or ""):
            best[s.value] = (rank, candidate)
    names = names_of(cat, [c["iri"] for _, c in best.values()])
    ranked = sorted(
        best.values(),
        key=lambda item: (item[0], (display_name(names.get(item[1]["iri"].value)) or "").casefold(), item[1]["iri"].value),
    )
    hits = [
        SearchHit(
            id=cat.id_of(c["iri"].value),
            iri=c["iri"].value,
            kind=c["kind"],
            name=display_name(names.get(c["iri"].value)) or cat.id_of(c["iri"].value),
            matched_field=c["field"],
            matched_text=c["text"],
            matched_lang=c["lang"],
        )
        for _, c in ranked
    ]
    return paginate(hits, limit, offset, list)


def _quality(needle: str, found: str) -> int:
    """0 whole name, 1 start of the name, 2 start of a word, 3 anywhere."""
    hay = found.casefold()
    if hay == needle:
        return 0
    if hay.startswith(needle):
        return 1
    if re.search(r"(?<![\w])" + re.escape(needle), hay):
        return 2
    return 3
