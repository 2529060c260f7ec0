"""Search over clusters and actors by name, technology or city."""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal

from clustergraph.namespaces import sparql_prologue
from clustergraph.pages.labels import fetch_names
from clustergraph.pages.urls import Urls
from clustergraph.store.base import Store

MAX_QUERY_LENGTH = 200
MAX_HITS = 200

# ?q is bound by substitution (never pasted in); ?why says what matched.
SEARCH = (
    sparql_prologue()
    + """SELECT DISTINCT ?q ?r ?kind ?why ?text WHERE {
  {
    ?r a/rdfs:subClassOf* cg:Cluster . BIND("cluster" AS ?kind)
  } UNION {
    ?r a/rdfs:subClassOf* org:Organization .
    FILTER NOT EXISTS { ?r a/rdfs:subClassOf* cg:Cluster }
    BIND("actor" AS ?kind)
  }
  {
    ?r skos:prefLabel|skos:altLabel|cg:shortName|rdfs:label ?text . BIND("name" AS ?why)
  } UNION {
    ?r cg:technology/(skos:prefLabel|skos:altLabel) ?text . BIND("technology" AS ?why)
  } UNION {
    ?r cg:basedIn/(skos:prefLabel|skos:altLabel|schema:name) ?text . BIND("city" AS ?why)
  }
  FILTER(CONTAINS(LCASE(STR(?text)), LCASE(STR(?q))))
}"""
)
_WHY_ORDER = {"name": 0, "technology": 1, "city": 2}


@dataclass
class Hit:
    iri: str
    label: str
    href: str | None
    kind: str  # "cluster" or "actor"
    matches: list[tuple[str, str]] = field(default_factory=list)  # (why, matched text)


def search(store: Store, text: str, *, lang: str, urls: Urls) -> list[Hit]:
    """Clusters first, then actors, whose name, technology or city contains ``text`` (any case).

    Raises ``ValueError`` for an empty or over-long search text.
    """
    needle = " ".join(text.split())
    if not needle:
        raise ValueError("the search text is empty")
    if len(needle) > MAX_QUERY_LENGTH:
        raise ValueError(f"the search text is longer than {MAX_QUERY_LENGTH} characters")
    found: dict[str, Hit] = {}
    for row in store.query(SEARCH, substitutions={"q": Literal(needle)}):
        iri = row["r"].value
        hit = found.setdefault(iri, Hit(iri, "", None, row["kind"].value))
        match = (row["why"].value, row["text"].value)
        if match not in hit.matches:
            hit.matches.append(match)
    names = fetch_names(store, found, lang)
    for hit in found.values():
        hit.label = names.label(hit.iri)
        hit.href = urls.page(hit.iri, described=True)
        hit.matches.sort(key=lambda m: (_WHY_ORDER.get(m[0], 9), m[1]))
    hits = sorted(
        found.values(),
        key=lambda h: (h.kind != "cluster", min(_WHY_ORDER.get(w, 9) for w, _ in h.matches), h.label.casefold()),
    )
    return hits[:MAX_HITS]
