"""One-resource SPARQL Updates through the real path, against the copy-and-diff in the same run.

    python benchmarks/bench_update.py --size 100k --updates 20
    python benchmarks/bench_update.py --size 1M --updates 20
    python benchmarks/bench_update.py --size 100k --updates 100 --no-baseline   # memory over 100 updates

Each update goes through ``clustergraph.loading.updates.apply_update`` as the server runs it:
the change worked out in a query worker process (``UpdateJob``, the executor of
``clustergraph serve``), the real SHACL gate, the commit into an on-disk store (a copy of
the store ``clustergraph load`` prepared from the generated landscape, see ``servers.py``).
The updates alternate: a new ``cg:Figure`` by ``INSERT DATA``, one cluster's
``dct:description`` changed by ``DELETE/INSERT ... WHERE``; every fourth is followed by a
refused one (a figure whose reference date is not a date: 422, nothing written).

The baseline, interleaved: after each update, a like one (the next figure, the next
cluster) through the same path with ``UpdateJob(copy_and_diff=True)``, i.e. the change
worked out as before this change (the update run on a copy of every quad, two sets
compared). For that update the fast change is also computed, and the two must be equal.

Printed per method: p50 / p99 of the whole update, of the change computation as the server
waits for it ("run": hand-off to a worker, which opens the store version, plus the work),
of the work inside the worker, of the gate and of the commit; ratios; the server process's
RSS before and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from dataclasses import dataclass, field

from common import generated_dir, machine_line, parse_size, percentile, ratio, rss_mb, size_label, table
from servers import new_run_dir, prepare, store_copy

from clustergraph.errors import QueryTimeout, ValidationFailed
from clustergraph.loading.loader import gate_for
from clustergraph.loading.update_job import UpdateJob, decode_change
from clustergraph.loading.updates import UpdateRequest, apply_update
from clustergraph.loading.validation import FULL_VALIDATION_LIMIT, Change
from clustergraph.query.evaluation import OK
from clustergraph.query.executor import start_executor
from clustergraph.query.guard import FederationGuard
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore

BASE = "https://w3id.org/clustergraph/"
PROLOGUE = """PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def cluster(i: int) -> str:
    return f"{BASE}cluster/syn-c{i:05d}"


def figure_update(i: int, run: str, *, date: str = '"2024"^^xsd:gYear') -> str:
    """A new member-count figure of cluster ``i``, in the cluster's web source."""
    return f"""{PROLOGUE}INSERT DATA {{ GRAPH <{BASE}source/syn-web-c{i:05d}> {{
  <{BASE}figure/bench-{run}-{i}> a cg:Figure ; cg:value {100 + i} ; cg:qualifier "about" ;
    cg:referenceDate {date} ; cg:figureOf <{cluster(i)}> ; cg:measure cg:MemberCount .
}} }}"""


def description_update(i: int, run: str) -> str:
    """Cluster ``i``'s description replaced, in whichever graph states it."""
    return f"""{PROLOGUE}DELETE {{ GRAPH ?g {{ <{cluster(i)}> dct:description ?old }} }}
INSERT {{ GRAPH ?g {{ <{cluster(i)}> dct:description "Changed by bench_update ({run}, {i})."@en }} }}
WHERE {{ GRAPH ?g {{ <{cluster(i)}> dct:description ?old }} }}"""


@dataclass
class Timings:
    whole: list[float] = field(default_factory=list)
    run: list[float] = field(default_factory=list)
    worker: list[float] = field(default_factory=list)
    validate: list[float] = field(default_factory=list)
    commit: list[float] = field(default_factory=list)
    methods: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


