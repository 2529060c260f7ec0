"""Cross-cluster matching on a made-up landscape whose ties are known by construction
(fixtures/matching.trig), and on the bundled data (evidence must be true of the graph)."""

from __future__ import annotations

import pytest

from pyoxigraph import NamedNode, Quad

from clustergraph.catalog import Catalog, related_clusters
from clustergraph.catalog.matching import SHARED_PATHS, WEIGHTS
from clustergraph.catalog.query import PROLOGUE
from clustergraph.errors import NotFound
from clustergraph.namespaces import CG

# The documented scoring: weight × 2 / (clusters sharing the item); a complementary pair 0.5.
MEMBER, PROGRAMME, TECHNOLOGY, BODY, FIELD, COMPLEMENT = 3, 2, 2, 2, 1, 0.5


def shared(weight: float, clusters_sharing: int) -> float:
    return weight * 2 / clusters_sharing


def test_ranking_follows_the_documented_weights(toy: Catalog) -> None:
    page = related_clusters(toy, "alpha")
    scores = {r.cluster.id: r.score for r in page.data}
    assert scores == pytest.approx(
        {
            "beta": shared(MEMBER, 2) + shared(PROGRAMME, 2) + COMPLEMENT,
            "zeta": shared(BODY, 2) + shared(FIELD, 4),
            "gamma": shared(TECHNOLOGY, 3) + shared(FIELD, 4),
            "delta": shared(TECHNOLOGY, 3) + shared(FIELD, 4),
            "epsilon": COMPLEMENT,
        },
        abs=1e-3,
    )
    # Highest score first; equal scores by name (Delta before Gamma).
    assert [r.cluster.id for r in page.data] == ["beta", "zeta", "delta", "gamma", "epsilon"]


def test_a_cluster_without_ties_and_the_cluster_itself_are_not_listed(toy: Catalog) -> None:
    ids = {r.cluster.id for r in related_clusters(toy, "alpha").data}
    assert "eta" not in ids
    assert "alpha" not in ids


def test_evidence_names_the_actors_programmes_and_fields_behind_each_tie(toy: Catalog) -> None:
    beta = next(r for r in related_clusters(toy, "alpha").data if r.cluster.id == "beta")
    evidence = {e.kind: [item.id for item in e.items] for e in beta.evidence}
    # The member tie is found through beta's n-ary org:Membership, the programme tie
    # through beta's cg:ProgrammeParticipation.
    assert evidence == {"shared_member": ["x"], "joint_programme": ["p"], "complementary_field": ["ict", "production"]}
    assert sum(e.weight for e in beta.evidence) == pytest.approx(beta.score, abs=1e-3)
    member = next(e for e in beta.evidence if e.kind == "shared_member")
    assert member.items[0].name == "X GmbH" and member.items[0].kind == "organisation"


def test_ties_are_symmetric(toy: Catalog) -> None:
    """What ties alpha to beta ties beta to alpha, with the same score."""
    alpha_to_beta = next(r for r in related_clusters(toy, "alpha").data if r.cluster.id == "beta")
    beta_to_alpha = next(r for r in related_clusters(toy, "beta").data if r.cluster.id == "alpha")
    assert beta_to_alpha.score == pytest.approx(alpha_to_beta.score)


def test_related_pages_cut_the_ranking_without_overlap(toy: Catalog) -> None:
    full = [r.cluster.id for r in related_clusters(toy, "alpha").data]
    first = related_clusters(toy, "alpha", limit=2, offset=0)
    rest = related_clusters(toy, "alpha", limit=10, offset=2)
    assert first.count == rest.count == len(full)
    assert [r.cluster.id for r in first.data + rest.data] == full


def test_unknown_cluster_is_not_found(toy: Catalog) -> None:
    with pytest.raises(NotFound):
        related_clusters(toy, "omega")


def test_every_evidence_item_of_the_bundled_data_is_true_of_the_graph(cat: Catalog) -> None:
    """For each listed tie, both clusters really hold the relation to the item."""
    paths = {
        "shared_member": "org:hasMember|^org:organization/org:member",
        "joint_programme": "cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme",
        "shared_technology": "cg:technology",
        "shared_managing_body": "cg:managedBy",
        "shared_field": "cg:innovationField",
    }
    clusters = [row["c"].value for row in cat.store.query(PROLOGUE + "SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster }")]
    checked = 0
    for iri in clusters:
        slug = cat.id_of(iri)
        for related in related_clusters(cat, slug).data:
            assert related.cluster.iri != iri
            for evidence in related.evidence:
                if evidence.kind not in paths:
                    continue
                for item in evidence.items:
                    for side in (iri, related.cluster.iri):
                        ask = f"ASK {{ <{side}> {paths[evidence.kind]} <{item.iri}> }}"
                        assert bool(cat.store.query(PROLOGUE + ask)), (slug, related.cluster.id, evidence.kind, item.id)
                    checked += 1
    assert checked > 0, "the bundled data should hold at least one cross-cluster tie"


