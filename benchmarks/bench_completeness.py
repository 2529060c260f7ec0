"""What the completeness table costs: ``catalog.completeness`` (every cluster x every profile
field, with the graph of each fact) against the ECCP-aligned export (``exports.eccp.profiles``,
one row of columns per cluster without provenance), on the same store in the same run
(engine only, no HTTP). Prints the medians and their ratio per dataset.

    python benchmarks/bench_completeness.py                 # the bundled data
    python benchmarks/bench_completeness.py --size 100k --runs 5
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_union import dataset_quads
from common import machine_line, median, parse_size, table

from clustergraph.catalog import Catalog
from clustergraph.catalog.completeness import completeness
from clustergraph.exports import eccp
from clustergraph.settings import DEFAULT_BASE_IRI
from clustergraph.store import EmbeddedStore


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", default=None, help="generated dataset (e.g. 100k; repeatable); default: bundled")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(machine_line())
    rows = []
    for size in args.size or [None]:
        store = EmbeddedStore(None)
        store.apply(add=dataset_quads(parse_size(size) if size else None, args.seed))
        cat = Catalog(store, DEFAULT_BASE_IRI)
        report = completeness(cat)  # warm-up, and the size of the table
        ours, baseline = [], []
        for _ in range(args.runs):  # interleaved, so a busy moment hits both
            ours += timed(lambda cat=cat: completeness(cat), 1)
            baseline += timed(lambda store=store: eccp.profiles(store), 1)
        rows.append([size or "bundled", store.count(), report.count, report.totals.cells,
                     median(ours) * 1000, median(baseline) * 1000, median(ours) / median(baseline)])
        store.close()
    print(table(["data", "quads", "clusters", "cells", "completeness ms", "eccp export ms", "ratio"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