class Bench:
    def __init__(self, store: EmbeddedStore, settings: Settings, executor, *, baseline_timeout: float) -> None:
        self.store, self.settings, self.executor = store, settings, executor
        self.baseline_timeout = baseline_timeout
        self.gate = gate_for(settings)
        self.guard = FederationGuard(settings)
        self.fast, self.copy, self.refused = Timings(), Timings(), Timings()
        self.mismatches = 0

    def job(self, text: str, *, copy: bool) -> UpdateJob:
        return UpdateJob(sparql=text, base_iri=f"{BASE}sparql", skolem_base=self.settings.base_iri, copy_and_diff=copy)

    def change(self, text: str, *, copy: bool, into: Timings | None = None) -> Change:
        # The copy-and-diff runs past the server's query timeout at 1M quads (the server would
        # answer 503): it gets its own, so the comparison has figures.
        timeout = self.baseline_timeout if copy else self.settings.query_timeout
        started = time.perf_counter()
        try:
            outcome = self.executor.run(self.job(text, copy=copy), timeout=timeout)
        except QueryTimeout as err:
            raise UpdateFailed(f"timeout after {timeout:g} s: {err}") from err
        if outcome.status != OK:
            raise UpdateFailed(f"{outcome.status}: {outcome.message}")
        if into is not None:
            into.run.append(time.perf_counter() - started)
            into.worker.append(outcome.seconds)
            method = outcome.message.split(":")[0]
            into.methods[method] = into.methods.get(method, 0) + 1
        added, removed = decode_change(outcome)
        return Change(add=added, remove=removed)

    def update(self, text: str, into: Timings, *, copy: bool = False, refused: bool = False) -> Change | None:
        """Apply ``text`` through ``apply_update``; its change, or ``None`` if the worker failed
        (counted in ``into.failures``: a server would have answered 500)."""
        seen: list[Change] = []

        def compute(prepared: str) -> Change:
            seen.append(self.change(prepared, copy=copy, into=into))
            return seen[-1]

        started = time.perf_counter()
        try:
            result = apply_update(
                self.store,
                UpdateRequest(text, base_iri=f"{BASE}sparql"),
                gate=self.gate,
                guard=self.guard,
                skolem_base=self.settings.base_iri,
                compute=compute,
            )
            timings = result.timings
            if refused:
                raise RuntimeError("an update that breaks the shapes was accepted")
        except ValidationFailed:
            if not refused:
                raise
            timings = {}
        except UpdateFailed as err:
            into.failures.append(str(err))
            return None
        into.whole.append(time.perf_counter() - started)
        if timings:
            into.validate.append(timings.get("validate", 0.0))
            into.commit.append(timings.get("commit", 0.0))
        else:  # refused: everything after the change is the gate
            into.validate.append(into.whole[-1] - into.run[-1])
        return seen[-1]

    def checked_baseline(self, text: str) -> None:
        """The update by the copy-and-diff, and the fast change of the same text on the same
        store version, which must be equal."""
        try:
            fast = self.change(text, copy=False)
        except UpdateFailed as err:
            self.copy.failures.append(f"(its fast twin) {err}")
            return
        slow = self.update(text, self.copy, copy=True)
        if slow is not None and (sorted(map(str, fast.add)), sorted(map(str, fast.remove))) != (
            sorted(map(str, slow.add)),
            sorted(map(str, slow.remove)),
        ):
            self.mismatches += 1


class UpdateFailed(Exception):
    """The worker could not work out the change (the server would answer 500)."""


