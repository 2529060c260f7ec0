"""Writing files so that a file under its final name is always complete.

``write_atomically`` writes to a hidden temporary file beside the target, flushes it to
disk, then renames it over the target (``os.replace`` is atomic on POSIX) and flushes the
folder. A process killed at any moment leaves either the previous file or the new one,
never a truncated mix; at worst a stale ``.NAME.partial-PID`` file, which the next write
to the same name removes once its process is gone.

``exchange_folders`` swaps two folders in one step, which is how a load swaps a staged
store in for the old one.
"""

from __future__ import annotations

import ctypes
import errno as errnos
import os
from collections.abc import Iterable
from pathlib import Path

CHUNK = 1 << 20


def write_atomically(path: Path, data: bytes | Iterable[bytes]) -> int:
    """Write ``data`` (bytes, or chunks of bytes) to ``path`` through a temporary name and a rename.

    Returns the number of bytes written. Raises ``OSError`` when the folder is not writable
    or the disk is full; the target is then unchanged and the temporary file removed.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    _remove_stale_partials(folder, path.name)
    partial = folder / f".{path.name}.partial-{os.getpid()}"
    chunks = _chunks(data) if isinstance(data, bytes | bytearray | memoryview) else data
    written = 0
    try:
        with open(partial, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_folder(folder)
    return written


def _chunks(data: bytes | bytearray | memoryview) -> Iterable[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), CHUNK):
        yield view[start : start + CHUNK]


def _remove_stale_partials(folder: Path, name: str) -> None:
    """Remove ``.NAME.partial-PID`` files whose writer no longer runs (killed mid-write)."""
    for stale in folder.glob(f".{name}.partial-*"):
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            stale.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX: fsync the directory)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a directory
        pass
    finally:
        os.close(fd)


# renameat2(2): the current directory as base, and the flag that swaps the two names.
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange_folders(first: Path, second: Path) -> None:
    """Swap two folders on one file system atomically (Linux ``renameat2(RENAME_EXCHANGE)``).

    Where the call is missing, two renames are used instead: a process killed between them
    leaves ``second`` missing (its content is then at ``first``). Raises ``OSError``.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    swap = getattr(libc, "renameat2", None)
    if swap is not None:
        if swap(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
            _sync_folder(second.parent)
            return
        code = ctypes.get_errno()
        if code not in (errnos.ENOSYS, errnos.EINVAL):  # no such call, or a file system without it
            raise OSError(code, os.strerror(code), str(second))
    aside = second.with_name(f"{second.name}.old-{os.getpid()}")
    os.rename(second, aside)
    os.rename(first, second)
    os.rename(aside, first)
    _sync_folder(second.parent)
