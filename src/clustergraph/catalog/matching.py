"""Cross-cluster matching: which other clusters a cluster is tied to, how strongly, and why.

The ties, each computed by SPARQL over the whole graph (``EVIDENCE`` below):

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

from pyoxigraph import Literal, NamedNode

from clustergraph.catalog.clusters import cluster_iri
from clustergraph.catalog.common import paginate, refs, sorted_refs
from clustergraph.catalog.models import Evidence, Page, RelatedCluster
from clustergraph.catalog.query import Catalog, is_a

WEIGHTS: dict[str, float] = {
    "shared_member": 3.0,
    "joint_programme": 2.0,
    "shared_technology": 2.0,
    "shared_managing_body": 2.0,
    "shared_field": 1.0,
    "complementary_field": 0.5,
}

# One row per (other cluster, kind, item) with the item's contribution. ?this is bound;
# the weights are bound too, so the table above is the single place they are set.
# ?n counts the clusters tied to the item by the same relation; the subqueries start from
# ?this (projected, so the binding reaches them) to count only the items of this cluster.
# Class checks are FILTER EXISTS on a bound resource: as a join, the subclass path would
# enumerate every cluster first.
EVIDENCE = """
SELECT ?this ?wMember ?wProgramme ?wTechnology ?wBody ?wField ?wComplement ?other ?kind ?item ?contribution WHERE {
  {
    { SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?this org:hasMember|^org:organization/org:member ?item .
        ?c org:hasMember|^org:organization/org:member ?item .
        """ + is_a("c", "cg:Cluster") + """
      } GROUP BY ?this ?item }
    ?other org:hasMember|^org:organization/org:member ?item .
    BIND("shared_member" AS ?kind) BIND(?wMember * 2 / ?n AS ?contribution)
  } UNION {
    { SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?this cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme ?item .
        ?c cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme ?item .
        """ + is_a("c", "cg:Cluster") + """
      } GROUP BY ?this ?item }
    ?other cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme ?item .
    BIND("joint_programme" AS ?kind) BIND(?wProgramme * 2 / ?n AS ?contribution)
  } UNION {
    { SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?this cg:technology ?item . ?c cg:technology ?item .
        """ + is_a("c", "cg:Cluster") + """
      } GROUP BY ?this ?item }
    ?other cg:technology ?item .
    BIND("shared_technology" AS ?kind) BIND(?wTechnology * 2 / ?n AS ?contribution)
  } UNION {
    { SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?this cg:managedBy ?item . ?c cg:managedBy ?item .
        """ + is_a("c", "cg:Cluster") + """
      } GROUP BY ?this ?item }
    ?other cg:managedBy ?item .
    BIND("shared_managing_body" AS ?kind) BIND(?wBody * 2 / ?n AS ?contribution)
  } UNION {
    { SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {
        ?this cg:innovationField ?item . ?c cg:innovationField ?item .
        """ + is_a("c", "cg:Cluster") + """
      } GROUP BY ?this ?item }
    ?other cg:innovationField ?item .
    BIND("shared_field" AS ?kind) BIND(?wField * 2 / ?n AS ?contribution)
  } UNION {
    # A field ?plain of one side that the other side is not in, paired with a cross-cutting
    # field ?cross of the other side. Both fields are evidence items (?side picks which);
    # the pair's weight is added once per other cluster, not per row.
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
    VALUES ?side { "cross" "plain" }
    BIND(IF(?side = "cross", ?cross, ?plain) AS ?item)
    # "* 1": pyoxigraph leaves BIND(?bound AS ?x) unbound for a substituted variable.
    BIND("complementary_field" AS ?kind) BIND(?wComplement * 1 AS ?contribution)
  }
  FILTER(?other != ?this)
  """ + is_a("other", "cg:Cluster") + """
}
"""

def related_clusters(cat: Catalog, slug: str, *, limit: int | None = None, offset: int = 0) -> Page[RelatedCluster]:
    """Other clusters ranked by their ties to cluster ``slug``, with the evidence for each.

    Raises ``NotFound`` for an unknown cluster. See the module docstring for the scoring.
    """
    this = cluster_iri(cat, slug)
    rows = cat.select(
        EVIDENCE,
        this=this,
        wMember=_decimal(WEIGHTS["shared_member"]),
        wProgramme=_decimal(WEIGHTS["joint_programme"]),
        wTechnology=_decimal(WEIGHTS["shared_technology"]),
        wBody=_decimal(WEIGHTS["shared_managing_body"]),
        wField=_decimal(WEIGHTS["shared_field"]),
        wComplement=_decimal(WEIGHTS["complementary_field"]),
    )
    # (other, kind) -> {item iri: contribution}; complementary pairs count once per other.
    ties: dict[str, dict[str, dict[str, float]]] = {}
    others: dict[str, NamedNode] = {}
    for row in rows:
        other, kind, item, contribution = row.get("other"), row.get("kind"), row.get("item"), row.get("contribution")
        if not isinstance(other, NamedNode) or not isinstance(item, NamedNode) or kind is None or contribution is None:
            continue
        others[other.value] = other
        ties.setdefault(other.value, {}).setdefault(kind.value, {})[item.value] = float(contribution.value)
    if not ties:
        return paginate([], limit, offset, list)
    item_iris = {NamedNode(i) for per_kind in ties.values() for items in per_kind.values() for i in items}
    linked = refs(cat, [*others.values(), *item_iris])
    ranked: list[RelatedCluster] = []
    for other_iri, per_kind in ties.items():
        evidence = []
        for kind in WEIGHTS:
            items = per_kind.get(kind)
            if not items:
                continue
            # A complementary pairing counts once; a shared item counts per item.
            weight = WEIGHTS[kind] if kind == "complementary_field" else sum(items.values())
            evidence.append(Evidence(kind=kind, weight=round(weight, 3), items=sorted_refs(linked[i] for i in items)))
        score = round(sum(e.weight for e in evidence), 3)
        ranked.append(RelatedCluster(cluster=linked[other_iri], score=score, evidence=evidence))
    ranked.sort(key=lambda r: (-r.score, (r.cluster.name or "").casefold(), r.cluster.iri))
    return paginate(ranked, limit, offset, list)


def _decimal(value: float) -> Literal:
    return Literal(repr(value), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
