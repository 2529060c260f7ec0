"""The merged default graph: every triple of the named graphs, once, kept by every write.

SPARQL defines a default graph made of several graphs as their RDF merge, a set; an
engine's "union default graph" (pyoxigraph 0.5, Virtuoso, Oxigraph server) yields a
triple once per graph that states it, so counts and rows come out inflated. Every
backend therefore keeps the merge as a real graph: the embedded store and stores with a
default graph of their own (Oxigraph server) in that default graph; Virtuoso, which has
none, in ``MERGED_GRAPH``. Queries without a dataset read it as their default graph,
while ``GRAPH ?g`` still ranges over the named graphs (the sources). Measured in
``benchmarks/bench_union.py``.

Every write goes through ``Store.apply``, which asks ``merge_change`` for the default
graph's part of the change and writes it together with the change itself:

- a quad added to a named graph adds its triple to the default graph;
- a triple leaves the default graph when, after the change, no named graph states it
  (removed or cleared from the last source that had it);
- quads addressed to the default graph itself (possible only with
  ``CLUSTERGRAPH_VALIDATE_WRITES=false``; the provenance rule refuses them otherwise) are
  added as they are, and removing one takes it away only if no named graph states it:
  the merge cannot be emptied through the default graph, only through the sources.
  Such a triple also leaves the default graph when a named graph that stated it too
  loses it (the store does not record who else put it there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from pyoxigraph import DefaultGraph, NamedNode, Quad

from clustergraph.store.base import GraphName, Term

# The graph that holds the merge on a store without a default graph of its own (Virtuoso).
MERGED_GRAPH = "urn:x-clustergraph:merged-default-graph"
# A SPARQL update that makes the default graph exactly the merge of the named graphs.
REBUILD_MERGE = (
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } ;\n"
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
)

TripleKey = tuple[Term, NamedNode, Term]
# For triples, the named graphs that state each of them now (before the change).
Holders = Callable[[Sequence[TripleKey]], Mapping[TripleKey, Iterable[GraphName]]]


@dataclass(frozen=True)
class MergeChange:
    """The change to write: the caller's quads plus the default graph's part, in ``apply`` order
    (``clear_graphs`` first, then ``remove``, then ``add``)."""

    add: list[Quad]
    remove: list[Quad]


def key(quad: Quad) -> TripleKey:
    return (quad.subject, quad.predicate, quad.object)


def in_default_graph(triple: TripleKey) -> Quad:
    return Quad(triple[0], triple[1], triple[2], DefaultGraph())


def is_default(quad: Quad) -> bool:
    return isinstance(quad.graph_name, DefaultGraph)


def merge_change(
    add: Sequence[Quad],
    remove: Sequence[Quad],
    clear_graphs: Sequence[NamedNode],
    *,
    cleared: Iterable[Quad],
    holders: Holders,
) -> MergeChange:
    """The quads to remove and add so that the default graph stays the merge after the change.

    ``cleared`` are the quads the store holds now in ``clear_graphs``; ``holders`` tells
    which named graphs state given triples now (it is asked only about triples that may
    leave the default graph). Reads nothing else and writes nothing.
    """
    cleared_graphs = set(clear_graphs)
    added = dict.fromkeys(key(q) for q in add)
    removed_named = {q for q in remove if not is_default(q)}
    candidates = [t for t in dict.fromkeys(key(q) for q in (*remove, *cleared)) if t not in added]
    gone: list[TripleKey] = []
    if candidates:
        held = holders(candidates)
        for triple in candidates:
            still = any(
                g not in cleared_graphs and Quad(triple[0], triple[1], triple[2], g) not in removed_named
                for g in held.get(triple, ())
                if not isinstance(g, DefaultGraph)
            )
            if not still:
                gone.append(triple)
    gone_set = set(gone)
    # A default-graph quad the caller removes goes only if no named graph keeps stating it.
    kept_remove = [q for q in remove if not is_default(q) or key(q) in gone_set]
    explicit = {key(q) for q in kept_remove if is_default(q)}
    explicitly_added = {key(q) for q in add if is_default(q)}
    return MergeChange(
        add=[*add, *(in_default_graph(t) for t in added if t not in explicitly_added)],
        remove=[*kept_remove, *(in_default_graph(t) for t in gone if t not in explicit)],
    )


def with_merged_copies(add: Iterable[Quad]) -> Iterator[Quad]:
    """Each quad of ``add`` followed by its copy in the default graph (for a change that only adds)."""
    for q in add:
        yield q
        if not is_default(q):
            yield in_default_graph(key(q))
