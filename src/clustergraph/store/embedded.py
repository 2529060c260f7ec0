"""The embedded store: pyoxigraph, on disk (RocksDB) or in memory.

The store's own default graph holds the merge of the named graphs, each triple once
(``store.merge``): every write keeps it in the same transaction, and a store written
before it was kept (an on-disk store of an older version) gets it when opened for writing.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store as OxStore, Variable, serialize

from clustergraph.files import exchange_folders
from clustergraph.namespaces import PREFIXES
from clustergraph.errors import QueryError, StoreBusy, StoreUnavailable
from clustergraph.query.sparql_text import tokens
from clustergraph.store.base import GraphName, QueryResult, Term, update_data_text
from clustergraph.store.dataset import evaluation_target, query_dataset
from clustergraph.store.merge import REBUILD_MERGE, TripleKey, merge_change, with_merged_copies
from clustergraph.store_opening import held_by_another_process, open_read_only

NAMED_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# Seconds a read-only opening retries while the writer compacts (see ``store_opening``).
READ_ONLY_PATIENCE = 10.0
# Quads written since the last flush before the next write flushes. A reader opening the store
# (a query worker after each write, the CLI beside the server) replays what is not flushed, about
# 12 ms per 1,000 quads, while a flush costs 50-300 ms whatever its size; RocksDB's log keeps
# unflushed writes safe from a killed process either way.
FLUSH_AFTER_QUADS = 1_000


class EmbeddedStore:
    """A pyoxigraph store. ``path=None`` keeps everything in memory."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.kind = "memory" if path is None else "disk"
        self.read_only = read_only
        self._write_lock = threading.Lock()
        # A random prefix per opened store: counters restart at 0, so a token from before a
        # restart (or from another store) never matches one issued now.
        self._instance = uuid.uuid4().hex[:12]
        self._changes = 0
        self._unflushed = 0
        try:
            if path is None:
                self._store = OxStore()
            elif read_only:
                if not (path / "CURRENT").is_file():
                    raise StoreUnavailable(f"there is no store at {path}")
                self._store = open_read_only(str(path), patience=READ_ONLY_PATIENCE)
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = OxStore(str(path))
        except OSError as err:
            if held_by_another_process(err):
                raise StoreBusy(f"the store at {path} is in use by another process", str(path)) from err
            raise StoreUnavailable(f"cannot open the store at {path}: {err}") from err
        if not read_only:
            self._keep_merge()

    @property
    def engine(self) -> OxStore:
        """The pyoxigraph store itself, for callers that serialise results natively."""
        return self._store

    @property
    def version(self) -> str:
        """Changes on every ``apply`` and ``update`` through this object (writes to ``.engine`` bypass it)."""
        return f"{self._instance}-{self._changes}"

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, Term] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        """Evaluate a query; without a dataset its default graph is the merge of the named graphs.

        Raises ``QueryError`` for a malformed query or a bad graph name.
        """
        try:
            engine, options = evaluation_target(
                self._store, query_dataset(sparql, default_graphs=default_graph, named_graphs=named_graphs)
            )
        except ValueError as err:
            raise QueryError(str(err)) from err
        if substitutions:
            options["substitutions"] = {Variable(k): v for k, v in substitutions.items()}
        if prefixes:
            options["prefixes"] = prefixes
        try:
            return engine.query(sparql, **options)
        except (SyntaxError, ValueError) as err:
            raise QueryError(str(err)) from err
        except RuntimeError as err:  # e.g. a substitution for a variable the query does not have
            raise QueryError(str(err)) from err

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as is (no validation), then make the default graph the merge of the
        named graphs again, in the same transaction. Costs a pass over the store: the server's
        writes go through ``apply``. Raises ``QueryError`` for a malformed update."""
        toks = tokens(sparql)
        joiner = "\n" if not toks or toks[-1].text == ";" else "\n;\n"
        with self._write_lock:
            try:
                self._store.update(sparql + joiner + REBUILD_MERGE)
            except SyntaxError as err:
                raise QueryError(str(err)) from err
            finally:
                self._changes += 1
            if self.kind == "disk":  # of unknown size: flushed so that readers do not replay it
                self._store.flush()
                self._unflushed = 0

    def quads(
        self,
        subject: Term | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: GraphName | None = None,
    ) -> Iterator[Quad]:
        return self._store.quads_for_pattern(subject, predicate, object, graph)

    def apply(
        self,
        *,
        add: Sequence[Quad] = (),
        remove: Sequence[Quad] = (),
        clear_graphs: Sequence[NamedNode] = (),
    ) -> None:
        """Clear graphs, remove quads, then add quads, the merged default graph kept in step,
        as one transaction."""
        with self._write_lock:
            cleared = [q for g in clear_graphs for q in self._store.quads_for_pattern(None, None, None, g)]
            if not remove and not cleared:
                # extend() is one transaction and far cheaper than an INSERT DATA text.
                self._store.extend(with_merged_copies(add))
                self._unflushed += 2 * len(add)
            else:
                change = merge_change(add, remove, clear_graphs, cleared=cleared, holders=self._holders)
                self._store.update(update_data_text(change.add, change.remove, clear_graphs))
                self._unflushed += len(change.add) + len(change.remove) + len(cleared)
            if self.kind == "disk" and self._unflushed >= FLUSH_AFTER_QUADS:
                self._store.flush()
                self._unflushed = 0
            self._changes += 1

    def replace_with(self, staged: Path | OxStore) -> None:
        """Make the store hold exactly what ``staged`` holds, in one atomic step (a load's commit).

        ``staged`` is a closed on-disk store in a folder beside this one (same file system), or,
        for an in-memory store, a pyoxigraph store. On disk the two folders are exchanged
        (``exchange_folders``): a process killed at any moment leaves the old store or the new
        one under this store's path, and the old content is left at ``staged`` for the caller
        to delete. ``staged`` must hold the merged default graph (``store.merge``).
        """
        with self._write_lock:
            if self.path is None or self.kind != "disk":
                if not isinstance(staged, OxStore):
                    raise TypeError("an in-memory store takes a pyoxigraph store")
                self._store = staged
            else:
                if not isinstance(staged, Path):
                    raise TypeError("an on-disk store takes the folder of a closed store")
                self._store.flush()
                del self._store  # closes the database unless an iterator still holds it
                try:
                    exchange_folders(staged, self.path)
                finally:  # exchanged or not, the folder at this path holds a whole store
                    self._store = OxStore(str(self.path))
            self._changes += 1

    def _holders(self, triples: Sequence[TripleKey]) -> dict[TripleKey, list[GraphName]]:
        find = self._store.quads_for_pattern
        return {t: [q.graph_name for q in find(t[0], t[1], t[2], None)] for t in triples}

    def _keep_merge(self) -> None:
        """Build the merged default graph of a store that has named graphs but no default graph
        (written before the merge was kept). A store whose default graph holds anything is left alone."""
        if next(iter(self._store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
            return
        if next(iter(self._store.quads_for_pattern(None, None, None, None)), None) is None:
            return
        with self._write_lock:
            self._store.update(REBUILD_MERGE)
            if self.kind == "disk":
                self._store.flush()
            self._changes += 1

    def named_graphs(self) -> list[NamedNode]:
        # Oxigraph keeps a graph's name after CLEAR empties it; only graphs with quads count.
        return sorted(
            (
                g
                for g in self._store.named_graphs()
                if isinstance(g, NamedNode) and next(iter(self._store.quads_for_pattern(None, None, None, g)), None)
            ),
            key=lambda g: g.value,
        )

    def count(self) -> int:
        """The quads in the named graphs (the merged default graph is derived from them)."""
        return int(next(iter(self._store.query(NAMED_QUADS)))["n"].value)

    def dump(self, fmt: RdfFormat, *, graph: GraphName | None = None) -> bytes:
        options = {"prefixes": PREFIXES} if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) else {}
        if graph is None and not fmt.supports_datasets:  # the merge: the default graph
            return self._store.dump(format=fmt, from_graph=DefaultGraph(), **options)
        if graph is None:
            return self._store.dump(format=fmt, **options)
        return self._store.dump(format=fmt, from_graph=graph, **options)

    def close(self) -> None:
        if self.kind == "disk" and not self.read_only:
            self._store.flush()
        del self._store
