"""Cluster-management excellence label awards (Bronze, Silver, Gold)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyoxigraph import NamedNode

from clustergraph.catalog.common import facts, first_text, iris, ordered, paginate, refs, require, sources_of
from clustergraph.catalog.models import LabelAward, Page
from clustergraph.catalog.query import Catalog, Fragment, compose
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

LEVELS: dict[str, NamedNode] = {
    "bronze": NamedNode(str(CG.Bronze)),
    "silver": NamedNode(str(CG.Silver)),
    "gold": NamedNode(str(CG.Gold)),
}
LEVEL_IDS = {iri.value: name for name, iri in LEVELS.items()}

# Awards, newest first (dates as precise as the source compare as text), then by IRI
# (ordered by ``common.ordered``).
LIST = """
SELECT ?s (MAX(STR(?date)) AS ?sortKey) #BOUND# WHERE {
  ?s a cg:LabelAward .
  #FILTERS#
  OPTIONAL { ?s cg:awardDate ?date }
}
GROUP BY ?s #BOUND#
"""
BY_LEVEL = Fragment("?s cg:labelLevel ?level .", ("level",))
BY_CLUSTER = Fragment("?cluster cg:label ?s .", ("cluster",))

FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s cg:labelLevel ?o BIND("level" AS ?key) }
  UNION { ?c cg:label ?s BIND(?c AS ?o) BIND("cluster" AS ?key) }
  UNION { ?s cg:awardedTo ?o BIND("awarded_to" AS ?key) }
  UNION { ?s cg:awardedBy ?o BIND("awarded_by" AS ?key) }
  UNION { ?s cg:labelScheme ?o BIND("scheme" AS ?key) }
  UNION { ?s cg:awardDate ?o BIND("award_date" AS ?key) }
  UNION { ?s cg:validUntil ?o BIND("valid_until" AS ?key) }
}
"""


@read
def list_labels(
    cat: Catalog,
    *,
    level: str | None = None,
    cluster: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page[LabelAward]:
    """Label awards, newest first, optionally of one level or one cluster (by id).

    An unknown cluster id gives an empty page.
    """
    active = []
    if level is not None:
        active.append((BY_LEVEL, {"level": LEVELS[level]}))
    if cluster is not None:
        try:
            active.append((BY_CLUSTER, {"cluster": cat.iri("cluster", cluster)}))
        except ValueError:
            return paginate([], limit, offset, list)
    sparql, bindings = compose(LIST, active)
    items = ordered(cat, sparql, descending=True, **bindings)
    return paginate(items, limit, offset, lambda window: awards(cat, window))


@read
def get_label(cat: Catalog, slug: str) -> LabelAward:
    """One award; raises ``NotFound``."""
    iri = require(cat, "label", slug, NamedNode(str(CG.LabelAward)), "label award")
    return awards(cat, [iri])[0]


def awards(cat: Catalog, award_iris: Sequence[NamedNode]) -> list[LabelAward]:
    """The awards at ``award_iris`` in the given order, with linked names and sources."""
    values = facts(cat, FACTS, award_iris)
    linked = refs(
        cat,
        [*award_iris, *(t for v in values.values() for k in ("cluster", "awarded_to", "awarded_by", "scheme") for t in iris(v, k))],
    )
    sources = sources_of(cat, award_iris)
    out = []
    for iri in award_iris:
        v = values.get(iri.value, {})
        levels = [LEVEL_IDS[t.value] for t in iris(v, "level") if t.value in LEVEL_IDS]
        clusters = iris(v, "cluster")
        schemes = iris(v, "scheme")
        out.append(
            LabelAward(
                id=cat.id_of(iri.value),
                iri=iri.value,
                name=linked[iri.value].name,
                level=levels[0] if levels else None,
                cluster=linked[clusters[0].value] if clusters else None,
                awarded_to=[linked[t.value] for t in iris(v, "awarded_to")],
                awarded_by=[linked[t.value] for t in iris(v, "awarded_by")],
                scheme=linked[schemes[0].value] if schemes else None,
                award_date=first_text(v, "award_date"),
                valid_until=first_text(v, "valid_until"),
                sources=sources.get(iri.value, []),
            )
        )
    return out


def levels_of(level_iris: Iterable[NamedNode]) -> list[str]:
    """Level ids (bronze/silver/gold) in rising order, without duplicates."""
    found = {LEVEL_IDS[t.value] for t in level_iris if t.value in LEVEL_IDS}
    return [name for name in LEVELS if name in found]
