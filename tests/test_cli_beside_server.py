"""The README's tour beside a running server: a real `clustergraph serve` holds an on-disk store,
the real CLI runs in subprocesses. Reads open a read-only snapshot; writes refuse and say what to do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pyoxigraph import RdfFormat, parse
from support.readme import ROOT, commands, sh_blocks
from support.servers import LiveServer, free_port, start_server

TOKEN = "beside-the-server-token"
EDITORIAL = "https://w3id.org/clustergraph/source/editorial"
CHEMIE = "https://w3id.org/clustergraph/cluster/chemie-nrw"
# Runs a W3C server of its own on the W3C test data (tests/conformance): not a reader of this store.
NOT_A_READER = {"conformance"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`clustergraph serve` on an empty on-disk store: its first start loads the bundled data."""
    folder = tmp_path_factory.mktemp("beside")
    live = start_server(folder, CLUSTERGRAPH_STORE=str(folder / "store"), CLUSTERGRAPH_UPDATE_TOKEN=TOKEN)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tour runs: the repository's docs/ and tests/ at hand, what it writes kept out of the repository."""
    folder = tmp_path_factory.mktemp("tour")
    for name in ("docs", "tests"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def cli(server: LiveServer, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The CLI in a fresh process on the server's store (and with its port)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERGRAPH_")}
    env.update(CLUSTERGRAPH_STORE=server.env["CLUSTERGRAPH_STORE"], CLUSTERGRAPH_PORT=server.url.rsplit(":", 1)[1])
    return subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", *args],
        check=False, cwd=cwd, env=env, capture_output=True, timeout=300,
    )


def tour() -> list[list[str]]:
    """The commands of the tour's first block, the one run beside the server."""
    return commands(sh_blocks("A five-minute tour")[0])


def test_the_server_says_that_it_loads_and_validates_on_its_first_start(server: LiveServer) -> None:
    log = server.log.read_text(errors="replace")
    announced = f"loading and validating the bundled data into the empty store ({server.env['CLUSTERGRAPH_STORE']})"
    assert f"{announced} ..." in log
    assert f"{announced}: done in " in log
    assert log.index(f"{announced} ...") < log.index("Application startup complete")


@pytest.mark.parametrize("command", tour(), ids=lambda words: " ".join(words[:3])[:60])
def test_each_tour_command_runs_beside_the_server(server: LiveServer, workdir: Path, command: list[str]) -> None:
    """In the tour's order, in one folder: a command may use what an earlier one wrote."""
    assert command[0] == "clustergraph"
    if command[1] in NOT_A_READER:
        assert command[1:] == ["conformance", "--manifests", "tests/conformance/w3c"]
        return
    done = cli(server, *command[1:], cwd=workdir)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.strip() or done.stderr.strip()
    assert b"error" not in done.stderr.lower() and b"Traceback" not in done.stderr


def test_the_tour_query_lists_the_clusters_with_their_fields(server: LiveServer) -> None:
    query = next(words for words in tour() if words[1] == "query" and not words[2].startswith("-"))
    done = cli(server, "query", "-f", "json", query[2])
    assert done.returncode == 0, done.stderr.decode()
    rows = json.loads(done.stdout)["results"]["bindings"]
    names = {row["name"]["value"] for row in rows}
    assert "Chemie.NRW" in names and len(names) >= 23
    assert any(row.get("field", {}).get("xml:lang") == "de" for row in rows)


def test_stats_beside_the_server_counts_what_the_server_serves(server: LiveServer) -> None:
    done = cli(server, "stats", "-f", "json")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["quads"] == httpx.get(f"{server.url}/health", timeout=30).json()["quads"]


def test_an_export_beside_the_server_holds_what_the_server_dumps(server: LiveServer) -> None:
    done = cli(server, "export", "dump", "-f", "nquads")
    assert done.returncode == 0, done.stderr.decode()
    served = httpx.get(f"{server.url}/dump.nq", timeout=60)
    assert served.status_code == 200
    exported = set(parse(done.stdout, format=RdfFormat.N_QUADS))
    assert exported and exported == set(parse(served.content, format=RdfFormat.N_QUADS))


def test_serve_get_beside_the_server_answers_and_prints_nothing_else(server: LiveServer) -> None:
    done = cli(server, "serve", "--get", "/api/v1/clusters?limit=100")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""  # no deprecation warning, no progress off a terminal
    served = httpx.get(f"{server.url}/api/v1/clusters", params={"limit": 100}, timeout=30).json()
    assert json.loads(done.stdout)["count"] == served["count"] >= 23


def test_load_beside_the_server_refuses_and_its_advice_works(server: LiveServer, tmp_path: Path) -> None:
    label = "Chemistry cluster (sent to the running server)"
    addition = tmp_path / "addition.ttl"
    addition.write_text(f'<{CHEMIE}> <http://www.w3.org/2004/02/skos/core#altLabel> "{label}"@en .\n')
    refused = cli(server, "load", "--graph", EDITORIAL, str(addition))
    assert refused.returncode == 5
    message = refused.stderr.decode()
    assert message.startswith(f"error: the store at {server.env['CLUSTERGRAPH_STORE']} is in use by another process")
    assert "stop the server (Ctrl-C) and run this command again" in message
    assert f"'{server.url}/graph-store?graph=SOURCE-IRI'" in message and "$CLUSTERGRAPH_UPDATE_TOKEN" in message
    ask = f'ASK {{ GRAPH <{EDITORIAL}> {{ <{CHEMIE}> <http://www.w3.org/2004/02/skos/core#altLabel> "{label}"@en }} }}'
    assert cli(server, "query", ask).stdout.strip() == b"no"  # the refused load wrote nothing
    sent = httpx.post(  # what the message says to do
        f"{server.url}/graph-store", params={"graph": EDITORIAL}, content=addition.read_bytes(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}, timeout=60,
    )
    assert sent.status_code in (200, 204), sent.text
    assert cli(server, "query", ask).stdout.strip() == b"yes"  # a new reader sees the server's commit


def test_a_second_server_on_the_same_store_refuses_with_a_message(server: LiveServer) -> None:
    done = cli(server, "serve", "--port", str(free_port()))
    assert done.returncode == 5
    message = done.stderr.decode()
    assert "is in use by another process" in message and "stop that server first" in message
    assert "Traceback" not in message


def test_the_first_openapi_document_leaves_no_warning_in_the_server_log(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/openapi.json", timeout=60)
    assert response.status_code == 200 and len(response.json()["paths"]) > 20
    log = server.log.read_text(errors="replace")
    assert "Duplicate Operation ID" not in log and "Warning" not in log


def test_the_tour_goes_on_with_its_writes_once_the_server_is_stopped(server: LiveServer, workdir: Path) -> None:
    """The tour's second block, after Ctrl-C: loads commit, and the diff of two releases shows the addition.
    Runs last: it stops the module's server."""
    writes = commands(sh_blocks("A five-minute tour")[1])
    assert writes[-1] == ["clustergraph", "serve"]  # the tour ends by serving again: not run here
    if not (workdir / "release-1").exists():  # made by the first block when the whole module runs
        assert cli(server, "export", "release", "--out", "release-1", cwd=workdir).returncode == 0
    server.stop()
    outputs = {}
    for command in writes[:-1]:
        done = cli(server, *command[1:], cwd=workdir)
        assert done.returncode == 0, f"{' '.join(command)}: {done.stderr.decode()}"
        outputs[" ".join(command[1:3])] = done.stdout.decode()
    assert "Chemistry cluster of North Rhine-Westphalia" in outputs["diff release-1"]
