"""Concepts that clusters are classified by: innovation fields and technologies."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.common import (
    facts,
    identity,
    iris,
    localised,
    make_ref,
    names_of,
    ordered,
    paginate,
    per_version,
    require,
    sorted_refs,
)
from clustergraph.catalog.models import InnovationField, Page, Technology
from clustergraph.catalog.query import Catalog, Fragment, boolean, compose, is_a
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

FIELD_CLASS = NamedNode(str(CG.InnovationField))
TECHNOLOGY_CLASS = NamedNode(str(CG.Technology))

# Concepts of one class by display name; ?class is bound.
LIST = """
SELECT ?s (MIN(?key) AS ?sortKey) ?class #BOUND# WHERE {
  ?s a ?class .
  #FILTERS#
  OPTIONAL { ?s skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?s skos:prefLabel ?de FILTER(LANGMATCHES(LANG(?de), "de")) }
  BIND(LCASE(STR(COALESCE(?en, ?de, ?s))) AS ?key)
}
GROUP BY ?s ?class #BOUND#
"""
BY_TEXT = Fragment(
    """
  FILTER EXISTS {
    ?s skos:prefLabel|skos:altLabel ?text FILTER(CONTAINS(LCASE(STR(?text)), LCASE(?q)))
  }""",
    ("q",),
)

# Facts of innovation fields and technologies. Only clusters count (not organisations that
# also have cg:technology).
FIELD_FACTS = (
    """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s skos:definition|dct:description ?o BIND("description" AS ?key) }
  UNION { ?s cg:isCrossCutting ?o BIND("cross_cutting" AS ?key) }
  UNION { ?o cg:innovationField ?s """
    + is_a("o", "cg:Cluster")
    + """ BIND("cluster" AS ?key) }
}
"""
)
TECHNOLOGY_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s skos:definition|dct:description ?o BIND("description" AS ?key) }
  UNION { ?s skos:broader ?o BIND("broader" AS ?key) }
}
"""
# Every broader/narrower edge between technologies: the hierarchy is small, and its closure is
# computed in Python (Virtuoso refuses a transitive path whose start is bound by VALUES).
BROADER_EDGES = """
SELECT DISTINCT ?narrower ?broader WHERE { ?narrower skos:broader ?broader . ?narrower a cg:Technology }
"""
# The clusters tagged with each technology (the narrower ones are added in Python: a path
# over skos:broader in this query is far slower in pyoxigraph).
TECHNOLOGY_CLUSTERS = (
    """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  ?o cg:technology ?s """
    + is_a("o", "cg:Cluster")
    + """
  BIND("cluster" AS ?key)
}
"""
)


@read
def list_innovation_fields(cat: Catalog, *, q: str | None = None, limit: int | None = None, offset: int = 0) -> Page[InnovationField]:
    """The innovation fields by name, with how many clusters work in each."""
    items = _list(cat, FIELD_CLASS, q)
    return paginate(items, limit, offset, lambda window: innovation_fields(cat, window))


@read
def get_innovation_field(cat: Catalog, slug: str) -> InnovationField:
    """One innovation field; raises ``NotFound``."""
    return innovation_fields(cat, [require(cat, "innovation-field", slug, FIELD_CLASS, "innovation field")])[0]


@read
def list_technologies(cat: Catalog, *, q: str | None = None, limit: int | None = None, offset: int = 0) -> Page[Technology]:
    """The technologies by name, with how many clusters work on each (or on a narrower one)."""
    items = _list(cat, TECHNOLOGY_CLASS, q)
    return paginate(items, limit, offset, lambda window: technologies(cat, window))


@read
def get_technology(cat: Catalog, slug: str) -> Technology:
    """One technology; raises ``NotFound``."""
    return technologies(cat, [require(cat, "technology", slug, TECHNOLOGY_CLASS, "technology")])[0]


def innovation_fields(cat: Catalog, field_iris: Sequence[NamedNode]) -> list[InnovationField]:
    values = facts(cat, FIELD_FACTS, field_iris)
    names = names_of(cat, field_iris)
    out = []
    for iri in field_iris:
        v = values.get(iri.value, {})
        out.append(
            InnovationField(
                **identity(cat, iri, names.get(iri.value)),
                description=localised(v.get("description", [])),
                cross_cutting=any(boolean(t) for t in v.get("cross_cutting", [])),
                cluster_count=len(iris(v, "cluster")),
            )
        )
    return out


def technologies(cat: Catalog, technology_iris: Sequence[NamedNode]) -> list[Technology]:
    values = facts(cat, TECHNOLOGY_FACTS, technology_iris)
    below = narrower(cat)
    narrower_of = {iri.value: [iri, *(NamedNode(n) for n in sorted(below.get(iri.value, ())))] for iri in technology_iris}
    tagged = facts(cat, TECHNOLOGY_CLUSTERS, [t for group in narrower_of.values() for t in group])
    broader = [t for v in values.values() for t in iris(v, "broader")]
    names = names_of(cat, [*technology_iris, *broader])
    out = []
    for iri in technology_iris:
        v = values.get(iri.value, {})
        out.append(
            Technology(
                **identity(cat, iri, names.get(iri.value)),
                description=localised(v.get("description", [])),
                broader=sorted_refs(make_ref(cat, t.value, names.get(t.value)) for t in iris(v, "broader")),
                cluster_count=len({c.value for t in narrower_of[iri.value] for c in iris(tagged.get(t.value, {}), "cluster")}),
            )
        )
    return out


def narrower(cat: Catalog) -> dict[str, set[str]]:
    """For each technology IRI, the IRIs of every technology below it (skos:broader, transitively).

    Read once per store version (``common.per_version``): every technology filter and count asks.
    Callers must not change the sets."""
    return per_version(cat, "vocab.narrower", lambda: _narrower(cat))


def _narrower(cat: Catalog) -> dict[str, set[str]]:
    children: dict[str, set[str]] = {}
    for row in cat.select(BROADER_EDGES):
        children.setdefault(row["broader"].value, set()).add(row["narrower"].value)
    closure: dict[str, set[str]] = {}
    for top in children:
        seen: set[str] = set()
        pending = list(children[top])
        while pending:
            node = pending.pop()
            if node not in seen:
                seen.add(node)
                pending.extend(children.get(node, ()))
        closure[top] = seen - {top}
    return closure


def _list(cat: Catalog, cls: NamedNode, q: str | None) -> list[NamedNode]:
    active = [(BY_TEXT, {"q": Literal(q)})] if q is not None else []
    sparql, bindings = compose(LIST, active)
    return ordered(cat, sparql, **{"class": cls}, **bindings)
