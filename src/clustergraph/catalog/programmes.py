"""Funding programmes and the clusters that take part in them."""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.common import (
    facts,
    first_text,
    identity,
    iris,
    localised,
    names_of,
    ordered,
    paginate,
    refs,
    require,
    sorted_refs,
)
from clustergraph.catalog.models import Page, Programme
from clustergraph.catalog.query import Catalog, Fragment, compose
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

PROGRAMME_CLASS = NamedNode(str(CG.FundingProgramme))

LIST = """
SELECT ?s (MIN(?key) AS ?sortKey) #BOUND# WHERE {
  ?s a cg:FundingProgramme .
  #FILTERS#
  OPTIONAL { ?s skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?s skos:prefLabel ?de FILTER(LANGMATCHES(LANG(?de), "de")) }
  BIND(LCASE(STR(COALESCE(?en, ?de, ?s))) AS ?key)
}
GROUP BY ?s #BOUND#
"""
BY_TEXT = Fragment(
    """
  FILTER EXISTS {
    ?s skos:prefLabel|skos:altLabel|cg:shortName ?text FILTER(CONTAINS(LCASE(STR(?text)), LCASE(?q)))
  }""",
    ("q",),
)
# The clusters of a programme: the cg:fundingProgramme shortcut or a cg:ProgrammeParticipation.
BY_CLUSTER = Fragment(
    """
  { ?cluster cg:fundingProgramme ?s } UNION { ?pp cg:participant ?cluster ; cg:programme ?s }
  UNION { ?cluster cg:participatesIn/cg:programme ?s }""",
    ("cluster",),
)

FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s cg:shortName ?o BIND("short_name" AS ?key) }
  UNION { ?s dct:description|skos:definition ?o BIND("description" AS ?key) }
  UNION { ?s foaf:homepage|schema:url ?o BIND("homepage" AS ?key) }
  UNION { ?s cg:launchDate ?o BIND("launch_date" AS ?key) }
  UNION { ?s cg:fundedBy ?o BIND("funded_by" AS ?key) }
  UNION { ?s cg:partOf ?o BIND("part_of" AS ?key) }
  UNION { ?o cg:fundingProgramme ?s BIND("cluster" AS ?key) }
  UNION { ?pp cg:programme ?s ; cg:participant ?o BIND("cluster" AS ?key) }
  UNION { ?o cg:participatesIn/cg:programme ?s BIND("cluster" AS ?key) }
}
"""


@read
def list_programmes(
    cat: Catalog, *, q: str | None = None, cluster: str | None = None, limit: int | None = None, offset: int = 0
) -> Page[Programme]:
    """Funding programmes by name, optionally those of one cluster (by id)."""
    active: list = []
    if q is not None:
        active.append((BY_TEXT, {"q": Literal(q)}))
    if cluster is not None:
        try:
            active.append((BY_CLUSTER, {"cluster": cat.iri("cluster", cluster)}))
        except ValueError:
            return paginate([], limit, offset, list)
    sparql, bindings = compose(LIST, active)
    items = ordered(cat, sparql, **bindings)
    return paginate(items, limit, offset, lambda window: programmes(cat, window))


@read
def get_programme(cat: Catalog, slug: str) -> Programme:
    """One programme; raises ``NotFound``."""
    return programmes(cat, [require(cat, "programme", slug, PROGRAMME_CLASS, "programme")])[0]


def programmes(cat: Catalog, programme_iris: Sequence[NamedNode]) -> list[Programme]:
    values = facts(cat, FACTS, programme_iris)
    linked = refs(cat, [t for v in values.values() for k in ("funded_by", "part_of", "cluster") for t in iris(v, k)])
    names = names_of(cat, programme_iris)
    out = []
    for iri in programme_iris:
        v = values.get(iri.value, {})
        clusters = sorted_refs(linked[t.value] for t in iris(v, "cluster"))
        out.append(
            Programme(
                **identity(cat, iri, names.get(iri.value)),
                short_name=first_text(v, "short_name"),
                description=localised(v.get("description", [])),
                homepage=first_text(v, "homepage"),
                launch_date=first_text(v, "launch_date"),
                funded_by=sorted_refs(linked[t.value] for t in iris(v, "funded_by")),
                part_of=sorted_refs(linked[t.value] for t in iris(v, "part_of")),
                clusters=clusters,
                cluster_count=len(clusters),
            )
        )
    return out
