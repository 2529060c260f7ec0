"""``clustergraph conformance``: load the manifests, run them against a server, print the report."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from clustergraph.conformance.manifest import load_suites
from clustergraph.conformance.runner import Endpoints, Runner, report_lines, unexpected_failures
from clustergraph.conformance.server import start_server
from clustergraph.errors import InputError


def run_conformance(
    manifests: Path,
    *,
    url: str | None = None,
    token: str | None = None,
    only: str | None = None,
    query_path: str = "/sparql",
    update_path: str | None = None,
    graph_store_path: str = "/graph-store",
    echo: Callable[[str], None] = print,
) -> int:
    """Run the suites below ``manifests`` and print the report; return 0, or 1 on an unexpected failure.

    Without ``url`` a server with the test data is started on a free port and stopped
    afterwards. With ``url`` and ``token`` the store of that server is emptied before
    each test. Raises ``InputError`` for missing manifests or a filter that matches nothing.
    """
    tests = load_suites(manifests)
    if only:
        tests = [t for t in tests if only in t.id]
        if not tests:
            raise InputError(f"no test id contains {only!r}")
    with tempfile.TemporaryDirectory(prefix="clustergraph-conformance-") as workdir:
        server = None
        if url is None:
            server = start_server(tests, Path(workdir))
            url, token = server.url, server.token
        try:
            runner = Runner(Endpoints(url, query_path, update_path, graph_store_path), token=token)
            try:
                ep = runner.endpoints
                echo(
                    f"W3C SPARQL 1.1 conformance run against {ep.url} "
                    f"(query {ep.query_path}, update {ep.update_path}, graph store {ep.graph_store_path}; "
                    f"{'store reset before each test' if token else 'read-only: no token, no reset'})"
                )
                outcomes = runner.run(tests)
            finally:
                runner.close()
        finally:
            if server is not None:
                server.stop()
    for line in report_lines(outcomes):
        echo(line)
    if not outcomes:
        echo(f"no test was found in the manifests below {manifests}")
        return 1
    return 1 if unexpected_failures(outcomes) else 0
