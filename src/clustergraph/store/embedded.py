"""The embedded store: pyoxigraph, on disk (RocksDB) or in memory."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store as OxStore, Variable, serialize

from clustergraph.namespaces import PREFIXES
from clustergraph.errors import QueryError, StoreUnavailable
from clustergraph.query.sparql_text import has_dataset_clause
from clustergraph.store.base import GraphName, QueryResult, Term, update_data_text


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
        try:
            if path is None:
                self._store = OxStore()
            elif read_only:
                self._store = OxStore.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = OxStore(str(path))
        except OSError as err:
            raise StoreUnavailable(f"cannot open the store at {path}: {err}") from err

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
        options: dict = {}
        if default_graph is not None:
            options["default_graph"] = [NamedNode(g) for g in default_graph] or [DefaultGraph()]
        elif not has_dataset_clause(sparql):  # the union would override the query's own FROM
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = [NamedNode(g) for g in named_graphs]
        if substitutions:
            options["substitutions"] = {Variable(k): v for k, v in substitutions.items()}
        if prefixes:
            options["prefixes"] = prefixes
        try:
            return self._store.query(sparql, **options)
        except (SyntaxError, ValueError) as err:
            raise QueryError(str(err)) from err
        except RuntimeError as err:  # e.g. a substitution for a variable the query does not have
            raise QueryError(str(err)) from err

    def update(self, sparql: str) -> None:
        with self._write_lock:
            try:
                self._store.update(sparql)
            except SyntaxError as err:
                raise QueryError(str(err)) from err
            finally:
                self._changes += 1

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
        with self._write_lock:
            if not remove and not clear_graphs:
                # extend() is one transaction and far cheaper than an INSERT DATA text.
                self._store.extend(add)
            else:
                self._store.update(update_data_text(add, remove, clear_graphs))
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
        return len(self._store)

    def dump(self, fmt: RdfFormat, *, graph: GraphName | None = None) -> bytes:
        options = {"prefixes": PREFIXES} if fmt in (RdfFormat.TURTLE, RdfFormat.TRIG) else {}
        if graph is None and not fmt.supports_datasets:
            triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            return serialize(triples, format=fmt, **options)
        if graph is None:
            return self._store.dump(format=fmt, **options)
        return self._store.dump(format=fmt, from_graph=graph, **options)

    def close(self) -> None:
        if self.kind == "disk" and not self.read_only:
            self._store.flush()
        del self._store

