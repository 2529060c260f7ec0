"""Clusters and networks: filtered lists, one cluster with its facts and sources, its members.

A cluster is any instance of ``cg:Cluster`` or one of its subclasses (the ontology's
``rdfs:subClassOf`` triples are in the store). Lists are ordered by display name
(English, else German; case-insensitive), then IRI, so pages never overlap or skip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pyoxigraph import NamedNode

from clustergraph.catalog.common import (
    Facts,
    display_name,
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
    public_names,
    refs,
    require,
    sorted_refs,
    source_ref,
    sources_of,
    types_of,
)
from clustergraph.catalog.labels import LEVELS, awards, levels_of
from clustergraph.catalog.models import ClusterDetail, ClusterSummary, Member, Page, Ref, Region
from clustergraph.catalog.query import Catalog, Fragment, boolean, cg_local, compose, is_a, text, values
from clustergraph.catalog.reads import read
from clustergraph.catalog.search import search
from clustergraph.catalog.vocab import narrower
from clustergraph.namespaces import CG

CLUSTER_CLASS = NamedNode(str(CG.Cluster))

# The kinds of cluster a list can be narrowed to (``kind=``): API name -> class.
KINDS: dict[str, str] = {
    "state-cluster": "cg:StateCluster",
    "future-cluster": "cg:FutureCluster",
    "leading-edge-cluster": "cg:LeadingEdgeCluster",
    "competence-network": "cg:CompetenceNetwork",
    "competence-platform": "cg:CompetencePlatform",
    "coordination-office": "cg:CoordinationOffice",
    "competence-centre": "cg:CompetenceCentre",
}
# One fragment per kind: the class is part of the constant text, never a request value.
BY_KIND = {name: Fragment(is_a("s", cls), ()) for name, cls in KINDS.items()}

# Ordered ids of the clusters that pass the active filters (see ``query.compose``).
LIST = """
SELECT ?s (MIN(?key) AS ?sortKey) #BOUND# WHERE {
  #TYPED s cg:Cluster#
  #FILTERS#
  OPTIONAL { ?s skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?s skos:prefLabel ?de FILTER(LANGMATCHES(LANG(?de), "de")) }
  BIND(LCASE(STR(COALESCE(?en, ?de, ?s))) AS ?key)
}
GROUP BY ?s #BOUND#
"""

BY_FIELD = Fragment("?s cg:innovationField ?field .", ("field",))
# A technology filter also finds clusters tagged with a narrower technology: the fragment is
# made per request with a VALUES block of the technology and those below it (IRIs from the
# store and the validated id).
BY_TECHNOLOGY = "?s cg:technology ?technology . "
BY_LEVEL = Fragment("?s cg:label/cg:labelLevel ?level .", ("level",))
# The city of a cluster: where it is based, else where its managing body is based. The
# places named like the requested city (``common.places_matching``) follow as a VALUES block.
BY_CITY = """
  { ?s cg:basedIn ?place } UNION { ?s cg:managedBy/cg:basedIn ?place FILTER NOT EXISTS { ?s cg:basedIn ?own } }
  """

SUMMARY_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s cg:shortName ?o BIND("short_name" AS ?key) }
  UNION { ?s foaf:homepage ?o BIND("homepage" AS ?key) }
  UNION { ?s a ?o BIND("type" AS ?key) }
  UNION { ?s cg:innovationField ?o BIND("field" AS ?key) }
  UNION { ?s cg:technology ?o BIND("technology" AS ?key) }
  UNION { ?s cg:basedIn ?o BIND("city" AS ?key) }
  UNION { ?s cg:managedBy/cg:basedIn ?o BIND("manager_city" AS ?key) }
  UNION { ?s cg:label/cg:labelLevel ?o BIND("level" AS ?key) }
  UNION { ?s org:hasMember|^org:organization/org:member ?o BIND("member" AS ?key) }
  UNION { ?s dct:spatial ?o BIND("region" AS ?key) }
}
"""
# The NUTS code of each region, where the graph states it (the NUTS graph of ``enrich nuts``).
REGION_CODES = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  ?s skos:notation ?o BIND("code" AS ?key)
}
"""

DETAIL_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s dct:description ?o BIND("description" AS ?key) }
  UNION { ?s skos:altLabel ?o BIND("alt_name" AS ?key) }
  UNION { ?s cg:managedBy ?o BIND("managed_by" AS ?key) }
  UNION { ?s cg:managingBodyUnknown ?o BIND("managing_body_unknown" AS ?key) }
  UNION { ?s cg:foundingDate ?o BIND("founding_date" AS ?key) }
  UNION { ?s cg:eccpProfile ?o BIND("eccp_profile" AS ?key) }
  UNION { ?s cg:label ?o BIND("label" AS ?key) }
  UNION { ?s cg:fundingProgramme ?o BIND("programme" AS ?key) }
  UNION { ?p cg:participant ?s ; cg:programme ?o BIND("programme" AS ?key) }
  UNION { ?s cg:participatesIn/cg:programme ?o BIND("programme" AS ?key) }
  UNION { ?s cg:participatesIn ?o . ?o a cg:Initiative BIND("initiative" AS ?key) }
  UNION { ?o a cg:Initiative ; cg:participant ?s BIND("initiative" AS ?key) }
}
"""

