"""Actors: the organisations of the innovation ecosystem (``cg:Actor`` and its subclasses).

Members, managing bodies, funders and awarding bodies. Lists are ordered by display name,
then IRI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.common import (
    Facts,
    facts,
    figures_of,
    first_text,
    identity,
    iris,
    localised,
    make_ref,
    names_of,
    ordered,
    paginate,
    places_matching,
    refs,
    require,
    sorted_refs,
    sources_of,
    types_of,
)
from clustergraph.catalog.models import ActorDetail, ActorSummary, Page
from clustergraph.catalog.query import Catalog, Fragment, compose, is_a, text, values
from clustergraph.catalog.reads import read
from clustergraph.namespaces import CG

ACTOR_CLASS = NamedNode(str(CG.Actor))

# Kinds of organisation (``type=``): API name -> class.
TYPES: dict[str, str] = {
    "company": "cg:Company",
    "sme": "cg:SME",
    "university": "cg:University",
    "research-institute": "cg:ResearchInstitute",
    "public-body": "cg:PublicBody",
    "association": "cg:Association",
}

LIST = """
SELECT ?s (MIN(?key) AS ?sortKey) #BOUND# WHERE {
  #TYPED s cg:Actor#
  #FILTERS#
  OPTIONAL { ?s skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?s skos:prefLabel ?de FILTER(LANGMATCHES(LANG(?de), "de")) }
  BIND(LCASE(STR(COALESCE(?en, ?de, ?s))) AS ?key)
}
GROUP BY ?s #BOUND#
"""
BY_TYPE = {name: Fragment(is_a("s", cls), ()) for name, cls in TYPES.items()}
# Member of the cluster (either form of membership) or its managing body.
BY_CLUSTER = Fragment(
    """
  ?cluster org:hasMember|^org:organization/org:member|cg:managedBy ?s .""",
    ("cluster",),
)
# Based in one of the places named like the requested city (a VALUES block follows).
BY_CITY = "?s cg:basedIn ?place . "
BY_TEXT = Fragment(
    """
  FILTER EXISTS {
    ?s (skos:prefLabel|skos:altLabel|cg:shortName|(cg:basedIn/skos:prefLabel)) ?text
    FILTER(CONTAINS(LCASE(STR(?text)), LCASE(?q)))
  }""",
    ("q",),
)

SUMMARY_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s cg:shortName ?o BIND("short_name" AS ?key) }
  UNION { ?s foaf:homepage ?o BIND("homepage" AS ?key) }
  UNION { ?s a ?o BIND("type" AS ?key) }
  UNION { ?s cg:basedIn ?o BIND("city" AS ?key) }
  UNION { ?s ^org:hasMember|^org:member/org:organization ?o BIND("member_of" AS ?key) }
  UNION { ?o cg:managedBy ?s BIND("manages" AS ?key) }
}
"""
DETAIL_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s dct:description ?o BIND("description" AS ?key) }
  UNION { ?s skos:altLabel ?o BIND("alt_name" AS ?key) }
  UNION { ?s cg:foundingDate ?o BIND("founding_date" AS ?key) }
  UNION { ?s cg:technology ?o BIND("technology" AS ?key) }
}
"""


@dataclass(frozen=True)
class ActorFilters:
    type: str | None = None  # a key of TYPES
    cluster: str | None = None  # cluster id: its members and managing bodies
    city: str | None = None
    q: str | None = None


@read
def list_actors(
    cat: Catalog, filters: ActorFilters = ActorFilters(), *, limit: int | None = None, offset: int = 0
) -> Page[ActorSummary]:
    """One page of the actors passing ``filters``, by name, with the total count."""
    active: list = []
    if filters.type is not None:
        active.append((BY_TYPE[filters.type], {}))
    if filters.cluster is not None:
        try:
            active.append((BY_CLUSTER, {"cluster": cat.iri("cluster", filters.cluster)}))
        except ValueError:
            return paginate([], limit, offset, list)
    if filters.city is not None:
        places = places_matching(cat, filters.city)
        if not places:
            return paginate([], limit, offset, list)
        active.append((Fragment(BY_CITY + values("place", places), ()), {}))
    if filters.q is not None:
        active.append((BY_TEXT, {"q": Literal(filters.q)}))
    sparql, bindings = compose(LIST, active)
    items = ordered(cat, sparql, **bindings)
    return paginate(items, limit, offset, lambda window: summaries(cat, window))


@read
def get_actor(cat: Catalog, slug: str) -> ActorDetail:
    """Everything about one actor; raises ``NotFound``."""
    iri = require(cat, "organisation", slug, ACTOR_CLASS, "actor")
    summary, v = _summaries(cat, [iri])[0]
    detail = facts(cat, DETAIL_FACTS, [iri]).get(iri.value, {})
    linked = refs(cat, [*iris(v, "member_of"), *iris(v, "manages"), *iris(detail, "technology")])
    return ActorDetail(
        **summary.model_dump(),
        description=localised(detail.get("description", [])),
        alt_names=sorted({t.value for t in detail.get("alt_name", [])}),
        founding_date=first_text(detail, "founding_date"),
        member_of=sorted_refs(linked[t.value] for t in iris(v, "member_of")),
        manages=sorted_refs(linked[t.value] for t in iris(v, "manages")),
        technologies=sorted_refs(linked[t.value] for t in iris(detail, "technology")),
        figures=figures_of(cat, [iri]).get(iri.value, []),
        sources=sources_of(cat, [iri]).get(iri.value, []),
    )


def summaries(cat: Catalog, actor_iris: Sequence[NamedNode]) -> list[ActorSummary]:
    """Summaries of the actors at ``actor_iris``, in the given order."""
    return [summary for summary, _ in _summaries(cat, actor_iris)]


def _summaries(cat: Catalog, actor_iris: Sequence[NamedNode]) -> list[tuple[ActorSummary, Facts]]:
    values = facts(cat, SUMMARY_FACTS, actor_iris)
    names = names_of(cat, [*actor_iris, *(t for v in values.values() for t in iris(v, "city"))])
    out = []
    for iri in actor_iris:
        v = values.get(iri.value, {})
        cities = iris(v, "city")
        homepages = v.get("homepage", [])
        clusters = {t.value for t in (*iris(v, "member_of"), *iris(v, "manages"))}
        summary = ActorSummary(
            **identity(cat, iri, names.get(iri.value)),
            short_name=first_text(v, "short_name"),
            types=[t for t in types_of(v) if t != "Actor"] or ["Actor"],
            homepage=text(homepages[0]) if homepages else None,
            cities=sorted_refs(make_ref(cat, t.value, names.get(t.value)) for t in cities),
            cluster_count=len(clusters),
        )
        out.append((summary, v))
    return out

