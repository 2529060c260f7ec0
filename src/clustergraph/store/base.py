"""The narrow interface every store implements, and helpers built only on it.

Terms are pyoxigraph terms (``NamedNode``, ``Literal``, ``Quad``...) whatever the
backend, so loading, the web layer and exports work unchanged on the embedded
store and on a remote SPARQL 1.1 store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, Union, runtime_checkable

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
)

Term = Union[NamedNode, BlankNode, Literal]
GraphName = Union[NamedNode, BlankNode, DefaultGraph]
QueryResult = Union[QuerySolutions, QueryBoolean, QueryTriples]


@runtime_checkable
class Store(Protocol):
    """A quad store that answers SPARQL 1.1 and applies changes atomically."""

    kind: str  # "memory", "disk" or "remote"

    @property
    def version(self) -> str:
        """A cheap token that changes whenever the content may have changed (for HTTP ETags).

        Equal tokens promise equal content; different tokens do not promise a change.
        """
        ...

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        substitutions: dict[str, Term] | None = None,
        prefixes: dict[str, str] | None = None,
    ) -> QueryResult:
        """Evaluate a SPARQL query.

        Without ``default_graph`` (and without ``FROM`` in the query) the default graph is
        the merge of the named graphs, each triple once, and ``GRAPH`` ranges over the
        named graphs; several default graphs named are merged the same way (``store.dataset``).
        Raises ``QueryError`` for a malformed query, ``StoreUnavailable`` when the
        store cannot be reached.
        """
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as is, atomically where the backend can (no validation: see
        ``loading``); afterwards the default graph is exactly the merge of the named graphs."""
        ...

    def quads(
        self,
        subject: Term | None = None,
        predicate: NamedNode | None = None,
        object: Term | None = None,
        graph: GraphName | None = None,
    ) -> Iterator[Quad]:
        """The stored quads matching a pattern (``None`` matches anything): the named graphs'
        and the default graph's, which holds their merge (``store.merge``)."""
        ...

    def apply(
        self,
        *,
        add: Sequence[Quad] = (),
        remove: Sequence[Quad] = (),
        clear_graphs: Sequence[NamedNode] = (),
    ) -> None:
        """Clear graphs, remove quads, then add quads, as one transaction, and keep the
        default graph the merge of the named graphs (``store.merge`` says how)."""
        ...

    def named_graphs(self) -> list[NamedNode]:
        """The named graphs that hold at least one quad."""
        ...

    def count(self) -> int:
        """The number of quads in the named graphs (the merged default graph is not counted)."""
        ...

    def dump(self, fmt: RdfFormat, *, graph: GraphName | None = None) -> bytes:
        """Serialise the whole dataset (dataset formats: the named graphs and the default
        graph with their merge), the default graph (triple formats), or one graph."""
        ...

    def close(self) -> None:
        ...


def content_hash(store: Store) -> str:
    """A SHA-256 over the sorted N-Quads of the store: equal hashes mean equal content."""
    lines = sorted(f"{q.subject} {q.predicate} {q.object} {q.graph_name} ." for q in store.quads())
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def update_data_text(add: Iterable[Quad] = (), remove: Iterable[Quad] = (), clear_graphs: Iterable[NamedNode] = ()) -> str:
    """A SPARQL update that clears graphs, deletes and inserts ground quads.

    Terms print in N-Triples syntax, which is valid SPARQL, so no user text is pasted in.
    """
    parts: list[str] = [f"DROP SILENT GRAPH {g}" for g in clear_graphs]
    removed = _data_block(remove)
    if removed:
        parts.append(f"DELETE DATA {{ {removed} }}")
    added = _data_block(add)
    if added:
        parts.append(f"INSERT DATA {{ {added} }}")
    return " ;\n".join(parts)


def _data_block(quads: Iterable[Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        key = "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(key, []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = []
    for graph, triples in by_graph.items():
        body = "\n".join(triples)
        blocks.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
    return "\n".join(blocks)