# Members of one cluster (the org:hasMember shortcut or an org:Membership), with the graph
# that states the membership and the membership's roles.
MEMBERS = """
SELECT ?a ?g ?role ?cluster WHERE {
  { GRAPH ?g { ?cluster org:hasMember ?a } }
  UNION { ?m org:organization ?cluster . GRAPH ?g { ?m org:member ?a } OPTIONAL { ?m org:role ?role } }
}
"""
MEMBER_FACTS = """
SELECT ?s ?key ?o WHERE {
  #VALUES#
  { ?s a ?o BIND("type" AS ?key) }
  UNION { ?s cg:basedIn ?o BIND("city" AS ?key) }
}
"""


@dataclass(frozen=True)
class ClusterFilters:
    """Filters of a cluster list; ``None`` means "any". Ids are slugs."""

    innovation_field: str | None = None
    technology: str | None = None
    label_level: str | None = None  # bronze, silver, gold
    kind: str | None = None  # a key of KINDS
    city: str | None = None  # a place name or id
    q: str | None = None  # free text


@read
def list_clusters(
    cat: Catalog, filters: ClusterFilters = ClusterFilters(), *, limit: int | None = None, offset: int = 0
) -> Page[ClusterSummary]:
    """One page of the clusters passing ``filters``, by name, with the total count.

    With ``q``, the clusters are the cluster hits of ``search`` in its order (the same hits
    and order as ``/api/v1/search?kind=cluster``).

    Unknown filter ids (a field or technology the graph lacks) give an empty page.
    ``limit=None`` returns every cluster from ``offset`` on.
    """
    active = _active(cat, replace(filters, q=None))
    if active is None:
        return paginate([], limit, offset, list)
    sparql, bindings = compose(LIST, active)
    items = ordered(cat, sparql, **bindings)
    if filters.q is not None:
        # Free text is the one search of the service: its cluster hits, in its order.
        passing = {iri.value for iri in items}
        items = [NamedNode(h.iri) for h in search(cat, filters.q, kind="cluster").data if h.iri in passing]
    return paginate(items, limit, offset, lambda window: summaries(cat, window))


def cluster_iri(cat: Catalog, slug: str) -> NamedNode:
    """The IRI of the cluster ``slug``; raises ``NotFound`` if the graph has no such cluster."""
    return require(cat, "cluster", slug, CLUSTER_CLASS, "cluster")


@read
def get_cluster(cat: Catalog, slug: str) -> ClusterDetail:
    """Everything about one cluster; raises ``NotFound``."""
    iri = cluster_iri(cat, slug)
    summary = summaries(cat, [iri])[0]
    v = facts(cat, DETAIL_FACTS, [iri]).get(iri.value, {})
    linked = refs(cat, [t for key in ("managed_by", "programme", "initiative") for t in iris(v, key)])
    label_iris = iris(v, "label")
    return ClusterDetail(
        **summary.model_dump(),
        description=localised(v.get("description", [])),
        alt_names=sorted({t.value for t in v.get("alt_name", [])}),
        managed_by=sorted_refs(linked[t.value] for t in iris(v, "managed_by")),
        managing_body_unknown=bool(boolean(v.get("managing_body_unknown", [None])[0])),
        founding_date=first_text(v, "founding_date"),
        eccp_profile=first_text(v, "eccp_profile"),
        labels=sorted(awards(cat, label_iris), key=lambda a: (a.award_date or "", a.iri), reverse=True),
        programmes=sorted_refs(linked[t.value] for t in iris(v, "programme")),
        initiatives=sorted_refs(linked[t.value] for t in iris(v, "initiative")),
        figures=figures_of(cat, [iri]).get(iri.value, []),
        sources=sources_of(cat, [iri]).get(iri.value, []),
    )


