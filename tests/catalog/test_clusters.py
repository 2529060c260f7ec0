"""Clusters: lists, filters, pages, one cluster, members. Checked against plain SPARQL over the bundled data."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal

from clustergraph.catalog import Catalog, ClusterFilters, get_cluster, list_clusters, list_members
from clustergraph.catalog.query import PROLOGUE
from clustergraph.errors import NotFound


def column(cat: Catalog, query: str, var: str = "x") -> set[str]:
    """The values of ``?var`` of a test query: an independent view of the graph."""
    return {row[var].value for row in cat.store.query(PROLOGUE + query)}


def ask(cat: Catalog, query: str) -> bool:
    return bool(cat.store.query(PROLOGUE + query))


def all_clusters(cat: Catalog) -> set[str]:
    return column(cat, "SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* cg:Cluster }")


def test_the_list_holds_every_cluster_once_in_name_order(cat: Catalog) -> None:
    page = list_clusters(cat)
    iris = [c.iri for c in page.data]
    assert len(iris) == len(set(iris)) == page.count
    assert set(iris) == all_clusters(cat)
    keys = [(c.name or "").lower() for c in page.data]
    assert keys == sorted(keys)


def test_pages_cover_the_list_without_overlap_or_gaps(cat: Catalog) -> None:
    full = [c.iri for c in list_clusters(cat).data]
    pages = [list_clusters(cat, limit=4, offset=o) for o in range(0, len(full) + 4, 4)]
    assert all(p.count == len(full) and p.limit == 4 for p in pages)
    assert [c.iri for p in pages for c in p.data] == full
    assert pages[-1].data == []  # past the end: empty page, same total


def test_technology_filter_returns_exactly_the_clusters_with_it(cat: Catalog) -> None:
    technology = cat.iri("technology", "artificial-intelligence")
    expected = column(cat, f"SELECT ?x WHERE {{ ?x cg:technology {technology} }}")
    page = list_clusters(cat, ClusterFilters(technology="artificial-intelligence"))
    assert len(expected) >= 2
    assert {c.iri for c in page.data} == expected
    assert all(any(t.id == "artificial-intelligence" for t in c.technologies) for c in page.data)


def test_innovation_field_filter_returns_exactly_the_clusters_in_it(cat: Catalog) -> None:
    for field in column(cat, "SELECT DISTINCT ?x WHERE { ?c cg:innovationField ?x }"):
        expected = column(cat, f"SELECT ?x WHERE {{ ?x cg:innovationField <{field}> }}")
        page = list_clusters(cat, ClusterFilters(innovation_field=cat.id_of(field)))
        assert {c.iri for c in page.data} == expected, field


def test_label_level_filter_keeps_clusters_with_a_label_of_that_level(cat: Catalog) -> None:
    gold = list_clusters(cat, ClusterFilters(label_level="gold"))
    assert "its-owl" in {c.id for c in gold.data}  # it's OWL holds the Gold label (ESCA)
    for cluster in gold.data:
        assert ask(cat, f"ASK {{ <{cluster.iri}> cg:label/cg:labelLevel cg:Gold }}")
        assert "gold" in cluster.label_levels


def test_kind_filter_keeps_clusters_of_that_class(cat: Catalog) -> None:
    expected = column(cat, "SELECT ?x WHERE { ?x a cg:LeadingEdgeCluster }")
    page = list_clusters(cat, ClusterFilters(kind="leading-edge-cluster"))
    assert {c.iri for c in page.data} == expected and expected
    assert all("LeadingEdgeCluster" in c.types for c in page.data)


def test_city_filter_matches_the_name_in_any_case_or_the_place_id(cat: Catalog) -> None:
    by_name = list_clusters(cat, ClusterFilters(city="Düsseldorf"))
    assert by_name.count >= 2
    assert [c.iri for c in list_clusters(cat, ClusterFilters(city="DÜSSELDORF")).data] == [c.iri for c in by_name.data]
    assert [c.iri for c in list_clusters(cat, ClusterFilters(city="duesseldorf")).data] == [c.iri for c in by_name.data]
    assert all(any(city.id == "duesseldorf" for city in c.cities) for c in by_name.data)


def test_a_cluster_without_own_place_is_found_by_the_city_of_its_managing_body(cat: Catalog) -> None:
    rows = cat.store.query(
        PROLOGUE
        + """SELECT ?c ?place WHERE { ?c a/rdfs:subClassOf* cg:Cluster ; cg:managedBy/cg:basedIn ?place
             FILTER NOT EXISTS { ?c cg:basedIn ?own } }"""
    )
    pairs = [(r["c"].value, r["place"].value) for r in rows]
    for cluster, place in pairs:
        found = list_clusters(cat, ClusterFilters(city=cat.id_of(place)))
        assert cluster in {c.iri for c in found.data}


def test_text_filter_finds_names_technologies_and_is_case_insensitive(cat: Catalog) -> None:
    assert "its-owl" in {c.id for c in list_clusters(cat, ClusterFilters(q="owl")).data}
    label = next(iter(column(cat, "SELECT ?x WHERE { <https://w3id.org/clustergraph/technology/artificial-intelligence> skos:prefLabel ?x }")))
    by_technology = {c.iri for c in list_clusters(cat, ClusterFilters(q=label.upper())).data}
    assert column(cat, "SELECT ?x WHERE { ?x cg:technology <https://w3id.org/clustergraph/technology/artificial-intelligence> }") <= by_technology


def test_filters_combine_with_and(cat: Catalog) -> None:
    both = list_clusters(cat, ClusterFilters(technology="artificial-intelligence", city="Paderborn"))
    ai = {c.iri for c in list_clusters(cat, ClusterFilters(technology="artificial-intelligence")).data}
    paderborn = {c.iri for c in list_clusters(cat, ClusterFilters(city="Paderborn")).data}
    assert {c.iri for c in both.data} == ai & paderborn


def test_unknown_filter_ids_give_an_empty_page(cat: Catalog) -> None:
    assert list_clusters(cat, ClusterFilters(technology="no-such-technology")).count == 0
    assert list_clusters(cat, ClusterFilters(innovation_field="Not A Slug")).count == 0


def test_one_cluster_has_its_facts_labels_and_sources(cat: Catalog) -> None:
    owl = get_cluster(cat, "its-owl")
    assert owl.iri == "https://w3id.org/clustergraph/cluster/its-owl"
    assert "LeadingEdgeCluster" in owl.types
    assert [c.id for c in owl.cities] == ["paderborn"]
    assert {label.level for label in owl.labels} == {"gold"}
    assert all(label.cluster is not None and label.cluster.id == "its-owl" for label in owl.labels)
    dated = [label.award_date for label in owl.labels if label.award_date]
    assert dated == sorted(dated, reverse=True)
    stated_in = column(cat, f"SELECT DISTINCT ?x WHERE {{ GRAPH ?x {{ <{owl.iri}> ?p ?o }} }}")
    assert {s.iri for s in owl.sources} == stated_in
    managers = column(cat, f"SELECT ?x WHERE {{ <{owl.iri}> cg:managedBy ?x }}")
    assert {m.iri for m in owl.managed_by} == managers


def test_a_cluster_with_no_known_managing_body_says_so(cat: Catalog) -> None:
    unknown = column(cat, "SELECT ?x WHERE { ?x cg:managingBodyUnknown true }")
    for iri in unknown:
        detail = get_cluster(cat, cat.id_of(iri))
        assert detail.managing_body_unknown and detail.managed_by == []


@pytest.mark.parametrize("slug", ["no-such-cluster", "bio", "ITS-OWL", "its owl"])
def test_unknown_or_malformed_cluster_ids_are_not_found(cat: Catalog, slug: str) -> None:
    with pytest.raises(NotFound):
        get_cluster(cat, slug)
    with pytest.raises(NotFound):
        list_members(cat, slug)


def test_an_actor_id_is_not_a_cluster(cat: Catalog) -> None:
    actor = next(iter(column(cat, "SELECT ?x WHERE { ?x a cg:Company }")))
    with pytest.raises(NotFound):
        get_cluster(cat, cat.id_of(actor))


def test_members_come_from_both_membership_forms_with_roles_and_sources(cat: Catalog) -> None:
    cluster = "https://w3id.org/clustergraph/cluster/spin-nrw"
    expected = column(cat, f"SELECT ?x WHERE {{ <{cluster}> org:hasMember|^org:organization/org:member ?x }}")
    page = list_members(cat, "spin-nrw")
    assert page.count == len(expected) and {m.iri for m in page.data} == expected
    founders = column(cat, f"SELECT ?x WHERE {{ ?m org:organization <{cluster}> ; org:member ?x ; org:role cg:FoundingMember }}")
    assert founders and {m.iri for m in page.data if "FoundingMember" in m.roles} == founders
    assert all(m.sources for m in page.data)
    names = [(m.name or "").casefold() for m in page.data]
    assert names == sorted(names)


def test_summary_counts_members_as_the_graph_names_them(cat: Catalog) -> None:
    for cluster in list_clusters(cat).data:
        named = column(cat, f"SELECT ?x WHERE {{ <{cluster.iri}> org:hasMember|^org:organization/org:member ?x }}")
        assert cluster.member_count == len(named), cluster.id


def test_names_come_in_both_languages_and_the_display_name_prefers_english(cat: Catalog) -> None:
    for cluster in list_clusters(cat).data:
        english = column(cat, f'SELECT ?x WHERE {{ <{cluster.iri}> skos:prefLabel ?x FILTER(LANG(?x) = "en") }}')
        german = column(cat, f'SELECT ?x WHERE {{ <{cluster.iri}> skos:prefLabel ?x FILTER(LANG(?x) = "de") }}')
        assert (cluster.names.en in english) if english else cluster.names.en is None
        assert (cluster.names.de in german) if german else cluster.names.de is None
        assert cluster.name == (cluster.names.en or cluster.names.de)


def test_a_hostile_name_comes_back_as_the_same_text(cat: Catalog) -> None:
    hostile = '<script>alert("x")</script> & "quotes"'
    iri = cat.iri("cluster", "its-owl")
    from pyoxigraph import NamedNode, Quad

    cat.store.apply(add=[Quad(iri, NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"), Literal(hostile, language="en"), cat.iri("source", "test"))])
    assert hostile in get_cluster(cat, "its-owl").alt_names
    assert "its-owl" in {c.id for c in list_clusters(cat, ClusterFilters(q="<script>")).data}


def test_a_technology_filter_includes_narrower_technologies(toy: Catalog) -> None:
    from clustergraph.catalog import get_technology

    found = {c.id for c in list_clusters(toy, ClusterFilters(technology="t1")).data}
    assert found == {"alpha", "gamma", "delta", "theta"}  # theta is tagged with t2, narrower than t1
    assert {c.id for c in list_clusters(toy, ClusterFilters(technology="t2")).data} == {"theta"}
    assert get_technology(toy, "t1").cluster_count == 4
    assert [b.id for b in get_technology(toy, "t2").broader] == ["t1"]


def test_kind_filter_follows_subclasses_and_plain_clusters_count(toy: Catalog) -> None:
    everything = {c.id for c in list_clusters(toy).data}
    assert "theta" in everything  # typed cg:Cluster itself
    assert {c.id for c in list_clusters(toy, ClusterFilters(kind="state-cluster")).data} == {"alpha", "delta", "epsilon", "zeta", "eta"}
