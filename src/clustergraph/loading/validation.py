"""The SHACL gate: every change is checked against ``shapes/`` before it is written.

pyshacl runs over a plain rdflib graph (validating through oxrdflib was measured
13x slower and gave false ``sh:in`` results). The graph holds the candidate state
of the store after the change, the ontology (so ``sh:class`` sees subclasses) and
one derived triple ``?s cg:assertedIn ?g`` for each subject of each named graph,
which is how the shapes see the provenance of every fact.

Small stores are validated whole. Big stores are validated around the change: the
changed resources, what they point to, what points to removed resources and the
descriptions of their sources; only findings about the changed resources count.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH

from clustergraph.errors import ValidationFailed
from clustergraph.loading import sparql_cache
from clustergraph.loading.parse import parse_path, rdf_files
from clustergraph.loading.report import Finding, Report
from clustergraph.namespaces import CG, ONTOLOGY_IRI
from clustergraph.store.base import Store

# Above this many quads the whole-store check gives way to a check around the change.
FULL_VALIDATION_LIMIT = 250_000
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
ASSERTED_IN = URIRef(str(CG.assertedIn))
ONTOLOGY_GRAPH = NamedNode(ONTOLOGY_IRI)
RDF_TYPE = NamedNode(str(RDF.type))

logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # ill-typed literals are reported by SHACL instead


def to_rdflib(term):
    """Convert a pyoxigraph term to rdflib.

    ``xsd:string`` literals become plain literals, as rdflib compares plain and
    ``xsd:string`` literals as different values.
    """
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return RdfLiteral(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return RdfLiteral(term.value)
        return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


@dataclass(frozen=True)
class Change:
    """What a load or update does: graphs to clear, quads to remove, quads to add."""

    add: Sequence[Quad] = ()
    remove: Sequence[Quad] = ()
    clear_graphs: Sequence[NamedNode] = ()


class ShaclGate:
    """Validates changes against the shapes and the ontology; builds once, checks many times."""

    def __init__(self, shapes_dir: Path, ontology_dir: Path, *, base_iri: str) -> None:
        self.shapes_dir = shapes_dir
        self.ontology_dir = ontology_dir
        self.base_iri = base_iri

    @cached_property
    def shapes(self) -> Graph:
        graph = Graph()
        for path in rdf_files([self.shapes_dir]):
            graph.parse(path, format="turtle")
        return graph

    @cached_property
    def ontology_quads(self) -> list[Quad]:
        """The ontology files as quads in the ontology graph."""
        quads: list[Quad] = []
        for path in rdf_files([self.ontology_dir]):
            quads.extend(parse_path(path, base_iri=self.base_iri, graph=ONTOLOGY_IRI))
        return quads

    def check(self, store: Store | None, change: Change) -> Report:
        """Validate the state ``store`` would have after ``change``; writes nothing."""
        started = time.perf_counter()
        findings = list(_default_graph_findings(change.add))
        stored = store.count() if store is not None else 0
        changed = len(change.add) + len(change.remove) + len(change.clear_graphs)
        # Around-the-change pays off for small changes to a big store; a change that is a
        # large share of the result (a first load) is its own neighbourhood.
        if store is None or stored + len(change.add) <= FULL_VALIDATION_LIMIT or changed * 4 >= stored:
            quads = _candidate_state(store, change)
            focus = None
        else:
            quads, focus = _neighbourhood(store, change)
        graph = self._validation_graph(quads)
        findings.extend(self._shacl(graph, focus))
        return Report(findings=findings, seconds=time.perf_counter() - started, checked_triples=len(graph))

    def require(self, store: Store | None, change: Change) -> Report:
        """Like ``check`` but raises ``ValidationFailed`` (carrying the report) on any violation."""
        report = self.check(store, change)
        if not report.conforms:
            raise ValidationFailed(
                f"refused: {len(report.violations)} violation(s) of the shapes; nothing was written",
                report,
            )
        return report

    def _validation_graph(self, quads: Iterable[Quad]) -> Graph:
        graph = Graph()
        add = graph.add
        seen_pairs: set[tuple] = set()
        for q in self.ontology_quads:
            add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        for q in quads:
            s = to_rdflib(q.subject)
            add((s, to_rdflib(q.predicate), to_rdflib(q.object)))
            g = q.graph_name
            if isinstance(g, NamedNode) and g != ONTOLOGY_GRAPH:
                pair = (s, g.value)
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    add((s, ASSERTED_IN, URIRef(g.value)))
        return graph

    def _shacl(self, graph: Graph, focus: list[str] | None) -> list[Finding]:
        from pyshacl import validate

        if focus is not None and not focus:
            return []
        # pyshacl's own focus_nodes option skipped sh:targetSubjectsOf shapes with sh:or
        # (pyshacl 0.40), so the neighbourhood is validated whole and the findings about
        # context-only resources, whose descriptions are incomplete, are dropped.
        sparql_cache.install()
        _conforms, results, _text = validate(
            graph,
            shacl_graph=self.shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,  # the validation graph is built for this call only: no copy needed
        )
        findings = _findings(results)
        if focus is None:
            return findings
        wanted = set(focus)
        return [f for f in findings if f.focus in wanted]


def _findings(results: Graph) -> list[Finding]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        found.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_show(results.value(result, SH.focusNode)),
                path=_show(results.value(result, SH.resultPath)),
                message=" ".join(str(m) for m in results.objects(result, SH.resultMessage)) or "constraint not met",
                value=_show(results.value(result, SH.value)),
                shape=_show(results.value(result, SH.sourceShape)),
            )
        )
    return found


def _show(term) -> str | None:
    if term is None or isinstance(term, BNode):
        return None
    return str(term)


def _default_graph_findings(quads: Iterable[Quad]) -> Iterable[Finding]:
    """Facts outside a named graph have no source: refuse them before SHACL."""
    loose = [q for q in quads if isinstance(q.graph_name, DefaultGraph)]
    if loose:
        yield Finding(
            severity="Violation",
            focus=str(loose[0].subject.value) if hasattr(loose[0].subject, "value") else str(loose[0].subject),
            path=None,
            message=(
                f"{len(loose)} triple(s) are in the default graph: every fact needs provenance, "
                "so it must be in the named graph of its source (a TriG file, or --graph SOURCE-IRI)"
            ),
        )


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
