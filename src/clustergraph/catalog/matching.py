"""Cross-cluster matching: which other clusters a cluster is tied to, how strongly, and why.

The ties, read by SPARQL over the whole graph once per store version (``SHARED_QUERIES`` and
``CROSS_CUTTING`` below), then counted and weighted in Python:

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

from dataclasses import dataclass

from pyoxigraph import NamedNode

from clustergraph.catalog.clusters import cluster_iri
from clustergraph.catalog.common import Labels, display_name, names_of, paginate, per_version, refs, sorted_refs
from clustergraph.catalog.models import Evidence, Page, RelatedCluster
from clustergraph.catalog.query import Catalog, typed
from clustergraph.store.base import Term
from clustergraph.catalog.reads import read

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

# The relation of every cluster to the items of each kind, read once per store version for
# all clusters (one query per kind; ``Ties``): a cluster's ties are then worked out in Python.
# Asking per cluster (items of ?this, then the clusters sharing them) cost two queries per
# kind and page, 16 ms of a 20 ms cluster page on the generated 100k-quad landscape.
SHARED_ALL = """
SELECT DISTINCT ?c ?item WHERE {{
  {c_typed}
  ?c {path} ?item .
}}
"""
SHARED_QUERIES: dict[str, str] = {
    kind: SHARED_ALL.format(path=path, c_typed=typed("c", "cg:Cluster")) for kind, path in SHARED_PATHS.items()
}
# The cross-cutting innovation fields (the other side of a complementary pairing).
CROSS_CUTTING = "SELECT ?field WHERE { ?field cg:isCrossCutting true }"


@dataclass(frozen=True)
class Ties:
    """Who is tied to what, for every cluster: what ``related_clusters`` ranks from.

    ``clusters[kind][item]``: the clusters tied to ``item`` by the relation of ``kind``;
    ``items[kind][cluster]``: the items of a cluster; ``cross``: the cross-cutting fields;
    ``names``: the names of every cluster (to order the ranking).
    """

    clusters: dict[str, dict[Term, set[Term]]]
    items: dict[str, dict[Term, set[Term]]]
    cross: frozenset[Term]
    names: dict[str, Labels]


def ties_of(cat: Catalog) -> Ties:
    """The ties of every cluster, read once per store version (``common.per_version``)."""
    return per_version(cat, "matching.ties", lambda: _read_ties(cat))


def _read_ties(cat: Catalog) -> Ties:
    clusters: dict[str, dict[Term, set[Term]]] = {}
    items: dict[str, dict[Term, set[Term]]] = {}
    every: dict[str, NamedNode] = {}
    for kind, sparql in SHARED_QUERIES.items():
        by_item: dict[Term, set[Term]] = {}
        by_cluster: dict[Term, set[Term]] = {}
        for row in cat.select(sparql):
            c, item = row.get("c"), row.get("item")
            if c is None or item is None:
                continue
            by_item.setdefault(item, set()).add(c)
            by_cluster.setdefault(c, set()).add(item)
            if isinstance(c, NamedNode):
                every[c.value] = c
        clusters[kind], items[kind] = by_item, by_cluster
    cross = frozenset(row["field"] for row in cat.select(CROSS_CUTTING) if "field" in row)
    return Ties(clusters, items, cross, names_of(cat, every.values()))


@read
def related_clusters(cat: Catalog, slug: str, *, limit: int | None = None, offset: int = 0) -> Page[RelatedCluster]:
    """Other clusters ranked by their ties to cluster ``slug``, with the evidence for each.

    Raises ``NotFound`` for an unknown cluster. See the module docstring for the scoring.
    """
    this = cluster_iri(cat, slug)
    index = ties_of(cat)
    # (other, kind) -> {item iri: contribution}
    ties: dict[str, dict[str, dict[str, float]]] = {}
    others: dict[str, NamedNode] = {}

    def tie(other: object, kind: str, item: object, contribution: float) -> None:
        if isinstance(other, NamedNode) and isinstance(item, NamedNode):
            others[other.value] = other
            ties.setdefault(other.value, {}).setdefault(kind, {})[item.value] = contribution

    for kind in SHARED_PATHS:
        for item in index.items[kind].get(this, ()):
            sharing = index.clusters[kind][item]
            if len(sharing) >= 2:  # this cluster and the other one at least
                for other in sharing:
                    if other != this:
                        tie(other, kind, item, WEIGHTS[kind] * 2 / len(sharing))
    fields = index.items["shared_field"]
    mine = fields.get(this, set())
    for other, theirs in fields.items():
        if other != this:
            for item in _complementary(mine, theirs, index.cross):
                tie(other, "complementary_field", item, WEIGHTS["complementary_field"])
    if not ties:
        return paginate([], limit, offset, list)

    def weight(kind: str, items: dict[str, float]) -> float:
        # A complementary pairing counts once; a shared item counts per item.
        return WEIGHTS[kind] if kind == "complementary_field" else sum(items.values())

    scores = {
        other: round(sum(round(weight(kind, items), 3) for kind, items in per_kind.items()), 3)
        for other, per_kind in ties.items()
    }
    names = index.names
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


def _complementary(mine: set[Term], theirs: set[Term], cross: frozenset[Term]) -> set[Term]:
    """The fields behind a complementary pairing of two clusters with fields ``mine`` and ``theirs``:
    a cross-cutting field of one side with each field of the other side that is not cross-cutting
    and that the first side is not in (both directions); empty when there is no such pairing."""
    found: set[Term] = set()
    for one, other in ((mine, theirs), (theirs, mine)):
        crossing = one & cross
        plain = {f for f in other if f not in cross and f not in one}
        if crossing and plain:
            found |= crossing | plain
    return found
