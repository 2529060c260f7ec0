"""The servers compared by bench_http / bench_pages, each serving the same generated graph.

- clustergraph: ``clustergraph serve`` over a disk store prepared once by
  ``clustergraph load`` (the real loader) from the generated folder, or over a memory
  store that ``serve`` itself loads from ``CLUSTERGRAPH_DATA_DIR`` at start-up;
- oxigraph: the Rust server from the ``oxigraph`` PyPI package, ``oxigraph load`` of the
  N-Quads dump of the clustergraph store, then ``oxigraph serve``: the dump's default graph
  holds the merge of the named graphs, as clustergraph's store does (a dump without it,
  from an older clustergraph, is served with ``--union-default-graph``);
- rdflib-endpoint: ``rdflib-endpoint serve`` of the same dump (an rdflib Dataset with
  the union as default graph).

Prepared stores and the dump are kept under ``benchmarks/generated/.servers/`` (git-ignored
with the rest of generated/; another folder by ``root``) and reused while the generated
data, shapes and ontology are unchanged (a store written by an older version is brought up
to date by the server that opens it). Every server binds 127.0.0.1 on a free port and is
stopped by its own process handle.

``baseline``: another checkout of clustergraph (a folder with ``src/``, e.g. the commit
before a change), whose ``clustergraph load`` and ``serve`` run from that folder's code
(``PYTHONPATH``) next to this checkout's, so both are measured in the same run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from common import GENERATED_DIR, rss_mb, stop, wait_until_answers

from clustergraph.loading.parse import rdf_files
from clustergraph.serve_process import free_port
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


def code_command(code: Path | None, *args: str) -> tuple[list[str], dict[str, str]]:
    """argv and environment that run ``clustergraph ARGS`` from this checkout or from ``code``."""
    if code is None:
        return [_bin("clustergraph"), *args], {}
    return [sys.executable, "-m", "clustergraph.cli", *args], {"PYTHONPATH": str(code / "src")}


@dataclass
class Prepared:
    data_dir: Path
    work: Path
    cg_store: Path
    dump: Path
    ox_store: Path
    timings: dict[str, float] = field(default_factory=dict)
    code: Path | None = None  # None: this checkout; else the baseline checkout the store was prepared with
    ox_union: bool = False  # the dump has no merged default graph: serve Oxigraph with --union-default-graph


def prepare(data_dir: Path, *, fresh: bool = False, log=print, code: Path | None = None, root: Path = SERVERS_DIR) -> Prepared:
    """Load the generated folder through the real loader into a disk store, dump it, load Oxigraph.

    ``code``: prepare with a baseline checkout's loader instead (kept apart from this checkout's).
    ``root``: where prepared stores are kept (runs that must not share them use their own).
    """
    name = data_dir.name if code is None else f"{data_dir.name}-baseline"
    work = root / name
    work.mkdir(parents=True, exist_ok=True)
    with open(root / f"{name}.lock", "w") as lock:  # one preparation at a time
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _prepare(data_dir, work, fresh=fresh, log=log, code=code)


def _prepare(data_dir: Path, work: Path, *, fresh: bool, log, code: Path | None) -> Prepared:
    stamp_file = work / "stamp.json"
    stamp = stamp_of(data_dir)
    prepared = Prepared(data_dir, work, work / "cg-store", work / "all.nq", work / "ox-store", code=code)
    if not fresh and stamp_file.exists():
        saved = json.loads(stamp_file.read_text())
        if saved.get("stamp") == stamp:
            prepared.timings = saved.get("timings", {})
            prepared.ox_union = saved.get("ox_union", True)
            log(f"reusing prepared stores in {work} (prepared {saved.get('when')})")
            return prepared
    for old in (prepared.cg_store, prepared.dump, prepared.ox_store, stamp_file):
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    argv, extra = code_command(code, "load", "--store", str(prepared.cg_store))
    env = {**os.environ, "CLUSTERGRAPH_DATA_DIR": str(data_dir), **extra}

    log(f"clustergraph load --store {prepared.cg_store} (data {data_dir}{', code ' + str(code) if code else ''}) ...")
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"clustergraph load failed ({done.returncode}):\n{done.stderr[-3000:]}")
    prepared.timings["clustergraph load (disk)"] = time.perf_counter() - started
    log("  " + done.stdout.strip().splitlines()[-1])

    from pyoxigraph import DefaultGraph, RdfFormat, Store

    store = Store.read_only(str(prepared.cg_store))  # as the preparing code wrote it
    try:
        prepared.dump.write_bytes(store.dump(format=RdfFormat.N_QUADS))
        prepared.ox_union = next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is None
    finally:
        del store

    log(f"oxigraph load --location {prepared.ox_store} ...")
    started = time.perf_counter()
    subprocess.run([_bin("oxigraph"), "load", "--location", str(prepared.ox_store), "--file", str(prepared.dump)],
                   check=True, capture_output=True)
    prepared.timings["oxigraph load (disk)"] = time.perf_counter() - started
    stamp_file.write_text(json.dumps({"stamp": stamp, "when": time.strftime("%Y-%m-%d %H:%M"), "timings": prepared.timings,
                                      "ox_union": prepared.ox_union}, indent=2))
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
    argv: list[str] = field(default_factory=list)
    env: dict | None = None
    ready_url: str = ""
    timeout: float = 600.0
    restarts: int = 0

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        stop(self.process)

    def restart(self) -> float:
        """Stop and start again on the same port (a server frozen by a query it cannot cut)."""
        stop(self.process, timeout=5)
        started = time.perf_counter()
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT)
        wait_until_answers(self.ready_url, self.process, timeout=self.timeout, log=self.log)
        self.restarts += 1
        return time.perf_counter() - started


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
    return Server(name, url, url + query_path, process, log, time.perf_counter() - started,
                  argv=argv, env=env, ready_url=url + ready_path, timeout=timeout)


def store_copy(source: Path, run_dir: Path, name: str) -> Path:
    """A copy of a prepared store for one server of one run: RocksDB lets one process open
    a store, and several servers (or several benchmark runs at once) must not share one."""
    copy = run_dir / name
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("LOCK"))
    return copy


def new_run_dir(prepared: Prepared) -> Path:
    """A private folder for one benchmark run's store copies (remove it when done)."""
    return Path(tempfile.mkdtemp(prefix="run-", dir=prepared.work))


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
    where = str(location or prepared.cg_store) if kind == "disk" else "memory"
    argv, code_env = code_command(prepared.code, "serve", "--store", where, "--host", "127.0.0.1", "--port", str(port))
    env = {**os.environ, "CLUSTERGRAPH_DATA_DIR": str(prepared.data_dir), **code_env, **(extra_env or {})}
    if option == "nocache":
        env["CLUSTERGRAPH_QUERY_CACHE_BYTES"] = "0"
    name = f"{'baseline' if prepared.code else 'clustergraph'} ({kind}{', no cache' if option else ''})"
    return _start(name, argv, env=env, ready_path="/health", query_path="/sparql",
                  port=port, log_dir=log_dir, timeout=timeout)


