"""The federated example queries, run by a live server whose allow-list names the local
Virtuoso standing in for the EU endpoints (the real ones are never contacted)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from form_relay import FormRelay
from support.servers import LiveServer, start_server

from clustergraph.examples import load_examples
from clustergraph.settings import Settings

EXAMPLES = load_examples(Settings(store="memory", _env_file=None).queries_dir)
FEDERATED = {name: e for name, e in EXAMPLES.items() if e.is_federated}


@pytest.fixture(scope="module")
def stand_in(eu_virtuoso) -> Iterator[FormRelay]:
    """The stand-in Virtuoso as SERVICE reaches it (see ``form_relay`` for why a relay)."""
    relay = FormRelay(eu_virtuoso.endpoint)
    yield relay
    relay.close()


@pytest.fixture(scope="module")
def server(stand_in: FormRelay, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(
        tmp_path_factory.mktemp("federation"),
        CLUSTERGRAPH_SERVICE_ALLOWLIST=stand_in.url,
        CLUSTERGRAPH_SERVICE_ALLOW_PRIVATE="true",
    )
    yield live
    live.stop()


def run_against_stand_in(server: LiveServer, name: str, stand_in: str) -> list[dict[str, str]]:
    example = FEDERATED[name]
    text = example.sparql
    for endpoint in example.federated:
        assert f"SERVICE <{endpoint}>" in text
        text = text.replace(f"<{endpoint}>", f"<{stand_in}>")
    response = httpx.post(
        f"{server.url}/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    assert response.status_code == 200, response.text[:500]
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_the_catalogue_flags_exactly_the_examples_that_call_an_eu_endpoint() -> None:
    assert {name: e.federated for name, e in FEDERATED.items()} == {
        "eu-projects-of-research-centres": ("https://cordis.europa.eu/datalab/sparql",),
        "places-in-nuts-regions": ("https://publications.europa.eu/webapi/rdf/sparql",),
    }
    assert all("SERVICE" not in e.sparql for e in EXAMPLES.values() if not e.is_federated)


def test_places_are_joined_with_their_nuts_3_regions_from_the_endpoint(server: LiveServer, stand_in: FormRelay) -> None:
    calls = stand_in.calls
    rows = run_against_stand_in(server, "places-in-nuts-regions", stand_in.url)
    assert stand_in.calls == calls + 1
    assert [(r["placeName"], r["regionName"], r["districtName"]) for r in rows] == [
        ("Düsseldorf", "Düsseldorf, Kreisfreie Stadt", "Düsseldorf"),
        ("Essen", "Essen, Kreisfreie Stadt", "Düsseldorf"),
        ("Köln", "Köln, Kreisfreie Stadt", "Köln"),
        ("Paderborn", "Paderborn", "Detmold"),
        ("Solingen", "Solingen, Kreisfreie Stadt", "Düsseldorf"),
        ("Wuppertal", "Wuppertal, Kreisfreie Stadt", "Düsseldorf"),
    ]
    assert rows[0]["region"] == "http://data.europa.eu/nuts/code/DEA11"


def test_research_organisations_get_their_project_counts_per_role_from_the_endpoint(server: LiveServer, stand_in: FormRelay) -> None:
    rows = run_against_stand_in(server, "eu-projects-of-research-centres", stand_in.url)
    counts = {(r["legalName"], r["role"]): int(r["projects"]) for r in rows}
    assert counts == {
        ("FORSCHUNGSZENTRUM JULICH GMBH", "coordinator"): 4,
        ("FORSCHUNGSZENTRUM JULICH GMBH", "participant"): 8,
        ("RWTH AACHEN UNIVERSITY", "coordinator"): 1,
        ("BERGISCHE UNIVERSITAET WUPPERTAL", "participant"): 1,
    }
    assert {r["actorName"] for r in rows} >= {"Forschungszentrum Jülich", "RWTH Aachen University"}


def test_without_the_endpoint_on_the_allow_list_the_example_is_refused(server: LiveServer) -> None:
    """The server's allow-list names only the stand-in: the real endpoint is refused, never called."""
    response = httpx.post(
        f"{server.url}/sparql", data={"query": FEDERATED["places-in-nuts-regions"].sparql},
        headers={"Accept": "application/sparql-results+json"}, timeout=60,
    )
    assert response.status_code == 403
    assert "publications.europa.eu" in response.json()["detail"]
