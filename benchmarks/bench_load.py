"""Load + SHACL validation time of the bundled data and of generated landscapes.

Runs the real loader (``clustergraph.loading.loader.load``: parse, validate with
pyshacl against ``shapes/`` and the ontology, commit in one transaction) into an
in-memory and an on-disk pyoxigraph store, split into parse / validate / commit,
and prints medians of N runs. In the same run, interleaved with the loader runs,
it measures baselines on the same files:

- ``ox load``: raw pyoxigraph ``Store().load`` (memory) — the engine's own parse+insert;
- ``ox bulk``: raw pyoxigraph ``Store(dir).bulk_load`` (disk);
- ``rdflib parse``: rdflib ``Dataset.parse`` of the same files;
- ``pyshacl``: ``pyshacl.validate`` over that rdflib graph (plus the ontology and the
  derived ``cg:assertedIn`` triples the shapes need), same options as the loader.

``--proposed-fixes`` adds a row "loader+fix": the loader with the fixes proposed in
README.md applied for that row only (see ``proposed_fixes``); ``--only-fixed`` runs that
row instead of the loader as it is (for 1M, where the loader as it is does not finish).

    python benchmarks/bench_load.py                       # bundled + 100k, 3 runs
    python benchmarks/bench_load.py --size 1M --runs 1 --stores memory --no-baseline-pyshacl
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS_DIR, generated_dir, machine_line, median, parse_size, peak_rss_mb, ratio, size_label, table  # noqa: E402

from pyoxigraph import NamedNode, Store  # noqa: E402

from clustergraph import formats  # noqa: E402
from clustergraph.loading.loader import gate_for, load  # noqa: E402
from clustergraph.loading.parse import rdf_files  # noqa: E402
from clustergraph.namespaces import ONTOLOGY_IRI  # noqa: E402
from clustergraph.settings import Settings  # noqa: E402
from clustergraph.store import EmbeddedStore  # noqa: E402


BASE_IRI = Settings(store="memory").base_iri


@contextlib.contextmanager
def proposed_fixes():
    """Temporarily apply the loader fixes proposed in README.md (nothing is patched on disk):

    1. cache rdflib's parsed + translated SPARQL per query text (pyshacl re-parses each
       sh:sparql constraint once per focus node);
    2. validate the whole candidate graph, without pyshacl ``focus_nodes``, whatever its
       size (pyshacl filters focus nodes by scanning a Python list: quadratic). Every load
       here goes into an empty store, where the neighbourhood of the change is everything;
    3. run pyshacl ``inplace`` (the validation graph is thrown away anyway; saves a copy).
    """
    import pyshacl
    import rdflib.plugins.sparql.processor as processor

    from clustergraph.loading import validation
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    @functools.lru_cache(maxsize=512)
    def prepared(text: str, base, ns: tuple):
        return translateQuery(parseQuery(text), base, dict(ns) if ns else None)

    original_query = processor.SPARQLProcessor.query
    original_validate = pyshacl.validate

    def query(self, q, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(q, str):
            q = prepared(q, base, tuple(sorted((initNs or {}).items())))
        return original_query(self, q, initBindings, initNs, base, DEBUG)

    def validate(*args, **kwargs):
        kwargs["inplace"] = True  # the loader's validation graph is thrown away afterwards
        return original_validate(*args, **kwargs)

    original_limit = validation.FULL_VALIDATION_LIMIT
    processor.SPARQLProcessor.query = query
    pyshacl.validate = validate
    validation.FULL_VALIDATION_LIMIT = sys.maxsize
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original_query
        pyshacl.validate = original_validate
        validation.FULL_VALIDATION_LIMIT = original_limit


def dataset_inputs(name: str, seed: int) -> tuple[str, Path]:
    """(label, data folder) for 'bundled' or a size; generates a missing landscape."""
    if name == "bundled":
        return "bundled", Settings(store="memory").data_dir
    size = parse_size(name)
    folder = generated_dir(size, seed)
    if not (folder / "manifest.json").exists():
        from generate import generate

        print(f"generating {folder} ...", flush=True)
        generate(size, seed)
    return f"generated {size_label(size)}", folder


def run_loader(data_dir: Path, kind: str, *, fixed: bool) -> dict[str, float]:
    """One load of ``data_dir`` (with the ontology) through the real loader into a fresh store."""
    settings = Settings(store="memory", data_dir=data_dir)
    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-")) if kind == "disk" else None
    store = EmbeddedStore(tmp / "store" if tmp else None)
    try:
        ctx = proposed_fixes() if fixed else contextlib.nullcontext()
        with ctx:
            started = time.perf_counter()
            result = load(store, settings, gate=gate_for(settings))
            wall = time.perf_counter() - started
        if not result.report.conforms:
            raise SystemExit(f"{data_dir}: refused by the shapes:\n{result.report.as_text(limit=20)}")
        return {**result.timings, "wall": wall, "quads": float(result.quads), "warnings": float(len(result.report.warnings))}
    finally:
        store.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def input_files(data_dir: Path) -> list[tuple[Path, NamedNode | None]]:
    """The data files plus the ontology files (to the ontology graph), as the loader reads them."""
    settings = Settings(store="memory", data_dir=data_dir)
    files = [(p, None) for p in rdf_files([data_dir])]
    return files + [(p, NamedNode(ONTOLOGY_IRI)) for p in rdf_files([settings.ontology_dir])]


def run_ox(files, kind: str) -> float:
    """Raw pyoxigraph: Store().load (memory) or Store(dir).bulk_load (disk) of the same files."""
    tmp = Path(tempfile.mkdtemp(prefix="cg-bench-ox-")) if kind == "disk" else None
    try:
        started = time.perf_counter()
        store = Store(str(tmp)) if tmp else Store()
        for path, graph in files:
            fmt = formats.rdf_format_for_path(path.name).oxigraph
            options = {"to_graph": graph} if graph is not None else {}
            options["base_iri"] = BASE_IRI  # the data uses IRIs relative to the base, as the loader parses it
            (store.bulk_load if tmp else store.load)(path=str(path), format=fmt, **options)
        if tmp:
            store.flush()
        seconds = time.perf_counter() - started
        del store
        return seconds
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run_rdflib(files, shapes, *, with_pyshacl: bool) -> tuple[float, float]:
    """rdflib parse of the same files, then pyshacl over a plain rdflib graph; (parse s, validate s)."""
    from pyshacl import validate
    from rdflib import Dataset, Graph, URIRef
    from rdflib.namespace import Namespace

    cg = Namespace("https://w3id.org/clustergraph/ontology/")
    started = time.perf_counter()
    ds = Dataset()
    for path, graph in files:
        fmt = formats.rdf_format_for_path(path.name).rdflib_name
        if graph is not None:
            ds.graph(URIRef(graph.value)).parse(path, format=fmt, publicID=BASE_IRI)
        else:
            ds.parse(path, format=fmt, publicID=BASE_IRI)
    parsed = time.perf_counter() - started
    if not with_pyshacl:
        return parsed, float("nan")
    started = time.perf_counter()
    data = Graph()
    ontology = URIRef(ONTOLOGY_IRI)
    for s, p, o, g in ds.quads((None, None, None, None)):
        data.add((s, p, o))
        if g is not None and g != ontology and isinstance(g, URIRef) and not str(g).startswith("urn:x-rdflib"):
            data.add((s, cg.assertedIn, g))
    validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True)
    return parsed, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", action="append", help="generated sizes (default: 100k); 'bundled' is always first unless --no-bundled")
    parser.add_argument("--no-bundled", action="store_true")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3, help="runs per dataset up to 200k quads (median reported)")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per dataset above 200k quads")
    parser.add_argument("--stores", default="memory,disk", help="comma-separated: memory, disk")
    parser.add_argument("--no-baselines", action="store_true", help="skip the raw pyoxigraph / rdflib / pyshacl baselines")
    parser.add_argument("--no-baseline-pyshacl", action="store_true", help="skip only the pyshacl baseline (slow at 1M)")
    parser.add_argument("--proposed-fixes", action="store_true", help="also run the loader with the proposed fixes (first store kind)")
    parser.add_argument("--only-fixed", action="store_true", help="run only the loader with the proposed fixes")
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    names = ([] if args.no_bundled else ["bundled"]) + (args.size or ["100k"])

    print(f"# bench_load — {machine_line()}", flush=True)
    shapes = gate_for(Settings(store="memory")).shapes
    results: dict[str, dict] = {}
    for name in names:
        label, data_dir = dataset_inputs(name, args.seed)
        files = input_files(data_dir)
        samples: dict[str, list[dict[str, float]]] = defaultdict(list)
        base: dict[str, list[float]] = defaultdict(list)
        runs = None
        run = 0
        while runs is None or run < runs:
            if args.only_fixed:
                variants = [(k, True) for k in stores]
            else:
                variants = [(k, False) for k in stores] + ([(stores[0], True)] if args.proposed_fixes else [])
            for kind, fixed in variants:  # interleaved: loader, fix, baselines in every run
                gc.collect()
                key = f"loader+fix ({kind})" if fixed else f"loader ({kind})"
                samples[key].append(run_loader(data_dir, kind, fixed=fixed))
                t = samples[key][-1]
                print(f"  {label} run {run + 1} {key}: parse {t['parse']:.2f} s, validate {t['validate']:.2f} s, "
                      f"commit {t['commit']:.2f} s, total {t['total']:.2f} s", flush=True)
            if runs is None:
                quads = next(iter(samples.values()))[0]["quads"]
                runs = args.runs if quads <= 200_000 else args.runs_large
            if not args.no_baselines:
                gc.collect()
                base["ox load (memory)"].append(run_ox(files, "memory"))
                base["ox bulk_load (disk)"].append(run_ox(files, "disk"))
                gc.collect()
                parsed, validated = run_rdflib(files, shapes, with_pyshacl=not args.no_baseline_pyshacl)
                base["rdflib parse"].append(parsed)
                base["pyshacl (rdflib graph)"].append(validated)
                print("  " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in base.items()), flush=True)
            run += 1
        results[label] = {
            "quads": int(next(iter(samples.values()))[0]["quads"]),
            "runs": runs,
            "loader": {k: {m: median([s[m] for s in v]) for m in ("parse", "validate", "commit", "total")} for k, v in samples.items()},
            "baselines": {k: median(v) for k, v in base.items()},
        }

    print(f"\n## Real loader (medians; seconds) — peak RSS of this process {peak_rss_mb():.0f} MB")
    rows = []
    for label, r in results.items():
        for key, t in r["loader"].items():
            rows.append([label, r["quads"], key, r["runs"], t["parse"], t["validate"], t["commit"], t["total"]])
    print(table(["dataset", "quads", "variant", "runs", "parse", "validate", "commit", "total"], rows))
    if not args.no_baselines:
        print("\n## Baselines on the same files, same run (medians; seconds)")
        keys = ["ox load (memory)", "ox bulk_load (disk)", "rdflib parse", "pyshacl (rdflib graph)"]
        print(table(["dataset", *keys], [[label, *[r["baselines"].get(k, float("nan")) for k in keys]] for label, r in results.items()]))
        print("\n## Ratios (loader / baseline; >1 = the loader is slower" + ("; loader = loader+fix)" if args.only_fixed else ")"))
        rows = []
        for label, r in results.items():
            lm = r["loader"].get("loader (memory)") or r["loader"].get("loader+fix (memory)", {})
            ld = r["loader"].get("loader (disk)") or r["loader"].get("loader+fix (disk)", {})
            b = r["baselines"]
            rows.append([
                label,
                ratio(lm.get("total"), b.get("ox load (memory)")),
                ratio(ld.get("total"), b.get("ox bulk_load (disk)")),
                ratio(lm.get("parse"), b.get("ox load (memory)")),
                ratio(lm.get("validate"), b.get("pyshacl (rdflib graph)")),
                ratio(lm.get("total"), (b.get("rdflib parse") or 0) + (b.get("pyshacl (rdflib graph)") or 0)),
            ])
        print(table(["dataset", "total mem / ox load", "total disk / ox bulk", "parse / ox load",
                     "validate / pyshacl", "total mem / (rdflib+pyshacl)"], rows))
    if args.proposed_fixes and not args.only_fixed:
        print("\n## Proposed fix (loader / loader+fix, validate)")
        print(table(["dataset", "validate ratio"], [
            [label, ratio(r["loader"][f"loader ({stores[0]})"]["validate"], r["loader"][f"loader+fix ({stores[0]})"]["validate"])]
            for label, r in results.items()]))
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"bench_load-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": machine_line(), "results": results}, indent=2, default=str))
    print(f"\n(raw figures: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
