"""Whole-dataset SHACL validation: the compiled validator (SPARQL on pyoxigraph) vs pyshacl.

    python benchmarks/bench_validate.py --size 100k --runs 3
    python benchmarks/bench_validate.py --size 1M --runs 3 --pyshacl-runs 1
    python benchmarks/bench_validate.py --size 1M --no-pyshacl          # compiled only

Both validate the same generated landscape (``generate.py``) plus the ontology, as the
gate does: ``ShaclGate.validate_dataset`` on an in-memory pyoxigraph store holding the
quads (the store is filled before the clock starts), and ``pyshacl.validate`` over the
rdflib graph the shapes are written for (``shacl_reference``; building that graph is timed
apart and not counted as pyshacl's). Printed: medians, the ratio compiled / pyshacl,
whether the two gave the same findings, and peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyoxigraph
from common import generated_dir, machine_line, median, parse_size, peak_rss_mb, ratio, size_label, table

from clustergraph.loading.loader import gate_for, read_inputs, without_their_merge
from clustergraph.loading.shacl_reference import pyshacl_findings, validation_graph
from clustergraph.loading.validation import ONTOLOGY_GRAPH, SCRATCH_ONTOLOGY
from clustergraph.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="100k", help="generated landscape: 10k, 100k, 1M")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3, help="compiled runs")
    parser.add_argument("--pyshacl-runs", type=int, default=1)
    parser.add_argument("--no-pyshacl", action="store_true", help="compiled validator only")
    args = parser.parse_args()
    size = parse_size(args.size)
    folder = generated_dir(size, args.seed)
    if not (folder / "manifest.json").exists():
        sys.exit(f"{folder} is missing: python benchmarks/generate.py --size {size_label(size)} --seed {args.seed}")
    print(f"# bench_validate: {size_label(size)} seed {args.seed}; {machine_line()}")
    settings = Settings(store="memory", data_dir=folder, _env_file=None)
    started = time.perf_counter()
    gate = gate_for(settings)
    built = time.perf_counter() - started
    _files, quads = read_inputs([folder], base_iri=settings.base_iri)
    quads = without_their_merge(gate.ontology_quads + quads)
    store = pyoxigraph.Store()
    store.extend(quads)
    print(f"{len(quads):,} quads; gate built (shapes read and compiled) in {built:.2f} s")

    compiled_times: list[float] = []
    compiled_findings: Counter = Counter()
    for _ in range(args.runs):
        gc.collect()
        mark = time.perf_counter()
        report = gate.validate_dataset(store)
        compiled_times.append(time.perf_counter() - mark)
        compiled_findings = Counter(report.findings)
    rss_compiled = peak_rss_mb()
    del store
    gc.collect()

    graph_times: list[float] = []
    pyshacl_times: list[float] = []
    reference: Counter | None = None
    if not args.no_pyshacl:
        for _ in range(args.pyshacl_runs):
            mark = time.perf_counter()
            graph = validation_graph(quads, gate.ontology_quads, excluded={ONTOLOGY_GRAPH, SCRATCH_ONTOLOGY})
            graph_times.append(time.perf_counter() - mark)
            mark = time.perf_counter()
            reference = Counter(pyshacl_findings(graph, gate.shapes))
            pyshacl_times.append(time.perf_counter() - mark)
            del graph
            gc.collect()

    rows = [["compiled (SPARQL on pyoxigraph)", len(compiled_times), median(compiled_times), sum(compiled_findings.values())]]
    if pyshacl_times:
        rows.append(["rdflib graph for pyshacl (not counted)", len(graph_times), median(graph_times), "-"])
        rows.append(["pyshacl", len(pyshacl_times), median(pyshacl_times), sum(reference.values())])
    print(table(["validator", "runs", "median s", "findings"], rows))
    if pyshacl_times:
        print(f"ratio compiled / pyshacl (median): {ratio(median(compiled_times), median(pyshacl_times))}")
        share = median(compiled_times) / median(pyshacl_times)
        print(f"target: at most 0.1x pyshacl with the same findings: {'met' if share <= 0.1 else 'NOT met'} ({share:.2f}x); "
              "before, the gate was pyshacl (0.8-0.9x pyshacl alone, issue 13)")
        same = compiled_findings == reference
        print(f"same findings: {'yes' if same else 'NO'}")
        if not same:
            for f, n in list((compiled_findings - reference).items())[:5]:
                print(f"  only compiled ({n}): {f}")
            for f, n in list((reference - compiled_findings).items())[:5]:
                print(f"  only pyshacl ({n}): {f}")
    print(f"peak RSS: {rss_compiled:.0f} MB after the compiled runs, {peak_rss_mb():.0f} MB at the end")


if __name__ == "__main__":
    main()
