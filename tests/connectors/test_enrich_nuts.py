"""``enrich nuts`` against the local stand-in: names, hierarchy, places, the source, replacement."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pyoxigraph import NamedNode

from clustergraph.connectors.enrich import enrich
from clustergraph.namespaces import PREFIXES, sparql_prologue

NUTS = "http://data.europa.eu/nuts/code/"
BASE = "https://w3id.org/clustergraph/"
GRAPH = f"{BASE}source/eu-nuts"


def labels(store, region: str) -> dict[str, str]:
    rows = store.query(sparql_prologue() + f"SELECT ?l WHERE {{ GRAPH <{GRAPH}> {{ <{NUTS + region}> skos:prefLabel ?l }} }}")
    return {row["l"].language: row["l"].value for row in rows}


def test_every_region_the_graph_refers_to_gets_its_names_and_its_broader_regions(store, settings) -> None:
    result = enrich(store, settings, "nuts")

    assert labels(store, "DEA") == {"de": "Nordrhein-Westfalen", "en": "North Rhine-Westphalia"}
    assert labels(store, "DE") == {"de": "Deutschland", "en": "Germany"}
    broader = {
        (r["r"].value.removeprefix(NUTS), r["b"].value.removeprefix(NUTS))
        for r in store.query(sparql_prologue() + f"SELECT ?r ?b WHERE {{ GRAPH <{GRAPH}> {{ ?r skos:broader ?b }} }}")
    }
    assert {("DEA", "DE"), ("DEA1", "DEA"), ("DEA13", "DEA1"), ("DEA47", "DEA4")} <= broader
    assert "DE1" not in {r for pair in broader for r in pair}  # Baden-Württemberg is not referred to
    assert result.committed is not None and result.committed.graph == GRAPH
    assert result.cuts >= 1  # the ten-row cap cut an answer, and paging read past it


def test_places_get_the_nuts_3_region_whose_name_is_theirs_and_the_others_are_reported(store, settings) -> None:
    result = enrich(store, settings, "nuts")

    rows = store.query(sparql_prologue() + f"SELECT ?p ?r WHERE {{ GRAPH <{GRAPH}> {{ ?p dct:isPartOf ?r }} }}")
    matched = {r["p"].value.removeprefix(BASE + "place/"): r["r"].value.removeprefix(NUTS) for r in rows}
    assert matched == {
        "duesseldorf": "DEA11", "essen": "DEA13", "koeln": "DEA23", "paderborn": "DEA47",
        "solingen": "DEA19", "wuppertal": "DEA1A",
    }
    assert "  no NUTS 3 region matches the name of https://w3id.org/clustergraph/place/juelich" in result.lines
    assert labels(store, "DEA13") == {"de": "Essen, Kreisfreie Stadt", "en": "Essen, urban district"}


def test_the_retrieval_is_a_source_with_endpoint_queries_time_and_licence(store, settings) -> None:
    enrich(store, settings, "nuts")

    facts = {
        (r["p"].value, r["o"].value)
        for r in store.query(f"SELECT ?p ?o WHERE {{ GRAPH <{GRAPH}> {{ <{GRAPH}> ?p ?o }} }}")
    }
    predicates = {p for p, _ in facts}
    assert (PREFIXES["rdf"] + "type", "https://w3id.org/clustergraph/ontology/RetrievedSource") in facts
    assert ("https://w3id.org/clustergraph/ontology/endpoint", settings.nuts_endpoint) in facts
    assert (PREFIXES["dct"] + "license", "https://creativecommons.org/licenses/by/4.0/") in facts
    assert {PREFIXES["prov"] + "generatedAtTime", PREFIXES["dct"] + "modified"} <= predicates
    queries = [o for p, o in facts if p == "https://w3id.org/clustergraph/ontology/retrievalQuery"]
    assert any("skos:prefLabel" in q and "ORDER BY" in q for q in queries)


def test_a_second_retrieval_replaces_the_first_in_one_graph(store, settings) -> None:
    enrich(store, settings, "nuts")
    first = sorted(str(q) for q in store.quads(graph=NamedNode(GRAPH)) if "generatedAtTime" not in str(q.predicate) and "modified" not in str(q.predicate))
    enrich(store, settings, "nuts")
    second = sorted(str(q) for q in store.quads(graph=NamedNode(GRAPH)) if "generatedAtTime" not in str(q.predicate) and "modified" not in str(q.predicate))

    assert second == first
    stamps = list(store.query(f"SELECT ?t WHERE {{ GRAPH <{GRAPH}> {{ <{GRAPH}> <{PREFIXES['prov']}generatedAtTime> ?t }} }}"))
    assert len(stamps) == 1  # the old retrieval's time went with the old retrieval


def test_the_enrich_command_writes_and_the_pages_show_region_names(tmp_path: Path, settings) -> None:
    env = {"CLUSTERGRAPH_NUTS_ENDPOINT": settings.nuts_endpoint, "PATH": _path()}
    store_dir = str(tmp_path / "store")
    page = [sys.executable, "-m", "clustergraph.cli", "serve", "--store", store_dir, "--get", "/cluster/spin-nrw?lang=de"]
    before = subprocess.run(page, capture_output=True, text=True, env=env, timeout=300)
    assert 'href="/resource?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FDEA' not in before.stdout  # not described yet

    run = subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", "enrich", "nuts", "--store", store_dir],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert f"to {GRAPH}" in run.stdout
    assert "cut at the endpoint's row cap" in run.stderr

    after = subprocess.run(page, capture_output=True, text=True, env=env, timeout=300)
    assert 'href="/resource?iri=http%3A%2F%2Fdata.europa.eu%2Fnuts%2Fcode%2FDEA&amp;lang=de">Nordrhein-Westfalen</a>' in after.stdout
    english = subprocess.run(page[:-1] + ["/place/essen"], capture_output=True, text=True, env=env, timeout=300)
    assert 'nuts%2Fcode%2FDEA13">Essen, urban district</a>' in english.stdout
    assert 'nuts%2Fcode%2FDEA">North Rhine-Westphalia</a>' in english.stdout


def _path() -> str:
    import os

    return os.environ.get("PATH", "")
