"""After ``enrich nuts`` the API names each cluster's region in German and English, from the NUTS graph."""

from __future__ import annotations

from clustergraph.catalog import Catalog, get_cluster, list_clusters
from clustergraph.connectors.enrich import enrich


def test_the_cluster_api_takes_the_region_names_and_code_from_the_nuts_graph(store, settings) -> None:
    cat = Catalog(store, settings.base_iri)
    assert get_cluster(cat, "its-owl").region.names.de is None  # nothing but the code before the retrieval

    enrich(store, settings, "nuts")

    region = get_cluster(Catalog(store, settings.base_iri), "its-owl").region
    assert region.code == "DEA"
    assert (region.names.de, region.names.en) == ("Nordrhein-Westfalen", "North Rhine-Westphalia")
    assert region.name == "North Rhine-Westphalia"
    named = {c.region.name for c in list_clusters(Catalog(store, settings.base_iri)).data if c.region}
    assert named == {"North Rhine-Westphalia"}
