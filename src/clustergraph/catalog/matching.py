"""Cross-cluster matching: which other clusters a cluster is tied to, how strongly, and why.

The ties, found by SPARQL over the whole graph (``SHARED_QUERIES`` and ``COMPLEMENTARY``
below; the weights are applied to the SPARQL counts in Python):

=====================  ======  ===============================================================
kind                   weight  a tie between cluster A and cluster B when ...
=====================  ======  ===============================================================
shared_member            3     an organisation is a member of both (``org:hasMember`` or an
                               ``org:Membership``)
joint_programme          2     both take part in the same funding programme
                               (``cg:fundingProgramme`` or a ``cg:ProgrammeParticipation``)
shared_technology        2     both work on the same technology (``cg:technology``)
shared_managing_body     2     the same organisation runs both cluster managements
                               (``cg:managedBy``): the coordination already exists
shared_field             1     both are active in the same innovation field
complementary_field      0.5   one is active in a cross-cutting innovation field
                               (``cg:isCrossCutting``, e.g. Key Technologies & ICT, which
                               serves the other fields) and the other in a field the first is
                               not in: the cross-field pairing the Cluster-Dialog.NRW wants
=====================  ======  ===============================================================

Rare ties say more than common ones: a shared item (actor, technology, programme, body or
field) contributes ``weight × 2 / n``, where ``n`` is the number of clusters tied to that
item (a resource-allocation index). An item only A and B share counts fully; a programme
that ten clusters take part in counts a fifth. A complementary pairing contributes its
weight once per pair of clusters. The score of B is the sum of its contributions, and the
evidence lists, per kind, the items behind it. Clusters are ranked by score (highest
first), then name, then IRI; clusters without any tie are not listed.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from clustergraph.catalog.clusters import cluster_iri
from clustergraph.catalog.common import display_name, names_of, paginate, refs, sorted_refs
from clustergraph.catalog.models import Evidence, Page, RelatedCluster
from clustergraph.catalog.query import Catalog, integer, is_a

WEIGHTS: dict[str, float] = {
    "shared_member": 3.0,
    "joint_programme": 2.0,
    "shared_technology": 2.0,
    "shared_managing_body": 2.0,
    "shared_field": 1.0,
    "complementary_field": 0.5,
}

# The relation behind each kind of shared item (constant SPARQL property paths).
SHARED_PATHS: dict[str, str] = {
    "shared_member": "org:hasMember|^org:organization/org:member",
    "joint_programme": "cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme",
    "shared_technology": "cg:technology",
    "shared_managing_body": "cg:managedBy",
    "shared_field": "cg:innovationField",
}

# Two queries per kind (a UNION of kinds, or one query joining both parts, is far slower in
# pyoxigraph: it walks the relation for every cluster before joining). ?this is bound.
# ITEMS: the items of ?this with ?n, the number of clusters tied to each by the relation.
SHARED_ITEMS = """
SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {{
  ?this {path} ?item .
  ?c {path} ?item .
  {c_is_cluster}
}} GROUP BY ?this ?item
"""
# OTHERS: the other clusters tied to ?this through each item.
SHARED_OTHERS = """
SELECT ?this ?other ?item WHERE {{
  ?this {path} ?item .
  ?other {path} ?item .
  FILTER(?other != ?this)
  {other_is_cluster}
}}
"""
SHARED_QUERIES: dict[str, tuple[str, str]] = {
    kind: (
        SHARED_ITEMS.format(path=path, c_is_cluster=is_a("c", "cg:Cluster")),
        SHARED_OTHERS.format(path=path, other_is_cluster=is_a("other", "cg:Cluster")),
    )
    for kind, path in SHARED_PATHS.items()
}

# A field ?plain of one side that the other side is not in, paired with a cross-cutting
# field ?cross of the other side. Both fields are evidence items; the pair's weight is
# added once per other cluster (in Python), not per row.
COMPLEMENTARY = (
    """
SELECT ?this ?other ?item WHERE {
  {
    ?this cg:innovationField ?cross . ?cross cg:isCrossCutting true .
    ?other cg:innovationField ?plain .
    FILTER NOT EXISTS { ?plain cg:isCrossCutting true }
    FILTER NOT EXISTS { ?this cg:innovationField ?plain }
  } UNION {
    ?other cg:innovationField ?cross . ?cross cg:isCrossCutting true .
    ?this cg:innovationField ?plain .
    FILTER NOT EXISTS { ?plain cg:isCrossCutting true }
    FILTER NOT EXISTS { ?other cg:innovationField ?plain }
  }
  FILTER(?other != ?this)
  """
    + is_a("other", "cg:Cluster")
    + """
  VALUES ?side { "cross" "plain" }
  BIND(IF(?side = "cross", ?cross, ?plain) AS ?item)
}
"""
)


def related_clusters(cat: Catalog, slug: str, *, limit: int | None = None, offset: int = 0) -> Page[RelatedCluster]:
    """Other clusters ranked by their ties to cluster ``slug``, with the evidence for each.

    Raises ``NotFound`` for an unknown cluster. See the module docstring for the scoring.
    """
    this = cluster_iri(cat, slug)
    # (other, kind) -> {item iri: contribution}
    ties: dict[str, dict[str, dict[str, float]]] = {}
    others: dict[str, NamedNode] = {}

    def tie(other: object, kind: str, item: object, contribution: float) -> None:
        if isinstance(other, NamedNode) and isinstance(item, NamedNode):
            others[other.value] = other
            ties.setdefault(other.value, {}).setdefault(kind, {})[item.value] = contribution

    for kind, (items_query, others_query) in SHARED_QUERIES.items():
        sharing = {row["item"].value: integer(row.get("n")) for row in cat.select(items_query, this=this) if "item" in row}
        for row in cat.select(others_query, this=this):
            item = row.get("item")
            n = sharing.get(item.value, 0) if item is not None else 0
            if n >= 2:  # this cluster and the other one at least
                tie(row.get("other"), kind, item, WEIGHTS[kind] * 2 / n)
    for row in cat.select(COMPLEMENTARY, this=this):
        tie(row.get("other"), "complementary_field", row.get("item"), WEIGHTS["complementary_field"])
    if not ties:
        return paginate([], limit, offset, list)

    def weight(kind: str, items: dict[str, float]) -> float:
        # A complementary pairing counts once; a shared item counts per item.
        return WEIGHTS[kind] if kind == "complementary_field" else sum(items.values())

    scores = {
        other: round(sum(round(weight(kind, items), 3) for kind, items in per_kind.items()), 3)
        for other, per_kind in ties.items()
    }
    names = names_of(cat, others.values())
    order = sorted(
        ties, key=lambda other: (-scores[other], (display_name(names.get(other)) or cat.id_of(other)).casefold(), other)
    )

    def build(window: list[str]) -> list[RelatedCluster]:
        # Names of the clusters and items on this page only: a cluster can have hundreds of ties.
        items = {NamedNode(i) for other in window for per_kind in ties[other].values() for i in per_kind}
        linked = refs(cat, [others[o] for o in window] + sorted(items, key=lambda n: n.value))
        page = []
        for other in window:
            evidence = [
                Evidence(kind=kind, weight=round(weight(kind, ties[other][kind]), 3), items=sorted_refs(linked[i] for i in ties[other][kind]))
                for kind in WEIGHTS
                if ties[other].get(kind)
            ]
            page.append(RelatedCluster(cluster=linked[other], score=scores[other], evidence=evidence))
        return page

    return paginate(order, limit, offset, build)
