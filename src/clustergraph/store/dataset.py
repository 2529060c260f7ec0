"""The dataset a query reads on a pyoxigraph store, with every merged default graph a set.

- No dataset (no ``FROM``, no ``default-graph-uri``/``named-graph-uri``): the store's own
  default graph, which holds the merge of the named graphs (``store.merge``); ``GRAPH``
  ranges over every named graph.
- One default graph (or none) named: pyoxigraph reads it directly.
- Several default graphs named, by the protocol or by ``FROM`` clauses: pyoxigraph 0.5
  would yield a triple once per graph that has it, so the query runs on a scratch
  in-memory store instead, whose default graph is the merge of those graphs and whose
  named graphs are the ones named. Building it copies those graphs: the cost grows with
  the graphs named, not with the store (``benchmarks/bench_union.py`` measures the
  alternative of passing every graph to pyoxigraph: 50-230x slower and still a bag).

The protocol's graphs replace the query's own clauses, as the SPARQL protocol says.

An update's ``USING`` clauses name its ``WHERE`` clause's default graph the same way;
``merge_using_graphs`` gives an operation with several of them one graph holding their
merge, built and dropped by the request itself on the in-memory copy an update is run on
(``loading.update_job``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import DefaultGraph, NamedNode, Quad
from pyoxigraph import Store as OxStore

from clustergraph.query.sparql_text import dataset_clauses, tokens, using_clauses

# Prefix of the graphs that hold the merge of an operation's USING graphs on an update's copy.
USING_MERGE_PREFIX = "urn:x-clustergraph:using-merge:"


@dataclass(frozen=True)
class QueryDataset:
    """The graphs a query names: ``None`` for both means the store's default dataset."""

    default: tuple[str, ...] | None = None
    named: tuple[str, ...] | None = None


def query_dataset(
    sparql: str,
    *,
    default_graphs: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
    base_iri: str | None = None,
) -> QueryDataset:
    """The dataset of a query: the protocol's graphs if any are given, else its own clauses.

    Protocol graphs given in part leave the other part empty (no ``named-graph-uri``:
    no named graphs), as the SPARQL protocol says.
    """
    if default_graphs is not None or named_graphs is not None:
        return QueryDataset(tuple(default_graphs or ()), tuple(named_graphs or ()))
    clauses = dataset_clauses(sparql, base_iri=base_iri)
    if clauses is None:
        return QueryDataset()
    return QueryDataset(tuple(clauses[0]), tuple(clauses[1]))


def reads_named_graphs(sparql: str) -> bool:
    """Whether a query may read a named graph (it has a ``GRAPH`` clause); ``False`` is certain."""
    return "graph" in sparql.lower() and any(tok.keyword == "GRAPH" for tok in tokens(sparql))


def merged_only(engine: OxStore) -> OxStore:
    """An in-memory store holding ``engine``'s default graph (the merge) and nothing else.

    pyoxigraph's in-memory store finds quads through per-term lists that hold every graph,
    so a query over the default graph of a store that also holds the named graphs walks
    twice the entries: 1.3x slower at 100k quads (``benchmarks/bench_union.py``). Queries
    that read no named graph run faster on this copy (building it takes 0.3 s at 100k).
    """
    copy = OxStore()
    copy.extend(engine.quads_for_pattern(None, None, None, DefaultGraph()))
    return copy


def several_default_graphs(dataset: QueryDataset) -> bool:
    """Whether ``dataset`` names more than one default graph (their merge must then be built)."""
    return dataset.default is not None and len(set(dataset.default)) > 1


def evaluation_target(engine: OxStore, dataset: QueryDataset) -> tuple[OxStore, dict]:
    """The store to evaluate on and the ``query`` options that give it ``dataset``.

    Raises ``ValueError`` for a graph name that is not an IRI.
    """
    if dataset.default is None and dataset.named is None:
        return engine, {}
    if not several_default_graphs(dataset):
        return engine, {
            "default_graph": [NamedNode(g) for g in dict.fromkeys(dataset.default or ())],
            "named_graphs": [NamedNode(g) for g in dict.fromkeys(dataset.named or ())],
        }
    return merged_dataset(dataset, lambda graph: engine.quads_for_pattern(None, None, None, graph))


def merged_dataset(dataset: QueryDataset, read: Callable[[NamedNode], Iterable[Quad]]) -> tuple[OxStore, dict]:
    """A scratch store whose default graph is the merge of ``dataset``'s default graphs and whose
    named graphs are its named graphs, read graph by graph with ``read``, and the ``query``
    options that select them. Raises ``ValueError`` for a graph name that is not an IRI."""
    default = [NamedNode(g) for g in dict.fromkeys(dataset.default or ())]
    named = [NamedNode(g) for g in dict.fromkeys(dataset.named or ())]
    scratch = OxStore()
    for graph in default:
        scratch.extend(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in read(graph))
    for graph in named:
        scratch.extend(read(graph))
    return scratch, {"default_graph": [DefaultGraph()], "named_graphs": named}


def merge_using_graphs(update: str, *, base_iri: str | None = None) -> tuple[str, list[NamedNode]]:
    """``update`` with each operation's several ``USING`` graphs replaced by one graph that
    holds their merge: an operation written into the request just before it fills that graph
    (so it sees what earlier operations did) and one just after drops it. Returns the text
    and the graphs it uses (drop them from the copy after the update, whatever it did).
    Operations with one ``USING`` graph, or with one the lexer cannot resolve, stay as they are."""
    by_operation: dict[int, list] = {}
    for clause in using_clauses(update, base_iri=base_iri):
        if not clause.named:
            by_operation.setdefault(clause.operation, []).append(clause)
    spans = _operation_spans(update)
    edits: list[tuple[int, int, str]] = []
    made: list[NamedNode] = []
    for operation, clauses in by_operation.items():
        graphs = list(dict.fromkeys(c.iri for c in clauses))
        if len(graphs) < 2 or None in graphs or operation >= len(spans):
            continue
        merged = NamedNode(f"{USING_MERGE_PREFIX}{uuid.uuid4().hex}")
        made.append(merged)
        begin, end = spans[operation]
        listed = " ".join(str(NamedNode(g)) for g in graphs)
        fill = f"INSERT {{ GRAPH {merged} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }} ;\n"
        edits.append((begin, begin, fill))
        edits.append((clauses[0].start, clauses[0].end, f"USING {merged}"))
        edits.extend((c.start, c.end, "") for c in clauses[1:])
        edits.append((end, end, f" ;\nDROP SILENT GRAPH {merged}\n"))
    for begin, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):  # from the end: offsets stay valid
        update = update[:begin] + text + update[end:]
    return update, made


def _operation_spans(update: str) -> list[tuple[int, int]]:
    """(start, end) of each operation of an update request, its prologue left out."""
    spans: list[tuple[int, int]] = []
    segment: list = []
    toks = tokens(update)
    for tok in [*toks, None]:
        if tok is None or (tok.depth == 0 and tok.text == ";"):
            i = 0
            while i < len(segment) and segment[i].keyword in ("BASE", "PREFIX"):
                i += 2 if segment[i].keyword == "BASE" else 3
            if i < len(segment):
                spans.append((segment[i].start, segment[-1].end))
            segment = []
        else:
            segment.append(tok)
    return spans
