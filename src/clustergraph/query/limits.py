"""Result limits: at most ``max_rows`` rows (or triples) and ``max_bytes`` bytes per response.

Documented behaviour (README, service description):

- **Row cap.** A result with more than ``max_rows`` rows (SELECT) or triples
  (CONSTRUCT/DESCRIBE) is cut to the first ``max_rows`` and still returned with
  200, in the requested format and valid in it, with the response header
  ``X-Clustergraph-Truncated: rows; limit=N``. Clients that must not miss rows
  check the header (or page with ``LIMIT``/``OFFSET``).
- **Size cap.** A serialised response over ``max_bytes`` is not sent at all: 507
  problem details "Result too large" (a cut document could not be parsed, and a
  silently shorter one would mislead). Serialisation stops as soon as the cap is
  passed, so the worker does not spend time on bytes that will never be sent.

Serialisation is pyoxigraph's own. A SELECT result is written in the requested
format directly when it provably has no more than ``max_rows`` rows: TSV and XML
rows are counted exactly (a line, a ``<result>`` element), and a JSON answer
shorter than ``3 * (max_rows + 1)`` bytes cannot hold more rows (``{}`` and a comma
are the least a row takes). Otherwise the answer is read back and rewritten through
TSV, whose rows are lines (terms are escaped), which makes cutting exact; TSV keeps
every term exactly (N-Triples syntax). CSV always goes through TSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pyoxigraph import (
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    Triple,
    parse_query_results,
    serialize,
)

from clustergraph import formats
from clustergraph.errors import LimitExceeded

TRUNCATED_HEADER = "X-Clustergraph-Truncated"


class ResultTooLarge(LimitExceeded):
    """The serialised result is larger than the response-size cap; nothing is sent."""

    http_status = 507
    title = "Result too large"


@dataclass(frozen=True)
class ResultLimits:
    max_rows: int
    max_bytes: int


@dataclass(frozen=True)
class Serialized:
    body: bytes
    rows: int | None  # rows or triples written (1 for ASK); None where not counted
    truncated: bool


def truncation_header(limits: ResultLimits) -> str:
    """The value of ``X-Clustergraph-Truncated`` for a result cut at the row cap."""
    return f"rows; limit={limits.max_rows}"


class _Full(Exception):
    """Raised inside a writer to stop pyoxigraph's serialiser."""


class _CappedBuffer:
    """A binary writer that keeps what it is given and stops the serialiser past ``max_bytes``.

    With ``max_lines`` it also stops once more than that many newline-terminated lines
    are complete, keeping the buffer as written (the caller cuts it).
    """

    def __init__(self, max_bytes: int, max_lines: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.max_lines = max_lines
        self.size = 0
        self.lines = 0
        self.chunks: list[bytes] = []
        self.overflow = False

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.chunks.append(chunk)
        self.size += len(chunk)
        if self.max_lines is not None:
            self.lines += chunk.count(b"\n")
            if self.lines > self.max_lines:
                raise _Full
        if self.size > self.max_bytes:
            self.overflow = True
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.chunks)


def _too_large(limits: ResultLimits) -> ResultTooLarge:
    return ResultTooLarge(
        f"the result is larger than this service's response limit of {limits.max_bytes} bytes; "
        "ask for fewer rows (LIMIT) or fewer variables"
    )


def _run_capped(write, buffer: _CappedBuffer) -> None:
    """Run a serialiser into ``buffer``; a stop raised by the buffer surfaces as pyoxigraph's OSError."""
    try:
        write(buffer)
    except _Full:
        pass
    except OSError:
        if not (buffer.overflow or (buffer.max_lines is not None and buffer.lines > buffer.max_lines)):
            raise


