"""The merged default graph inside pyoxigraph: three ways to give queries the union of the
named graphs, compared on the same data in the same run (engine only, no HTTP).

- ``union``: ``use_default_graph_as_union=True`` (clustergraph before issue 9): a triple
  comes once per graph that states it (a bag, not the RDF merge);
- ``graphs``: ``default_graph=[every named graph]``;
- ``merged``: the merge kept in the store's own default graph (each distinct triple once),
  queried as a plain default graph; GRAPH ?g still ranges over the named graphs.

For each variant it prints, per query, the result size and the median time of full
evaluation (every row read), interleaved over the variants; then what keeping the merge
costs: store size, the time to build it, and ``len()``.

    python benchmarks/bench_union.py --size 100k
    python benchmarks/bench_union.py --size 1M --runs 3 --variants union,merged
    python benchmarks/bench_union.py --size 100k --variants union,merged --graph-cost
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_http import GROUP_BY_CLUSTERS  # noqa: E402
from common import generated_dir, machine_line, median, parse_size, table  # noqa: E402
from pyoxigraph import DefaultGraph, NamedNode, Quad, QueryBoolean, QuerySolutions, Store  # noqa: E402

from clustergraph.examples import load_examples  # noqa: E402
from clustergraph.loading.loader import bundled_inputs, gate_for, read_inputs  # noqa: E402
from clustergraph.settings import Settings  # noqa: E402

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
TYPES_OF_A_CLUSTER = "SELECT ?t WHERE { ?c a ?t } LIMIT 100000"
LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/clustergraph/cluster/neurosys> ?p ?o }"


def dataset_quads(size: int | None, seed: int) -> list[Quad]:
    """The quads ``clustergraph load`` would store (ontology + data), parsed, not validated."""
    settings = Settings(store="memory", _env_file=None)
    if size is not None:
        settings = Settings(store="memory", data_dir=generated_dir(size, seed), _env_file=None)
    _files, quads = read_inputs(bundled_inputs(settings), base_iri=settings.base_iri)
    return gate_for(settings).ontology_quads + quads


def merge_into_default_graph(store: Store) -> float:
    started = time.perf_counter()
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return time.perf_counter() - started


def options_for(variant: str, graphs: list[NamedNode]) -> dict:
    if variant == "union":
        return {"use_default_graph_as_union": True}
    if variant == "graphs":
        return {"default_graph": graphs}
    return {}


def evaluate(store: Store, sparql: str, options: dict) -> int:
    result = store.query(sparql, **options)
    if isinstance(result, QueryBoolean):
        return int(bool(result))
    if isinstance(result, QuerySolutions):
        rows = list(result)
        if [v.value for v in result.variables] == ["n"] and len(rows) == 1:  # a COUNT: its value
            return int(rows[0]["n"].value)
        return len(rows)
    return sum(1 for _ in result)


# GRAPH patterns that read no default graph, for --graph-cost.
GRAPH_ONLY = {
    "GRAPH ?g { ?s ?p ?o } (count)": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "GRAPH ?g { ?s a ?t }": "SELECT * WHERE { GRAPH ?g { ?s a ?t } }",
    "GRAPH ?g { ?s skos:prefLabel ?l }": "SELECT * WHERE { GRAPH ?g { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }",
}


def graph_cost(plain: Store, merged: Store, quads: list[Quad], runs: int) -> None:
    """GRAPH-only patterns on the named graphs alone, with the merge in the default graph, and
    with an unrelated default graph as large (other subjects): whether their cost comes from
    what the default graph holds or from its size (in memory: entries of every graph are walked)."""
    unrelated = Store()
    unrelated.extend(q for q in quads if not isinstance(q.graph_name, DefaultGraph))
    unrelated.extend(
        Quad(NamedNode(f"urn:x-unrelated:{i}"), q.predicate, q.object, DefaultGraph())
        for i, q in enumerate(merged.quads_for_pattern(None, None, None, DefaultGraph()))
    )
    stores = {"named only": plain, "+ merge": merged, "+ unrelated default graph": unrelated}
    rows = []
    for name, sparql in GRAPH_ONLY.items():
        times: dict[str, list[float]] = {label: [] for label in stores}
        sizes = set()
        for _ in range(runs):
            for label, store in stores.items():
                started = time.perf_counter()
                sizes.add(evaluate(store, sparql, {}))
                times[label].append(time.perf_counter() - started)
        assert len(sizes) == 1, f"{name}: different answers {sizes}"
        base = median(times["named only"])
        rows.append([name, *[f"{median(t) * 1000:.1f} ms ({median(t) / base:.2f}x)" for t in times.values()]])
    print("\n## GRAPH patterns only: median ms (ratio to the named graphs alone)")
    print(table(["query", *stores], rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", help="generated size (10k, 100k, 1M) or 'bundled'")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query and variant")
    parser.add_argument("--variants", default="union,graphs,merged")
    parser.add_argument("--store", default="memory", choices=("memory", "disk"), help="pyoxigraph in memory or on disk (RocksDB)")
    parser.add_argument("--skip-slower-than", type=float, default=20.0, help="seconds: one run only above this")
    parser.add_argument("--graph-cost", action="store_true", help="also GRAPH-only patterns with and without a default graph (memory)")
    args = parser.parse_args(argv)
    size = None if args.size == "bundled" else parse_size(args.size)
    variants = [v.strip() for v in args.variants.split(",")]
    print(f"# bench_union {args.size} ({args.store}) — {machine_line()}", flush=True)

    quads = dataset_quads(size, args.seed)
    scratch = tempfile.TemporaryDirectory(prefix="bench-union-")
    plain = Store() if args.store == "memory" else Store(str(Path(scratch.name) / "plain"))
    plain.extend(quads)
    merged = Store() if args.store == "memory" else Store(str(Path(scratch.name) / "merged"))
    merged.extend(quads)
    build_s = merge_into_default_graph(merged)
    graphs = sorted((g for g in plain.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)
    distinct = sum(1 for _ in merged.quads_for_pattern(None, None, None, DefaultGraph()))
    started = time.perf_counter()
    stored = len(merged)
    len_s = time.perf_counter() - started
    print(f"quads {len(plain)} in {len(graphs)} named graphs; distinct triples {distinct}; "
          f"with the merge kept: {stored} quads (x{stored / len(plain):.2f}), built in {build_s:.2f} s, len() {len_s * 1000:.0f} ms")

    settings = Settings(store="memory", _env_file=None)
    # Examples that call outside endpoints (SERVICE) are left out: they measure the network.
    queries = {f"example:{n}": e.sparql for n, e in load_examples(settings.queries_dir).items() if not e.federated}
    queries.update({"count(*)": COUNT_ALL, "types": TYPES_OF_A_CLUSTER, "group-by-clusters": GROUP_BY_CLUSTERS, "lookup": LOOKUP})
    stores = {"union": plain, "graphs": plain, "merged": merged}

    rows = []
    totals = {v: 0.0 for v in variants}
    for name, sparql in queries.items():
        sizes: dict[str, int] = {}
        times: dict[str, list[float]] = {v: [] for v in variants}
        for run in range(args.runs):
            for variant in variants if run % 2 == 0 else reversed(variants):
                if run and times[variant] and times[variant][0] > args.skip_slower_than:
                    continue
                started = time.perf_counter()
                sizes[variant] = evaluate(stores[variant], sparql, options_for(variant, graphs))
                times[variant].append(time.perf_counter() - started)
        medians = {v: median(times[v]) for v in variants}
        for v in variants:
            totals[v] += medians[v]
        base = medians.get("union")
        rows.append([name, *[f"{sizes[v]} / {medians[v] * 1000:.1f}" for v in variants],
                     *[f"{medians[v] / base:.2f}x" if base else "-" for v in variants if v != "union"]])
        print(f"  {name:<45} " + "  ".join(f"{v} {sizes[v]} rows {medians[v] * 1000:9.1f} ms" for v in variants), flush=True)
    others = [v for v in variants if v != "union"]
    rows.append(["SUM of medians", *[f"{totals[v] * 1000:.0f} ms" for v in variants],
                 *[f"{totals[v] / totals['union']:.2f}x" if "union" in totals else "-" for v in others]])
    print(f"\n## {args.size}, {args.store} store: result size / median ms per variant; time ratio to 'union' (<1 = faster)")
    print(table(["query", *variants, *[f"{v} / union" for v in others]], rows))
    if args.graph_cost:
        graph_cost(plain, merged, quads, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
