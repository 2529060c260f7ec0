"""Reading every quad of a remote store in parts that each fit in one answer.

Stores cut long answers (Virtuoso at ``ResultSetMaxRows``), ``OFFSET`` without ``ORDER BY``
promises no stable order, and Virtuoso refuses ``ORDER BY`` pages once ``OFFSET + LIMIT``
passes ``MaxSortedTopRows`` (10,000 as packaged: "SR353 Sorted TOP clause"), so a
store of more than one page cannot be read by sorted pages there. Nothing here sorts or
skips. The quads are split into parts, every quad in exactly one part: by graph (counted
first; small graphs are read together), and a graph larger than a page by a hash of the
triple's text (SPARQL 1.1's ``MD5``, the same on every store) into ranges. Each part is
asked for with ``LIMIT`` one page; an answer that fills the page, or that the store says
it cut, is thrown away and its part split in two, so only answers known to be complete
are used, whatever the store's row cap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from pyoxigraph import NamedNode

from clustergraph.errors import StoreUnavailable

# Four hex digits of the hash: 65,536 ranges, enough to split any graph down to one page.
HASH_DIGITS = 4
HASH_SPACE = 16**HASH_DIGITS
# The part of a triple's hash that places it in a range. STR of a blank node is an error,
# which COALESCE turns into "" (such triples still spread over the ranges by the other terms).
HASH_KEY = f'SUBSTR(MD5(CONCAT(COALESCE(STR(?s), ""), " ", STR(?p), " ", COALESCE(STR(?o), ""))), 1, {HASH_DIGITS})'
# Graphs read in one request at most (a VALUES list of graph IRIs).
GRAPHS_PER_PART = 50


@dataclass(frozen=True)
class Part:
    """Some of a pattern's quads: those in ``graphs`` (``None``: every graph the pattern
    matches) whose hash lies in ``[low, high)``."""

    graphs: tuple[str, ...] | None = None
    low: int = 0
    high: int = HASH_SPACE

    def where(self, pattern: str) -> str:
        """The group graph pattern for this part of ``pattern`` (which binds ``?s ?p ?o``, and
        ``?g`` when the part names graphs)."""
        graphs = f"VALUES ?g {{ {' '.join(str(NamedNode(g)) for g in self.graphs)} }} " if self.graphs is not None else ""
        ranges = []
        if self.low > 0:
            ranges.append(f'{HASH_KEY} >= "{self.low:0{HASH_DIGITS}x}"')
        if self.high < HASH_SPACE:
            ranges.append(f'{HASH_KEY} < "{self.high:0{HASH_DIGITS}x}"')
        sliced = f" FILTER ({' && '.join(ranges)})" if ranges else ""
        return f"{{ {graphs}{pattern}{sliced} }}"

    def split(self) -> list[Part]:
        """Two or more smaller parts that hold exactly this part's quads.

        Raises ``StoreUnavailable`` when the part cannot be split further (more quads with
        one hash prefix than fit in an answer)."""
        if self.graphs is not None and len(self.graphs) > 1:
            return [Part((graph,), self.low, self.high) for graph in self.graphs]
        if self.high - self.low <= 1:
            raise StoreUnavailable(
                "the remote store's answers are too short to read all its quads "
                "(its row cap is smaller than the quads sharing one hash prefix): raise its row cap"
            )
        middle = (self.low + self.high) // 2
        return [Part(self.graphs, self.low, middle), Part(self.graphs, middle, self.high)]


def plan(counts: Mapping[str | None, int], page: int) -> list[Part]:
    """Parts of about three quarters of ``page`` quads at most, from the number of quads per
    graph (key ``None``: the pattern as a whole, not split by graph). The margin leaves room
    for the uneven spread of a hash; a part that still fills a page is split when read."""
    target = max(1, page * 3 // 4)
    parts: list[Part] = []
    batch: list[str] = []
    size = 0
    for graph, n in counts.items():
        if n == 0:
            continue
        if n > target:
            slices = -(-n // target)
            bounds = [HASH_SPACE * i // slices for i in range(slices + 1)]
            parts.extend(Part(None if graph is None else (graph,), low, high) for low, high in pairwise(bounds))
        elif graph is None:
            parts.append(Part())
        else:
            if batch and (size + n > target or len(batch) >= GRAPHS_PER_PART):
                parts.append(Part(tuple(batch)))
                batch, size = [], 0
            batch.append(graph)
            size += n
    if batch:
        parts.append(Part(tuple(batch)))
    return parts
