"""Actors, innovation fields, technologies, labels, programmes, events, sources and search,
checked against plain SPARQL over the bundled data."""

from __future__ import annotations

import pytest

from clustergraph.catalog import (
    ActorFilters,
    Catalog,
    get_actor,
    get_event,
    get_innovation_field,
    get_label,
    get_programme,
    get_source,
    get_technology,
    list_actors,
    list_events,
    list_innovation_fields,
    list_labels,
    list_programmes,
    list_sources,
    list_technologies,
    search,
)
from clustergraph.catalog.query import PROLOGUE
from clustergraph.errors import NotFound


def column(cat: Catalog, query: str, var: str = "x") -> set[str]:
    """The values of ``?var`` of a test query: an independent view of the graph."""
    return {row[var].value for row in cat.store.query(PROLOGUE + query)}


def test_actors_are_the_cg_actor_instances_in_name_order(cat: Catalog) -> None:
    page = list_actors(cat)
    assert {a.iri for a in page.data} == column(cat, "SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* cg:Actor }")
    names = [(a.name or "").lower() for a in page.data]
    assert names == sorted(names)


def test_actor_filters_by_type_cluster_city_and_text(cat: Catalog) -> None:
    universities = list_actors(cat, ActorFilters(type="university"))
    assert {a.iri for a in universities.data} == column(cat, "SELECT ?x WHERE { ?x a cg:University }")
    spin = "https://w3id.org/clustergraph/cluster/spin-nrw"
    of_spin = column(cat, f"SELECT ?x WHERE {{ {{ <{spin}> org:hasMember|^org:organization/org:member ?x }} UNION {{ <{spin}> cg:managedBy ?x }} ?x a/rdfs:subClassOf* cg:Actor }}")
    assert {a.iri for a in list_actors(cat, ActorFilters(cluster="spin-nrw")).data} == of_spin
    in_aachen = list_actors(cat, ActorFilters(city="Aachen"))
    assert in_aachen.count >= 1 and all(any(c.id == "aachen" for c in a.cities) for a in in_aachen.data)
    assert "rwth-aachen-university" in {a.id for a in list_actors(cat, ActorFilters(q="rwth")).data}


def test_one_actor_lists_the_clusters_it_belongs_to_or_manages(cat: Catalog) -> None:
    rwth = get_actor(cat, "rwth-aachen-university")
    manages = column(cat, f"SELECT ?x WHERE {{ ?x cg:managedBy <{rwth.iri}> }}")
    member_of = column(cat, f"SELECT ?x WHERE {{ ?x org:hasMember|^org:organization/org:member <{rwth.iri}> }}")
    assert {c.iri for c in rwth.manages} == manages
    assert {c.iri for c in rwth.member_of} == member_of
    assert rwth.cluster_count == len(manages | member_of)
    assert "University" in rwth.types and rwth.sources
    with pytest.raises(NotFound):
        get_actor(cat, "its-owl")  # a cluster, not an actor


def test_innovation_fields_count_their_clusters_and_mark_cross_cutting_ones(cat: Catalog) -> None:
    page = list_innovation_fields(cat)
    assert page.count == len(column(cat, "SELECT ?x WHERE { ?x a cg:InnovationField }")) == 7
    for field in page.data:
        clusters = column(cat, f"SELECT ?x WHERE {{ ?x cg:innovationField <{field.iri}> ; a/rdfs:subClassOf* cg:Cluster }}")
        assert field.cluster_count == len(clusters)
        assert field.cross_cutting == bool(column(cat, f"SELECT ?x WHERE {{ <{field.iri}> cg:isCrossCutting ?x FILTER(?x) }}"))
        assert field.names.de  # every field has its sourced German name
    assert get_innovation_field(cat, "key-technologies-ict").cross_cutting
    assert list_innovation_fields(cat, q="energ").count >= 1


def test_technologies_count_their_clusters(cat: Catalog) -> None:
    page = list_technologies(cat)
    assert page.count == len(column(cat, "SELECT ?x WHERE { ?x a cg:Technology }"))
    ai = get_technology(cat, "artificial-intelligence")
    assert ai.cluster_count == len(column(cat, f"SELECT ?x WHERE {{ ?x cg:technology <{ai.iri}> }}"))
    with pytest.raises(NotFound):
        get_technology(cat, "key-technologies-ict")  # an innovation field


