"""RDF bodies cannot take the server down: no entity expansion, bounded size, bounded memory.

The parsers' own behaviour is measured first, each in a child process with a memory limit
(RLIMIT_AS), so that a test never takes the machine down; the routes are then tested on a
real server, whose peak memory (VmHWM) is read from /proc before and after.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support.listener import Listener
from support.servers import LiveServer, start_server

from clustergraph import formats
from clustergraph.errors import InputError
from clustergraph.loading.parse import parse_bytes

TOKEN = "reliability-token"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LAUGHS = (FIXTURES / "billion-laughs.rdf").read_bytes()
GRAPH = "https://w3id.org/clustergraph/source/reliability-test"
MEMORY_LIMIT = 1 << 30  # for the parser probes
SERVER_GROWTH_LIMIT = 200 * 1024 * 1024  # the server's peak memory may not grow more than this


def probe(code: str, *, seconds: int = 20) -> subprocess.CompletedProcess:
    """Run ``code`` in a child with 1 GiB of address space and ``seconds`` of CPU; the body is on stdin."""
    prologue = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))
        resource.setrlimit(resource.RLIMIT_CPU, ({seconds}, {seconds + 1}))
        data = sys.stdin.buffer.read()
        """
    )
    return subprocess.run(
        [sys.executable, "-c", prologue + textwrap.dedent(code)],
        input=LAUGHS, capture_output=True, timeout=seconds * 3, check=False,
    )


