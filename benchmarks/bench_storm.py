"""A cheap query's latency during a storm of runaway queries, against the same query alone.

    python benchmarks/bench_storm.py --clients 50 --seconds 30

Prints the cheap query's median and maximum alone (baseline) and during the storm, and
their ratio. Only 127.0.0.x addresses are used.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.servers import start_server  # noqa: E402
from support.storm import CHEAP, storm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), CLUSTERGRAPH_QUERY_CACHE_BYTES="0")
        try:
            alone = []
            with httpx.Client(timeout=30) as client:
                for _ in range(40):
                    started = time.monotonic()
                    client.post(f"{server.url}/sparql", data={"query": CHEAP}).raise_for_status()
                    alone.append(time.monotonic() - started)
            result = storm(server.url, clients=args.clients, seconds=args.seconds)
        finally:
            server.stop()
    base = statistics.median(alone)
    print(f"cheap query alone:           p50 {base * 1000:7.1f} ms  max {max(alone) * 1000:7.1f} ms  (n={len(alone)})")
    print(
        f"cheap query, {args.clients} runaway clients: p50 {result.cheap_p50 * 1000:7.1f} ms  "
        f"max {result.cheap_max * 1000:7.1f} ms  (n={len(result.cheap_seconds)}, statuses {sorted(set(result.cheap_statuses))})"
    )
    print(f"ratio p50 storm / alone:     {result.cheap_p50 / base:.1f}x")
    print(f"runaway requests answered:   {len(result.runaway_statuses)} (statuses {sorted(set(result.runaway_statuses))})")


if __name__ == "__main__":
    main()
