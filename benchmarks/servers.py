"""The servers compared by bench_http / bench_pages, each serving the same generated graph.

- clustergraph: ``clustergraph serve`` over a disk store prepared once by
  ``clustergraph load`` (the real loader) from the generated folder, or over a memory
  store that ``serve`` itself loads from ``CLUSTERGRAPH_DATA_DIR`` at start-up;
- oxigraph: the Rust server from the ``oxigraph`` PyPI package, ``oxigraph load`` of the
  N-Quads dump of the clustergraph store, then ``oxigraph serve --union-default-graph``;
- rdflib-endpoint: ``rdflib-endpoint serve`` of the same dump (an rdflib Dataset with
  the union as default graph).

Prepared stores and the dump are kept under ``benchmarks/generated/.servers/`` (git-ignored
with the rest of generated/) and reused while the generated data, shapes and ontology
are unchanged. Every server binds 127.0.0.1 on a free port and is stopped by its own
process handle.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import GENERATED_DIR, free_port, rss_mb, stop, wait_until_answers

from clustergraph.loading.parse import rdf_files
from clustergraph.settings import Settings

SERVERS_DIR = GENERATED_DIR / ".servers"


def _bin(name: str) -> str:
    """A console script installed next to this Python (the venv's oxigraph, clustergraph...)."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def stamp_of(data_dir: Path) -> str:
    """Digest of what a prepared store depends on: the data, shapes and ontology files."""
    settings = Settings(store="memory")
    digest = hashlib.sha256()
    for path in rdf_files([data_dir, settings.shapes_dir, settings.ontology_dir]):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@dataclass
class Prepared:
    data_dir: Path
    work: Path
    cg_store: Path
    dump: Path
    ox_store: Path
    timings: dict[str, float] = field(default_factory=dict)


def prepare(data_dir: Path, *, fresh: bool = False, log=print) -> Prepared:
    """Load the generated folder through the real loader into a disk store, dump it, load Oxigraph."""
    work = SERVERS_DIR / data_dir.name
    stamp_file = work / "stamp.json"
    stamp = stamp_of(data_dir)
    prepared = Prepared(data_dir, work, work / "cg-store", work / "all.nq", work / "ox-store")
    if not fresh and stamp_file.exists():
        saved = json.loads(stamp_file.read_text())
        if saved.get("stamp") == stamp:
            prepared.timings = saved.get("timings", {})
            log(f"reusing prepared stores in {work} (prepared {saved.get('when')})")
            return prepared
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    env = {**os.environ, "CLUSTERGRAPH_DATA_DIR": str(data_dir)}

    log(f"clustergraph load --store {prepared.cg_store} (data {data_dir}) ...")
    started = time.perf_counter()
    done = subprocess.run([_bin("clustergraph"), "load", "--store", str(prepared.cg_store)], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"clustergraph load failed ({done.returncode}):\n{done.stderr[-3000:]}")
    prepared.timings["clustergraph load (disk)"] = time.perf_counter() - started
    log("  " + done.stdout.strip().splitlines()[-1])

    from pyoxigraph import RdfFormat

    from clustergraph.store import EmbeddedStore

    store = EmbeddedStore(prepared.cg_store)  # read_only=True: close() would flush and fail
    try:
        prepared.dump.write_bytes(store.dump(RdfFormat.N_QUADS))
    finally:
        store.close()

    log(f"oxigraph load --location {prepared.ox_store} ...")
    started = time.perf_counter()
    subprocess.run([_bin("oxigraph"), "load", "--location", str(prepared.ox_store), "--file", str(prepared.dump)],
                   check=True, capture_output=True)
    prepared.timings["oxigraph load (disk)"] = time.perf_counter() - started
    stamp_file.write_text(json.dumps({"stamp": stamp, "when": time.strftime("%Y-%m-%d %H:%M"), "timings": prepared.timings}, indent=2))
    return prepared


@dataclass
class Server:
    """One running server: its name, base URL, SPARQL query URL and process."""

    name: str
    url: str
    query_url: str
    process: subprocess.Popen
    log: Path
    startup_s: float = 0.0

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        stop(self.process)


def _start(name: str, argv: list[str], *, env: dict | None, ready_path: str, query_path: str, port: int,
           log_dir: Path, timeout: float) -> Server:
    log = log_dir / f"{name.replace(' ', '_').replace('(', '').replace(')', '')}-{port}.log"
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(url + ready_path, process, timeout=timeout, log=log)
    except BaseException:
        stop(process)
        raise
    return Server(name, url, url + query_path, process, log, time.perf_counter() - started)


def store_copy(prepared: Prepared, n: int) -> Path:
    """The n-th copy of the prepared clustergraph store (0 = the store itself): RocksDB
    lets one process open a store, so a second clustergraph server needs its own copy."""
    if n == 0:
        return prepared.cg_store
    copy = prepared.work / f"cg-store-copy{n}"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(prepared.cg_store, copy, ignore=shutil.ignore_patterns("LOCK"))
    return copy


def start_clustergraph(prepared: Prepared, *, store: str, log_dir: Path, timeout: float = 3600,
                       extra_env: dict | None = None, location: Path | None = None) -> Server:
    """``clustergraph serve`` over the prepared disk store, or over memory loaded at start-up.

    ``store`` is ``disk`` or ``memory``, optionally with ``-nocache``: the same server with
    its query-result cache off (``CLUSTERGRAPH_QUERY_CACHE_BYTES=0``), so every request is
    evaluated by the engine.
    """
    kind, _, option = store.partition("-")
    if kind not in ("disk", "memory") or option not in ("", "nocache"):
        raise ValueError(f"unknown clustergraph variant {store!r} (disk, memory, disk-nocache, memory-nocache)")
    port = free_port()
    env = {**os.environ, "CLUSTERGRAPH_DATA_DIR": str(prepared.data_dir), **(extra_env or {})}
    if option == "nocache":
        env["CLUSTERGRAPH_QUERY_CACHE_BYTES"] = "0"
    where = str(location or prepared.cg_store) if kind == "disk" else "memory"
    argv = [_bin("clustergraph"), "serve", "--store", where, "--host", "127.0.0.1", "--port", str(port)]
    name = f"clustergraph ({kind}{', no cache' if option else ''})"
    return _start(name, argv, env=env, ready_path="/health", query_path="/sparql",
                  port=port, log_dir=log_dir, timeout=timeout)


def start_oxigraph(prepared: Prepared, *, log_dir: Path, timeout: float = 300) -> Server:
    port = free_port()
    argv = [_bin("oxigraph"), "serve", "--location", str(prepared.ox_store), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph"]
    return _start("oxigraph serve", argv, env=None, ready_path="/query?query=ASK%7B%7D", query_path="/query",
                  port=port, log_dir=log_dir, timeout=timeout)


def start_rdflib_endpoint(prepared: Prepared, *, log_dir: Path, timeout: float = 3600) -> Server:
    port = free_port()
    argv = [_bin("rdflib-endpoint"), "serve", str(prepared.dump), "--host", "127.0.0.1", "--port", str(port)]
    return _start("rdflib-endpoint", argv, env=None, ready_path="/?query=ASK%7B%7D", query_path="/",
                  port=port, log_dir=log_dir, timeout=timeout)