def peak_memory(pid: int) -> int:
    """The peak resident memory of process ``pid`` in bytes (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for process {pid}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that accepts writes (bundled data in memory), with the default parse bounds."""
    live = start_server(tmp_path_factory.mktemp("rdf-bodies"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN)
    yield live
    live.stop()


def put(server: LiveServer, body: bytes, media_type: str, **headers: str) -> httpx.Response:
    return httpx.put(
        f"{server.url}/graph-store", params={"graph": GRAPH}, content=body, timeout=120,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": media_type, **headers},
    )


def assert_alive(server: LiveServer) -> None:
    assert server.process.poll() is None, "the server process died"
    assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_pyoxigraph_expands_entities_so_rdfxml_dtds_must_be_refused(figures: dict) -> None:
    """Guarantee: the reason no DTD may reach a parser, measured: pyoxigraph (the parser of every write
    route) expands XML entities, and the 964-byte billion-laughs body makes it abort its process;
    rdflib (which parses only the project's own shapes) gives no answer within 5 s of CPU."""
    assert len(LAUGHS) == 964
    oxigraph = probe(
        "import pyoxigraph\nprint(len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.RDF_XML))))"
    )
    assert oxigraph.returncode < 0, f"pyoxigraph survived the body: {oxigraph.stdout!r}"
    assert b"memory allocation" in oxigraph.stderr
    rdflib = probe("import rdflib\nprint(len(rdflib.Graph().parse(data=data, format='xml')))", seconds=5)
    assert rdflib.returncode != 0 and not rdflib.stdout.strip(), "rdflib answered: it refuses entities now"
    figures.update(
        body_bytes=len(LAUGHS),
        pyoxigraph=f"aborted (signal {-oxigraph.returncode}) asking for more than 1 GiB",
        rdflib=f"no answer after 5 s of CPU (exit {rdflib.returncode})",
    )


@pytest.mark.parametrize(
    "body",
    [
        LAUGHS,
        LAUGHS.replace(b"<!DOCTYPE", b"<!doctype"),
        LAUGHS.replace(b"<!DOCTYPE", b"<!DocType"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">\n<rdf:RDF '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
        ),
        b"\xef\xbb\xbf" + LAUGHS,
    ],
    ids=["laughs", "lower-case", "mixed-case", "external-dtd", "bom"],
)
def test_the_cli_parser_refuses_rdfxml_with_a_dtd(body: bytes) -> None:
    """Guarantee: `clustergraph load` and `validate` (parse_bytes) refuse RDF/XML with a DTD in any spelling."""
    with pytest.raises(InputError, match="document type declaration"):
        parse_bytes(body, formats.lookup("rdfxml"), base_iri="https://w3id.org/clustergraph/")


def test_clustergraph_load_and_validate_refuse_the_billion_laughs(tmp_path: Path, figures: dict) -> None:
    """Guarantee: `clustergraph load` and `clustergraph validate` exit 2 on a DTD, in under 10 s, writing nothing."""
    path = tmp_path / "laughs.rdf"
    path.write_bytes(LAUGHS)
    store = tmp_path / "store"
    runs = {}
    for command in (["load", str(path), "--store", str(store)], ["validate", str(path)]):
        done = subprocess.run(
            [sys.executable, "-m", "clustergraph.cli", *command], capture_output=True, text=True, timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "document type declaration" in done.stderr
        runs[command[0]] = done.returncode
    figures.update(bypasses_tried=2, bypasses_blocked=2, exit_codes=runs)


def test_the_graph_store_refuses_the_billion_laughs_without_growing(server: LiveServer, figures: dict) -> None:
    """Guarantee: a DTD sent to the Graph Store (PUT, POST, multipart, any spelling) is a 400 and the
    server's memory does not grow; no entity is expanded anywhere."""
    before = peak_memory(server.process.pid)
    variants = [LAUGHS, LAUGHS.replace(b"<!DOCTYPE", b"<!doctype"), b"\xef\xbb\xbf" + LAUGHS]
    statuses = []
    for body in variants:
        response = put(server, body, "application/rdf+xml")
        statuses.append(response.status_code)
        assert response.status_code == 400, response.text
        assert "document type declaration" in response.json()["detail"]
    posted = httpx.post(
        f"{server.url}/graph-store", params={"graph": GRAPH}, content=LAUGHS, timeout=60,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/rdf+xml"},
    )
    multipart = httpx.post(
        f"{server.url}/graph-store", params={"graph": GRAPH}, timeout=60,
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("laughs.rdf", LAUGHS, "application/rdf+xml")},
    )
    statuses += [posted.status_code, multipart.status_code]
    assert posted.status_code == 400 and multipart.status_code == 400
    assert_alive(server)
    growth = peak_memory(server.process.pid) - before
    assert growth < SERVER_GROWTH_LIMIT, f"the server's peak memory grew by {growth} bytes"
    figures.update(
        bypasses_tried=len(statuses), bypasses_blocked=statuses.count(400), peak_memory_growth_bytes=growth,
    )


def test_no_parser_fetches_anything_a_body_points_to(server: LiveServer, figures: dict) -> None:
    """Guarantee: an external DTD or a remote JSON-LD @context in a body makes no connection (400, nothing fetched)."""
    listener = Listener()
    try:
        address = listener.url.rsplit("/", 1)[0]
        external = (
            f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "{address}/entities.dtd">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
            '<rdf:Description rdf:about="http://example.org/s"><ex:p>&remote;</ex:p></rdf:Description></rdf:RDF>'
        ).encode()
        context = f'{{"@context": "{address}/context.jsonld", "@id": "http://example.org/s", "name": "x"}}'.encode()
        refused = [put(server, external, "application/rdf+xml"), put(server, context, "application/ld+json")]
        assert [r.status_code for r in refused] == [400, 400], [r.text for r in refused]
        assert listener.connections == 0
    finally:
        listener.close()
    figures.update(bypasses_tried=2, bypasses_blocked=2, connections_seen=listener.connections)


def test_a_body_that_expands_beyond_the_memory_bound_is_a_413(server: LiveServer, figures: dict) -> None:
    """Guarantee: a body under the size limit that needs gigabytes once parsed (one 400 KB prefix used
    40,000 times) is a 413 with a message; the server's own memory does not grow."""
    prefix = "http://example.org/" + "a" * 400_000
    body = (f"@prefix p: <{prefix}> .\n" + "p:a p:b p:c .\n" * 40_000).encode()
    assert len(body) < 1_000_000
    before = peak_memory(server.process.pid)
    response = put(server, body, "text/turtle")
    assert response.status_code == 413, response.text
    assert "memory" in response.json()["detail"]
    assert_alive(server)
    growth = peak_memory(server.process.pid) - before
    assert growth < SERVER_GROWTH_LIMIT, f"the server's peak memory grew by {growth} bytes"
    figures.update(body_bytes=len(body), expands_to_bytes=len(prefix) * 3 * 40_000, peak_memory_growth_bytes=growth)


def test_bodies_over_the_size_limit_are_413_on_every_write_route(tmp_path: Path, figures: dict) -> None:
    """Guarantee: a body over CLUSTERGRAPH_MAX_BODY_BYTES is a 413 with a message on every route that
    takes a body, declared or chunked, before it is read to the end."""
    live = start_server(tmp_path, CLUSTERGRAPH_UPDATE_TOKEN=TOKEN, CLUSTERGRAPH_MAX_BODY_BYTES="10000")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = b"# " + b"x" * 20_000 + b"\n"
    routes = [
        ("PUT", "/graph-store", {"graph": GRAPH}, "text/turtle"),
        ("POST", "/graph-store", {"graph": GRAPH}, "text/turtle"),
        ("POST", "/graph-store/some/graph", {}, "text/turtle"),
        ("POST", "/sparql", {}, "application/sparql-query"),
        ("POST", "/sparql", {}, "application/x-www-form-urlencoded"),
        ("POST", "/sparql/update", {}, "application/sparql-update"),
    ]

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 1000):
            yield big[start : start + 1000]

    sent = 0
    try:
        with httpx.Client(base_url=live.url, timeout=30) as client:
            for method, path, params, media in routes:
                for content in (big, chunks()):
                    response = client.request(
                        method, path, params=params, content=content, headers={**auth, "Content-Type": media}
                    )
                    sent += 1
                    assert response.status_code == 413, (method, path, response.status_code, response.text)
                    assert "limit" in response.json()["detail"]
        assert_alive(live)
    finally:
        live.stop()
    figures.update(requests=sent, routes=len(routes))