def row(name: str, values: list[float]) -> list[object]:
    ms = [v * 1000 for v in values]
    return [name, len(ms), percentile(ms, 50), percentile(ms, 99)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="100k", help="generated landscape: 10k, 100k, 1M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--updates", type=int, default=20, help="measured updates (each kind half of them)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the copy-and-diff updates")
    parser.add_argument(
        "--baseline-timeout", type=float, default=600, help="seconds a copy-and-diff may take (the server allows 30)"
    )
    args = parser.parse_args()
    size = parse_size(args.size)
    data_dir = generated_dir(size, args.seed)
    if not data_dir.exists():
        sys.exit(f"{data_dir} is missing: python benchmarks/generate.py --size {size_label(size)} --seed {args.seed}")
    print(f"# bench_update: {size_label(size)} seed {args.seed}, {args.updates} updates; {machine_line()}")
    prepared = prepare(data_dir)
    run_dir = new_run_dir(prepared)
    try:
        path = store_copy(prepared.cg_store, run_dir, "store")
        settings = Settings(store=str(path), data_dir=data_dir, query_workers=2, query_cache_bytes=0, _env_file=None)
        store = EmbeddedStore(path)
        executor = start_executor(store, settings)
        try:
            measure(Bench(store, settings, executor, baseline_timeout=args.baseline_timeout), args, store)
        finally:
            executor.close()
            store.close()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def measure(bench: Bench, args: argparse.Namespace, store: EmbeddedStore) -> None:
    quads = store.count()
    print(f"store: {quads:,} quads in named graphs (on disk); the gate validates the whole store below {FULL_VALIDATION_LIMIT:,} quads")
    warm = Timings()
    bench.update(figure_update(1, "warm"), warm)  # shapes parsed, worker modules imported
    bench.update(description_update(1, "warm"), warm)
    rss_before = rss_mb(os.getpid())
    for k in range(args.updates):
        i = 2 + 2 * k  # the fast path takes even clusters, the baseline odd ones
        kind = figure_update if k % 2 == 0 else description_update
        bench.update(kind(i, "fast"), bench.fast)
        if not args.no_baseline:
            bench.checked_baseline(kind(i + 1, "copy"))
        if k % 4 == 3:
            bench.update(figure_update(i, "refused", date='"last year"'), bench.refused, refused=True)
    rss_after = rss_mb(os.getpid())
    rows = []
    for name, t in (
        ("effect (new)", bench.fast),
        ("copy-and-diff (before)", bench.copy),
        ("refused, effect", bench.refused),
    ):
        if not t.whole:
            continue
        rows += [
            row(f"{name}: whole update", t.whole),
            row(f"{name}: change, as the server waits", t.run),
            row(f"{name}: change, inside the worker", t.worker),
            row(f"{name}: SHACL gate", t.validate),
            row(f"{name}: commit", t.commit),
        ]
    print(table(["what", "n", "p50 ms", "p99 ms"], rows))
    print(f"methods used: new {bench.fast.methods}, baseline {bench.copy.methods}, refused {bench.refused.methods}")
    for name, t in (("new", bench.fast), ("baseline", bench.copy), ("refused", bench.refused)):
        for failure in t.failures:
            print(f"FAILED ({name}): {failure[:300]}")
    if bench.copy.whole:
        p50 = lambda values: percentile(values, 50)
        print(
            f"ratios copy-and-diff / effect, p50: whole update {ratio(p50(bench.copy.whole), p50(bench.fast.whole))}, "
            f"change as the server waits {ratio(p50(bench.copy.run), p50(bench.fast.run))}, "
            f"change inside the worker {ratio(p50(bench.copy.worker), p50(bench.fast.worker))}"
        )
        print(
            f"changes compared (same text, same store version): {len(bench.copy.whole)}, different: {bench.mismatches}"
        )
        limit = bench.settings.query_timeout
        over = sum(1 for t in bench.copy.run if t > limit)
        print(
            f"copy-and-diff changes over the server's query timeout ({limit:g} s: a 503 there): {over} of {len(bench.copy.run)}"
        )
    print(
        f"server process RSS: {rss_before:.0f} MB before the measured updates, {rss_after:.0f} MB after "
        f"(+{rss_after - rss_before:.0f} MB over {len(bench.fast.whole) + len(bench.copy.whole) + len(bench.refused.whole)} updates)"
    )
    print_targets(bench, rss_after - rss_before)


# Targets of one-resource updates, and the figures before updates were read off their own effect
# and the gate was compiled (issue 13: copy-and-diff and pyshacl on every write).
TARGETS_MS = {"p50": 100.0, "p99": 300.0}
TARGET_RSS_MB = 50.0
BEFORE = "before: p50 18.7 s at 100k, 20.6 s at 1M (max 35 s); RSS +780 MB after one update"


def print_targets(bench: Bench, rss_growth: float) -> None:
    print("\n## Targets")
    for name, t in (("update", bench.fast), ("refused update", bench.refused)):
        if not t.whole:
            continue
        for stat, target in TARGETS_MS.items():
            value = percentile(t.whole, int(stat[1:])) * 1000  # seconds measured
            print(f"  {name:<15} {stat} {value:8.1f} ms  (target < {target:g} ms: {'met' if value < target else 'NOT met'})")
    print(f"  RSS growth      {rss_growth:+.0f} MB  (target < {TARGET_RSS_MB:g} MB after 100 updates: "
          f"{'met' if rss_growth < TARGET_RSS_MB else 'NOT met'}; counts only with --updates 100)")
    print(f"  {BEFORE}")


if __name__ == "__main__":
    main()
