"""Query evaluation off the event loop, in worker processes that can be killed at the timeout.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped, so a query
that must stop at ``query_timeout`` runs in a process of its own: at the deadline the
process is killed (SIGKILL) and its CPU is free at once.

Design (embedded stores):

- A **zygote** process holds a read-only view of the store and does nothing but fork
  workers on request. It is single-threaded, which makes forking safe: forking the
  server itself is not, because a thread inside pyoxigraph at the moment of the fork
  can leave a lock held forever in the child (measured: about 1 fork in 60 hung).
  - in-memory store: the zygote is forked from the server once, at start-up, before
    any request thread runs, so it shares the loaded data copy-on-write. After a
    write (``store.version`` changed) the server sends it the new content (N-Quads)
    and it loads them into a fresh store, still single-threaded.
  - on-disk store: the zygote is a fresh interpreter; each worker opens the RocksDB
    store read-only after the fork, so no RocksDB state crosses a fork. After a
    write, new workers open the new state.
- **Workers** evaluate one job at a time: the job arrives pickled over a socket pair,
  the answer goes back as a small pickled header plus the serialised body. A warm
  pool of ``query_workers`` processes is kept; when none is idle for a moment (a
  runaway query holds one), another is forked on demand, up to a ceiling, so a cheap
  lookup still answers while a heavy query is being cut.
- Workers of an older store version are retired instead of reused; a worker that
  hits the timeout is killed and replaced on demand.
- Successful answers are cached per store version (``ResultCache``).

Remote stores (``settings.store`` is a URL) need no process: the remote server does
the work, so jobs run in a thread with the same timeout.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from typing import Protocol

from clustergraph.errors import QueryTimeout, StoreUnavailable
from clustergraph.query.cache import ResultCache
from clustergraph.query.evaluation import FAILED, QueryJob, QueryOutcome, evaluate, pyoxigraph_runner, store_runner
from clustergraph.settings import Settings
from clustergraph.store.base import Store

log = logging.getLogger("clustergraph.query")

# How long a job waits for an idle worker before another is forked.
SPARE_AFTER = 0.05
# How long the zygote may take to start and answer its first probe.
ZYGOTE_START_TIMEOUT = 60.0
PROBE_QUERY = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


class Executor(Protocol):
    """Runs read jobs with a hard timeout."""

    def run(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        """The outcome of ``job``; raises ``QueryTimeout`` when it runs out of time."""
        ...

    def stats(self) -> dict[str, float]:
        ...

    def close(self) -> None:
        ...


def start_executor(store: Store, settings: Settings) -> Executor:
    """The executor for ``store``. Call it at start-up, before request threads run (it may fork)."""
    cache = ResultCache(settings.query_cache_bytes)
    if store.kind == "remote":
        return ThreadExecutor(store, workers=max(4, settings.query_workers * 4), cache=cache)
    return ProcessExecutor(store, workers=settings.query_workers, cache=cache)


def _timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"the query ran longer than this service's limit of {timeout:g} s and was stopped; "
        "narrow it down (more specific patterns, LIMIT) or run it on a copy of the data"
    )


# --- in-process evaluation for remote stores ------------------------------------------------


class ThreadExecutor:
    """Jobs in threads, for stores that evaluate elsewhere (a remote SPARQL endpoint)."""

    def __init__(self, store: Store, *, workers: int, cache: ResultCache | None = None) -> None:
        self._store = store
        self._run = store_runner(store)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clustergraph-query")
        self._cache = cache
        self.timeouts = 0

    def run(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        key = _cache_key(self._store, job)
        if key is not None and self._cache is not None:
            hit = self._cache.get(key)
            if hit is not None:
                return replace(hit, seconds=0.0)
        future = self._pool.submit(evaluate, self._run, job)
        try:
            outcome = future.result(timeout=timeout)
        except FutureTimeout:
            # The remote server keeps working on it until its own limit; no local CPU is spent.
            self.timeouts += 1
            raise _timeout_error(timeout) from None
        if key is not None and self._cache is not None:
            self._cache.put(key, outcome)
        return outcome

    def stats(self) -> dict[str, float]:
        return {"timeouts": self.timeouts, **_cache_stats(self._cache)}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _cache_key(store: Store, job: QueryJob) -> tuple | None:
    version = getattr(store, "version", None)
    return None if version is None else (version, job.cache_key())


def _cache_stats(cache: ResultCache | None) -> dict[str, float]:
    if cache is None:
        return {}
    return {"cache_hits": cache.hits, "cache_misses": cache.misses, "cache_entries": len(cache), "cache_bytes": cache.size}


# --- worker processes ---------------------------------------------------------------------


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent exits (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the socket's EOF still ends the loop
        pass


def _close_fds_except(*keep: int) -> None:
    """Close inherited descriptors (the server's listening socket...) except stdio and ``keep``."""
    high = 3
    for fd in sorted(k for k in keep if k >= 3) + [os.sysconf("SC_OPEN_MAX")]:
        os.closerange(high, fd)
        high = fd + 1


def _worker_main(conn: Connection, engine, path: str | None) -> None:
    """Evaluate jobs from ``conn`` until it closes. Runs in a process forked by the zygote."""
    from pyoxigraph import Store as OxStore

    if engine is None:
        engine = OxStore.read_only(path)
    run = pyoxigraph_runner(engine)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        outcome = evaluate(run, job)
        conn.send_bytes(pickle.dumps(replace(outcome, body=b""), protocol=pickle.HIGHEST_PROTOCOL))
        conn.send_bytes(outcome.body)


def _zygote_main(ctl: Connection, engine, path: str | None) -> None:
    """Fork workers on request; single-threaded. ``engine`` is the inherited store (memory) or None (disk)."""
    _die_with_parent()
    _close_fds_except(ctl.fileno())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    if engine is not None:
        list(engine.query(PROBE_QUERY))  # fails here, visibly, if the fork left the store unusable
    ctl.send(("ready", os.getpid()))
    while True:
        try:
            command = ctl.recv()
        except (EOFError, OSError):
            os._exit(0)
        if command[0] == "fork":
            fd = recv_handle(ctl)
            pid = os.fork()
            if pid == 0:
                _die_with_parent()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _close_fds_except(fd)
                try:
                    _worker_main(Connection(fd), engine, path)
                finally:
                    os._exit(0)
            os.close(fd)
            ctl.send(("forked", pid))
        elif command[0] == "load":
            from pyoxigraph import RdfFormat, Store as OxStore

            fresh = OxStore()
            fresh.load(command[1], format=RdfFormat.N_QUADS)
            engine = fresh
            ctl.send(("loaded", len(fresh)))
        elif command[0] == "stop":
            os._exit(0)


class _Zygote:
    """The server's handle on its zygote process."""

    def __init__(self, *, engine, path: str | None) -> None:
        # An inherited in-memory store needs fork; a fresh interpreter is enough for a path.
        context = multiprocessing.get_context("fork" if engine is not None else "spawn")
        self._ctl, child = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_zygote_main, args=(child, engine, path), name="clustergraph-zygote", daemon=True
        )
        self._lock = threading.Lock()
        self._process.start()
        child.close()
        if not self._ctl.poll(ZYGOTE_START_TIMEOUT):
            self.stop()
            raise StoreUnavailable("the query worker process did not start")
        try:
            _ready, self.pid = self._ctl.recv()
        except EOFError:
            raise StoreUnavailable("the query worker process failed to start") from None

    def fork(self) -> tuple[int, Connection]:
        """A new worker process and the server's end of its socket."""
        ours, theirs = socket.socketpair()
        with self._lock:
            self._ctl.send(("fork",))
            send_handle(self._ctl, theirs.fileno(), self.pid)
            _forked, pid = self._ctl.recv()
        theirs.close()
        return pid, Connection(ours.detach())

    def load(self, nquads: bytes) -> int:
        with self._lock:
            self._ctl.send(("load", nquads))
            return self._ctl.recv()[1]

    def alive(self) -> bool:
        return self._process.is_alive()

    def stop(self) -> None:
        with self._lock:
            try:
                self._ctl.send(("stop",))
            except OSError:
                pass
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._ctl.close()


