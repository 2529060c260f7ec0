"""Loading: parse, validate with SHACL, then commit in one step.

A refused load leaves the store exactly as it was; loading the same input twice
gives the same store. The store derives the merged default graph itself, so a
dataset whose default graph is the merge of its named graphs (a ``/dump.nq`` or
``/dump.trig`` of this service) loads like its named graphs alone.

Into the embedded store, the input is first read into a staging store of its own
(``staging``), never into Python lists. A load that is a large share of the result (a
first load, a new landscape) is validated there as the whole candidate dataset and
committed by swapping the staged store in; a small load into a big store is validated
around the change and committed in one transaction. A remote store gets the input as
one list of quads, as it always did.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad

from clustergraph.errors import ValidationFailed
from clustergraph.loading.parse import parse_path, rdf_files
from clustergraph.loading.report import Report
from clustergraph.loading.staging import Staging
from clustergraph.loading.validation import Change, ShaclGate
from clustergraph.progress import sized_step
from clustergraph.settings import Settings
from clustergraph.store.base import Store
from clustergraph.store.embedded import EmbeddedStore

Progress = Callable[[str], None]

# A load is "small" when it is at most this many quads and under a quarter of the store
# (the gate's own rule for checking around a change): it is validated around the change
# and committed in one transaction. Anything bigger is validated as a staged whole.
SMALL_LOAD = 100_000
SMALL_SHARE = 4
# What a stored quad counts as towards ``Settings.load_memory_bytes`` (its size as N-Quads).
STORED_QUAD_BYTES = 200


@dataclass
class LoadResult:
    files: list[Path]
    quads: int
    graphs: list[str]
    report: Report
    timings: dict[str, float] = field(default_factory=dict)
    committed: bool = False


def gate_for(settings: Settings) -> ShaclGate:
    return ShaclGate(settings.shapes_dir, settings.ontology_dir, base_iri=settings.base_iri)


def bundled_inputs(settings: Settings) -> list[Path]:
    """The bundled data files (the ontology is added by the gate)."""
    return rdf_files([settings.data_dir])


def without_their_merge(quads: Sequence[Quad]) -> list[Quad]:
    """``quads`` without the default-graph triples that one of their named graphs states:
    the store keeps that merge itself. Other default-graph triples stay (and are refused by
    the provenance rule)."""
    stated = {(q.subject, q.predicate, q.object) for q in quads if not isinstance(q.graph_name, DefaultGraph)}
    return [q for q in quads if not isinstance(q.graph_name, DefaultGraph) or (q.subject, q.predicate, q.object) not in stated]


def read_inputs(paths: Sequence[Path], *, base_iri: str, graph: str | None = None, progress: Progress | None = None) -> tuple[list[Path], list[Quad]]:
    """Parse every file below ``paths``. Raises ``InputError`` on the first unreadable file."""
    files = rdf_files(paths)
    quads: list[Quad] = []
    for path in files:
        parsed = parse_path(path, base_iri=base_iri, graph=graph)
        quads.extend(parsed)
        if progress:
            progress(f"parsed {path} ({len(parsed)} quads)")
    return files, quads


def load(
    store: Store,
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    graph: str | None = None,
    replace: bool | None = None,
    dry_run: bool = False,
    gate: ShaclGate | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load ``paths`` (default: the bundled ontology and data) into ``store``.

    With ``replace`` (the default for the bundled data), the named graphs present in
    the input are replaced rather than added to, so a store follows edits of the data.
    Raises ``InputError`` for unreadable input and ``ValidationFailed`` (with the
    report) when the result would break the shapes; in both cases nothing is written.
    """
    bundled = paths is None
    request = Request(
        inputs=bundled_inputs(settings) if bundled else list(paths or ()), bundled=bundled, graph=graph,
        replace=bundled if replace is None else replace, dry_run=dry_run, gate=gate or gate_for(settings),
        progress=progress,
    )
    if isinstance(store, EmbeddedStore) and not store.read_only:
        return _load_staged(store, settings, request)
    return load_listed(store, settings, request)


@dataclass(frozen=True)
class Request:
    """What ``load`` was asked to do, its defaults filled in."""

    inputs: Sequence[Path]
    bundled: bool
    graph: str | None
    replace: bool
    dry_run: bool
    gate: ShaclGate
    progress: Progress | None = None


