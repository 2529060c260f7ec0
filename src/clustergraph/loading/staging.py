"""A load's own store: the input is bulk-loaded beside the target, checked there, then swapped in.

``clustergraph load`` does not hold its input, nor the store, in Python lists. It reads each
file straight into a staging store (pyoxigraph's bulk loader: on disk a hidden folder
``.STORE.staging-PID-…`` next to the target, so that both are on one file system; in
memory a store of its own). When the load is a large share of the result, the staging
store is made into the whole candidate dataset (the target's graphs that the load keeps
are copied in) and validated as a whole. Only then is the merged default graph added
(``store.merge``) and, for an on-disk target, the staged store written to its folder; the
commit is one exchange of folders (``EmbeddedStore.replace_with``). A load refused, failed
or killed at any moment leaves the target as it was; the next load removes what a killed
one left beside it.

Files are read as ``parse_bytes`` reads them: RDF/XML in the bounded, DTD-refusing child
process (``bounded_parse``), and a file that may hold blank nodes in memory, so that they
are skolemised from the file's canonical form (the same input gives the same IRIs). Only
files without blank nodes (the usual big dumps) take the streaming path.
"""

from __future__ import annotations

import io
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Self

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat
from pyoxigraph import Store as OxStore

from clustergraph.errors import InputError
from clustergraph.loading.bounded_parse import parse_bounded
from clustergraph.loading.parse import format_for_path, parse_path
from clustergraph.store.embedded import NAMED_QUADS, EmbeddedStore

# Bytes scanned at a time when looking for blank-node syntax in a file.
SCAN_CHUNK = 1 << 18
# What can introduce a blank node in each streamable format (a hit in a literal only costs
# the in-memory path). Other formats (JSON-LD: any node object without @id) always take it.
BLANK_NODE_SYNTAX = {
    RdfFormat.N_TRIPLES: (b"_:",),
    RdfFormat.N_QUADS: (b"_:",),
    RdfFormat.TURTLE: (b"_:", b"[", b"("),
    RdfFormat.TRIG: (b"_:", b"[", b"("),
}
# Up to this many parsed quads are added in one transaction rather than by the bulk loader.
SMALL_BATCH = 50_000
# Seconds the bounded child may take to parse one RDF/XML file of a load.
RDF_XML_SECONDS = 600.0

Advance = Callable[[int], None]


