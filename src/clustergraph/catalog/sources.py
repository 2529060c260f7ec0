"""Sources: the named graphs of the store, described in the graph ``{base}source/catalogue``."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import NamedNode

from clustergraph.catalog.common import facts, first_text, iris, localised, ordered, paginate, refs, require
from clustergraph.catalog.models import Page, Source
from clustergraph.catalog.query import Catalog, Fragment, compose, integer, with_values
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

SOURCE_CLASS = NamedNode(str(CG.Source))

# Sources by id (their IRIs), the stable order a catalogue of graphs reads well in.
LIST = """
SELECT DISTINCT ?s #BOUND# WHERE {
  #TYPED s cg:Source#
  #FILTERS#
}
"""
EDITORIAL_ONLY = Fragment("?s a ?editorialClass .", ("editorialClass",))

FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s dct:title ?o BIND("title" AS ?key) }
  UNION { ?s schema:url ?o BIND("url" AS ?key) }
  UNION { ?s dct:isPartOf ?o BIND("part_of" AS ?key) }
  UNION { ?s cg:section ?o BIND("section" AS ?key) }
  UNION { ?s cg:accessed ?o BIND("accessed" AS ?key) }
  UNION { ?s a cg:EditorialSource BIND(true AS ?o) BIND("editorial" AS ?key) }
}
"""
# Size of each source's graph.
TRIPLES = """
SELECT ?s (COUNT(*) AS ?n) WHERE { #VALUES# GRAPH ?s { ?x ?p ?o } } GROUP BY ?s
"""


@read
def list_sources(
    cat: Catalog, *, editorial: bool | None = None, limit: int | None = None, offset: int = 0
) -> Page[Source]:
    """The sources by IRI; ``editorial=True`` keeps only the editors' own graphs, ``False`` drops them."""
    active: list = []
    if editorial:
        active.append((EDITORIAL_ONLY, {"editorialClass": NamedNode(str(CG.EditorialSource))}))
    sparql, bindings = compose(LIST, active)
    items = ordered(cat, sparql, **bindings)
    if editorial is False:
        marked = facts(cat, FACTS, items)
        items = [i for i in items if "editorial" not in marked.get(i.value, {})]
    return paginate(items, limit, offset, lambda window: sources(cat, window))


@read
def get_source(cat: Catalog, slug: str) -> Source:
    """One source; raises ``NotFound``."""
    return sources(cat, [require(cat, "source", slug, SOURCE_CLASS, "source")])[0]


def sources(cat: Catalog, source_iris: Sequence[NamedNode]) -> list[Source]:
    values = facts(cat, FACTS, source_iris)
    linked = refs(cat, [t for v in values.values() for t in iris(v, "part_of")])
    rows = cat.select(with_values(TRIPLES, "s", source_iris)) if source_iris else []
    sizes = {row["s"].value: integer(row.get("n")) for row in rows}
    out = []
    for iri in source_iris:
        v = values.get(iri.value, {})
        parts = iris(v, "part_of")
        out.append(
            Source(
                id=cat.id_of(iri.value),
                iri=iri.value,
                title=localised(v.get("title", [])),
                url=first_text(v, "url"),
                part_of=linked[parts[0].value] if parts else None,
                section=first_text(v, "section"),
                accessed=first_text(v, "accessed"),
                editorial="editorial" in v,
                triples=sizes.get(iri.value, 0),
            )
        )
    return out
