"""pyshacl over an rdflib graph: the reference the compiled validator is tested and measured against.

The graph is the one the shapes are written for (``shapes/clustergraph-shapes.ttl``): the
candidate quads with their graph names dropped, the ontology, and one derived triple
``?s cg:assertedIn ?g`` for each subject of each named graph other than the ontology's.
pyshacl runs with the options the shapes expect (no inference, SPARQL constraints on,
warnings allowed). Validating through oxrdflib was measured 13x slower and wrong (false
``sh:in`` results), hence the plain rdflib graph.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

from clustergraph.loading import sparql_cache
from clustergraph.loading.report import Finding
from clustergraph.loading.shacl_run import to_rdflib
from clustergraph.namespaces import CG

ASSERTED_IN = URIRef(str(CG.assertedIn))


def validation_graph(quads: Iterable[Quad], ontology: Iterable[Quad], *, excluded: set[NamedNode]) -> Graph:
    """The rdflib graph pyshacl validates: triples of ``ontology`` and ``quads``, plus the
    derived ``cg:assertedIn`` of every named graph not in ``excluded``."""
    graph = Graph()
    add = graph.add
    seen_pairs: set[tuple] = set()
    for q in ontology:
        add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    for q in quads:
        s = to_rdflib(q.subject)
        add((s, to_rdflib(q.predicate), to_rdflib(q.object)))
        g = q.graph_name
        if isinstance(g, NamedNode) and g not in excluded:
            pair = (s, g.value)
            if pair not in seen_pairs:
                seen_pairs.add(pair)
                add((s, ASSERTED_IN, URIRef(g.value)))
    return graph


def pyshacl_findings(graph: Graph, shapes: Graph) -> list[Finding]:
    """Validate ``graph`` (in place: it is changed) with pyshacl and read its results as findings."""
    from pyshacl import validate

    sparql_cache.install()
    _conforms, results, _text = validate(
        graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    return read_results(results)


def read_results(results: Graph) -> list[Finding]:
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
