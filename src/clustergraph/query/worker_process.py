"""Worker processes that evaluate queries, and the zygote that forks them.

pyoxigraph cannot cancel a running query and a thread cannot be stopped, so each query
runs in a process that can be killed at its deadline (SIGKILL frees its CPU at once).

- The **zygote** holds a read-only view of the store and does nothing but fork workers
  on request. It is single-threaded, which makes forking safe: forking the server itself
  is not, because a thread inside pyoxigraph at the moment of the fork can leave a lock
  held forever in the child (measured: about 1 fork in 60 hung).
  - in-memory store: the zygote is forked from the server once, at start-up, before any
    request thread runs, so it shares the loaded data copy-on-write. After a write the
    server sends it the new content (N-Quads) and it loads them into a fresh store.
  - on-disk store: the zygote is a fresh interpreter; each worker opens the RocksDB store
    read-only after the fork, so no RocksDB state crosses a fork.
- A **worker** leaves the server's network right after the fork (``sandbox``: a network
  namespace of its own, when the machine allows it), so untrusted text it evaluates
  cannot open connections; federated calls go out through the relay and the dialer.
- A **worker** evaluates one job at a time: the job arrives pickled over a socket pair,
  the answer goes back as a small pickled header (with the body's size) plus the body.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle

from clustergraph.errors import StoreUnavailable
from clustergraph.query import sandbox
from clustergraph.query.evaluation import pyoxigraph_runner
from clustergraph.store_opening import open_read_only as _open_read_only

# How long a zygote may take to start and answer: a fresh interpreter imports modules first.
ZYGOTE_START_TIMEOUT = 60.0
FORKED_START_TIMEOUT = 10.0
PROBE_QUERY = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
WORKER_STACK_BYTES = 256 * 1024 * 1024
WORKER_NICENESS = 5


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
    """Evaluate jobs from ``conn`` until it closes. Runs in a process forked by the zygote.

    The loop runs in a thread with a large stack: the engine's parser recurses once per
    nesting level, and the main thread's 8 MB end the process at a few thousand levels.
    Only the pages a deep query touches are ever used.
    """
    in_memory = engine is not None
    if engine is None:
        engine = _open_read_only(path)
    threading.stack_size(WORKER_STACK_BYTES)
    loop = threading.Thread(target=_serve_jobs, args=(conn, engine, in_memory), name="clustergraph-worker")
    loop.start()
    loop.join()


def _serve_jobs(conn: Connection, engine, in_memory: bool = False) -> None:
    run = pyoxigraph_runner(engine, in_memory=in_memory)
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        outcome = job.perform(run, engine)
        # A small header first (with the body's size), so the server knows how to read the body.
        conn.send_bytes(pickle.dumps((replace(outcome, body=b""), len(outcome.body)), protocol=pickle.HIGHEST_PROTOCOL))
        conn.send_bytes(outcome.body)


def _zygote_main(
    ctl: Connection, engine, path: str | None, die_with_parent: bool = True, isolate_workers: bool = True
) -> None:
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
    # Workers leave the server's network when the machine allows it (see ``sandbox``); tried
    # before SIGCHLD is ignored, since the trial waits for a child.
    isolate_workers = isolate_workers and sandbox.available()
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
    ctl.send(("ready", os.getpid(), isolate_workers))
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
                if isolate_workers and not sandbox.isolate():
                    os._exit(1)  # it was possible a moment ago: never run untrusted text on the host's network
                os.nice(WORKER_NICENESS)  # the server answers first when workers keep every core busy
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


class Zygote:
    """The server's handle on its zygote process."""

    def __init__(
        self, *, engine, path: str | None, start_timeout: float = ZYGOTE_START_TIMEOUT, isolate_workers: bool = True
    ) -> None:
        # An inherited in-memory store needs fork; otherwise a fresh interpreter, which shares
        # nothing (no locks, no RocksDB state) with this multi-threaded server.
        context = multiprocessing.get_context("fork" if engine is not None else "spawn")
        self._ctl, child = context.Pipe(duplex=True)
        main_thread = threading.current_thread() is threading.main_thread()
        self._process = context.Process(
            target=_zygote_main,
            args=(child, engine, path, main_thread, isolate_workers),
            name="clustergraph-zygote",
            daemon=True,
        )
        self._lock = threading.Lock()
        self._process.start()
        child.close()
        self.pid = self._process.pid
        if not self._ctl.poll(start_timeout):
            self.stop()
            raise StoreUnavailable("the query worker process did not start")
        try:
            _ready, self.pid, self.isolated = self._ctl.recv()
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


@dataclass(eq=False)
class Worker:
    """The server's handle on one worker process: its socket and the store version it reads."""

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
