"""Load + SHACL validation into a fresh on-disk store: time per phase and peak memory.

Every measured load runs in a child process of its own (this script with ``--child``), so
its peak resident memory is the child's own (``os.wait4``), the interpreter and the gate
included, as for ``clustergraph load``. Variants, interleaved in every run on the same files:

- ``loader``: ``clustergraph.loading.loader.load`` as ``clustergraph load`` runs it: the
  input bulk-loaded into a staging store beside the target, validated there, swapped in;
- ``listed``: the same loader's one-transaction path (``load_listed``: the input parsed
  into one Python list, validated by the gate, committed with ``Store.apply``), which was
  the only path before staging and is still the path for a remote store (``--no-listed``
  leaves it out; it needs several GB at 1M);
- ``ox bulk_load``: raw pyoxigraph ``Store(dir).bulk_load`` of the same files (the engine's
  own speed: no validation, no merged default graph).

Before staging, issue 13 measured ``clustergraph load`` of the 1M
landscape at 222 s and 4.9 GiB peak (pyshacl gate); that figure is printed beside 1M.

    python benchmarks/bench_load.py                          # bundled + 100k, 3 runs
    python benchmarks/bench_load.py --no-bundled --size 1M --runs-large 1
    python benchmarks/bench_load.py --no-bundled --size 10M --runs-large 1 --no-listed
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS_DIR, generated_dir, machine_line, median, parse_size, ratio, size_label, table  # noqa: E402

VARIANTS = ("loader", "listed", "ox bulk_load")
# What the issue measured for `clustergraph load` of the 1M landscape before staging (pyshacl gate).
BEFORE_1M = {"total": 222.0, "parse": 3.5, "validate": 155.0, "commit": 57.0, "peak_mb": 4.9 * 1024}
TARGET_1M = {"total": 30.0, "peak_mb": 1.5 * 1000}


def dataset_inputs(name: str, seed: int) -> tuple[str, Path]:
    """(label, data folder) for 'bundled' or a size; generates a missing landscape."""
    from clustergraph.settings import Settings

    if name == "bundled":
        return "bundled", Settings(store="memory").data_dir
    size = parse_size(name)
    folder = generated_dir(size, seed)
    if not (folder / "manifest.json").exists():
        from generate import generate

        print(f"generating {folder} ...", flush=True)
        generate(size, seed)
    return f"generated {size_label(size)}", folder


def child(variant: str, data_dir: Path, store_dir: Path) -> dict[str, float]:
    """One load of ``data_dir`` (the bundled data: with the ontology) into a fresh store at ``store_dir``."""
    from clustergraph.settings import Settings

    settings = Settings(store=str(store_dir))
    bundled = data_dir == Settings(store="memory").data_dir
    started = time.perf_counter()
    if variant == "ox bulk_load":
        return {"total": raw_bulk_load(data_dir, store_dir, settings), "quads": float("nan")}
    from clustergraph.loading import loader
    from clustergraph.store import EmbeddedStore

    store = EmbeddedStore(store_dir)
    gate = loader.gate_for(settings)
    paths = None if bundled else [data_dir]
    if variant == "loader":
        result = loader.load(store, settings, paths, gate=gate)
    else:
        request = loader.Request(inputs=loader.bundled_inputs(settings) if bundled else [data_dir], bundled=bundled,
                                 graph=None, replace=bundled, dry_run=False, gate=gate)
        result = loader.load_listed(store, settings, request)
    store.close()
    wall = time.perf_counter() - started
    if not result.report.conforms:
        raise SystemExit(f"{data_dir}: refused by the shapes:\n{result.report.as_text(limit=20)}")
    return {**result.timings, "wall": wall, "quads": float(result.quads)}


def raw_bulk_load(data_dir: Path, store_dir: Path, settings) -> float:
    """pyoxigraph ``Store(dir).bulk_load`` file by file (the ontology too for the bundled data)."""
    from pyoxigraph import NamedNode, Store

    from clustergraph import formats
    from clustergraph.loading.parse import rdf_files
    from clustergraph.namespaces import ONTOLOGY_IRI

    files = [(p, None) for p in rdf_files([data_dir])]
    if data_dir == settings.data_dir:
        files += [(p, NamedNode(ONTOLOGY_IRI)) for p in rdf_files([settings.ontology_dir])]
    started = time.perf_counter()
    store = Store(str(store_dir))
    for path, graph in files:
        fmt = formats.rdf_format_for_path(path.name).oxigraph
        options = {"to_graph": graph} if graph is not None else {}
        store.bulk_load(path=str(path), format=fmt, base_iri=settings.base_iri, **options)
    store.flush()
    return time.perf_counter() - started


def measured(variant: str, data_dir: Path) -> dict[str, float]:
    """Run one load in a child process; its figures plus its peak RSS in MB."""
    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-load-"))
    try:
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", variant, str(data_dir), str(tmp / "store")],
            stdout=subprocess.PIPE, text=True,
        )
        assert process.stdout is not None
        out = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"{variant} on {data_dir} failed (exit {process.returncode})")
        figures = json.loads(out.strip().splitlines()[-1])
        figures["peak_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", help="generated sizes (default: 100k); 'bundled' is first unless --no-bundled")
    parser.add_argument("--no-bundled", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3, help="runs per dataset up to 200k quads (median reported)")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per dataset above 200k quads")
    parser.add_argument("--no-listed", action="store_true", help="leave out the one-transaction path (several GB at 1M)")
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "DATA_DIR", "STORE_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        variant, data_dir, store_dir = args.child
        print(json.dumps(child(variant, Path(data_dir), Path(store_dir))), flush=True)
        return 0
    names = ([] if args.no_bundled else ["bundled"]) + (args.size or ["100k"])
    variants = [v for v in VARIANTS if not (args.no_listed and v == "listed")]

    print(f"# bench_load — {machine_line()}", flush=True)
    results: dict[str, dict] = {}
    for name in names:
        label, data_dir = dataset_inputs(name, args.seed)
        samples: dict[str, list[dict[str, float]]] = defaultdict(list)
        runs = None
        run = 0
        while runs is None or run < runs:
            for variant in variants:  # interleaved in every run
                figures = measured(variant, data_dir)
                samples[variant].append(figures)
                phases = ", ".join(f"{k} {figures[k]:.2f} s" for k in ("parse", "validate", "commit") if k in figures)
                print(f"  {label} run {run + 1} {variant}: {phases + ', ' if phases else ''}total {figures['total']:.2f} s, "
                      f"peak RSS {figures['peak_mb']:.0f} MB", flush=True)
            if runs is None:
                quads = samples["loader"][0]["quads"]
                runs = args.runs if quads <= 200_000 else args.runs_large
            run += 1
        results[label] = {
            "quads": int(samples["loader"][0]["quads"]),
            "runs": runs,
            "variants": {
                v: {m: median([s.get(m, float("nan")) for s in ss]) for m in ("parse", "validate", "commit", "total", "peak_mb")}
                for v, ss in samples.items()
            },
        }

    print("\n## Loads into a fresh on-disk store (medians; seconds; peak RSS of the loading process)")
    rows = []
    for label, r in results.items():
        for variant, t in r["variants"].items():
            rows.append([label, r["quads"], variant, r["runs"], t["parse"], t["validate"], t["commit"], t["total"], round(t["peak_mb"])])
        if label == "generated 1M":
            b = BEFORE_1M
            rows.append([label, r["quads"], "before staging (issue figure, not this run)", 1, b["parse"], b["validate"],
                         b["commit"], b["total"], round(b["peak_mb"])])
    print(table(["dataset", "quads", "variant", "runs", "parse", "validate", "commit", "total", "peak MB"], rows))
    print("\n## Ratios (same run)")
    rows = []
    for label, r in results.items():
        v = r["variants"]
        loader, raw, listed = v["loader"], v["ox bulk_load"], v.get("listed", {})
        rows.append([
            label,
            ratio(loader["total"], raw["total"]),
            ratio(loader["commit"], raw["total"]),
            ratio(listed.get("total"), loader["total"]),
            ratio(listed.get("peak_mb"), loader["peak_mb"]),
        ])
    print(table(["dataset", "loader total / ox bulk_load", "loader commit / ox bulk_load",
                 "listed / loader (time)", "listed / loader (peak RSS)"], rows))
    if "generated 1M" in results:
        t = results["generated 1M"]["variants"]["loader"]
        print(f"\nTarget at 1M: under {TARGET_1M['total']:.0f} s and {TARGET_1M['peak_mb']:.0f} MB; "
              f"this run {t['total']:.1f} s and {t['peak_mb']:.0f} MB "
              f"(before staging: {BEFORE_1M['total']:.0f} s, {BEFORE_1M['peak_mb']:.0f} MB).")
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"bench_load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": machine_line(), "results": results}, indent=2, default=str))
    print(f"\n(raw figures: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