def _load_staged(store: EmbeddedStore, settings: Settings, request: Request) -> LoadResult:
    """``load`` into the embedded store through a staging store (see the module)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    gate, progress, bundled, replace, graph, dry_run = (
        request.gate, request.progress, request.bundled, request.replace, request.graph, request.dry_run
    )
    files = rdf_files(request.inputs)
    stored = store.count()
    size = sum(path.stat().st_size for path in files) + stored * STORED_QUAD_BYTES
    with Staging(store, in_memory=size <= settings.load_memory_bytes) as staged:
        if bundled:
            staged.add_quads(gate.ontology_quads)
        for path in files:
            advance = sized_step(progress, f"reading {path}", path.stat().st_size)
            staged.add_file(path, base_iri=settings.base_iri, graph=graph,
                            parse_memory_bytes=settings.parse_memory_bytes, advance=advance)
        graphs = staged.named_graphs()
        quads = staged.count()
        clear = graphs if replace else []
        timings["parse"] = time.perf_counter() - started
        if stored and quads <= SMALL_LOAD and quads * SMALL_SHARE < stored:
            change = Change(add=list(staged.input_quads()), clear_graphs=clear)
            staged.discard()
            return _validate_and_apply(store, change, request, files=files, graphs=graphs, timings=timings,
                                       started=started)
        mark = time.perf_counter()
        if stored:
            if progress:
                progress(f"adding the {stored} stored quads the load keeps to the candidate")
            staged.keep_from(store, except_graphs=clear)
        if progress:
            progress(f"validating {quads} quads in {len(graphs)} graphs" + (" with the stored ones" if stored else "")
                     + " against the shapes")
        report = gate.validate_dataset(staged.store)
        timings["validate"] = time.perf_counter() - mark
        result = LoadResult(files=files, quads=quads, graphs=[g.value for g in graphs], report=report, timings=timings)
        if not report.conforms:
            raise ValidationFailed(
                f"refused: {len(report.violations)} violation(s) of the shapes; nothing was written", report
            )
        if dry_run:
            return result
        if progress:
            progress(f"committing {quads} quads")
        mark = time.perf_counter()
        sealed = staged.seal()
    try:
        store.replace_with(sealed)
    finally:
        if isinstance(sealed, Path):  # after the exchange: the old store; before it: the unused new one
            shutil.rmtree(sealed, ignore_errors=True)
    timings["commit"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    result.committed = True
    return result


def load_listed(store: Store, settings: Settings, request: Request) -> LoadResult:
    """``load`` with the input held as one list of quads (a remote store takes it so)."""
    started = time.perf_counter()
    files, quads = read_inputs(request.inputs, base_iri=settings.base_iri, graph=request.graph, progress=request.progress)
    if request.bundled:
        quads = request.gate.ontology_quads + quads
    quads = without_their_merge(quads)
    graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)})
    change = Change(add=quads, clear_graphs=[NamedNode(g) for g in graphs] if request.replace else ())
    timings = {"parse": time.perf_counter() - started}
    return _validate_and_apply(store, change, request, files=files, graphs=[NamedNode(g) for g in graphs],
                               timings=timings, started=started)


def _validate_and_apply(
    store: Store,
    change: Change,
    request: Request,
    *,
    files: list[Path],
    graphs: Sequence[NamedNode],
    timings: dict[str, float],
    started: float,
) -> LoadResult:
    """Validate ``change`` against ``store`` (around the change where that pays) and apply it in
    one transaction."""
    progress = request.progress
    if progress:
        progress(f"validating {len(change.add)} quads in {len(graphs)} graphs against the shapes")
    mark = time.perf_counter()
    report = request.gate.require(store, change)
    timings["validate"] = time.perf_counter() - mark
    result = LoadResult(files=files, quads=len(change.add), graphs=[g.value for g in graphs], report=report,
                        timings=timings)
    if request.dry_run:
        return result
    if progress:
        progress(f"committing {len(change.add)} quads")
    mark = time.perf_counter()
    store.apply(add=change.add, clear_graphs=change.clear_graphs)
    timings["commit"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    result.committed = True
    return result


def ensure_loaded(
    store: Store, settings: Settings, *, progress: Progress | None = None, gate: ShaclGate | None = None
) -> LoadResult | None:
    """Load the bundled data into an empty store (through ``gate``, or one built for it); do
    nothing if it holds data."""
    if store.count() > 0:
        return None
    return load(store, settings, progress=progress, gate=gate)