# The reference: the ranking as it was worked out before the ties were read once for every
# cluster, by two SPARQL queries per kind with the cluster bound (and one for complementary
# fields). The fast path must give the same ranking, scores and evidence.
_ITEMS = """
SELECT ?this ?item (COUNT(DISTINCT ?c) AS ?n) WHERE {{
  ?this {path} ?item .
  ?c {path} ?item .
  FILTER EXISTS {{ ?c a/rdfs:subClassOf* cg:Cluster }}
}} GROUP BY ?this ?item
"""
_OTHERS = """
SELECT ?this ?other ?item WHERE {{
  ?this {path} ?item .
  ?other {path} ?item .
  FILTER(?other != ?this)
  FILTER EXISTS {{ ?other a/rdfs:subClassOf* cg:Cluster }}
}}
"""
_COMPLEMENTARY = """
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
  FILTER EXISTS { ?other a/rdfs:subClassOf* cg:Cluster }
  VALUES ?side { "cross" "plain" }
  BIND(IF(?side = "cross", ?cross, ?plain) AS ?item)
}
"""


def reference_ties(cat: Catalog, iri: str) -> dict[str, tuple[float, dict[str, list[str]]]]:
    """other cluster -> (score, {kind: item iris}) by the per-cluster queries."""
    this = NamedNode(iri)
    ties: dict[str, dict[str, dict[str, float]]] = {}

    def tie(other, kind: str, item, contribution: float) -> None:
        if isinstance(other, NamedNode) and isinstance(item, NamedNode):
            ties.setdefault(other.value, {}).setdefault(kind, {})[item.value] = contribution

    for kind, path in SHARED_PATHS.items():
        rows = cat.store.query(PROLOGUE + _ITEMS.format(path=path), substitutions={"this": this})
        sharing = {row["item"].value: int(row["n"].value) for row in rows}
        for row in cat.store.query(PROLOGUE + _OTHERS.format(path=path), substitutions={"this": this}):
            n = sharing.get(row["item"].value, 0)
            if n >= 2:
                tie(row["other"], kind, row["item"], WEIGHTS[kind] * 2 / n)
    for row in cat.store.query(PROLOGUE + _COMPLEMENTARY, substitutions={"this": this}):
        tie(row["other"], "complementary_field", row["item"], WEIGHTS["complementary_field"])

    def weight(kind: str, items: dict[str, float]) -> float:
        return WEIGHTS[kind] if kind == "complementary_field" else sum(items.values())

    return {
        other: (
            round(sum(round(weight(kind, items), 3) for kind, items in per_kind.items()), 3),
            {kind: sorted(items) for kind, items in per_kind.items()},
        )
        for other, per_kind in ties.items()
    }


@pytest.mark.parametrize("which", ["toy", "cat"])
def test_the_ranking_equals_the_per_cluster_queries_for_every_cluster(which: str, request: pytest.FixtureRequest) -> None:
    catalogue: Catalog = request.getfixturevalue(which)
    clusters = [row["c"].value for row in catalogue.store.query(PROLOGUE + "SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster }")]
    compared = 0
    for iri in clusters:
        expected = reference_ties(catalogue, iri)
        found = related_clusters(catalogue, catalogue.id_of(iri)).data
        assert {r.cluster.iri: (r.score, {e.kind: sorted(i.iri for i in e.items) for e in r.evidence}) for r in found} == expected
        scores = [r.score for r in found]
        assert scores == sorted(scores, reverse=True)
        compared += len(found)
    assert compared > 0


def test_a_write_changes_the_ties_at_once(toy: Catalog) -> None:
    """The ties are read once per store version: a new shared technology counts at the next call."""
    before = {r.cluster.id: r.score for r in related_clusters(toy, "alpha").data}
    assert "eta" not in before
    tech = NamedNode(f"{toy.base_iri}technology/fresh-technology")
    graph = NamedNode(f"{toy.base_iri}source/test")
    technology = NamedNode(str(CG.technology))
    toy.store.apply(add=[Quad(toy.iri("cluster", s), technology, tech, graph) for s in ("alpha", "eta")])
    after = {r.cluster.id: r.score for r in related_clusters(toy, "alpha").data}
    assert after["eta"] == pytest.approx(shared(TECHNOLOGY, 2), abs=1e-3)
