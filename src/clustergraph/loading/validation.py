"""The SHACL gate: every change is checked against ``shapes/`` before it is written.

The shapes are compiled to SPARQL (``shacl_shapes`` reads them, ``shacl_sparql`` compiles,
``shacl_run`` evaluates) and run by pyoxigraph on a store holding the candidate state;
pyshacl (``shacl_reference``) stays the reference the tests compare with. A shape that uses
a construct the compiler lacks makes the gate fail when it is built, never validate less.

What is validated is what the shapes are written for: every fact of the candidate state,
the ontology (so ``sh:class`` sees subclasses) and, for each subject of each named graph,
``?s cg:assertedIn ?g``, which is how the shapes see the provenance of every fact (the
compiled queries read it off the named graphs instead of storing it).

Small stores are validated whole. Big stores are validated around the change: the
changed resources, what they point to, what points to removed resources and the
descriptions of their sources; only findings about the changed resources count.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad
from rdflib import Graph
from rdflib.namespace import RDF

from clustergraph.errors import ValidationFailed
from clustergraph.loading.parse import parse_path, rdf_files
from clustergraph.loading.report import Finding, Report
from clustergraph.loading.shacl_run import Run, loose_triples, missing_quads, shown, to_rdflib
from clustergraph.loading.shacl_shapes import ShapesUnsupported, read_shapes
from clustergraph.loading.shacl_sparql import Compiled, Compiler
from clustergraph.namespaces import ONTOLOGY_IRI
from clustergraph.store.base import Store

# Above this many quads the whole-store check gives way to a check around the change.
# Compiled, a whole validation costs about 0.2 s per 10,000 quads and one around a
# one-resource change about 0.05 s whatever the store's size (benchmarks/bench_validate.py,
# bench_update.py): only the smallest stores are cheaper to check whole.
FULL_VALIDATION_LIMIT = 5_000
ONTOLOGY_GRAPH = NamedNode(ONTOLOGY_IRI)
# Where the gate puts the ontology for the length of one validation when the store lacks it.
SCRATCH_ONTOLOGY = NamedNode("urn:x-clustergraph:validation:ontology")
RDF_TYPE = NamedNode(str(RDF.type))

__all__ = ["FULL_VALIDATION_LIMIT", "Change", "ShaclGate", "ShapesUnsupported", "to_rdflib"]


@dataclass(frozen=True)
class Change:
    """What a load or update does: graphs to clear, quads to remove, quads to add."""

    add: Sequence[Quad] = ()
    remove: Sequence[Quad] = ()
    clear_graphs: Sequence[NamedNode] = ()


class ShaclGate:
    """Validates changes against the shapes and the ontology; builds once, checks many times.

    Raises ``ShapesUnsupported`` when built if the shapes use a construct the compiled
    validator does not implement (the supported ones: ``shacl_shapes.SUPPORTED``).
    """

    def __init__(self, shapes_dir: Path, ontology_dir: Path, *, base_iri: str) -> None:
        self.shapes_dir = shapes_dir
        self.ontology_dir = ontology_dir
        self.base_iri = base_iri
        self.compiled  # noqa: B018  (fail at start-up, not at the first write)

    @cached_property
    def shapes(self) -> Graph:
        graph = Graph()
        for path in rdf_files([self.shapes_dir]):
            graph.parse(path, format="turtle")
        return graph

    @cached_property
    def compiled(self) -> Compiled:
        compiled = Compiler([ONTOLOGY_IRI, SCRATCH_ONTOLOGY.value]).compile(read_shapes(self.shapes))
        probe = pyoxigraph.Store()  # every query must parse (and its regexes compile) now
        Run(compiled, probe).findings()
        return compiled

    @cached_property
    def ontology_quads(self) -> list[Quad]:
        """The ontology files as quads in the ontology graph."""
        quads: list[Quad] = []
        for path in rdf_files([self.ontology_dir]):
            quads.extend(parse_path(path, base_iri=self.base_iri, graph=ONTOLOGY_IRI))
        return quads

    def validate_dataset(self, store: pyoxigraph.Store) -> Report:
        """Validate the dataset ``store`` holds: the union of its graphs (each named graph a
        source), plus the ontology, as ``check`` validates a candidate state.

        Default-graph triples that no named graph states are a violation (facts without a
        source). The store is read; ontology triples its ontology graph lacks are added to a
        scratch graph for the call and removed before it returns, so no one else may use the
        store meanwhile. Never raises for violations: see ``Report.conforms``.
        """
        started = time.perf_counter()
        findings: list[Finding] = []
        loose, one = loose_triples(store)
        if loose:
            findings.append(_loose_finding(loose, shown(one) or str(one)))
        missing = missing_quads(store, self.ontology_quads, looked_up_in=ONTOLOGY_GRAPH, put_in=SCRATCH_ONTOLOGY)
        store.extend(missing)
        try:
            findings.extend(Run(self.compiled, store).findings())
        finally:
            for q in missing:
                store.remove(q)
        return Report(findings=findings, seconds=time.perf_counter() - started, checked_triples=len(store))

    def check(self, store: Store | None, change: Change) -> Report:
        """Validate the state ``store`` would have after ``change``; writes nothing."""
        started = time.perf_counter()
        findings = list(_default_graph_findings(change.add))
        changed = len(change.add) + len(change.remove) + len(change.clear_graphs)
        # Counting a big store costs more than validating around a small change: count only
        # as far as the decision needs.
        cap = max(FULL_VALIDATION_LIMIT - len(change.add), changed * 4) + 1
        stored = _count_up_to(store, cap) if store is not None else 0
        # Around-the-change pays off for small changes to a big store; a change that is a
        # large share of the result (a first load) is its own neighbourhood.
        if store is None or stored + len(change.add) <= FULL_VALIDATION_LIMIT or changed * 4 >= stored:
            quads: Iterable[Quad] = _candidate_state(store, change)
            focus = None
        else:
            quads, focus = _neighbourhood(store, change)
        checked = 0
        if focus is None or focus:
            scratch = pyoxigraph.Store()
            scratch.extend(quads)
            scratch.extend(Quad(q.subject, q.predicate, q.object, SCRATCH_ONTOLOGY) for q in self.ontology_quads)
            checked = len(scratch)
            findings.extend(Run(self.compiled, scratch, focus=focus).findings())
        return Report(findings=findings, seconds=time.perf_counter() - started, checked_triples=checked)

    def require(self, store: Store | None, change: Change) -> Report:
        """Like ``check`` but raises ``ValidationFailed`` (carrying the report) on any violation."""
        report = self.check(store, change)
        if not report.conforms:
            raise ValidationFailed(
                f"refused: {len(report.violations)} violation(s) of the shapes; nothing was written",
                report,
            )
        return report


def _count_up_to(store: Store, cap: int) -> int:
    """The number of triples in the store's merged default graph, or ``cap`` if there are more.

    Read as far as the decision needs: a SPARQL ``COUNT`` over a subquery with ``LIMIT`` took
    0.33 s at 1M quads, reading 5,000 quads off the index a few milliseconds."""
    return sum(1 for _ in islice(store.quads(graph=DefaultGraph()), cap))


def _loose_finding(count: int, subject: str) -> Finding:
    return Finding(
        severity="Violation",
        focus=subject,
        path=None,
        message=(
            f"{count} triple(s) are in the default graph: every fact needs provenance, "
            "so it must be in the named graph of its source (a TriG file, or --graph SOURCE-IRI)"
        ),
    )


def _default_graph_findings(quads: Iterable[Quad]) -> Iterable[Finding]:
    """Facts outside a named graph have no source: refuse them before SHACL."""
    loose = [q for q in quads if isinstance(q.graph_name, DefaultGraph)]
    if loose:
        subject = loose[0].subject
        yield _loose_finding(len(loose), str(getattr(subject, "value", subject)))


def _candidate_state(store: Store | None, change: Change) -> list[Quad]:
    """Every quad the store would hold after the change."""
    if store is None:
        return list(change.add)
    cleared = set(change.clear_graphs)
    removed = set(change.remove)
    # The store's default graph repeats the named graphs' triples (their merge): nothing to check twice.
    kept = [q for q in store.quads() if q.graph_name not in cleared and q not in removed and not isinstance(q.graph_name, DefaultGraph)]
    return kept + list(change.add)


def _neighbourhood(store: Store, change: Change) -> tuple[list[Quad], list[str]]:
    """The quads around a change, and the focus nodes to validate, in the post-change state."""
    cleared = set(change.clear_graphs)
    removed = set(change.remove)
    added_by_subject: dict = {}
    for q in change.add:
        added_by_subject.setdefault(q.subject, []).append(q)

    def describe(node) -> list[Quad]:
        stored = [
            q for q in store.quads(subject=node)
            if q.graph_name not in cleared and q not in removed and not isinstance(q.graph_name, DefaultGraph)
        ]
        return stored + added_by_subject.get(node, [])

    touched = {q.subject for q in change.add} | {q.subject for q in change.remove}
    for graph in cleared:
        touched |= {q.subject for q in store.quads(graph=graph)}
    gone = {q.subject for q in change.remove if q.predicate == RDF_TYPE} | {
        q.subject for g in cleared for q in store.quads(predicate=RDF_TYPE, graph=g)
    }
    for node in gone:  # resources that lost a type may leave dangling links behind
        touched |= {q.subject for q in store.quads(object=node)}
    touched |= {q.object for q in change.add if isinstance(q.object, NamedNode)}

    quads: list[Quad] = []
    linked: set = set()
    for node in touched:
        described = describe(node)
        quads.extend(described)
        linked |= {q.object for q in described if isinstance(q.object, NamedNode)}
    for node in linked - touched:
        quads.extend(describe(node))
    # The sources (graph names) of these facts, so the provenance shapes see their descriptions.
    for graph in {q.graph_name for q in quads if isinstance(q.graph_name, NamedNode)} - touched - linked:
        quads.extend(describe(graph))
    focus = sorted(n.value for n in touched if isinstance(n, NamedNode))
    return quads, focus
