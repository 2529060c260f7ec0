"""The W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests, against a live server.

The manifests are the copy in ``tests/conformance/w3c`` (provenance in its SOURCE.md).
Every W3C test is one pytest test here: it runs through the project's runner against a
real ``clustergraph serve`` holding the W3C test data. A test listed in
``clustergraph.conformance.expected`` with a reason is an expected failure.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clustergraph.conformance.expected import EXPECTED_FAILURES
from clustergraph.conformance.manifest import ManifestTest, load_suites
from clustergraph.conformance.runner import Endpoints, Runner, rewrite_path
from clustergraph.conformance.server import conformance_environment
from support.servers import LiveServer, start_server

W3C = Path(__file__).resolve().parent / "w3c"
TESTS = load_suites(W3C)
BY_ID = {t.id: t for t in TESTS}


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server configured for the conformance run (W3C data, update token, project shapes off)."""
    workdir = tmp_path_factory.mktemp("w3c")
    server = start_server(workdir, **conformance_environment(TESTS, workdir))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def runner(w3c_server: LiveServer) -> Iterator[Runner]:
    run = Runner(Endpoints(w3c_server.url), token=w3c_server.env["CLUSTERGRAPH_UPDATE_TOKEN"])
    yield run
    run.close()


def test_the_bundled_manifests_are_the_files_source_md_names() -> None:
    table = re.findall(r"^\| ([\w./-]+) \| [^|]+ \| [^|]+ \| ([0-9a-f]{64}) \|$", (W3C / "SOURCE.md").read_text(), re.M)
    assert len(table) == 10
    for relative, digest in table:
        assert hashlib.sha256((W3C / relative).read_bytes()).hexdigest() == digest, relative


def test_the_suites_hold_every_listed_test() -> None:
    kinds = [t.kind for t in TESTS]
    assert kinds.count("protocol") == 34
    assert kinds.count("graph-store") == 13
    assert kinds.count("service-description") == 3
    # Every request of a manifest has exactly one ht:methodName (SOURCE.md's "70 ht:Request"
    # counts the 30 ht:RequestHeader nodes too). The Graph Store manifest defines one test
    # with one request, head_non_existing_direct, that its mf:entries do not list.
    unlisted = {"protocol": 0, "graph-store": 1}
    for suite, kind in (("protocol", "protocol"), ("graph-store-protocol", "graph-store")):
        written = sum(p.read_text().count("ht:methodName") for p in (W3C / suite).glob("manifest*.ttl"))
        assert sum(len(t.requests) for t in TESTS if t.kind == kind) == written - unlisted[kind]
    assert "head_non_existing_direct" not in BY_ID


@pytest.mark.parametrize("test_id", list(BY_ID))
def test_w3c(test_id: str, runner: Runner) -> None:
    test: ManifestTest = BY_ID[test_id]
    outcome = runner.run_test(test)
    if not outcome.passed and test_id in EXPECTED_FAILURES:
        pytest.xfail(EXPECTED_FAILURES[test_id])
    assert outcome.passed, f"{test.name}: {outcome.detail}"


def test_update_requests_go_to_the_update_endpoint_and_queries_to_the_query_endpoint() -> None:
    endpoints = Endpoints("http://127.0.0.1:1", query_path="/q", update_path="/u", graph_store_path="/gs")
    for test in TESTS:
        for request in test.requests:
            path = rewrite_path(request.path, request, endpoints)
            content_type = request.header("content-type") or ""
            if content_type.startswith("application/sparql-update") or "update=" in (request.body or "") or "?update=" in request.path:
                assert path.startswith("/u"), (test.id, path)
            elif content_type.startswith("application/sparql-query") or "query=" in request.path:
                assert path.startswith("/q"), (test.id, path)
            elif request.path.startswith("/gsp"):
                assert path.startswith("/gs"), (test.id, path)
    assert rewrite_path("/gsp?graph=http%3A%2F%2Fx", BY_ID["put_get_default"].requests[0], endpoints) == "/gs?graph=http%3A%2F%2Fx"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", "conformance", "--manifests", str(W3C), *args],
        capture_output=True, text=True, timeout=600,
    )


def test_the_command_starts_its_own_server_and_prints_a_line_per_test_and_the_summary() -> None:
    done = run_cli()
    lines = done.stdout.splitlines()
    summary = [line for line in lines if re.fullmatch(r"\d+ passed, \d+ failed", line)]
    assert len(summary) == 1, done.stdout + done.stderr
    passed, failed = map(int, re.findall(r"\d+", summary[0]))
    assert passed + failed == len(TESTS)
    for test in TESTS:
        assert any(re.match(rf"\s+(PASS|FAIL|XFAIL|XPASS)\s+{re.escape(test.id)}:", line) for line in lines), test.id
    unexpected = [line for line in lines if re.match(r"\s+FAIL ", line)]
    assert done.returncode == (1 if unexpected else 0), done.stdout
    assert not unexpected, done.stdout


def test_the_command_fails_the_run_when_a_test_fails(w3c_server: LiveServer) -> None:
    # Without the token every write is refused (401), so the Graph Store tests must fail.
    done = run_cli("--url", w3c_server.url, "--only", "put_get_repeat")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 passed, 2 failed" in done.stdout.splitlines()
    assert "expected status 201, got 401" in done.stdout
    assert "read-only: no token" in done.stdout
