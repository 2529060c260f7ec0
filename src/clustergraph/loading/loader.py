"""Loading: parse, validate with SHACL, then commit in one transaction.

A refused load leaves the store exactly as it was; loading the same input twice
gives the same store. The store derives the merged default graph itself, so a
dataset whose default graph is the merge of its named graphs (a ``/dump.nq`` or
``/dump.trig`` of this service) loads like its named graphs alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode, Quad

from clustergraph.loading.parse import parse_path, rdf_files
from clustergraph.loading.report import Report
from clustergraph.loading.validation import Change, ShaclGate
from clustergraph.settings import Settings
from clustergraph.store.base import Store

Progress = Callable[[str], None]


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
    gate = gate or gate_for(settings)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    bundled = paths is None
    files, quads = read_inputs(
        bundled_inputs(settings) if bundled else paths, base_iri=settings.base_iri, graph=graph, progress=progress
    )
    if bundled:
        quads = gate.ontology_quads + quads
    quads = without_their_merge(quads)
    timings["parse"] = time.perf_counter() - started
    if replace is None:
        replace = bundled
    graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)})
    change = Change(add=quads, clear_graphs=[NamedNode(g) for g in graphs] if replace else ())
    if progress:
        progress(f"validating {len(quads)} quads in {len(graphs)} graphs against the shapes")
    mark = time.perf_counter()
    report = gate.require(store, change)
    timings["validate"] = time.perf_counter() - mark
    result = LoadResult(files=files, quads=len(quads), graphs=graphs, report=report, timings=timings)
    if dry_run:
        return result
    if progress:
        progress(f"committing {len(quads)} quads")
    mark = time.perf_counter()
    store.apply(add=change.add, clear_graphs=change.clear_graphs)
    timings["commit"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    result.committed = True
    return result


def ensure_loaded(store: Store, settings: Settings, *, progress: Progress | None = None) -> LoadResult | None:
    """Load the bundled data into an empty store; do nothing if it holds data."""
    if store.count() > 0:
        return None
    return load(store, settings, progress=progress)