class Staging:
    """A scratch store for one load; a context that removes what is left of it on exit.

    ``in_memory`` keeps the staging store in memory until ``seal``: validation queries run
    about 2.5x faster there than on disk (the generated 100k landscape: 3.5-3.9 s against
    9.3-12 s, same run); the caller asks for it only for inputs small enough to hold
    (``Settings.load_memory_bytes``).
    """

    def __init__(self, target: EmbeddedStore, *, in_memory: bool = False) -> None:
        self.folder: Path | None = None
        if target.kind == "disk" and target.path is not None:
            remove_stale_staging(target.path)
            self.folder = target.path.parent / f".{target.path.name}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.in_memory = in_memory or self.folder is None
        self.engine: OxStore | None = OxStore() if self.in_memory else OxStore(str(self.folder))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    @property
    def store(self) -> OxStore:
        if self.engine is None:
            raise RuntimeError("the staging store is closed")
        return self.engine

    def add_file(
        self, path: Path, *, base_iri: str, graph: str | None, parse_memory_bytes: int, advance: Advance | None = None
    ) -> None:
        """Read one file into the staging store. Raises ``InputError`` for unreadable input."""
        fmt = format_for_path(path)
        target = NamedNode(graph) if graph is not None else None
        try:
            if fmt.oxigraph is RdfFormat.RDF_XML:
                # Bounded: the child's answer is at most a quarter of ``parse_memory_bytes``.
                self.add_quads(parse_bounded(
                    path.read_bytes(), fmt, base_iri=base_iri, graph=graph, name=str(path),
                    memory_bytes=parse_memory_bytes, timeout=RDF_XML_SECONDS,
                ))
            elif may_hold_blank_nodes(path, fmt.oxigraph):
                self.add_quads(parse_path(path, base_iri=base_iri, graph=graph))
            else:
                with path.open("rb") as handle:
                    reader = _Counted(handle, advance) if advance else handle
                    self.store.bulk_load(reader, format=fmt.oxigraph, base_iri=base_iri, to_graph=target)
        except SyntaxError as err:
            raise InputError(f"{path}: {fmt.name} syntax error: {err}") from err
        except OSError as err:
            raise InputError(f"{path}: {err.strerror or err}") from err
        if advance:
            advance(0)

    def add_quads(self, quads: Sequence[Quad]) -> None:
        """Add parsed quads: a few in one transaction, many through the bulk loader (which
        writes files of its own on every call, about 0.1 s even for a handful of quads)."""
        if len(quads) <= SMALL_BATCH:
            self.store.extend(quads)
        else:
            self.store.bulk_extend(quads)

    def named_graphs(self) -> list[NamedNode]:
        return sorted((g for g in self.store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)

    def count(self) -> int:
        """Quads in the named graphs (each once)."""
        return int(next(iter(self.store.query(NAMED_QUADS)))["n"].value)

    def input_quads(self) -> Iterator[Quad]:
        """The staged quads without the default-graph triples that a named graph states (their merge)."""
        for quad in self.store.quads_for_pattern(None, None, None, None):
            if not isinstance(quad.graph_name, DefaultGraph):
                yield quad
        loose = self.store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
        for row in loose:
            yield Quad(row["s"], row["p"], row["o"], DefaultGraph())

    def keep_from(self, target: EmbeddedStore, *, except_graphs: Iterable[NamedNode]) -> None:
        """Copy the target's named graphs, except ``except_graphs``, into the staging store."""
        skipped = set(except_graphs)
        engine = target.engine
        kept = [g for g in engine.named_graphs() if isinstance(g, NamedNode) and g not in skipped]
        self.store.bulk_extend(q for g in kept for q in engine.quads_for_pattern(None, None, None, g))

    def seal(self) -> Path | OxStore:
        """Add the merged default graph (``store.merge``) and hand the staging store over: for an
        on-disk target a closed store in the staging folder, else the in-memory store. It is then
        no longer this object's to remove."""
        engine = self.store
        graphs = [g for g in engine.named_graphs() if isinstance(g, NamedNode)]
        if self.folder is None:
            with_merge = io.BytesIO()
            for graph in graphs:
                engine.dump(with_merge, format=RdfFormat.N_TRIPLES, from_graph=graph)
            engine.load(with_merge.getvalue(), format=RdfFormat.N_TRIPLES, to_graph=DefaultGraph())
            self.engine = None
            return engine
        # The named graphs go out as N-Quads and, each triple again, as N-Triples (pyoxigraph
        # writes both at engine speed), and come back through the bulk loader into the default
        # graph: measured faster than building the quads in Python or by a CONSTRUCT.
        merge = self.folder.with_name(self.folder.name + ".merge.nt")
        quads = self.folder.with_name(self.folder.name + ".quads.nq")
        try:
            with merge.open("wb") as out:
                for graph in graphs:
                    engine.dump(out, format=RdfFormat.N_TRIPLES, from_graph=graph)
            if self.in_memory:
                engine.dump(str(quads), format=RdfFormat.N_QUADS)
                self.engine = engine = None  # free the memory before the bulk loader takes its own
                engine = OxStore(str(self.folder))
                engine.bulk_load(path=str(quads), format=RdfFormat.N_QUADS)
            engine.bulk_load(path=str(merge), format=RdfFormat.N_TRIPLES, to_graph=DefaultGraph())
            engine.flush()
        finally:
            merge.unlink(missing_ok=True)
            quads.unlink(missing_ok=True)
        self.engine = None
        del engine
        folder, self.folder = self.folder, None
        return folder

    def discard(self) -> None:
        """Close and remove the staging store (safe to call twice)."""
        self.engine = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            for suffix in (".merge.nt", ".quads.nq"):
                self.folder.with_name(self.folder.name + suffix).unlink(missing_ok=True)
            self.folder = None


def may_hold_blank_nodes(path: Path, fmt: RdfFormat | None) -> bool:
    """Whether ``path`` may hold blank nodes (``False`` is certain). Reads the file in chunks."""
    markers = BLANK_NODE_SYNTAX.get(fmt) if fmt is not None else None
    if markers is None:
        return True
    overlap = max(len(m) for m in markers) - 1
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(SCAN_CHUNK):
            seam = tail + chunk[:overlap]  # a marker across two chunks
            if any(m in chunk or m in seam for m in markers):
                return True
            tail = chunk[-overlap:] if overlap else b""
    return False


def remove_stale_staging(target: Path) -> None:
    """Remove staging folders of loads into ``target`` that were killed (the caller holds the
    target for writing, so no other load into it runs)."""
    for stale in target.parent.glob(f".{target.name}.staging-*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


class _Counted:
    """A binary reader that reports the bytes read (the progress of a streamed file)."""

    def __init__(self, handle: BinaryIO, advance: Advance) -> None:
        self._handle = handle
        self._advance = advance

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._advance(len(data))
        return data