def serialize_solutions(
    solutions: QuerySolutions,
    fmt: formats.Format,
    limits: ResultLimits,
    *,
    again: Callable[[], QuerySolutions] | None = None,
) -> Serialized:
    """A SELECT result in ``fmt``, cut at ``max_rows``; raises ``ResultTooLarge`` past ``max_bytes``.

    ``again`` evaluates the query anew: an answer too large in whole may fit once cut at
    ``max_rows``, and a stream that was stopped half-way cannot be read back.
    """
    if fmt.oxigraph in (QueryResultsFormat.JSON, QueryResultsFormat.XML):
        buffer = _CappedBuffer(limits.max_bytes)
        _run_capped(lambda out: solutions.serialize(out, format=fmt.oxigraph), buffer)
        if buffer.overflow:
            if again is None:
                raise _too_large(limits)
            return _through_tsv(again(), fmt, limits)
        body = buffer.value()
        if fmt.oxigraph is QueryResultsFormat.XML:
            rows = body.count(b"<result>")  # markup in values is escaped: every match is a row
            if rows <= limits.max_rows:
                return Serialized(body, rows, False)
        elif len(body) < 3 * (limits.max_rows + 1):
            return Serialized(body, None, False)
        # Possibly more rows than the cap (a large answer): read it back and cut it below.
        solutions = parse_query_results(body, format=fmt.oxigraph)
    return _through_tsv(solutions, fmt, limits)


def _through_tsv(solutions: QuerySolutions, fmt: formats.Format, limits: ResultLimits) -> Serialized:
    tsv_format = QueryResultsFormat.TSV
    # The header line plus max_rows rows; one more complete line means there are more rows.
    buffer = _CappedBuffer(limits.max_bytes, max_lines=limits.max_rows + 1)
    _run_capped(lambda out: solutions.serialize(out, format=tsv_format), buffer)
    if buffer.overflow:
        raise _too_large(limits)
    tsv = buffer.value()
    truncated = buffer.lines > limits.max_rows + 1
    if truncated:
        tsv = _first_lines(tsv, limits.max_rows + 1)
    rows = max(tsv.count(b"\n") - 1, 0)
    if fmt.oxigraph is tsv_format:
        return Serialized(tsv, rows, truncated)
    again = parse_query_results(tsv, format=tsv_format)
    out = _CappedBuffer(limits.max_bytes)
    _run_capped(lambda target: again.serialize(target, format=fmt.oxigraph), out)
    if out.overflow:
        raise _too_large(limits)
    return Serialized(out.value(), rows, truncated)


def _first_lines(data: bytes, count: int) -> bytes:
    end = -1
    for _ in range(count):
        end = data.index(b"\n", end + 1)
    return data[: end + 1]


def serialize_boolean(result: QueryBoolean, fmt: formats.Format) -> Serialized:
    return Serialized(result.serialize(format=fmt.oxigraph), 1, False)


class _Counted:
    """Yields at most ``limit`` items and notes whether there were more."""

    def __init__(self, items: Iterable, limit: int) -> None:
        self._items = iter(items)
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator:
        for item in self._items:
            if self.count >= self.limit:
                self.truncated = True
                return
            self.count += 1
            yield item


def serialize_triples(
    triples: QueryTriples | Iterable[Triple],
    fmt: formats.Format,
    limits: ResultLimits,
    *,
    prefixes: dict[str, str] | None = None,
) -> Serialized:
    """A CONSTRUCT/DESCRIBE result in ``fmt`` (dataset formats get the default graph), cut at ``max_rows`` triples."""
    counted = _Counted(triples, limits.max_rows)
    items: Iterable = counted
    if fmt.datasets:
        items = (Quad(t.subject, t.predicate, t.object) for t in counted)
    out = _CappedBuffer(limits.max_bytes)
    options = {"prefixes": prefixes} if prefixes and fmt.name in ("turtle", "trig", "rdfxml", "jsonld") else {}
    _run_capped(lambda target: serialize(items, target, format=fmt.oxigraph, **options), out)
    if out.overflow:
        raise _too_large(limits)
    return Serialized(out.value(), counted.count, counted.truncated)
