"""Opening an on-disk pyoxigraph (RocksDB) store beside the process that holds it.

One process at a time opens an on-disk store for writing: RocksDB takes a lock on the file
``LOCK`` in the store's folder. Other processes (the server's query workers, the CLI beside a
running server) open it read-only: a snapshot of what was written when they opened it.

This module sits below ``store/`` and ``query/`` (it imports only pyoxigraph), so both the
embedded store and the query workers open stores the same way.
"""

from __future__ import annotations

import time

from pyoxigraph import Store as OxStore

# How long a reader keeps trying to open an on-disk store that the writer is compacting.
OPEN_PATIENCE = 30.0


def held_by_another_process(err: BaseException) -> bool:
    """Whether ``err`` (raised when opening a store for writing) says another process holds its lock.

    RocksDB reports it as ``IO error: While lock file: .../LOCK: Resource temporarily unavailable``
    (or ``lock hold by current process`` when this process holds it already).
    """
    text = str(err).lower()
    return isinstance(err, OSError) and "lock" in text and ("temporarily unavailable" in text or "lock hold" in text)


def open_read_only(path: str, *, patience: float = OPEN_PATIENCE) -> OxStore:
    """Open the RocksDB store at ``path`` read-only, retrying while the writer's compaction races with it.

    Right after a write the primary flushes and compacts in the background; an opening reader
    can find a file listed in the manifest already deleted ("Corruption: ... No such file";
    measured: about one open in thirteen right after a write), and the next try succeeds. On a
    loaded machine the compaction takes longer, so the retries back off (10 ms doubling up to
    0.2 s) for up to ``patience`` seconds. Any failure is retried, including a Rust panic
    (pyo3's ``PanicException`` is not an ``Exception``), which would otherwise end the caller.
    Raises the last error when the store still cannot be opened after ``patience``.
    """
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
