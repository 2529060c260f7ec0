"""Latency of clustergraph's linked-data pages and portal API, beside the code before a change.

Serves a generated landscape with ``clustergraph serve`` (see servers.py) and measures,
at 1 client by default (loopback, bounded by time and request count):

- ``/cluster/{slug}`` as HTML, cycling through ``--clusters`` clusters;
- ``/api/v1/clusters`` (the list call, default page) and ``/api/v1/clusters/{slug}``;

against two floors in the same run and the same server: ``/health`` (the framework's floor)
and the SPARQL one-resource lookup of the same clusters (the data-access floor).

The servers, all over copies of the same prepared store:

- ``clustergraph``: this checkout, reads through the query executor with its result cache;
- ``clustergraph (no cache)``: the same with ``CLUSTERGRAPH_QUERY_CACHE_BYTES=0``: every page
  and API answer is computed (what the first visit of each page costs);
- ``baseline`` (with ``--baseline-src``): another checkout's code, e.g. the commit before a change
  (``git worktree add --detach ../before HEAD``), serving the same store.

Prints p50/p99 and req/s per route and server, the ratio baseline / this checkout, and the
targets (cluster page p50 under 10 ms, API list p50 under 5 ms at one client).

    python benchmarks/bench_pages.py --size 100k --baseline-src ../before
"""

from __future__ import annotations

import argparse
import dataclasses
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
PAGE = "/cluster/{slug} HTML"
LIST = "/api/v1/clusters"
# The targets (issue: reads through one path), at one client.
TARGETS = {PAGE: 10.0, LIST: 5.0}


def cluster_iris(prepared, n: int, seed: int) -> list[str]:
    iris = sorted(row["c"].value for row in query_prepared(prepared, CLUSTERS))
    return random.Random(seed).sample(iris, min(n, len(iris)))


def routes_of(u: str, iris: list[str], slugs: list[str]) -> dict[str, list]:
    return {
        "/health (floor)": [("GET", f"{u}/health", None, {"Accept": "application/json"})],
        "SPARQL lookup (floor)": [("GET", f"{u}/sparql", {"query": LOOKUP % i}, {"Accept": "application/sparql-results+json"}) for i in iris],
        PAGE: [("GET", f"{u}/cluster/{s}", None, {"Accept": "text/html"}) for s in slugs],
        LIST: [("GET", f"{u}/api/v1/clusters", None, {"Accept": "application/json"})],
        "/api/v1/clusters/{slug}": [("GET", f"{u}/api/v1/clusters/{s}", None, {"Accept": "application/json"}) for s in slugs],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", default="1")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=800)
    parser.add_argument("--clusters", type=int, default=20,
                        help="distinct clusters to cycle through (few: the cached server answers them again; "
                             "the server without cache shows what each first visit costs)")
    parser.add_argument("--baseline-src", type=Path, help="another clustergraph checkout (a folder with src/) to serve beside this one")
    parser.add_argument("--no-nocache", action="store_true", help="leave out the server with the result cache off")
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
    variants = [("clustergraph", prepared, "disk")]
    if not args.no_nocache:
        variants.append(("clustergraph (no cache)", prepared, "disk-nocache"))
    if args.baseline_src:
        # The baseline serves a copy of the same store: only the code differs.
        variants.insert(0, ("baseline", dataclasses.replace(prepared, code=args.baseline_src.resolve()), "disk"))
    run_dir = new_run_dir(prepared)
    log_dir = Path(tempfile.mkdtemp(prefix="cg-bench-pages-"))
    servers = {}
    cells = {}
    status = {}
    try:
        for n, (name, prep, kind) in enumerate(variants):
            location = store_copy(prepared.cg_store, run_dir, f"cg-{n}")
            servers[name] = start_clustergraph(prep, store=kind, location=location, log_dir=log_dir)
            print(f"  {name}: {servers[name].url} (log {servers[name].log})", flush=True)
        for name, server in servers.items():
            u = server.url
            for route, reqs in routes_of(u, iris, slugs).items():
                method, url, params, headers = reqs[0]
                r = httpx.request(method, url, params=params, headers=headers, timeout=300)
                status[(name, route)] = f"{r.status_code} {r.headers.get('content-type', '').split(';')[0]} {len(r.content)} B"
                if not r.is_success:
                    print(f"  {name} {route}: {status[(name, route)]} (not measured)")
                    continue
                for clients in levels:
                    wait_idle(lambda: httpx.get(f"{u}/health", timeout=2).is_success)
                    cell = measure(reqs, clients=clients, seconds=args.seconds, max_requests=args.max_requests)
                    cells[(name, clients, route)] = cell
                    print(f"  {name:<24} {clients:>2} clients {route:<26} p50 {cell.p50_ms:8.1f} ms  p99 {cell.p99_ms:8.1f} ms  "
                          f"{cell.rps:8.1f} req/s  n {cell.ok} err {cell.errors + cell.timeouts}", flush=True)

        names = list(servers)
        for clients in levels:
            print(f"\n## {size_label(size)} quads, disk store, {clients} client(s): p50 ms / p99 ms / req/s")
            rows = []
            for route in routes_of("", iris, slugs):
                row = [route]
                for name in names:
                    c = cells.get((name, clients, route))
                    row.append(f"{c.p50_ms:.1f} / {c.p99_ms:.1f} / {c.rps:.1f}" if c else "-")
                base, new = cells.get(("baseline", clients, route)), cells.get(("clustergraph", clients, route))
                row.append(ratio(base.p50_ms, new.p50_ms) if base and new else "-")
                rows.append(row)
            print(table(["route", *names, "p50 baseline / clustergraph"], rows))
        print("\n## Targets (1 client)")
        for route, target in TARGETS.items():
            for name in names:
                c = cells.get((name, 1, route))
                if c:
                    verdict = "met" if c.p50_ms < target else "NOT met"
                    print(f"  {route:<22} {name:<24} p50 {c.p50_ms:6.1f} ms  p99 {c.p99_ms:6.1f} ms  (target p50 < {target:g} ms: {verdict})")
        for name, server in servers.items():
            print(f"  {name} RSS after the run {server.rss_mb():.0f} MB")
        RESULTS_DIR.mkdir(exist_ok=True)
        out = RESULTS_DIR / f"bench_pages-{size_label(size)}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.write_text(json.dumps({"machine": machine_line(), "size": size,
                                   "status": {f"{k[0]} {k[1]}": v for k, v in status.items()},
                                   "cells": [{"server": k[0], "clients": k[1], "route": k[2], **v.as_dict()} for k, v in cells.items()]},
                                  indent=2, default=str))
        print(f"\n(raw figures: {out})")
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
