"""Query evaluation off the event loop, with a timeout that really stops the query.

Embedded stores: each query runs in a worker process (``worker_process``) that is killed
at the deadline. A warm pool of ``query_workers`` processes is kept; when none is free
for a moment (a runaway query holds one), another is forked, up to a ceiling, so a cheap
lookup still answers while a heavy query is being cut. Workers of an older store version
are retired instead of reused; successful answers are cached per store version.

A request waits for a worker without holding a thread: a worker that comes free is handed
straight to the longest-waiting request, whether that waits on the event loop or in a
thread. Large answers are read in a pool of the executor's own, sized to the number of
workers, because a worker that has answered takes no new job until its answer is read:
reading in a shared pool whose threads all wait for a worker would be a deadlock.

Remote stores (``settings.store`` is a URL) need no process: the remote server does the
work, so jobs run in a thread with the same timeout.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import pickle
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from typing import Protocol

from clustergraph.errors import QueryTimeout, StoreUnavailable
from clustergraph.query.cache import ResultCache
from clustergraph.query.fairness import ClientUsage
from clustergraph.query.dialer import Dialer
from clustergraph.query.evaluation import FAILED, QueryJob, QueryOutcome, store_runner
from clustergraph.query.worker_process import FORKED_START_TIMEOUT, Worker, Zygote
from clustergraph.settings import Settings
from clustergraph.store.base import Store

log = logging.getLogger("clustergraph.query")

# How long a job waits for an idle worker before another is forked.
SPARE_AFTER = 0.05
# Answers up to this size are read on the event loop; larger ones in the executor's own threads.
INLINE_BODY_BYTES = 256 * 1024
# Most worker processes at once, when many clients each run a query (see ``ceiling_for``).
MAX_PROCESSES = 64
# How often a lost zygote is replaced before a request gives up (a loaded machine, an OOM kill).
ZYGOTE_ATTEMPTS = 3


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

    async def run_async(self, job: QueryJob, *, timeout: float, client: str | None = None) -> QueryOutcome:
        """``run`` for the event loop: never blocks it. ``client`` is whom the work counts for."""
        ...

    def stats(self) -> dict[str, float]: ...

    def close(self) -> None: ...


def start_executor(store: Store, settings: Settings) -> Executor:
    """The executor for ``store``. Call it at start-up, before request threads run (it may fork)."""
    if store.kind == "remote":
        # No cache: others may write to a remote store at any time (its version never repeats).
        return ThreadExecutor(store, workers=max(4, settings.query_workers * 4))
    return ProcessExecutor(
        store,
        workers=settings.query_workers,
        cache=ResultCache(settings.query_cache_bytes),
        federation=bool(settings.service_allowlist),
    )


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

    def run(self, job: QueryJob, *, timeout: float, client: str | None = None) -> QueryOutcome:
        key = _cache_key(self._store, job)
        if key is not None and self._cache is not None:
            hit = self._cache.get(key)
            if hit is not None:
                return replace(hit, seconds=0.0)
        # ``perform`` is ``evaluate`` for a query; other jobs (a catalogue read) get the store itself.
        future = self._pool.submit(job.perform, self._run, self._store)
        try:
            outcome = future.result(timeout=timeout)
        except FutureTimeout:
            # The remote server keeps working on it until its own limit; no local CPU is spent.
            self.timeouts += 1
            raise _timeout_error(timeout) from None
        if key is not None and self._cache is not None:
            self._cache.put(key, outcome)
        return outcome

    async def run_async(self, job: QueryJob, *, timeout: float, client: str | None = None) -> QueryOutcome:
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


class _WorkerLost(Exception):
    """A worker died under a job; ``outcome`` is the answer to give if the job is not retried."""

    def __init__(self, outcome: QueryOutcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


# --- waiting for a worker ---------------------------------------------------------------------
#
# A waiter is offered a worker (already marked busy) or ``None``, which means "capacity
# came free: look again". Offers are made under the executor's lock; an offer a waiter can
# no longer take is refused (False) and goes to the next one.


class _ThreadWaiter:
    """A request waiting in a thread (the blocking ``run``)."""

    def __init__(self, client: str | None = None) -> None:
        self.client = client
        self.ready = threading.Event()
        self.worker: Worker | None = None
        self.gone = False  # set under the executor's lock when the thread stops waiting

    def offer(self, worker: Worker | None) -> bool:
        if self.gone or self.ready.is_set():
            return False
        self.worker = worker
        self.ready.set()
        return True


class _LoopWaiter:
    """A request waiting on an event loop (``run_async``): no thread is held while it waits."""

    def __init__(self, executor: ProcessExecutor, loop: asyncio.AbstractEventLoop, client: str | None = None) -> None:
        self.client = client
        self._executor = executor
        self._loop = loop
        self.future: asyncio.Future[Worker | None] = loop.create_future()

    def offer(self, worker: Worker | None) -> bool:
        if self.future.done():  # read from another thread: ``_settle`` checks again on the loop
            return False
        try:
            self._loop.call_soon_threadsafe(self._settle, worker)
        except RuntimeError:  # the loop is closed
            return False
        return True

    def _settle(self, worker: Worker | None) -> None:
        if not self.future.done():
            self.future.set_result(worker)
        elif worker is not None:  # the request gave up meanwhile: the worker goes to the next one
            self._executor._release(worker)
        else:
            self._executor._wake_one()


_FORK = object()  # a claim's answer: the caller may fork a new worker (a slot is reserved)


class ProcessExecutor:
    """Jobs in killable worker processes forked from a zygote (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        *,
        workers: int = 2,
        max_workers: int | None = None,
        cache: ResultCache | None = None,
        federation: bool = False,
        max_processes: int = MAX_PROCESSES,
    ) -> None:
        if store.kind not in ("memory", "disk"):
            raise ValueError("ProcessExecutor needs an embedded store")
        self._store = store
        self.size = workers
        self.max_workers = max_workers or workers + max(2, workers)
        self._cache = cache
        # Guards the pool (idle, busy, spawning, waiters); re-entrant for the helpers it calls.
        self._lock = threading.RLock()
        # Serialises following the store and replacing the zygote (re-entrant: a load that
        # finds the zygote gone replaces it while already holding the lock).
        self._sync_lock = threading.RLock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._spawning = 0
        self._waiters: collections.deque[_ThreadWaiter | _LoopWaiter] = collections.deque()
        # Fair turns (``fairness``): a client with fewer than ``per_client`` jobs running gets a
        # worker of its own, up to ``max_processes``; the kernel then shares the cores among them,
        # so a cheap query is not stuck behind the runaway queries of others.
        self.usage = ClientUsage()
        self.per_client = workers
        self.max_processes = max(self.max_workers, max_processes)
        self._reserved: dict[int, str | None] = {}
        # Reads large answers and forks for the event-loop path. At most one read or fork per
        # worker slot runs at a time, so this pool can never be the one everything waits on.
        self._helpers = ThreadPoolExecutor(max_workers=self.max_workers + 1, thread_name_prefix="clustergraph-answer")
        self._closed = False
        self.timeouts = 0
        self.forks = 0
        self.crashes = 0
        self._version = store.version
        self._zygote = self._start_zygote(first=True)
        self.isolated = self._zygote.isolated
        if not self.isolated:
            log.warning(
                "query workers share the server's network (this machine allows no network namespaces): "
                "the federation guard is the only defence against SERVICE calls"
            )
        # Isolated workers reach federated endpoints only through the dialer.
        self._dialer = Dialer() if federation and self.isolated else None
        for _ in range(self.size):
            self._idle.append(self._fork())

    # -- public ----------------------------------------------------------------------------

    def run(self, job: QueryJob, *, timeout: float, client: str | None = None) -> QueryOutcome:
        deadline = time.monotonic() + timeout
        job = self._with_dialer(job)
        for attempt in (1, 2):
            self._follow_store()
            hit, key = self._cached(job)
            if hit is not None:
                return hit
            worker = self._acquire(deadline, timeout, client)
            try:
                outcome = self._ask(worker, job, deadline, timeout)
            except _WorkerLost as lost:
                if not self._retry(worker, attempt, deadline):
                    return lost.outcome
                continue
            except BaseException:
                self._drop(worker)
                raise
            return self._done(worker, key, outcome)
        raise AssertionError("unreachable")

    async def run_async(self, job: QueryJob, *, timeout: float, client: str | None = None) -> QueryOutcome:
        """``run`` for the event loop: the request waits for a worker and for its answer without
        holding a thread; only reloading after a write and reading a large answer take one.
        ``client`` (an address) is whom the work is counted for, for a fair turn (``usage``)."""
        deadline = time.monotonic() + timeout
        job = self._with_dialer(job)
        for attempt in (1, 2):
            if self._store.version != self._version:
                await asyncio.to_thread(self._follow_store)
            hit, key = self._cached(job)
            if hit is not None:
                return hit
            worker = self._take_idle(client) or await self._acquire_async(deadline, timeout, client)
            try:
                outcome = await self._ask_async(worker, job, deadline, timeout)
            except _WorkerLost as lost:
                if not self._retry(worker, attempt, deadline):
                    return lost.outcome
                continue
            except BaseException:  # a timeout, or the request was cancelled: the worker's state is unknown
                self._drop(worker)
                raise
            return self._done(worker, key, outcome)
        raise AssertionError("unreachable")

    @property
    def zygote_pid(self) -> int:
        """Process id of the process that forks the workers (for tests and diagnostics)."""
        return self._zygote.pid

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return [w.pid for w in self._idle] + [w.pid for w in self._busy]

    def stats(self) -> dict[str, float]:
        with self._lock:
            numbers = {
                "workers_idle": len(self._idle),
                "workers_busy": len(self._busy),
                "waiting": len(self._waiters),
                "timeouts": self.timeouts,
                "forks": self.forks,
                "crashes": self.crashes,
            }
        return {**numbers, **_cache_stats(self._cache)}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = self._idle + list(self._busy)
            self._idle, self._busy = [], set()
            self._wake_all()
        for worker in workers:
            worker.kill()
        self._zygote.stop()
        if self._dialer is not None:
            self._dialer.close()
        self._helpers.shutdown(wait=False, cancel_futures=True)

    # -- one job -----------------------------------------------------------------------------

    def _with_dialer(self, job: QueryJob) -> QueryJob:
        return job if self._dialer is None else replace(job, dialer_path=self._dialer.path)

    def _cached(self, job: QueryJob) -> tuple[QueryOutcome | None, tuple | None]:
        """A cached answer, or None and the key to cache the answer under (None: not cacheable)."""
        if self._cache is None or not job.cacheable:
            return None, None
        key = (self._version, job.cache_key())
        hit = self._cache.get(key)
        return (replace(hit, seconds=0.0) if hit is not None else None), key

    def _done(self, worker: Worker, key: tuple | None, outcome: QueryOutcome) -> QueryOutcome:
        self._release(worker)
        if key is not None and self._cache is not None and worker.version == key[0]:
            self._cache.put(key, outcome)
        return outcome

    def _retry(self, worker: Worker, attempt: int, deadline: float) -> bool:
        """After a worker died under a job: whether to ask another one. A transient cause (the
        OOM killer, a store opened mid-compaction) is worth one more try, which is safe because
        a read query changes nothing."""
        self._release(worker)
        if attempt > 1 or time.monotonic() >= deadline:
            return False
        log.warning("query worker %s stopped unexpectedly; asking another one", worker.pid)
        return True

    def _ask(self, worker: Worker, job: QueryJob, deadline: float, timeout: float) -> QueryOutcome:
        """The worker's answer to ``job``. Raises ``QueryTimeout`` (the worker is killed) and
        ``_WorkerLost`` when the worker died under the job."""
        conn = worker.conn
        try:
            conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not conn.poll(max(deadline - time.monotonic(), 0)):
                self._cut(worker, timeout)
            header, _size = pickle.loads(conn.recv_bytes())
            body = conn.recv_bytes()
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            raise _WorkerLost(self._crashed(worker, err)) from err
        worker.jobs += 1
        return replace(header, body=body)

    async def _ask_async(self, worker: Worker, job: QueryJob, deadline: float, timeout: float) -> QueryOutcome:
        """``_ask`` on the event loop: it waits for the worker's socket to become readable."""
        conn = worker.conn
        try:
            conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
            if not await _readable(conn.fileno(), max(deadline - time.monotonic(), 0)):
                self._cut(worker, timeout)
            header, size = pickle.loads(conn.recv_bytes())
            if size <= INLINE_BODY_BYTES:
                body = conn.recv_bytes()
            else:
                body = await asyncio.get_running_loop().run_in_executor(self._helpers, conn.recv_bytes)
        except (EOFError, OSError, pickle.UnpicklingError) as err:
            raise _WorkerLost(self._crashed(worker, err)) from err
        worker.jobs += 1
        return replace(header, body=body)

    def _cut(self, worker: Worker, timeout: float) -> None:
        """Stop a job at its deadline. Ending the process is the only way to stop pyoxigraph;
        its CPU is free at once."""
        self.timeouts += 1
        worker.kill()
        raise _timeout_error(timeout)

    def _crashed(self, worker: Worker, err: BaseException) -> QueryOutcome:
        """Count and close a worker that died under a job; the outcome to give if it is not retried."""
        self.crashes += 1
        worker.kill() if isinstance(err, pickle.UnpicklingError) else worker.retire()
        log.error("query worker %s stopped unexpectedly", worker.pid)
        return QueryOutcome(FAILED, message="the query stopped unexpectedly (out of memory?)")

    # -- the pool ------------------------------------------------------------------------------

    def _claim(
        self, spare_at: float, deadline: float, timeout: float, waiter: _ThreadWaiter | _LoopWaiter
    ) -> tuple[Worker | object | None, float]:
        """An idle worker (now busy); ``_FORK`` when the caller may fork one (a slot is reserved);
        or None with ``waiter`` queued and how long to wait for an offer before looking again.
        Spare workers beyond the warm pool are forked only after ``spare_at``, so a short wait
        for a busy worker does not cost a fork. Raises ``QueryTimeout`` at the deadline."""
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the query service is shutting down")
            worker = self._take_idle(waiter.client)
            if worker is not None:
                return worker, 0.0
            now = time.monotonic()
            total = len(self._busy) + self._spawning
            ceiling = self.ceiling_for(waiter.client)
            if total < self.size or (now >= spare_at and total < ceiling):
                self._spawning += 1
                self._reserved[id(waiter)] = waiter.client
                return _FORK, 0.0
            if now >= deadline:
                self.timeouts += 1
                raise _timeout_error(timeout)
            self._waiters.append(waiter)
            wake = spare_at if now < spare_at and total < ceiling else deadline
            return None, max(wake - now, 0.001)

    def _acquire(self, deadline: float, timeout: float, client: str | None = None) -> Worker:
        """A worker for a blocking caller; raises ``QueryTimeout`` at the deadline."""
        spare_at = time.monotonic() + SPARE_AFTER
        while True:
            waiter = _ThreadWaiter(client)
            claim, wait = self._claim(spare_at, deadline, timeout, waiter)
            if claim is _FORK:
                return self._forked(self._reserved.pop(id(waiter), None))
            if claim is not None:
                return claim
            waiter.ready.wait(wait)
            with self._lock:
                waiter.gone = True
                if not waiter.ready.is_set():
                    self._waiters.remove(waiter)
                elif waiter.worker is not None:
                    return waiter.worker

    async def _acquire_async(self, deadline: float, timeout: float, client: str | None = None) -> Worker:
        """``_acquire`` on the event loop."""
        loop = asyncio.get_running_loop()
        spare_at = time.monotonic() + SPARE_AFTER
        while True:
            waiter = _LoopWaiter(self, loop, client)
            claim, wait = self._claim(spare_at, deadline, timeout, waiter)
            if claim is _FORK:
                return await loop.run_in_executor(self._helpers, self._forked, self._reserved.pop(id(waiter), None))
            if claim is not None:
                return claim
            try:
                worker = await asyncio.wait_for(waiter.future, wait)
            except TimeoutError:
                worker = None
            except BaseException:  # cancelled: a worker handed over meanwhile goes back
                self._forget(waiter)
                if waiter.future.done() and not waiter.future.cancelled() and waiter.future.result() is not None:
                    self._release(waiter.future.result())
                raise
            self._forget(waiter)
            if worker is not None:
                return worker

    def _forget(self, waiter: _ThreadWaiter | _LoopWaiter) -> None:
        with self._lock:
            try:
                self._waiters.remove(waiter)
            except ValueError:  # it was offered something and left the queue then
                pass

    def _forked(self, client: str | None = None) -> Worker:
        """A new busy worker, in the slot that ``_claim`` reserved."""
        try:
            worker = self._fork()
        except BaseException:
            with self._lock:
                self._spawning -= 1
                self._wake_one()
            raise
        with self._lock:
            self._spawning -= 1
            self._busy.add(worker)
            self.usage.start(worker, client)
        return worker

    def _take_idle(self, client: str | None = None) -> Worker | None:
        """An idle worker of the current store version, now marked busy; None if there is none."""
        with self._lock:
            while self._idle and not self._closed:
                worker = self._idle.pop()
                if worker.version != self._version:
                    worker.retire()
                elif worker.conn.poll(0):  # an idle worker has nothing to say: this is EOF, it died
                    self.crashes += 1
                    worker.retire()
                else:
                    self._busy.add(worker)
                    self.usage.start(worker, client)
                    return worker
        return None

    def _release(self, worker: Worker) -> None:
        """A worker is done with its job: to the waiter whose client has used the least work
        lately (the longest waiting among equals), or idle, or retired."""
        with self._lock:
            self.usage.stop(worker)
            self._busy.discard(worker)
            if worker.conn.closed or self._closed:
                self._wake_one()
            elif worker.version != self._version or len(self._idle) >= self.max_workers:
                worker.retire()
                self._wake_one()
            else:
                self._busy.add(worker)
                while self._waiters:
                    waiter = self._next_waiter()
                    if waiter.offer(worker):
                        self.usage.start(worker, waiter.client)
                        return
                self._busy.discard(worker)
                self._idle.append(worker)

    def _drop(self, worker: Worker) -> None:
        with self._lock:
            self.usage.stop(worker)
            self._busy.discard(worker)
            if not worker.conn.closed:
                worker.kill()
            self._wake_one()

    def _wake_one(self) -> None:
        """Capacity came free (a worker ended, a fork failed): the longest waiter looks again."""
        with self._lock:
            while self._waiters:
                if self._next_waiter().offer(None):
                    return

    def ceiling_for(self, client: str | None) -> int:
        """How many workers may exist when ``client`` asks for one."""
        if client is not None and self.usage.running(client) < self.per_client:
            return self.max_processes
        return self.max_workers

    def _next_waiter(self) -> _ThreadWaiter | _LoopWaiter:
        """Remove and return the waiter to serve next: the lightest client, then the longest waiting."""
        now = time.monotonic()
        best = min(range(len(self._waiters)), key=lambda i: (self.usage.of(self._waiters[i].client, now), i))
        waiter = self._waiters[best]
        del self._waiters[best]
        return waiter

    def _wake_all(self) -> None:
        with self._lock:
            while self._waiters:
                self._waiters.popleft().offer(None)

    # -- workers and the zygote ----------------------------------------------------------------

    def _start_zygote(self, *, first: bool) -> Zygote:
        """A zygote holding the store's current content. Raises ``StoreUnavailable``, or
        ``OSError``/``EOFError`` when the new zygote is lost while loading (it is stopped)."""
        store = self._store
        if store.kind == "disk":
            return Zygote(engine=None, path=str(store.path))
        if first:
            try:
                return Zygote(engine=store.engine, path=None, start_timeout=FORKED_START_TIMEOUT)
            except StoreUnavailable:
                log.warning("the forked query zygote did not start; starting a fresh one instead")
        from pyoxigraph import RdfFormat

        version = store.version
        zygote = Zygote(engine=None, path=None)
        try:
            zygote.load(store.dump(RdfFormat.N_QUADS))
        except BaseException:
            zygote.stop(force=True)
            raise
        self._version = version
        return zygote

    def _replace_zygote(self, lost: Zygote) -> None:
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

    def _fork(self) -> Worker:
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
        return Worker(pid, conn, version)

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
            with self._lock:
                self._version = version
                stale = [w for w in self._idle if w.version != version]
                self._idle = [w for w in self._idle if w.version == version]
                self._wake_all()
            for worker in stale:
                worker.retire()