@dataclass(eq=False)
class _Worker:
    pid: int
    conn: Connection
    version: object
    jobs: int = 0
    started: float = field(default_factory=time.monotonic)

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.conn.close()

    def retire(self) -> None:
        """Let it exit on its own (it ends when its socket closes); also for one that already died,
        whose process id must not be signalled (the kernel may have given it to another process)."""
        self.conn.close()


class ProcessExecutor:
    """Jobs in killable worker processes forked from a zygote (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 2,
        max_workers: int | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        if store.kind not in ("memory", "disk"):
            raise ValueError("ProcessExecutor needs an embedded store")
        self._store = store
        self.size = workers
        self.max_workers = max_workers or workers + max(2, workers)
        self._cache = cache
        self._cond = threading.Condition()
        self._sync_lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._spawning = 0
        self._closed = False
        self.timeouts = 0
        self.forks = 0
        self.crashes = 0
        self._version = store.version
        if store.kind == "memory":
            self._zygote = _Zygote(engine=store.engine, path=None)
        else:
            self._zygote = _Zygote(engine=None, path=str(store.path))
        for _ in range(self.size):
            self._idle.append(self._fork())

    # -- public ----------------------------------------------------------------------------

    def run(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        deadline = time.monotonic() + timeout
        self._follow_store()
        key = (self._version, job.cache_key())
        if self._cache is not None:
            hit = self._cache.get(key)
            if hit is not None:
                return replace(hit, seconds=0.0)
        worker = self._acquire(deadline, timeout)
        try:
            outcome = self._ask(worker, job, deadline, timeout)
        except BaseException:
            self._drop(worker)
            raise
        self._release(worker)
        if self._cache is not None and worker.version == key[0]:
            self._cache.put(key, outcome)
        return outcome

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._cond:
            return [w.pid for w in self._idle] + [w.pid for w in self._busy]

    def stats(self) -> dict[str, float]:
        with self._cond:
            numbers = {
                "workers_idle": len(self._idle),
                "workers_busy": len(self._busy),
                "timeouts": self.timeouts,
                "forks": self.forks,
                "crashes": self.crashes,
            }
        return {**numbers, **_cache_stats(self._cache)}

    def close(self) -> None:
        with self._cond:
            self._closed = True
            workers = self._idle + list(self._busy)
            self._idle, self._busy = [], set()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()
        self._zygote.stop()

    # -- workers ---------------------------------------------------------------------------

    def _fork(self) -> _Worker:
        version = self._version
        pid, conn = self._zygote.fork()
        self.forks += 1
        return _Worker(pid, conn, version)

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        spare_at = time.monotonic() + SPARE_AFTER
        with self._cond:
            while True:
                if self._closed:
                    raise StoreUnavailable("the query service is shutting down")
                while self._idle:
                    worker = self._idle.pop()
                    if worker.version != self._version:
                        worker.retire()
                    elif worker.conn.poll(0):  # an idle worker has nothing to say: this is EOF, it died
                        self.crashes += 1
                        worker.retire()
                    else:
                        self._busy.add(worker)
                        return worker
                total = len(self._busy) + self._spawning
                now = time.monotonic()
                if total < self.size or (now >= spare_at and total < self.max_workers):
                    self._spawning += 1
                    break
                if now >= deadline:
                    self.timeouts += 1
                    raise _timeout_error(timeout)
                wake = spare_at if now < spare_at and total < self.max_workers else deadline
                self._cond.wait(max(wake - now, 0.001))
        try:
            worker = self._fork()
        finally:
            with self._cond:
                self._spawning -= 1
        with self._cond:
            self._busy.add(worker)
        return worker

    def _ask(self, worker: _Worker, job: QueryJob, deadline: float, timeout: float) -> QueryOutcome:
        conn = worker.conn
        try:
            conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not conn.poll(max(deadline - time.monotonic(), 0)):
                # The only way to stop pyoxigraph: end the process. Its CPU is free at once.
                self.timeouts += 1
                worker.kill()
                raise _timeout_error(timeout)
            header: QueryOutcome = pickle.loads(conn.recv_bytes())
            body = conn.recv_bytes()
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            self.crashes += 1
            worker.kill() if isinstance(err, pickle.UnpicklingError) else worker.retire()
            log.error("query worker %s stopped unexpectedly", worker.pid)
            return QueryOutcome(FAILED, message="the query stopped unexpectedly (out of memory?)")
        worker.jobs += 1
        return replace(header, body=body)

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            if worker.conn.closed or self._closed:
                pass
            elif worker.version != self._version or len(self._idle) >= self.max_workers:
                worker.retire()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def _drop(self, worker: _Worker) -> None:
        with self._cond:
            self._busy.discard(worker)
            if not worker.conn.closed:
                worker.kill()
            self._cond.notify()

    # -- following the store -----------------------------------------------------------------

    def _follow_store(self) -> None:
        """After a write, bring the zygote to the new content and retire older workers."""
        version = self._store.version
        if version == self._version:
            return
        with self._sync_lock:
            version = self._store.version
            if version == self._version:
                return
            if self._store.kind == "memory":
                from pyoxigraph import RdfFormat

                # Read before sending: a write racing with this only causes one more reload.
                self._zygote.load(self._store.dump(RdfFormat.N_QUADS))
            with self._cond:
                self._version = version
                stale = [w for w in self._idle if w.version != version]
                self._idle = [w for w in self._idle if w.version == version]
                self._cond.notify_all()
            for worker in stale:
                worker.retire()
