"""/oai harvested by sickle (a harvesting client nobody here wrote) from a live server: every
record through resumption tokens, both metadata formats, sets, date ranges and every error
code; every response valid against the OAI-PMH schema, every dcat_ap record against the
official DCAT-AP 2.1.1 and 3.0.1 shapes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest
from lxml import etree
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF
from sickle import Sickle, oaiexceptions
from sickle.iterator import OAIResponseIterator
from support.oai import OAI, RDF as RDF_NS, check_oai_dc, dcat_ap_report, error_codes, valid_response
from support.servers import LiveServer, start_server

from clustergraph.namespaces import ONTOLOGY_IRI

BASE = "https://w3id.org/clustergraph/"
PAGE = 7
TOKEN = "oai-test-token"


class CheckedSickle(Sickle):
    """sickle, with every response it receives checked against the OAI-PMH schema (strict parser)."""

    def __init__(self, endpoint: str, **options) -> None:
        super().__init__(endpoint, max_retries=0, timeout=60, **options)
        self.responses: list[tuple[dict, etree._Element]] = []

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        assert response.http_response.status_code == 200
        assert response.http_response.headers["content-type"].startswith("text/xml")
        self.responses.append((kwargs, valid_response(response.http_response.content)))
        return response


@dataclass
class Harvest:
    client: CheckedSickle
    records: list  # sickle Record objects


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = start_server(tmp_path_factory.mktemp("oai"), CLUSTERGRAPH_OAI_PAGE_SIZE=str(PAGE))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def dcat_harvest(server: LiveServer) -> Harvest:
    client = CheckedSickle(f"{server.url}/oai")
    return Harvest(client, list(client.ListRecords(metadataPrefix="dcat_ap")))


def expected_identifiers(store) -> set[str]:
    """The landscape and every source graph: what the store says, worked out without the exporter."""
    return {BASE} | {g.value for g in store.named_graphs() if g.value != ONTOLOGY_IRI}


def rdf_of(record) -> Graph:
    rdf = record.xml.find(f".//{OAI}metadata/{RDF_NS}RDF")
    assert rdf is not None, record.raw[:500]
    return Graph().parse(data=etree.tostring(rdf), format="xml")


def test_sickle_harvests_every_record_once_through_resumption_tokens(dcat_harvest: Harvest, store) -> None:
    identifiers = [r.header.identifier for r in dcat_harvest.records]
    assert len(identifiers) == len(set(identifiers))
    assert set(identifiers) == expected_identifiers(store)
    pages = dcat_harvest.client.responses
    assert len(pages) == math.ceil(len(identifiers) / PAGE) > 5
    for number, (kwargs, root) in enumerate(pages):
        assert ("resumptionToken" in kwargs) == (number > 0)
        token = root.find(f"{OAI}ListRecords/{OAI}resumptionToken")
        if number == 0 and len(pages) > 1:
            assert token is not None and token.text
        if token is not None:
            assert token.get("completeListSize") == str(len(identifiers))
            assert token.get("cursor") == str(number * PAGE)
    last = pages[-1][1].find(f"{OAI}ListRecords/{OAI}resumptionToken")
    assert last is not None and not last.text  # an empty token ends a split list


@pytest.mark.parametrize("version", ["2.1.1", "3.0.1"])
def test_every_harvested_dcat_ap_record_passes_the_official_shapes(dcat_harvest: Harvest, version: str) -> None:
    failures = {}
    for record in dcat_harvest.records:
        report = dcat_ap_report(rdf_of(record), version)
        if report is not None:
            failures[record.header.identifier] = report
    assert not failures, next(iter(failures.items()))


def test_each_dcat_ap_record_describes_one_dataset_with_its_identifier_and_date(dcat_harvest: Harvest, server) -> None:
    for record in dcat_harvest.records:
        graph = rdf_of(record)
        identified = [d for d in graph.subjects(RDF.type, DCAT.Dataset)
                      if str(graph.value(d, DCTERMS.identifier)) == record.header.identifier]
        assert len(identified) == 1, record.header.identifier
        dataset = identified[0]
        assert str(graph.value(dataset, DCTERMS.modified)) == record.header.datestamp[:10]
        assert any(graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
                   for dist in graph.objects(dataset, DCAT.distribution))
        assert record.header.setSpecs in (["landscape"], ["source", "source:web"], ["source", "source:report"],
                                          ["source", "source:editorial"])


def test_a_source_record_offers_that_source_s_graph_for_download(dcat_harvest: Harvest, server) -> None:
    record = next(r for r in dcat_harvest.records if r.header.identifier == f"{BASE}source/its-owl-news-2022-02-28")
    graph = rdf_of(record)
    download = next(graph.objects(None, DCAT.downloadURL))
    assert str(download).startswith(server.url + "/")
    response = httpx.get(str(download), timeout=30)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    facts = Graph().parse(data=response.text, format="turtle")
    assert len(facts) == 8  # the statements in the named graph of that source
    landing = next(graph.objects(None, DCAT.landingPage))
    assert httpx.get(str(landing), headers={"Accept": "text/html"}, timeout=30).status_code == 200


def test_datestamps_come_from_the_data_s_dates(dcat_harvest: Harvest) -> None:
    stamps = {r.header.identifier: r.header.datestamp for r in dcat_harvest.records}
    assert stamps[f"{BASE}source/its-owl-news-2022-02-28"] == "2026-12-05T00:00:00Z"  # read then (cg:accessed), after its dct:date
    assert stamps[f"{BASE}source/seed-report-2022-s2"] == "2022-01-01T00:00:00Z"  # the report it is part of (2022)
    assert stamps[f"{BASE}source/editorial"] == "2022-01-01T00:00:00Z"  # derived from section 2 of the report
    assert stamps[BASE] == max(stamps.values()) == "2026-12-05T00:00:00Z"  # the latest of its sources


def test_identify_names_the_repository_and_its_earliest_datestamp(server: LiveServer, dcat_harvest: Harvest) -> None:
    identify = CheckedSickle(f"{server.url}/oai").Identify()
    assert identify.baseURL == f"{server.url}/oai"
    assert identify.protocolVersion == "2.0"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.deletedRecord == "no"
    assert identify.earliestDatestamp == min(r.header.datestamp for r in dcat_harvest.records)


def test_list_identifiers_by_post_gives_the_same_headers(server: LiveServer, dcat_harvest: Harvest) -> None:
    client = CheckedSickle(f"{server.url}/oai", http_method="POST")
    headers = list(client.ListIdentifiers(metadataPrefix="oai_dc"))
    assert [(h.identifier, h.datestamp) for h in headers] == [
        (r.header.identifier, r.header.datestamp) for r in dcat_harvest.records]
    assert len(client.responses) > 1


def test_oai_dc_records_are_simple_dublin_core(server: LiveServer, store) -> None:
    client = CheckedSickle(f"{server.url}/oai")
    records = list(client.ListRecords(metadataPrefix="oai_dc"))
    assert {r.header.identifier for r in records} == expected_identifiers(store)
    for record in records:
        values = check_oai_dc(record.xml.find(f".//{OAI}metadata")[0])
        assert values["title"] and values["type"] == ["Dataset"]
        assert record.header.identifier in values["identifier"]
        assert values["date"] == [record.header.datestamp[:10]]
    chemie = next(r for r in records if r.header.identifier.endswith("/nrw-innovationspartner-chemie-nrw"))
    assert chemie.metadata["source"] == [
        "https://nrw-innovationspartner.de/nrw-innovationspartner/ihre-nrw-innovationspartner/chemie-nrw-c-o-vci-nrw"]


def test_sets_select_records(server: LiveServer, dcat_harvest: Harvest) -> None:
    client = CheckedSickle(f"{server.url}/oai")
    specs = [s.setSpec for s in client.ListSets()]
    assert specs == ["landscape", "source", "source:report", "source:web", "source:editorial"]
    for spec in specs:
        wanted = {r.header.identifier for r in dcat_harvest.records if spec in r.header.setSpecs}
        got = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", set=spec)}
        assert got == wanted and got, spec
    assert [h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", set="landscape")] == [BASE]


@pytest.mark.parametrize(("arguments", "keep"), [
    ({"from": "2022-02-28"}, lambda stamp: stamp >= "2022-02-28"),
    ({"until": "2022-01-01"}, lambda stamp: stamp < "2022-01-02"),  # a day includes all of it
    ({"from": "2021-12-31T00:00:00Z", "until": "2022-01-01T00:00:00Z"},
     lambda stamp: "2021-12-31T00:00:00Z" <= stamp <= "2022-01-01T00:00:00Z"),
])
def test_from_and_until_select_by_datestamp(server: LiveServer, dcat_harvest: Harvest, arguments, keep) -> None:
    wanted = {r.header.identifier for r in dcat_harvest.records if keep(r.header.datestamp)}
    client = CheckedSickle(f"{server.url}/oai")
    got = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", **arguments)}
    assert got == wanted and 0 < len(got) < len(dcat_harvest.records)


def test_get_record_returns_one_record_in_each_format(server: LiveServer) -> None:
    client = CheckedSickle(f"{server.url}/oai")
    record = client.GetRecord(identifier=BASE, metadataPrefix="dcat_ap")
    graph = rdf_of(record)
    assert dcat_ap_report(graph, "2.1.1") is None
    assert str(graph.value(next(graph.subjects(RDF.type, DCAT.Dataset)), DCTERMS.identifier)) == BASE
    formats = [f.metadataPrefix for f in client.ListMetadataFormats(identifier=BASE)]
    assert formats == ["dcat_ap", "oai_dc"]


ERRORS = [
    ("badVerb", {"verb": "Frobnicate"}),
    ("badVerb", {}),
    ("badArgument", {"verb": "ListRecords"}),  # metadataPrefix missing
    ("badArgument", {"verb": "GetRecord", "metadataPrefix": "oai_dc"}),  # identifier missing
    ("badArgument", {"verb": "Identify", "identifier": BASE}),
    ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2022-13-45"}),
    ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2022-01-01T00:00:00.5Z"}),
    ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2022-01-01",
                     "until": "2023-01-01T00:00:00Z"}),  # two granularities
    ("badArgument", {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2023-01-01", "until": "2022-01-01"}),
    ("badArgument", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "resumptionToken": "x"}),
    ("cannotDisseminateFormat", {"verb": "ListRecords", "metadataPrefix": "marc21"}),
    ("cannotDisseminateFormat", {"verb": "GetRecord", "metadataPrefix": "datacite", "identifier": BASE}),
    ("idDoesNotExist", {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "https://example.org/none"}),
    ("idDoesNotExist", {"verb": "ListMetadataFormats", "identifier": f"{BASE}source/no-such-source"}),
    ("badResumptionToken", {"verb": "ListRecords", "resumptionToken": "not-a-token"}),
    ("badResumptionToken", {"verb": "ListSets", "resumptionToken": "not-a-token"}),
    ("noRecordsMatch", {"verb": "ListRecords", "metadataPrefix": "dcat_ap", "from": "2100-01-01"}),
    ("noRecordsMatch", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "no-such-set"}),
]


@pytest.mark.parametrize(("code", "arguments"), ERRORS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ERRORS)])
def test_every_error_code_reaches_sickle(server: LiveServer, code: str, arguments: dict) -> None:
    client = CheckedSickle(f"{server.url}/oai")
    exception = getattr(oaiexceptions, code[0].upper() + code[1:])
    with pytest.raises(exception):
        OAIResponseIterator(client, arguments)
    root = client.responses[-1][1]
    assert error_codes(root) == [code]
    request = root.find(f"{OAI}request")
    assert request.text == f"{server.url}/oai"
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}  # the protocol echoes no arguments of a refused request


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_repeated_argument_is_a_bad_argument(server: LiveServer, method: str) -> None:
    pairs = [("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "dcat_ap")]
    if method == "GET":
        response = httpx.get(f"{server.url}/oai", params=pairs, timeout=30)
    else:
        response = httpx.post(f"{server.url}/oai", content=urlencode(pairs), timeout=30,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert error_codes(valid_response(response.content)) == ["badArgument"]
    twice = httpx.get(f"{server.url}/oai", params=[("verb", "Identify"), ("verb", "Identify")], timeout=30)
    assert error_codes(valid_response(twice.content)) == ["badVerb"]


def test_a_token_altered_or_for_another_verb_is_refused(server: LiveServer) -> None:
    client = CheckedSickle(f"{server.url}/oai")
    client.harvest(verb="ListRecords", metadataPrefix="oai_dc")
    token = client.responses[-1][1].find(f"{OAI}ListRecords/{OAI}resumptionToken").text
    payload, checksum = token.split(".")
    for bad in (f"{payload[:-2]}xx.{checksum}", f"{payload}.{'0' * len(checksum)}", token[:-1]):
        root = valid_response(httpx.get(f"{server.url}/oai", params={"verb": "ListRecords", "resumptionToken": bad}).content)
        assert error_codes(root) == ["badResumptionToken"]
    other = valid_response(httpx.get(f"{server.url}/oai", params={"verb": "ListIdentifiers", "resumptionToken": token}).content)
    assert error_codes(other) == ["badResumptionToken"]
    good = valid_response(httpx.get(f"{server.url}/oai", params={"verb": "ListRecords", "resumptionToken": token}).content)
    assert error_codes(good) == [] and len(good.findall(f"{OAI}ListRecords/{OAI}record")) == PAGE


def test_a_token_from_before_a_change_is_refused_and_dct_modified_moves_a_datestamp(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    live = start_server(tmp_path_factory.mktemp("oai-writable"), CLUSTERGRAPH_OAI_PAGE_SIZE=str(PAGE),
                        CLUSTERGRAPH_UPDATE_TOKEN=TOKEN)
    try:
        client = CheckedSickle(f"{live.url}/oai")
        listing = client.ListIdentifiers(metadataPrefix="oai_dc")
        next(listing)
        stale = listing.resumption_token.token
        source = f"{BASE}source/nrw-innovationspartner-chemie-nrw"
        update = (f'INSERT DATA {{ GRAPH <{BASE}source/catalogue> {{ <{source}> '
                  f'<http://purl.org/dc/terms/modified> "2027-05-01T10:30:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> }} }}')
        response = httpx.post(f"{live.url}/sparql/update", content=update, timeout=120, headers={
            "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"})
        assert response.status_code in (200, 204), response.text
        with pytest.raises(oaiexceptions.BadResumptionToken):
            list(listing)
        since = {h.identifier: h.datestamp for h in client.ListIdentifiers(metadataPrefix="oai_dc", set="source:web",
                                                                             **{"from": "2027-05-01T10:30:00Z"})}
        assert since[source] == "2027-05-01T10:30:00Z"
        assert f"{BASE}source/its-owl-news-2022-02-28" not in since  # a dated source keeps its date
    finally:
        live.stop()
