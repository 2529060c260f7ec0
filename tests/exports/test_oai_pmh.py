"""The OAI-PMH provider's logic on a store, without a server: arguments, tokens, the record list's
version, and XML that stays valid whatever the request or the data holds."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pyoxigraph import Literal, NamedNode, Quad
from support.oai import OAI, error_codes, valid_response

from clustergraph.exports import oai_tokens
from clustergraph.exports.oai_pmh import OaiError, Repository, check_arguments, respond
from clustergraph.exports.oai_records import Deployment, build_index
from clustergraph.store import EmbeddedStore

BASE = "https://w3id.org/clustergraph/"
REPO = Repository("http://127.0.0.1:8000/oai", Deployment("http://127.0.0.1:8000/", BASE, "Test publisher"),
                  page_size=10, admin_email="oai@example.org")
NOW = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def ask(store, **arguments: str):
    return valid_response(respond(list(arguments.items()), build_index(store, BASE), store, REPO, now=NOW).encode())


@pytest.mark.parametrize(("arguments", "code"), [
    ([], "badVerb"),
    ([("verb", "identify")], "badVerb"),
    ([("verb", "Identify"), ("verb", "ListSets")], "badVerb"),
    ([("verb", "Identify"), ("set", "source")], "badArgument"),
    ([("verb", "GetRecord"), ("identifier", BASE)], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "")], "badArgument"),
    ([("verb", "ListRecords"), ("metadataPrefix", "oai_dc"), ("metadataPrefix", "oai_dc")], "badArgument"),
    ([("verb", "ListSets"), ("resumptionToken", "t"), ("set", "source")], "badArgument"),
])
def test_requests_the_protocol_does_not_allow_are_refused(arguments, code) -> None:
    with pytest.raises(OaiError) as refused:
        check_arguments(arguments)
    assert refused.value.code == code


def test_a_resumption_token_goes_alone_and_needs_no_metadata_prefix() -> None:
    assert check_arguments([("verb", "ListRecords"), ("resumptionToken", "t")]) == (
        "ListRecords", {"resumptionToken": "t"})


def test_responses_stay_valid_when_an_argument_cannot_be_echoed(store) -> None:
    root = ask(store, verb="ListRecords", metadataPrefix="no such <format>")
    assert error_codes(root) == ["cannotDisseminateFormat"]
    assert root.find(f"{OAI}request").attrib == {"verb": "ListRecords"}
    assert root.findtext(f"{OAI}responseDate") == "2030-01-02T03:04:05Z"


@pytest.mark.parametrize("identifier", ["2022-01-01T00:00:00Z", "has space", "https://example.org/%zz", "<tag>"])
def test_an_identifier_that_is_not_a_uri_is_not_echoed(store, identifier: str) -> None:
    root = ask(store, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
    assert error_codes(root) == ["idDoesNotExist"]
    assert "identifier" not in root.find(f"{OAI}request").attrib


def test_a_source_iri_beyond_ascii_becomes_a_uri_identifier(store) -> None:
    graph = NamedNode(f"{BASE}source/düsseldorf-amt")
    store.apply(add=[
        Quad(graph, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(f"{BASE}ontology/Source"),
             NamedNode(f"{BASE}source/catalogue")),
        Quad(graph, NamedNode("http://purl.org/dc/terms/title"), Literal("Amt", language="de"), graph),
    ])
    identifier = f"{BASE}source/d%C3%BCsseldorf-amt"
    assert identifier in [r.identifier for r in build_index(store, BASE).records]
    root = ask(store, verb="GetRecord", metadataPrefix="dcat_ap", identifier=identifier)
    assert root.findtext(f"{OAI}GetRecord/{OAI}record/{OAI}header/{OAI}identifier") == identifier


def test_text_xml_cannot_carry_is_dropped_from_records(store) -> None:
    source = NamedNode(f"{BASE}source/its-owl-news-2022-02-28")
    title = Literal("news \x01\x0b with <markup> & \ud7ff", language="en")
    store.apply(add=[Quad(source, NamedNode("http://purl.org/dc/terms/title"), title, NamedNode(f"{BASE}source/catalogue"))])
    for prefix in ("dcat_ap", "oai_dc"):
        root = ask(store, verb="GetRecord", metadataPrefix=prefix, identifier=source.value)
        assert "news  with <markup> &" in "".join(root.itertext())


def test_the_list_version_follows_the_records_not_the_store_instance(store, loaded_quads) -> None:
    index = build_index(store, BASE)
    other = EmbeddedStore(None)
    other.apply(add=list(reversed(loaded_quads)))
    assert build_index(other, BASE).version == index.version  # a restarted server continues a harvest
    figure = Quad(NamedNode(f"{BASE}cluster/its-owl"), NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                  Literal("OWL", language="de"), NamedNode(f"{BASE}source/wikipedia-de-its-owl"))
    store.apply(add=[figure])
    assert build_index(store, BASE).version != index.version


def test_tokens_round_trip_and_refuse_other_versions_and_verbs() -> None:
    state = oai_tokens.Continuation("ListRecords", "v1", 20, "dcat_ap", "2022-01-01", None, "source:web")
    token = oai_tokens.encode(state)
    assert oai_tokens.decode(token, verb="ListRecords", version="v1") == state
    for verb, version in (("ListRecords", "v2"), ("ListIdentifiers", "v1")):
        with pytest.raises(oai_tokens.BadToken):
            oai_tokens.decode(token, verb=verb, version=version)


def test_a_list_that_fits_one_page_has_no_token(store) -> None:
    # The report's sections: a set no larger than a page (the editorial set holds a summary
    # graph per source and spans several pages).
    in_set = [r for r in build_index(store, BASE).records if "source:report" in r.sets]
    assert 0 < len(in_set) <= REPO.page_size
    root = ask(store, verb="ListIdentifiers", metadataPrefix="oai_dc", set="source:report")
    assert len(root.findall(f"{OAI}ListIdentifiers/{OAI}header")) == len(in_set)
    assert root.find(f"{OAI}ListIdentifiers/{OAI}resumptionToken") is None


def test_until_with_seconds_includes_that_second(store) -> None:
    records = build_index(store, BASE).records
    first = min(r.datestamp for r in records)
    assert first == datetime(2022, 1, 1, tzinfo=timezone.utc)  # the seed report (2022) and what derives from it
    earliest = sorted(r.identifier for r in records if r.datestamp == first)
    root = ask(store, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2022-01-01T00:00:00Z")
    headers = list(root.iter(f"{OAI}header"))  # the first page of the list
    assert headers and {h.findtext(f"{OAI}identifier") for h in headers} <= set(earliest)
    assert {h.findtext(f"{OAI}datestamp") for h in headers} == {"2022-01-01T00:00:00Z"}
    assert f"{BASE}source/seed-report-2022-s2" in earliest and len(earliest) < len(records)
    root = ask(store, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2021-12-31T23:59:59Z")
    assert error_codes(root) == ["noRecordsMatch"]


@pytest.mark.parametrize(("arguments", "code"), [
    ({"until": "9999-12-31"}, None),
    ({"until": "9999-12-31T23:59:59Z"}, None),
    ({"from": "0000-01-01"}, "badArgument"),
    ({"from": "2022-02-29"}, "badArgument"),
    ({"set": "source:web:deeper"}, "noRecordsMatch"),
])
def test_edge_dates_and_sets_give_protocol_answers(store, arguments, code) -> None:
    root = ask(store, verb="ListIdentifiers", metadataPrefix="oai_dc", **arguments)
    assert error_codes(root) == ([code] if code else [])
