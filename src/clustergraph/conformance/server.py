"""A clustergraph server for the conformance run, holding the W3C test data instead of the project's.

The W3C tests use their own small graphs (``http://kasei.us/2009/09/sparql/data/data{1,2,3}.rdf``)
and write data that is not the project's (people, vCards, the default graph). The server
for the run is therefore configured, through its ordinary settings and nothing else, as:

- ``CLUSTERGRAPH_STORE=memory``: a throwaway store;
- ``CLUSTERGRAPH_DATA_DIR``: one TriG file with the test data as the named graphs the
  manifests name (built from the manifests' ``data*.nt`` files);
- ``CLUSTERGRAPH_SHAPES_DIR`` and ``CLUSTERGRAPH_ONTOLOGY_DIR``: an empty folder, so the
  start-up load does not judge foreign data by the project's shapes;
- ``CLUSTERGRAPH_VALIDATE_WRITES=false``: writes are not checked against the project's
  shapes or its provenance rule (the Graph Store tests write the default graph);
- ``CLUSTERGRAPH_UPDATE_TOKEN``: a random token, which the runner sends with every request.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, parse, serialize

from clustergraph.conformance.manifest import ManifestTest
from clustergraph.serve_process import ServerProcess, start_serve_process

DATA_FILE = "w3c-protocol-data.trig"


def write_test_data(tests: list[ManifestTest], folder: Path) -> Path:
    """Write every ``ut:graphData`` file of ``tests`` into one TriG file in ``folder``, as its named graph."""
    folder.mkdir(parents=True, exist_ok=True)
    quads: list[Quad] = []
    seen: set[tuple[str, Path]] = set()
    for test in tests:
        for data in test.graph_data:
            if (data.graph, data.path) in seen:
                continue
            seen.add((data.graph, data.path))
            graph = NamedNode(data.graph)
            for triple in parse(path=str(data.path), format=RdfFormat.N_TRIPLES):
                quads.append(Quad(triple.subject, triple.predicate, triple.object, graph))
    target = folder / DATA_FILE
    target.write_bytes(serialize(quads, format=RdfFormat.TRIG))
    return target


def conformance_environment(tests: list[ManifestTest], workdir: Path, token: str | None = None) -> dict[str, str]:
    """The ``CLUSTERGRAPH_*`` settings of a server for the conformance run (see the module docstring)."""
    data = workdir / "data"
    write_test_data(tests, data)
    empty = workdir / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    return {
        "CLUSTERGRAPH_STORE": "memory",
        "CLUSTERGRAPH_DATA_DIR": str(data),
        "CLUSTERGRAPH_SHAPES_DIR": str(empty),
        "CLUSTERGRAPH_ONTOLOGY_DIR": str(empty),
        "CLUSTERGRAPH_VALIDATE_WRITES": "false",
        "CLUSTERGRAPH_UPDATE_TOKEN": token or secrets.token_urlsafe(24),
        "CLUSTERGRAPH_LOG_LEVEL": "warning",
    }


@dataclass
class RunningServer(ServerProcess):
    """The conformance server and the update token the runner sends."""

    token: str = ""


def start_server(tests: list[ManifestTest], workdir: Path, *, timeout: float = 60.0) -> RunningServer:
    """Start ``clustergraph serve`` on a free port of 127.0.0.1 with the test data; wait until it answers.

    Raises ``StoreUnavailable`` when the server exits or does not answer within ``timeout`` seconds.
    """
    settings = conformance_environment(tests, workdir)
    # Settings of the calling shell (a public URL, another store...) must not leak into the run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERGRAPH_")}
    env.update(settings)
    started = start_serve_process(env, workdir / "server.log", timeout=timeout)
    return RunningServer(**vars(started), token=settings["CLUSTERGRAPH_UPDATE_TOKEN"])
