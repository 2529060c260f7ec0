"""Parsing an untrusted RDF body in a process of its own, bounded in memory and time.

A body that is small on the wire can need far more memory once parsed: a 960 KB Turtle
document whose one prefix is a 400 KB IRI expands to 48 GB of terms, and pyoxigraph
aborts its process when an allocation fails (it cannot raise). So the Graph Store does
not parse in the server: ``parse_bounded`` runs ``python -m clustergraph.loading.bounded_parse``,
which limits its own address space (``RLIMIT_AS``) and CPU time before it reads the body,
parses it exactly as ``clustergraph load`` does (``parse_bytes``: DTDs refused, blank nodes
skolemised) and writes the quads back as N-Quads, whose size is linear in the data. The
child is started by fork and exec with no code run in between, which is safe from a
threaded server. Costs about 0.2 s per write (a fresh interpreter).
"""

from __future__ import annotations

import math
import resource
import signal
import subprocess
import sys

from pyoxigraph import Quad, RdfFormat, parse, serialize

from clustergraph import formats
from clustergraph.errors import ClusterGraphError, InputError

EXIT_INPUT = 2
EXIT_TOO_LARGE = 3
_MESSAGE_BYTES = 2000


class BodyTooLarge(ClusterGraphError):
    """A body that needs more memory or time to parse than the limits allow; nothing was written."""

    http_status = 413
    exit_code = 3
    title = "Content Too Large"


def parse_bounded(
    data: bytes,
    fmt: formats.Format,
    *,
    base_iri: str,
    graph: str | None = None,
    name: str = "request body",
    memory_bytes: int,
    timeout: float,
) -> list[Quad]:
    """The quads of ``data`` as ``parse_bytes`` gives them, parsed in a child process that may
    use at most ``memory_bytes`` of address space and ``timeout`` seconds; the parsed data
    (as N-Quads) may be at most a quarter of ``memory_bytes``.

    Raises ``InputError`` for unreadable input (syntax, DTD) and ``BodyTooLarge`` when the
    child runs out of memory or time or its answer is over the bound.
    """
    command = [
        sys.executable, "-m", "clustergraph.loading.bounded_parse",
        fmt.name, base_iri, graph or "", name, str(memory_bytes), str(timeout),
    ]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout + 5, check=False)
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise BodyTooLarge(f"{name}: parsing took over {timeout:.0f} s; send smaller graphs") from None
    message = done.stderr.decode("utf-8", errors="replace").strip()[-_MESSAGE_BYTES:]
    if done.returncode == 0:
        return list(parse(done.stdout, format=RdfFormat.N_QUADS))
    if done.returncode == EXIT_INPUT:
        raise InputError(message)
    if done.returncode == EXIT_TOO_LARGE or done.returncode in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGXCPU):
        raise BodyTooLarge(
            f"{name}: parsing needs more than the limit of {memory_bytes} bytes of memory or {timeout:.0f} s "
            "(CLUSTERGRAPH_PARSE_MEMORY_BYTES); send smaller graphs"
        )
    raise ClusterGraphError(f"{name}: the parser process failed (exit {done.returncode}): {message[-300:]}")


def _limit_self(memory_bytes: int, timeout: float) -> None:
    """Bound this process before it touches the input (the parent cannot, without code between fork and exec)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    seconds = max(1, math.ceil(timeout))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _main(argv: list[str]) -> int:
    format_name, base_iri, graph, name, memory, timeout = argv
    memory_bytes = int(memory)
    _limit_self(memory_bytes, float(timeout))
    from clustergraph.loading.parse import parse_bytes

    fmt = formats.lookup(format_name)
    data = sys.stdin.buffer.read()
    try:
        quads = parse_bytes(data, fmt, base_iri=base_iri, graph=graph or None, name=name)
        body = serialize(quads, format=RdfFormat.N_QUADS)
    except InputError as err:
        sys.stderr.write(str(err))
        return EXIT_INPUT
    except MemoryError:
        return EXIT_TOO_LARGE
    if len(body) > memory_bytes // 4:
        sys.stderr.write(f"{name}: the parsed data is {len(body)} bytes, over a quarter of the memory limit")
        return EXIT_TOO_LARGE
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