def start_oxigraph(prepared: Prepared, *, log_dir: Path, timeout: float = 300, location: Path | None = None) -> Server:
    port = free_port()
    argv = [_bin("oxigraph"), "serve", "--location", str(location or prepared.ox_store), "--bind", f"127.0.0.1:{port}"]
    if prepared.ox_union:
        argv.append("--union-default-graph")
    return _start("oxigraph serve", argv, env=None, ready_path="/query?query=ASK%7B%7D", query_path="/query",
                  port=port, log_dir=log_dir, timeout=timeout)


def start_rdflib_endpoint(prepared: Prepared, *, log_dir: Path, timeout: float = 3600) -> Server:
    port = free_port()
    argv = [_bin("rdflib-endpoint"), "serve", str(prepared.dump), "--host", "127.0.0.1", "--port", str(port)]
    return _start("rdflib-endpoint", argv, env=None, ready_path="/?query=ASK%7B%7D", query_path="/",
                  port=port, log_dir=log_dir, timeout=timeout)


def query_prepared(prepared: Prepared, sparql: str) -> list:
    """Rows of a query over the prepared clustergraph store, opened read-only (no lock)."""
    from pyoxigraph import Store

    store = Store.read_only(str(prepared.cg_store))
    try:
        return list(store.query(sparql, use_default_graph_as_union=prepared.ox_union))
    finally:
        del store
