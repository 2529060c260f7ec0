"""A network of its own for the processes that evaluate untrusted SPARQL.

pyoxigraph makes ``SERVICE`` calls by itself, over HTTP, to whatever endpoint the text
names. The federation guard reads the text first, but a reading can be wrong; so a worker
process also leaves the server's network: after ``isolate()`` it sits in a fresh Linux
network namespace that has only a loopback interface of its own. Nothing the engine dials
there can reach the host, its loopback services or the internal network. The only way
out is the service relay, which runs in the worker and obtains each outbound connection
from the dialer (``clustergraph.query.dialer``), a process in the server's network that
checks every address again.

Creating a network namespace needs ``CAP_SYS_ADMIN`` (root, as in CI and most
containers started with it) or unprivileged user namespaces; where neither is available
the worker keeps the server's network and the guard stays the only defence, which
``isolate`` reports so the server can say so at start-up.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import socket
import struct

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
_SIOCGIFFLAGS = 0x8913
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


def _unshare(flags: int) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.unshare(flags) == 0


def _map_user(uid: int, gid: int) -> None:
    """Inside a new user namespace: keep the same user and group ids (files stay readable)."""
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")


def _loopback_up() -> None:
    """A new namespace's loopback interface is down; the relay listens on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | _IFF_UP))


def isolate() -> bool:
    """Move this process into a network namespace of its own; True when it is isolated.

    Call it in a single-threaded process (a freshly forked worker). Never raises: where
    namespaces are not allowed it returns False and changes nothing.
    """
    uid, gid = os.getuid(), os.getgid()
    try:
        if not _unshare(CLONE_NEWNET):
            if not _unshare(CLONE_NEWUSER | CLONE_NEWNET):
                return False
            _map_user(uid, gid)
        _loopback_up()
    except OSError:
        return False
    return True


def is_isolated() -> bool:
    """True when this process cannot see the host's network interfaces (only ``lo``)."""
    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        return False
    return names == ["lo"]


def available() -> bool:
    """Whether worker processes can be isolated on this machine (tried in a short-lived child)."""
    pid = os.fork()
    if pid == 0:
        os._exit(0 if isolate() and is_isolated() else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0
