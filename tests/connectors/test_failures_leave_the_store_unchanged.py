"""Every way an endpoint can fail ends with a clear message and the store as it was (by content hash),
also when an earlier retrieval of the same kind is stored and also midway through paging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scripted_endpoint import HANG, MALFORMED, SERVER_ERROR, TOO_EXPENSIVE, ScriptedEndpoint
from support.listener import http_answer

from clustergraph.connectors.enrich import enrich
from clustergraph.connectors.errors import (
    EndpointError,
    EndpointHttpError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedAnswer,
    QueryTooExpensive,
)
from clustergraph.store.base import content_hash

FAILURES = [
    pytest.param(SERVER_ERROR, EndpointHttpError, "answered HTTP 500", id="http-500"),
    pytest.param(MALFORMED, MalformedAnswer, "not SPARQL JSON results", id="malformed"),
    pytest.param(TOO_EXPENSIVE, QueryTooExpensive, "refused the query as too expensive", id="too-expensive"),
    pytest.param(HANG, EndpointTimeout, "no answer within 1 s", id="hang"),
]


def failing_settings(settings, url: str):
    return settings.model_copy(update={"nuts_endpoint": url, "cordis_endpoint": url, "connector_timeout": 1.0})


@pytest.mark.parametrize("kind", ["nuts", "cordis"])
@pytest.mark.parametrize(("answer", "error", "message"), FAILURES)
def test_a_failing_endpoint_leaves_the_store_and_the_earlier_retrieval_as_they_were(
    store, settings, kind: str, answer: bytes | None, error: type[EndpointError], message: str
) -> None:
    enrich(store, settings, kind)  # an earlier retrieval of the same kind, from the working stand-in
    before = content_hash(store)
    with ScriptedEndpoint(answer) as endpoint, pytest.raises(error) as raised:
        enrich(store, failing_settings(settings, endpoint.url), kind)
    assert message in str(raised.value)
    assert endpoint.url in str(raised.value)
    assert content_hash(store) == before


def test_a_failure_after_some_pages_were_read_writes_none_of_them(store, settings) -> None:
    """The first page is cut at a cap of 2 (header), the next request fails: nothing of the first lands."""
    row = lambda code, label: {
        "region": {"type": "uri", "value": f"http://data.europa.eu/nuts/code/{code}"},
        "label": {"type": "literal", "xml:lang": "de", "value": label},
    }
    page = json.dumps({"head": {"vars": ["region", "label"]}, "results": {"bindings": [row("DEA", "Nordrhein-Westfalen"), row("DE", "Deutschland")]}})
    first = http_answer("200 OK", page.encode(), content_type="application/sparql-results+json", x_sparql_maxrows="2")
    before = content_hash(store)
    with ScriptedEndpoint(first, SERVER_ERROR) as endpoint, pytest.raises(EndpointHttpError):
        enrich(store, failing_settings(settings, endpoint.url), "nuts")
    assert len(endpoint.requests) == 3  # the page, the failing next page, its one retry
    assert b"OFFSET+2" in endpoint.requests[1]  # read on after the cut, in pages of the cap
    assert content_hash(store) == before


def test_an_unreachable_endpoint_is_a_one_line_error_from_the_command(tmp_path: Path, settings) -> None:
    import os

    with ScriptedEndpoint(HANG) as endpoint:
        url = endpoint.url
    env = {"CLUSTERGRAPH_NUTS_ENDPOINT": url, "CLUSTERGRAPH_CONNECTOR_RETRIES": "0", "PATH": os.environ.get("PATH", "")}
    store_dir = tmp_path / "store"
    load = subprocess.run([sys.executable, "-m", "clustergraph.cli", "load", "--store", str(store_dir)], capture_output=True, env=env, timeout=300)
    assert load.returncode == 0
    run = subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", "enrich", "nuts", "--store", str(store_dir)],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == EndpointUnreachable.exit_code
    assert run.stderr.strip().splitlines() == [f"error: {url} could not be reached: [Errno 111] Connection refused"]
    assert "Traceback" not in run.stderr