def summaries(cat: Catalog, cluster_iris: Sequence[NamedNode]) -> list[ClusterSummary]:
    """Summaries of the clusters at ``cluster_iris``, in the given order (four queries in all)."""
    values = facts(cat, SUMMARY_FACTS, cluster_iris)
    linked_iris = [t for v in values.values() for key in ("field", "technology", "city", "manager_city") for t in iris(v, key)]
    region_iris = [t for v in values.values() for t in iris(v, "region")]
    names = names_of(cat, [*cluster_iris, *linked_iris, *region_iris])
    codes = facts(cat, REGION_CODES, region_iris) if region_iris else {}
    out = []
    for iri in cluster_iris:
        v = values.get(iri.value, {})
        out.append(_summary(cat, iri, v, names, codes))
    return out


def _region(term: NamedNode, names: dict, codes: dict) -> Region:
    """The region at ``term``: code and names from the graph, else the code from the IRI."""
    code = first_text(codes.get(term.value, {}), "code") or term.value.rstrip("/").rsplit("/", 1)[-1]
    labels = names.get(term.value)
    return Region(iri=term.value, code=code, name=display_name(labels) or code, names=public_names(labels))


def _summary(cat: Catalog, iri: NamedNode, v: Facts, names: dict, codes: dict) -> ClusterSummary:
    def ref(term: NamedNode) -> Ref:
        return make_ref(cat, term.value, names.get(term.value))

    cities = iris(v, "city") or iris(v, "manager_city")
    homepages = v.get("homepage", [])
    return ClusterSummary(
        **identity(cat, iri, names.get(iri.value)),
        short_name=first_text(v, "short_name"),
        types=[t for t in types_of(v) if t != "Cluster"] or ["Cluster"],
        homepage=text(homepages[0]) if homepages else None,
        cities=sorted_refs(ref(t) for t in cities),
        innovation_fields=sorted_refs(ref(t) for t in iris(v, "field")),
        technologies=sorted_refs(ref(t) for t in iris(v, "technology")),
        label_levels=levels_of(iris(v, "level")),
        member_count=len(iris(v, "member")),
        region=_region(min(iris(v, "region"), key=lambda t: t.value), names, codes) if iris(v, "region") else None,
    )


@read
def list_members(cat: Catalog, slug: str, *, limit: int | None = None, offset: int = 0) -> Page[Member]:
    """The member organisations of a cluster, by name, with roles and sources; raises ``NotFound``."""
    iri = cluster_iri(cat, slug)
    rows = cat.select(MEMBERS, cluster=iri)
    member_iris = list({r["a"].value: r["a"] for r in rows if isinstance(r.get("a"), NamedNode)}.values())
    values = facts(cat, MEMBER_FACTS, member_iris)
    linked = refs(
        cat,
        [*member_iris, *(r["g"] for r in rows if isinstance(r.get("g"), NamedNode)), *(t for v in values.values() for t in iris(v, "city"))],
    )
    members: dict[str, Member] = {}
    for a in member_iris:
        v = values.get(a.value, {})
        cities = iris(v, "city")
        base = linked[a.value]
        members[a.value] = Member(
            id=base.id,
            iri=base.iri,
            kind=base.kind,
            name=base.name,
            types=types_of(v),
            cities=sorted_refs(linked[t.value] for t in cities),
        )
    for row in rows:
        member = members.get(row["a"].value) if isinstance(row.get("a"), NamedNode) else None
        if member is None:
            continue
        role = row.get("role")
        if isinstance(role, NamedNode):
            name = cg_local(role.value) or role.value
            if name not in member.roles:
                member.roles.append(name)
        g = row.get("g")
        if isinstance(g, NamedNode) and all(s.iri != g.value for s in member.sources):
            member.sources.append(source_ref(linked[g.value]))
    for member in members.values():
        member.roles.sort()
        member.sources.sort(key=lambda s: s.id)
    order = sorted(members.values(), key=lambda m: ((m.name or "").casefold(), m.iri))
    return paginate(order, limit, offset, list)


def _active(cat: Catalog, f: ClusterFilters) -> list | None:
    """The (fragment, bindings) of the given filters; ``None`` when a filter cannot match."""
    active: list = []
    try:
        if f.innovation_field is not None:
            active.append((BY_FIELD, {"field": cat.iri("innovation-field", f.innovation_field)}))
        if f.technology is not None:
            technology = cat.iri("technology", f.technology)
            below = [NamedNode(n) for n in sorted(narrower(cat).get(technology.value, ()))]
            active.append((Fragment(BY_TECHNOLOGY + values("technology", [technology, *below]), ()), {}))
    except ValueError:
        return None  # an id that cannot exist matches nothing
    if f.label_level is not None:
        active.append((BY_LEVEL, {"level": LEVELS[f.label_level]}))
    if f.kind is not None:
        active.append((BY_KIND[f.kind], {}))
    if f.city is not None:
        places = places_matching(cat, f.city)
        if not places:
            return None
        active.append((Fragment(BY_CITY + values("place", places), ()), {}))
    return active

