"""SPARQL Update through the SHACL gate: the change is computed, validated, then committed or refused whole."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.errors import Forbidden, QueryError, ValidationFailed
from clustergraph.loading.updates import UpdateRequest, apply_update, prepared_text
from clustergraph.loading.validation import ShaclGate
from clustergraph.query.guard import FederationGuard, FederationRefused
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore, content_hash

BASE = "https://w3id.org/clustergraph/"
CHEMIE = f"<{BASE}cluster/chemie-nrw>"
CHEMIE_SOURCE = f"<{BASE}source/nrw-innovationspartner-chemie-nrw>"
SKOS = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
CG = "PREFIX cg: <https://w3id.org/clustergraph/ontology/>\n"
ALT_LABEL = f'{SKOS}INSERT DATA {{ GRAPH {CHEMIE_SOURCE} {{ {CHEMIE} skos:altLabel "Chemie-Cluster NRW"@de }} }}'
NOT_A_DATE = f'{CG}INSERT DATA {{ GRAPH {CHEMIE_SOURCE} {{ {CHEMIE} cg:foundingDate "last year" }} }}'


@pytest.fixture
def guard() -> FederationGuard:
    return FederationGuard(Settings(store="memory"))


def run(store, text: str, gate, guard, **request):
    return apply_update(store, UpdateRequest(text, **request), gate=gate, guard=guard, skolem_base=BASE)


def alt_labels(store: EmbeddedStore) -> set[str]:
    rows = store.query(f"{SKOS}SELECT ?l WHERE {{ {CHEMIE} skos:altLabel ?l }}")
    return {row["l"].value for row in rows}


def test_an_update_that_breaks_the_shapes_is_refused_with_the_report_and_changes_nothing(
    store: EmbeddedStore, shacl_gate: ShaclGate, guard: FederationGuard
) -> None:
    before = content_hash(store)

    with pytest.raises(ValidationFailed) as refused:
        run(store, NOT_A_DATE, shacl_gate, guard)

    report = refused.value.report.as_json()
    assert refused.value.http_status == 422
    assert report["conforms"] is False
    assert any(r["path"].endswith("foundingDate") and r["value"] == "last year" for r in report["results"])
    assert content_hash(store) == before


def test_a_conforming_update_is_applied_and_reported(
    store: EmbeddedStore, shacl_gate: ShaclGate, guard: FederationGuard
) -> None:
    result = run(store, ALT_LABEL, shacl_gate, guard)

    assert (result.added, result.removed) == (1, 0)
    assert result.report is not None and result.report.conforms
    assert "Chemie-Cluster NRW" in alt_labels(store)


def test_delete_where_removes_exactly_the_matched_quads(
    store: EmbeddedStore, shacl_gate: ShaclGate, guard: FederationGuard
) -> None:
    run(store, ALT_LABEL, shacl_gate, guard)
    count = store.count()

    result = run(
        store,
        f'{SKOS}DELETE WHERE {{ GRAPH ?g {{ {CHEMIE} skos:altLabel "Chemie-Cluster NRW"@de }} }}',
        shacl_gate,
        guard,
    )

    assert (result.added, result.removed) == (0, 1)
    assert store.count() == count - 1
    assert "Chemie-Cluster NRW" not in alt_labels(store)


def test_load_is_refused_before_anything_runs(
    store: EmbeddedStore, shacl_gate: ShaclGate, guard: FederationGuard
) -> None:
    before = content_hash(store)
    with pytest.raises(Forbidden, match="LOAD"):
        run(
            store,
            f"{ALT_LABEL} ;\nLOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <http://g.example/>",
            shacl_gate,
            guard,
        )
    assert content_hash(store) == before


def test_a_service_call_inside_an_update_is_checked_by_the_guard(
    store: EmbeddedStore, shacl_gate: ShaclGate, guard: FederationGuard
) -> None:
    before = content_hash(store)
    with pytest.raises(FederationRefused):
        run(
            store,
            f"INSERT {{ GRAPH {CHEMIE_SOURCE} {{ ?s ?p ?o }} }} WHERE {{ SERVICE <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}",
            shacl_gate,
            guard,
        )
    assert content_hash(store) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT DATA { <a> <b> ", "1:"),
        ("SELECT * WHERE { ?s ?p ?o }", "query, not an update"),
    ],
)
def test_malformed_updates_and_queries_sent_as_updates_are_400(
    store: EmbeddedStore, guard: FederationGuard, text: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        run(store, text, None, guard, base_iri="http://localhost/sparql")


def test_relative_iris_resolve_against_the_endpoint(empty_store: EmbeddedStore, guard: FederationGuard) -> None:
    run(
        empty_store,
        "INSERT DATA { GRAPH <http://g.example/> { <http://s.example/> <http://p.example/> <test> } }",
        None,
        guard,
        base_iri="http://localhost:8000/sparql",
    )

    [quad] = list(empty_store.quads(graph=NamedNode("http://g.example/")))
    assert quad.object == NamedNode("http://localhost:8000/test")


def test_blank_nodes_an_update_creates_are_skolemised(empty_store: EmbeddedStore, guard: FederationGuard) -> None:
    run(empty_store, 'INSERT DATA { GRAPH <http://g.example/> { _:thing <http://p.example/> "x" } }', None, guard)

    [quad] = list(empty_store.quads(graph=NamedNode("http://g.example/")))
    assert isinstance(quad.subject, NamedNode) and quad.subject.value.startswith(f"{BASE}.well-known/genid/")


def test_using_graph_uri_becomes_the_where_dataset(empty_store: EmbeddedStore, guard: FederationGuard) -> None:
    g1, g2, out = NamedNode("http://g.example/1"), NamedNode("http://g.example/2"), NamedNode("http://g.example/out")
    p = NamedNode("http://p.example/")
    empty_store.apply(add=[Quad(NamedNode("http://s.example/a"), p, Literal("x"), g1), Quad(NamedNode("http://s.example/b"), p, Literal("y"), g2)])
    copy_into_out = f"INSERT {{ GRAPH {out} {{ ?s a <http://t.example/T> }} }} WHERE {{ ?s {p} ?o }}"

    run(empty_store, copy_into_out, None, guard)  # the default graph is the merge of all graphs
    assert sorted(q.subject.value for q in empty_store.quads(graph=out)) == ["http://s.example/a", "http://s.example/b"]

    empty_store.apply(clear_graphs=[out])
    run(empty_store, copy_into_out, None, guard, using_graphs=(g1.value,))
    assert [q.subject.value for q in empty_store.quads(graph=out)] == ["http://s.example/a"]


def test_several_using_graphs_are_matched_as_their_merge(empty_store: EmbeddedStore, guard: FederationGuard) -> None:
    g1, g2, out = NamedNode("http://g.example/1"), NamedNode("http://g.example/2"), NamedNode("http://g.example/out")
    fact = (NamedNode("http://s.example/a"), NamedNode("http://p.example/"), Literal("x"))
    empty_store.apply(add=[Quad(*fact, g1), Quad(*fact, g2)])
    count_into_out = f"INSERT {{ GRAPH {out} {{ <http://s.example/count> <http://p.example/n> ?n }} }} WHERE {{ SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} }}"

    run(empty_store, count_into_out, None, guard, using_graphs=(g1.value, g2.value))
    assert [q.object.value for q in empty_store.quads(graph=out)] == ["1"]
    assert {g.value for g in empty_store.named_graphs()} == {g1.value, g2.value, out.value}  # no scratch graph left


def test_using_graph_uri_conflicts_with_with_and_using_clauses() -> None:
    update = "WITH <http://g.example/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    with pytest.raises(QueryError, match="cannot be combined"):
        prepared_text(UpdateRequest(update, using_named_graphs=("http://g.example/people",)))
    using = "DELETE { ?s ?p ?o } USING <http://g.example/> WHERE { ?s ?p ?o }"
    with pytest.raises(QueryError, match="cannot be combined"):
        prepared_text(UpdateRequest(using, using_graphs=("http://g.example/other",)))


def test_using_clauses_go_before_the_where_of_each_modify_operation() -> None:
    text = prepared_text(
        UpdateRequest(
            "INSERT DATA { <a:s> <a:p> 1 } ; DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ; INSERT { ?s ?p 2 } WHERE { ?s ?p ?o }",
            using_graphs=("http://g.example/1",),
            using_named_graphs=("http://g.example/2",),
        )
    )
    assert text.count("USING <http://g.example/1> USING NAMED <http://g.example/2> WHERE") == 2
    assert text.startswith("INSERT DATA { <a:s> <a:p> 1 }")