def test_labels_newest_first_and_filtered_by_level_and_cluster(cat: Catalog) -> None:
    page = list_labels(cat)
    assert page.count == len(column(cat, "SELECT ?x WHERE { ?x a cg:LabelAward }"))
    dates = [label.award_date for label in page.data if label.award_date]
    assert dates == sorted(dates, reverse=True)
    assert [label.award_date for label in page.data][-1] is None or all(label.award_date for label in page.data)
    gold = list_labels(cat, level="gold")
    assert gold.count >= 1 and {label.level for label in gold.data} == {"gold"}
    of_owl = list_labels(cat, cluster="its-owl")
    assert {label.iri for label in of_owl.data} == column(cat, "SELECT ?x WHERE { <https://w3id.org/clustergraph/cluster/its-owl> cg:label ?x }")
    one = get_label(cat, of_owl.data[0].id)
    assert one.cluster is not None and one.cluster.id == "its-owl" and one.awarded_to and one.sources


def test_programmes_list_their_clusters_from_both_participation_forms(cat: Catalog) -> None:
    page = list_programmes(cat)
    assert {p.iri for p in page.data} == column(cat, "SELECT ?x WHERE { ?x a cg:FundingProgramme }")
    for programme in page.data:
        taking_part = column(
            cat,
            f"SELECT ?x WHERE {{ ?x cg:fundingProgramme|cg:participatesIn/cg:programme|^cg:participant/cg:programme <{programme.iri}> }}",
        )
        assert {c.iri for c in programme.clusters} == taking_part
        assert programme.cluster_count == len(taking_part)
    with_clusters = next(p for p in page.data if p.clusters)
    cluster = with_clusters.clusters[0].id
    assert with_clusters.iri in {p.iri for p in list_programmes(cat, cluster=cluster).data}
    assert get_programme(cat, with_clusters.id).iri == with_clusters.iri


def test_events_newest_first(cat: Catalog) -> None:
    page = list_events(cat)
    assert page.count == len(column(cat, "SELECT ?x WHERE { ?x a cg:Event }"))
    dates = [e.start_date for e in page.data if e.start_date]
    assert dates == sorted(dates, reverse=True)
    first = page.data[0]
    assert get_event(cat, first.id).iri == first.iri
    if first.topic_areas:
        topic = first.topic_areas[0].id
        assert first.iri in {e.iri for e in list_events(cat, topic_area=topic).data}


def test_sources_are_the_described_named_graphs_with_their_sizes(cat: Catalog) -> None:
    page = list_sources(cat)
    assert {s.iri for s in page.data} == column(cat, "SELECT ?x WHERE { ?x a/rdfs:subClassOf* cg:Source }")
    ids = [s.iri for s in page.data]
    assert ids == sorted(ids)
    for source in page.data[:10]:
        size = cat.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source.iri}> {{ ?s ?p ?o }} }}")
        assert source.triples == int(next(iter(size))["n"].value)
    editorial = list_sources(cat, editorial=True)
    public = list_sources(cat, editorial=False)
    assert editorial.count >= 1 and all(s.editorial for s in editorial.data)
    assert editorial.count + public.count == page.count
    section = next(s for s in page.data if s.section)
    assert section.part_of is not None
    assert get_source(cat, section.id).section == section.section


def test_search_finds_a_cluster_by_a_technology(cat: Catalog) -> None:
    label = next(iter(column(cat, "SELECT ?x WHERE { <https://w3id.org/clustergraph/technology/industry-4-0> skos:prefLabel ?x }")))
    hits = search(cat, label.lower())
    clusters = {h.iri for h in hits.data if h.kind == "cluster"}
    assert column(cat, "SELECT ?x WHERE { ?x cg:technology <https://w3id.org/clustergraph/technology/industry-4-0> }") <= clusters
    assert "industry-4-0" in {h.id for h in hits.data if h.kind == "technology"}


def test_search_puts_whole_name_matches_first_and_lists_each_resource_once(cat: Catalog) -> None:
    hits = search(cat, "Essen")
    assert len({h.iri for h in hits.data}) == hits.count
    place_matches = [h for h in hits.data if h.matched_field == "city"]
    name_matches = [h for h in hits.data if h.matched_field == "name"]
    assert place_matches and name_matches
    exact = [i for i, h in enumerate(hits.data) if h.matched_text.casefold() == "essen"]
    partial = [i for i, h in enumerate(hits.data) if h.matched_text.casefold() != "essen"]
    assert max(exact) < min(partial)


def test_search_can_be_narrowed_to_one_kind(cat: Catalog) -> None:
    hits = search(cat, "nrw", kind="cluster")
    assert hits.count >= 5 and {h.kind for h in hits.data} == {"cluster"}
    assert search(cat, "nrw", kind="event").count < hits.count
