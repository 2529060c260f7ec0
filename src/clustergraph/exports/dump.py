"""Dumps in the line formats (N-Quads, N-Triples) written as they are read, with progress.

A dump of a big store need not be held whole: each line stands alone, so the quads are
serialised in chunks as the store yields them. The bytes equal ``store.dump(fmt)``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice

from pyoxigraph import DefaultGraph, RdfFormat, serialize

from clustergraph.progress import sized_step
from clustergraph.store.base import Store

LINE_FORMATS = (RdfFormat.N_QUADS, RdfFormat.N_TRIPLES)
CHUNK_QUADS = 20_000


def streams(fmt: RdfFormat) -> bool:
    """Whether ``fmt`` is dumped in chunks by ``dump_chunks``."""
    return fmt in LINE_FORMATS


def dump_chunks(store: Store, fmt: RdfFormat, *, progress: Callable[[str], None] | None = None) -> Iterator[bytes]:
    """The whole dataset (N-Quads) or its default graph, the merge (N-Triples), in chunks.

    The progress bar counts the facts of the named graphs (``store.count()``); in N-Quads
    each also appears once more in the merge, which is not counted. Raises ``ValueError``
    for a format that is not a line format.
    """
    if not streams(fmt):
        raise ValueError(f"{fmt} is not a line format: dump it whole")
    advance = sized_step(progress, f"writing {fmt.name}", store.count())
    quads = store.quads() if fmt.supports_datasets else store.quads(graph=DefaultGraph())
    while chunk := list(islice(quads, CHUNK_QUADS)):
        yield serialize(chunk, format=fmt)
        advance(sum(1 for q in chunk if not isinstance(q.graph_name, DefaultGraph)) if fmt.supports_datasets else len(chunk))
