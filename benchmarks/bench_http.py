"""SPARQL over HTTP: clustergraph vs ``oxigraph serve`` vs rdflib-endpoint on the same graph.

For one generated size, serves the same quads with the three servers (see servers.py),
checks that each query gives the same number of results everywhere, then runs the query
mix — the example research queries (``queries/*.rq``), a GROUP BY over all clusters and a
cheap one-resource lookup with a varying IRI — each query alone and all of them
round-robin ("MIX"), at 1 and 16 concurrent clients (loopback, bounded by time and
request count). Cells are interleaved over the servers in the same run. Prints p50/p99
latency and req/s per server side by side, with the ratios clustergraph / rdflib-endpoint
and clustergraph / oxigraph (req/s; >1 = clustergraph serves more).

    python benchmarks/bench_http.py --size 100k
    python benchmarks/bench_http.py --size 10k --clients 1,16 --seconds 5
    python benchmarks/bench_http.py --size 100k --cg-store disk-nocache --baseline-src ../before --servers clustergraph,oxigraph

``--baseline-src`` adds a server running another checkout's code (say, the commit before a
change) over a store that checkout's loader prepared, interleaved with the others: the
ratio column "clustergraph / baseline" is the change's effect, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import httpx  # noqa: E402
from common import RESULTS_DIR, generated_dir, machine_line, parse_size, ratio, size_label, table  # noqa: E402
from loadclient import Cell, measure, wait_idle  # noqa: E402
from servers import SERVERS_DIR, new_run_dir, prepare, query_prepared, start_clustergraph, start_oxigraph, start_rdflib_endpoint, store_copy  # noqa: E402

from clustergraph.examples import load_examples  # noqa: E402
from clustergraph.query.guard import mentions_service  # noqa: E402
from clustergraph.settings import Settings  # noqa: E402

GROUP_BY_CLUSTERS = """\
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?cluster (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?type rdfs:subClassOf* cg:Cluster .
  ?cluster a ?type ; org:hasMember ?member .
} GROUP BY ?cluster ORDER BY DESC(?members) ?cluster
"""
LOOKUP = "SELECT ?p ?o WHERE { <%s> ?p ?o }"
LOOKUP_IRIS = """\
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?s WHERE { { ?s org:hasMember ?m } UNION { ?c org:hasMember ?s } }
"""
SELECT_ACCEPT = "application/sparql-results+json"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.5"
_GRAPH_FORM = re.compile(r"^\s*(CONSTRUCT|DESCRIBE)\b", re.IGNORECASE | re.MULTILINE)


def accept_for(sparql: str) -> str:
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith(("#", "PREFIX", "prefix", "BASE")))
    return GRAPH_ACCEPT if _GRAPH_FORM.search(body) else SELECT_ACCEPT


def lookup_iris(prepared, n: int, seed: int) -> list[str]:
    """``n`` cluster and actor IRIs, sampled with ``seed`` from the prepared store."""
    iris = sorted(row["s"].value for row in query_prepared(prepared, LOOKUP_IRIS))
    rng = random.Random(seed)
    return rng.sample(iris, min(n, len(iris)))


def query_mix(settings: Settings, iris: list[str], only: list[str] | None) -> dict[str, list[str]]:
    """name -> list of query texts (several for the lookup, one for the others). Federated
    examples are left out: they measure the remote endpoint, not the servers compared."""
    examples = load_examples(settings.queries_dir)
    mix = {f"example:{name}": [ex.sparql] for name, ex in examples.items() if not mentions_service(ex.sparql)}
    mix["group-by-clusters"] = [GROUP_BY_CLUSTERS]
    mix["lookup"] = [LOOKUP % iri for iri in iris]
    if only:
        mix = {k: v for k, v in mix.items() if any(o in k for o in only)}
    return mix


def requests_for(server, texts: list[str]) -> list:
    return [("GET", server.query_url, {"query": t}, {"Accept": accept_for(t)}) for t in texts]


def result_size(response: httpx.Response) -> str:
    """Number of solutions (or triples, or the boolean) of a query response, as text."""
    ctype = response.headers.get("content-type", "").split(";")[0].strip()
    if ctype == SELECT_ACCEPT:
        data = response.json()
        return str(data["boolean"]) if "boolean" in data else str(len(data["results"]["bindings"]))
    from pyoxigraph import RdfFormat, parse

    fmt = {"application/n-triples": RdfFormat.N_TRIPLES, "text/turtle": RdfFormat.TURTLE}.get(ctype)
    if fmt is None:
        return f"?{ctype}"
    return str(sum(1 for _ in parse(response.content, format=fmt)))


def check_answers(servers, mix, timeout: float) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str], float]]:
    """Send every query twice to every server (warm-up); return the result size each server
    gives and the latency of the second answer. A server that did not answer within
    ``timeout`` is marked "timeout" for that query and restarted."""
    sizes: dict[str, dict[str, str]] = {}
    seconds: dict[tuple[str, str], float] = {}
    for name, texts in mix.items():
        sizes[name] = {}
        for server in servers:
            text = texts[0]
            try:
                for _ in range(2):
                    t0 = time.perf_counter()
                    r = httpx.get(server.query_url, params={"query": text}, headers={"Accept": accept_for(text)}, timeout=timeout)
                    seconds[(name, server.name)] = time.perf_counter() - t0
                    if not r.is_success:
                        break
                try:
                    sizes[name][server.name] = result_size(r) if r.is_success else f"HTTP {r.status_code}"
                except (ValueError, KeyError, SyntaxError) as err:  # a 200 whose body broke off (an error while streaming)
                    sizes[name][server.name] = f"broken answer: {type(err).__name__}"
            except httpx.TimeoutException:
                sizes[name][server.name] = f"timeout > {timeout:.0f} s"
                seconds[(name, server.name)] = float("inf")
                # The abandoned query may still be running (rdflib-endpoint freezes on it; Oxigraph's
                # server keeps evaluating it on another thread): restart so it does not steal CPU
                # from the cells measured next.
                print(f"  {server.name} timed out: restarted in {server.restart():.1f} s", flush=True)
            except httpx.HTTPError as err:
                sizes[name][server.name] = f"error: {type(err).__name__}"
        print(f"  checked {name}: " + ", ".join(f"{k} {v}" for k, v in sizes[name].items()), flush=True)
    return sizes, seconds


def derived_mix(cells, clients: int, names: list[str], servers: list[str]):
    """Throughput of an even mix over the MIX queries every server completed at this level:
    N / sum(1 / req/s of each query), i.e. each query issued equally often in a closed loop.
    Returns (queries, {server: Cell with .rps and p50 = the median of the per-query p50s})."""
    common = [q for q in names if all((c := cells.get((clients, q, n))) and not c.skipped and c.ok for n in servers)]
    if not common:
        return None
    out = {}
    for n in servers:
        per = [cells[(clients, q, n)] for q in common]
        cell = DerivedCell(rps_value=len(per) / sum(1 / c.rps for c in per),
                           p50=sorted(c.p50_ms for c in per)[len(per) // 2], p99=max(c.p99_ms for c in per))
        out[n] = cell
    return common, out


class DerivedCell(Cell):
    """A Cell whose figures are computed from other cells."""

    def __init__(self, rps_value: float, p50: float, p99: float) -> None:
        super().__init__(latencies=[1.0])
        self._rps, self._p50, self._p99 = rps_value, p50, p99

    @property
    def rps(self) -> float:
        return self._rps

    @property
    def p50_ms(self) -> float:
        return self._p50

    @property
    def p99_ms(self) -> float:
        return self._p99


def agreement(values) -> str:
    """'yes' when every server that answered gave the same size, 'NO' when two differ."""
    answered = {v for v in values if v.isdigit() or v in ("True", "False")}
    if len(answered) > 1:
        return "NO"
    if not answered:
        return "-"
    return "yes" if len(answered) == len(set(values)) else "yes (where answered)"


def probe(server) -> bool:
    return httpx.get(server.query_url, params={"query": "ASK {}"}, headers={"Accept": SELECT_ACCEPT}, timeout=2).is_success


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", help="generated size: 10k, 100k, 1M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--clients", default="1,16", help="comma-separated concurrency levels")
    parser.add_argument("--seconds", type=float, default=6.0, help="time budget per cell")
    parser.add_argument("--max-requests", type=int, default=3000, help="request budget per cell")
    parser.add_argument("--timeout", type=float, default=120.0, help="per-request timeout")
    parser.add_argument("--slow-cap", type=float, default=2.0,
                        help="skip a server's multi-client cell when its 1-client p50 was above this many seconds, "
                             "and leave queries slower than this on any server (in the check) out of the measured MIX")
    parser.add_argument("--check-timeout", type=float, default=30.0,
                        help="a query that a server does not answer within this many seconds in the check is not measured there")
    parser.add_argument("--servers", default="clustergraph,oxigraph,rdflib-endpoint")
    parser.add_argument("--cg-store", default="disk,disk-nocache",
                        help="clustergraph variants, comma-separated: disk, memory, disk-nocache, memory-nocache "
                             "(-nocache: query-result cache off, every request evaluated)")
    parser.add_argument("--only", action="append", help="run only queries whose name contains this (repeatable)")
    parser.add_argument("--no-mix", action="store_true", help="skip the round-robin MIX cells")
    parser.add_argument("--lookups", type=int, default=500, help="distinct IRIs for the lookup")
    parser.add_argument("--fresh", action="store_true", help="rebuild the prepared stores")
    parser.add_argument("--baseline-src", type=Path, help="another clustergraph checkout (a folder with src/) to serve next to this one")
    parser.add_argument("--baseline-store", default="disk-nocache", help="the baseline's variants, as --cg-store")
    parser.add_argument("--servers-dir", type=Path, default=SERVERS_DIR,
                        help="where prepared stores are kept (a folder of your own: runs at the same time do not share them)")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    levels = [int(c) for c in args.clients.split(",")]
    wanted = [s.strip() for s in args.servers.split(",")]

    print(f"# bench_http {size_label(size)} — {machine_line()}", flush=True)
    data_dir = generated_dir(size, args.seed)
    if not (data_dir / "manifest.json").exists():
        from generate import generate

        generate(size, args.seed)
    prepared = prepare(data_dir, fresh=args.fresh, root=args.servers_dir)
    baseline = prepare(data_dir, fresh=args.fresh, code=args.baseline_src.resolve(), root=args.servers_dir) if args.baseline_src else None
    iris = lookup_iris(prepared, args.lookups, args.seed)
    mix = query_mix(Settings(store="memory"), iris, args.only)
    log_dir = Path(tempfile.mkdtemp(prefix="cg-bench-http-"))

    servers = []
    run_dir = new_run_dir(prepared)
    try:
        if "clustergraph" in wanted:
            for n, kind in enumerate(k.strip() for k in args.cg_store.split(",")):
                location = store_copy(prepared.cg_store, run_dir, f"cg-{n}") if kind.startswith("disk") else None
                servers.append(start_clustergraph(prepared, store=kind, log_dir=log_dir, location=location))
        if baseline is not None:
            for n, kind in enumerate(k.strip() for k in args.baseline_store.split(",")):
                location = store_copy(baseline.cg_store, run_dir, f"base-{n}") if kind.startswith("disk") else None
                servers.append(start_clustergraph(baseline, store=kind, log_dir=log_dir, location=location))
        if "oxigraph" in wanted:
            servers.append(start_oxigraph(prepared, log_dir=log_dir, location=store_copy(prepared.ox_store, run_dir, "ox")))
        if "rdflib-endpoint" in wanted:
            servers.append(start_rdflib_endpoint(prepared, log_dir=log_dir))
        for s in servers:
            print(f"  {s.name}: {s.url} up in {s.startup_s:.1f} s, RSS {s.rss_mb():.0f} MB (log {s.log})", flush=True)
        print("  preparation: " + ", ".join(f"{k} {v:.1f} s" for k, v in prepared.timings.items()))
        if baseline is not None:
            print("  baseline preparation: " + ", ".join(f"{k} {v:.1f} s" for k, v in baseline.timings.items()))

        sizes, check_s = check_answers(servers, mix, args.check_timeout)
        print("\n## Result sizes (rows / triples) per server — must agree")
        names = [s.name for s in servers]
        print(table(["query", *names, "agree"], [
            [q, *[sizes[q][n] for n in names], agreement(sizes[q].values())] for q in mix]))
        failed = {(q, n) for q, per in sizes.items() for n, v in per.items() if not (v.isdigit() or v in ("True", "False"))}
        if failed:
            print("  not measured (failed or timed out in the check): " + "; ".join(f"{q} on {n}" for q, n in sorted(failed)))
        slow = {q for (q, n), t in check_s.items() if t > args.slow_cap}
        # MIX: once per cycle every query that every server answers within --slow-cap, the lookup with a new IRI each cycle
        in_mix = [name for name in mix if name != "lookup" and name not in slow and not any(q == name for q, _ in failed)]
        left_out = sorted(set(mix) - set(in_mix) - {"lookup"})
        if not args.no_mix:
            print(f"  MIX = {len(in_mix)} queries + lookup" + (f"; left out (slower than {args.slow_cap:.0f} s or failing on some server): "
                                                             f"{', '.join(left_out)}" if left_out else ""))
        fixed = [mix[name][0] for name in in_mix]
        lookups = mix.get("lookup", [])
        mix_cycle = [t for k in range(max(1, min(50, len(lookups)))) for t in fixed + lookups[k : k + 1]]
        cells: dict[tuple[int, str, str], Cell] = {}
        queries = list(mix) + ([] if args.no_mix else ["MIX"])
        rotation = 0
        for clients in levels:
            for q in queries:
                order = servers[rotation % len(servers):] + servers[: rotation % len(servers)]
                rotation += 1
                for server in order:
                    if q == "MIX":
                        reqs = requests_for(server, mix_cycle)
                    else:
                        reqs = requests_for(server, mix[q])
                    if (q, server.name) in failed:
                        cells[(clients, q, server.name)] = Cell(skipped=sizes[q][server.name])
                        continue
                    single = cells.get((1, q, server.name))
                    if clients > 1 and single is not None and single.p50_ms / 1000 > args.slow_cap:
                        cells[(clients, q, server.name)] = Cell(skipped=f"1-client p50 {single.p50_ms / 1000:.1f} s")
                        continue
                    if wait_idle(lambda: probe(server), timeout=30) >= 30:
                        print(f"  {server.name} still busy: restarted in {server.restart():.1f} s", flush=True)
                    cell = measure(reqs, clients=clients, seconds=args.seconds, max_requests=args.max_requests, timeout=args.timeout)
                    cells[(clients, q, server.name)] = cell
                    print(f"  {clients:>2} clients {q[:40]:<40} {server.name:<20} p50 {cell.p50_ms:9.1f} ms  "
                          f"p99 {cell.p99_ms:9.1f} ms  {cell.rps:8.1f} req/s  ok {cell.ok} err {cell.errors + cell.timeouts}", flush=True)

        cgs = [s.name for s in servers if s.name.startswith("clustergraph")]
        peers = [s.name for s in servers if not s.name.startswith("clustergraph")]
        pairs = [(c, p) for c in cgs for p in peers]
        for clients in levels:
            print(f"\n## {size_label(size)} quads, {clients} client(s): p50 ms / p99 ms / req/s; ratios of req/s")
            headers = ["query"] + [f"{s.name}" for s in servers] + [f"{c} / {p}" for c, p in pairs]
            rows = []
            for q in queries + ["MIX (derived)"]:
                if q == "MIX (derived)":
                    derived = derived_mix(cells, clients, in_mix + ["lookup"], [s.name for s in servers])
                    if derived is None:
                        continue
                    common, per_server = derived
                    q = f"MIX (derived, {len(common)} queries)"
                    for name, value in per_server.items():
                        cells[(clients, q, name)] = value
                row = [q]
                for s in servers:
                    c = cells.get((clients, q, s.name))
                    if c is None or c.skipped:
                        row.append(f"skipped ({c.skipped})" if c else "-")
                    else:
                        err = f" [{c.errors + c.timeouts} err]" if c.errors or c.timeouts else ""
                        row.append(f"{c.p50_ms:.1f} / {c.p99_ms:.1f} / {c.rps:.1f}{err}")
                for c, p in pairs:
                    mine, other = cells.get((clients, q, c)), cells.get((clients, q, p))
                    row.append(ratio(mine.rps if mine and not mine.skipped else None,
                                     other.rps if other and not other.skipped else None))
                rows.append(row)
            print(table(headers, rows))
        for s in servers:
            print(f"  {s.name}: RSS after the run {s.rss_mb():.0f} MB")
        RESULTS_DIR.mkdir(exist_ok=True)
        out = RESULTS_DIR / f"bench_http-{size_label(size)}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.write_text(json.dumps({
            "machine": machine_line(), "size": size, "seed": args.seed, "sizes": sizes,
            "startup_s": {s.name: s.startup_s for s in servers}, "preparation_s": prepared.timings,
            "cells": [{"clients": k[0], "query": k[1], "server": k[2], **v.as_dict()} for k, v in cells.items()],
        }, indent=2, default=str))
        print(f"\n(raw figures: {out})")
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
