"""Latency of clustergraph's linked-data pages and portal API under concurrent clients.

Serves a generated landscape with ``clustergraph serve`` (see servers.py) and measures,
at 1 and 16 concurrent clients (loopback, bounded by time and request count):

- ``/cluster/{slug}`` as HTML, with a varying cluster;
- ``/api/v1/clusters`` (the list call, default page) and ``/api/v1/clusters/{slug}``
  (one cluster; measured when the route answers);

against two baselines in the same run and the same server: ``/health`` (the framework's
floor: a handler that does almost nothing) and the SPARQL one-resource lookup of the
same clusters (the data-access floor). Prints p50/p99 and req/s with ratios.

    python benchmarks/bench_pages.py --size 100k
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpx  # noqa: E402
from common import RESULTS_DIR, generated_dir, machine_line, parse_size, ratio, size_label, table  # noqa: E402
from loadclient import measure, wait_idle  # noqa: E402
from servers import new_run_dir, prepare, query_prepared, start_clustergraph, store_copy  # noqa: E402

CLUSTERS = """\
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?c WHERE { ?t rdfs:subClassOf* cg:Cluster . ?c a ?t }
"""
LOOKUP = "SELECT ?p ?o WHERE { <%s> ?p ?o }"


def cluster_iris(prepared, n: int, seed: int) -> list[str]:
    iris = sorted(row["c"].value for row in query_prepared(prepared, CLUSTERS))
    return random.Random(seed).sample(iris, min(n, len(iris)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", default="1,16")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--max-requests", type=int, default=3000)
    parser.add_argument("--cg-store", default="disk", help="disk or memory")
    parser.add_argument("--clusters", type=int, default=200, help="distinct clusters to cycle through")
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    levels = [int(c) for c in args.clients.split(",")]

    print(f"# bench_pages {size_label(size)} — {machine_line()}", flush=True)
    data_dir = generated_dir(size, args.seed)
    if not (data_dir / "manifest.json").exists():
        from generate import generate

        generate(size, args.seed)
    prepared = prepare(data_dir, fresh=args.fresh)
    iris = cluster_iris(prepared, args.clusters, args.seed)
    slugs = [iri.rsplit("/", 1)[1] for iri in iris]
    run_dir = new_run_dir(prepared)
    location = store_copy(prepared.cg_store, run_dir, "cg") if args.cg_store.startswith("disk") else None
    try:
        server = start_clustergraph(prepared, store=args.cg_store, location=location,
                                    log_dir=Path(tempfile.mkdtemp(prefix="cg-bench-pages-")))
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    try:
        u = server.url
        routes = {
            "/health (baseline)": [("GET", f"{u}/health", None, {"Accept": "application/json"})],
            "SPARQL lookup (baseline)": [("GET", f"{u}/sparql", {"query": LOOKUP % i}, {"Accept": "application/sparql-results+json"}) for i in iris],
            "/cluster/{slug} HTML": [("GET", f"{u}/cluster/{s}", None, {"Accept": "text/html"}) for s in slugs],
            "/api/v1/clusters": [("GET", f"{u}/api/v1/clusters", None, {"Accept": "application/json"})],
            "/api/v1/clusters/{slug}": [("GET", f"{u}/api/v1/clusters/{s}", None, {"Accept": "application/json"}) for s in slugs],
        }
        status = {}
        for name, reqs in routes.items():
            method, url, params, headers = reqs[0]
            r = httpx.request(method, url, params=params, headers=headers, timeout=300)
            status[name] = f"{r.status_code} {r.headers.get('content-type', '').split(';')[0]} {len(r.content)} B"
        print(table(["route", "first answer"], [[k, v] for k, v in status.items()]))
        live = {k: v for k, v in routes.items() if status[k].startswith("2")}
        missing = sorted(set(routes) - set(live))
        if missing:
            print(f"  not measured (route does not answer 2xx yet): {', '.join(missing)}")

        cells = {}
        for clients in levels:
            for name, reqs in live.items():
                wait_idle(lambda: httpx.get(f"{u}/health", timeout=2).is_success)
                cell = measure(reqs, clients=clients, seconds=args.seconds, max_requests=args.max_requests)
                cells[(clients, name)] = cell
                print(f"  {clients:>2} clients {name:<28} p50 {cell.p50_ms:8.1f} ms  p99 {cell.p99_ms:8.1f} ms  "
                      f"{cell.rps:8.1f} req/s  ok {cell.ok} err {cell.errors + cell.timeouts}", flush=True)

        print(f"\n## clustergraph ({args.cg_store} store), {size_label(size)} quads: p50 ms / p99 ms / req/s")
        rows = []
        for name in live:
            row = [name]
            for clients in levels:
                c = cells[(clients, name)]
                row.append(f"{c.p50_ms:.1f} / {c.p99_ms:.1f} / {c.rps:.1f}" + (f" [{c.errors} err]" if c.errors else ""))
            top = levels[-1]
            row.append(ratio(cells[(top, name)].p50_ms, cells[(top, "/health (baseline)")].p50_ms) if "/health (baseline)" in live else "-")
            row.append(ratio(cells[(top, name)].p50_ms, cells[(top, "SPARQL lookup (baseline)")].p50_ms)
                       if "SPARQL lookup (baseline)" in live else "-")
            rows.append(row)
        print(table(["route", *[f"{c} client(s)" for c in levels], f"route p50 / health p50 @{levels[-1]}",
                     f"route p50 / lookup p50 @{levels[-1]}"], rows))
        print(f"  server RSS after the run {server.rss_mb():.0f} MB")
        RESULTS_DIR.mkdir(exist_ok=True)
        out = RESULTS_DIR / f"bench_pages-{size_label(size)}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.write_text(json.dumps({"machine": machine_line(), "size": size, "status": status,
                                   "cells": [{"clients": k[0], "route": k[1], **v.as_dict()} for k, v in cells.items()]},
                                  indent=2, default=str))
        print(f"\n(raw figures: {out})")
    finally:
        server.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
