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

import asyncio
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
# Answers up to this size are read on the event loop; larger ones in a thread.
INLINE_BODY_BYTES = 256 * 1024
# How long a zygote may take to start and answer: a fresh interpreter imports modules first.
ZYGOTE_START_TIMEOUT = 60.0
FORKED_START_TIMEOUT = 10.0
# How often a lost zygote is replaced before a request gives up (a loaded machine, an OOM kill).
ZYGOTE_ATTEMPTS = 3
# How long a worker keeps trying to open an on-disk store that the server is compacting.
OPEN_PATIENCE = 30.0
PROBE_QUERY = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


async def _readable(fd: int, timeout: float) -> bool:
    """Wait on the event loop until ``fd`` can be read (data or EOF); False after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def settle(value: bool) -> None:
        if not ready.done():
            ready.set_result(value)

    loop.add_reader(fd, settle, True)
    timer = loop.call_later(timeout, settle, False)  # cheaper than wait_for, which makes a task
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # uvloop leaves watched descriptors non-blocking


class Executor(Protocol):
    """Runs read jobs with a hard timeout."""

    def run(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        """The outcome of ``job``; raises ``QueryTimeout`` when it runs out of time. Blocking."""
        ...

    async def run_async(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        """``run`` for the event loop: never blocks it."""
        ...

    def stats(self) -> dict[str, float]: ...

    def close(self) -> None: ...


def start_executor(store: Store, settings: Settings) -> Executor:
    """The executor for ``store``. Call it at start-up, before request threads run (it may fork)."""
    if store.kind == "remote":
        # No cache: others may write to a remote store at any time (its version never repeats).
        return ThreadExecutor(store, workers=max(4, settings.query_workers * 4))
    return ProcessExecutor(store, workers=settings.query_workers, cache=ResultCache(settings.query_cache_bytes))


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

    async def run_async(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        return await asyncio.to_thread(self.run, job, timeout=timeout)

    def stats(self) -> dict[str, float]:
        return {"timeouts": self.timeouts, **_cache_stats(self._cache)}

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _cache_key(store: Store, job: QueryJob) -> tuple | None:
    version = getattr(store, "version", None)
    return None if version is None or not job.cacheable else (version, job.cache_key())


def _cache_stats(cache: ResultCache | None) -> dict[str, float]:
    if cache is None:
        return {}
    return {
        "cache_hits": cache.hits,
        "cache_misses": cache.misses,
        "cache_entries": len(cache),
        "cache_bytes": cache.size,
    }


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


def _open_read_only(path: str, *, patience: float = OPEN_PATIENCE):
    """Open the RocksDB store read-only, retrying while the server's compaction races with it.

    Right after a write the primary flushes and compacts in the background; an opening reader
    can find a file listed in the manifest already deleted ("Corruption: ... No such file";
    measured: about one open in thirteen right after a write), and the next try succeeds. On a
    loaded machine the compaction takes longer, so the retries back off (10 ms doubling up to
    0.2 s) for up to ``patience`` seconds. Any failure is retried, including a Rust panic
    (pyo3's ``PanicException`` is not an ``Exception``), which would otherwise end the worker.
    Raises the last error when the store still cannot be opened after ``patience``.
    """
    from pyoxigraph import Store as OxStore

    deadline = time.monotonic() + patience
    pause = 0.01
    while True:
        try:
            return OxStore.read_only(path)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.2)


def _worker_main(conn: Connection, engine, path: str | None) -> None:
    """Evaluate jobs from ``conn`` until it closes. Runs in a process forked by the zygote."""
    if engine is None:
        engine = _open_read_only(path)
    run = pyoxigraph_runner(engine)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        outcome = evaluate(run, job)
        # A small header first (with the body's size), so the server knows how to read the body.
        conn.send_bytes(pickle.dumps((replace(outcome, body=b""), len(outcome.body)), protocol=pickle.HIGHEST_PROTOCOL))
        conn.send_bytes(outcome.body)


def _zygote_main(ctl: Connection, engine, path: str | None, die_with_parent: bool = True) -> None:
    """Fork workers on request; single-threaded.

    ``engine`` is the inherited in-memory store; with ``path`` (disk) each worker opens the
    store itself; with neither, the zygote starts empty and is sent the data (``load``).
    ``die_with_parent``: only when started from the server's main thread, because Linux
    sends the parent-death signal when the *thread* that started the process exits (a
    request thread of a pool that shrinks would take the zygote with it). Without it, the
    zygote still ends when the server does: its control channel reaches EOF.
    """
    if die_with_parent:
        _die_with_parent()
    # The server's signal set-up is inherited: its handlers and the event loop's wake-up
    # descriptor (about to be closed, and its number reused) must not act here.
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:  # not the main thread: nothing was set
        pass
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    _close_fds_except(ctl.fileno())
    if engine is not None:
        list(engine.query(PROBE_QUERY))  # hangs or fails here, visibly, if the fork left the store unusable
    elif path is None:
        from pyoxigraph import Store as OxStore

        engine = OxStore()
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
            from pyoxigraph import RdfFormat
            from pyoxigraph import Store as OxStore

            fresh = OxStore()
            fresh.load(command[1], format=RdfFormat.N_QUADS)
            engine = fresh
            ctl.send(("loaded", len(fresh)))
        elif command[0] == "stop":
            os._exit(0)


class _Zygote:
    """The server's handle on its zygote process."""

    def __init__(self, *, engine, path: str | None, start_timeout: float = ZYGOTE_START_TIMEOUT) -> None:
        # An inherited in-memory store needs fork; otherwise a fresh interpreter, which shares
        # nothing (no locks, no RocksDB state) with this multi-threaded server.
        context = multiprocessing.get_context("fork" if engine is not None else "spawn")
        self._ctl, child = context.Pipe(duplex=True)
        main_thread = threading.current_thread() is threading.main_thread()
        self._process = context.Process(
            target=_zygote_main, args=(child, engine, path, main_thread), name="clustergraph-zygote", daemon=True
        )
        self._lock = threading.Lock()
        self._process.start()
        child.close()
        self.pid = self._process.pid
        if not self._ctl.poll(start_timeout):
            self.stop()
            raise StoreUnavailable("the query worker process did not start")
        try:
            _ready, self.pid = self._ctl.recv()
        except (EOFError, OSError):
            self.stop()
            raise StoreUnavailable("the query worker process failed to start") from None

    def fork(self) -> tuple[int, Connection]:
        """A new worker process and the server's end of its socket.

        Raises ``OSError``/``EOFError`` when the zygote is gone or going (its channel broke).
        """
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                self._ctl.send(("fork",))
                send_handle(self._ctl, theirs.fileno(), self.pid)
                _forked, pid = self._ctl.recv()
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return pid, Connection(ours.detach())

    def load(self, nquads: bytes) -> int:
        """Replace the zygote's store by ``nquads``; the number of quads it now holds.

        Raises ``OSError``/``EOFError`` when the zygote is gone or going (its channel broke).
        """
        with self._lock:
            self._ctl.send(("load", nquads))
            return self._ctl.recv()[1]

    def alive(self) -> bool:
        return self._process.is_alive()

    def stop(self, *, force: bool = False) -> None:
        """End the zygote: politely, or with ``force`` (SIGKILL) when its channel broke, since a
        dying or wedged zygote will not answer and must not hold a request up."""
        if force:
            self._process.kill()
        else:
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


class _WorkerLost(Exception):
    """A worker died under a job; ``outcome`` is the answer to give if the job is not retried."""

    def __init__(self, outcome: QueryOutcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


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
        # Serialises following the store and replacing the zygote (re-entrant: a load that
        # finds the zygote gone replaces it while already holding the lock).
        self._sync_lock = threading.RLock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._spawning = 0
        self._closed = False
        self.timeouts = 0
        self.forks = 0
        self.crashes = 0
        self._version = store.version
        self._zygote = self._start_zygote(first=True)
        for _ in range(self.size):
            self._idle.append(self._fork())

    # -- public ----------------------------------------------------------------------------

    def run(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        return self._run(job, timeout=timeout, deadline=time.monotonic() + timeout, retry=True)

    def _run(self, job: QueryJob, *, timeout: float, deadline: float, retry: bool) -> QueryOutcome:
        """``run`` against ``deadline``; with ``retry``, a worker that dies under the job (a
        transient cause: the OOM killer, a store opened mid-compaction) is replaced and the job
        asked once more, which is safe because a read query changes nothing."""
        self._follow_store()
        key = (self._version, job.cache_key())
        cache = self._cache if job.cacheable else None
        if cache is not None:
            hit = cache.get(key)
            if hit is not None:
                return replace(hit, seconds=0.0)
        worker = self._acquire(deadline, timeout)
        try:
            outcome = self._ask(worker, job, deadline, timeout)
        except _WorkerLost as lost:
            self._release(worker)
            if retry and time.monotonic() < deadline:
                log.warning("query worker %s stopped unexpectedly; asking another one", worker.pid)
                return self._run(job, timeout=timeout, deadline=deadline, retry=False)
            return lost.outcome
        except BaseException:
            self._drop(worker)
            raise
        self._release(worker)
        if cache is not None and worker.version == key[0]:
            cache.put(key, outcome)
        return outcome

    @property
    def zygote_pid(self) -> int:
        """Process id of the process that forks the workers (for tests and diagnostics)."""
        return self._zygote.pid

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

    def _start_zygote(self, *, first: bool) -> _Zygote:
        """A zygote holding the store's current content. Raises ``StoreUnavailable``, or
        ``OSError``/``EOFError`` when the new zygote is lost while loading (it is stopped)."""
        store = self._store
        if store.kind == "disk":
            return _Zygote(engine=None, path=str(store.path))
        if first:
            try:
                return _Zygote(engine=store.engine, path=None, start_timeout=FORKED_START_TIMEOUT)
            except StoreUnavailable:
                log.warning("the forked query zygote did not start; starting a fresh one instead")
        from pyoxigraph import RdfFormat

        version = store.version
        zygote = _Zygote(engine=None, path=None)
        try:
            zygote.load(store.dump(RdfFormat.N_QUADS))
        except BaseException:
            zygote.stop(force=True)
            raise
        self._version = version
        return zygote

    def _replace_zygote(self, lost: _Zygote) -> None:
        """Start a new zygote with the current content in place of ``lost``, whose control channel
        broke (killed for memory, or dying right now: the channel breaks before the process is
        reaped, so ``alive()`` cannot be trusted here). Nothing happens if another thread has
        replaced it already. A new zygote that is lost while loading is replaced in turn, up to
        ``ZYGOTE_ATTEMPTS`` times; then ``StoreUnavailable``."""
        with self._sync_lock:
            if self._zygote is not lost:
                return
            log.error("the query zygote stopped; starting a new one")
            lost.stop(force=True)
            for attempt in range(1, ZYGOTE_ATTEMPTS + 1):
                try:
                    self._zygote = self._start_zygote(first=False)
                    return
                except (OSError, EOFError, StoreUnavailable) as err:
                    if attempt == ZYGOTE_ATTEMPTS:
                        raise StoreUnavailable("the query worker process cannot be started") from err
                    log.error("the new query zygote failed (%s); starting another one", err)

    def _fork(self) -> _Worker:
        """A new worker from the zygote, replacing a lost zygote and trying again (bounded)."""
        for attempt in range(1, ZYGOTE_ATTEMPTS + 1):
            zygote = self._zygote
            version = self._version
            try:
                pid, conn = zygote.fork()
                break
            except (OSError, EOFError) as err:
                if attempt == ZYGOTE_ATTEMPTS:
                    raise StoreUnavailable("the query worker process is not available") from err
                self._replace_zygote(zygote)
        self.forks += 1
        return _Worker(pid, conn, version)

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        spare_at = time.monotonic() + SPARE_AFTER
        with self._cond:
            while True:
                if self._closed:
                    raise StoreUnavailable("the query service is shutting down")
                worker = self._take_idle()  # the condition's lock is re-entrant
                if worker is not None:
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
        """The worker's answer to ``job``. Raises ``QueryTimeout`` (the worker is killed) and
        ``_WorkerLost`` when the worker died under the job."""
        conn = worker.conn
        try:
            conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not conn.poll(max(deadline - time.monotonic(), 0)):
                # The only way to stop pyoxigraph: end the process. Its CPU is free at once.
                self.timeouts += 1
                worker.kill()
                raise _timeout_error(timeout)
            header, _size = pickle.loads(conn.recv_bytes())
            body = conn.recv_bytes()
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            raise _WorkerLost(self._crashed(worker, err)) from err
        worker.jobs += 1
        return replace(header, body=body)

    def _crashed(self, worker: _Worker, err: BaseException) -> QueryOutcome:
        """Count and close a worker that died under a job; the outcome to give if it is not retried."""
        self.crashes += 1
        worker.kill() if isinstance(err, pickle.UnpicklingError) else worker.retire()
        log.error("query worker %s stopped unexpectedly", worker.pid)
        return QueryOutcome(FAILED, message="the query stopped unexpectedly (out of memory?)")

    # -- the event-loop path ---------------------------------------------------------------

    async def run_async(self, job: QueryJob, *, timeout: float) -> QueryOutcome:
        """``run`` without a thread in the common case: an idle worker is at hand, the store has
        not changed and the answer is small. The job goes out on the worker's socket and the
        loop waits for the socket to become readable. Anything that may block (reloading
        after a write, forking, waiting for a busy pool, reading a large answer) takes a thread.
        """
        if self._store.version != self._version:
            return await asyncio.to_thread(self.run, job, timeout=timeout)
        key = (self._version, job.cache_key())
        cache = self._cache if job.cacheable else None
        if cache is not None:
            hit = cache.get(key)
            if hit is not None:
                return replace(hit, seconds=0.0)
        worker = self._take_idle()
        if worker is None:
            return await asyncio.to_thread(self.run, job, timeout=timeout)
        started = time.monotonic()
        conn = worker.conn
        try:
            conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not await _readable(conn.fileno(), timeout):
                self.timeouts += 1
                worker.kill()
                raise _timeout_error(timeout)
            header, size = pickle.loads(conn.recv_bytes())
            body = conn.recv_bytes() if size <= INLINE_BODY_BYTES else await asyncio.to_thread(conn.recv_bytes)
            outcome = replace(header, body=body)
            worker.jobs += 1
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            # The worker died under the job: retried once by a fresh worker, in a thread (it forks).
            self._crashed(worker, err)
            self._release(worker)
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                return QueryOutcome(FAILED, message="the query stopped unexpectedly (out of memory?)")
            log.warning("query worker %s stopped unexpectedly; asking another one", worker.pid)
            return await asyncio.to_thread(
                self._run, job, timeout=timeout, deadline=time.monotonic() + remaining, retry=False
            )
        except BaseException:  # a timeout, or the request was cancelled: the worker's state is unknown
            self._drop(worker)
            raise
        self._release(worker)
        if cache is not None and worker.version == key[0]:
            cache.put(key, outcome)
        return outcome

    def _take_idle(self) -> _Worker | None:
        """An idle worker of the current store version, now marked busy; None if there is none."""
        with self._cond:
            while self._idle and not self._closed:
                worker = self._idle.pop()
                if worker.version != self._version:
                    worker.retire()
                elif worker.conn.poll(0):  # an idle worker has nothing to say: this is EOF, it died
                    self.crashes += 1
                    worker.retire()
                else:
                    self._busy.add(worker)
                    return worker
        return None

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
                zygote = self._zygote
                try:
                    zygote.load(self._store.dump(RdfFormat.N_QUADS))
                except (OSError, EOFError):
                    self._replace_zygote(zygote)  # loads the current content itself
            with self._cond:
                self._version = version
                stale = [w for w in self._idle if w.version != version]
                self._idle = [w for w in self._idle if w.version == version]
                self._cond.notify_all()
            for worker in stale:
                worker.retire()
