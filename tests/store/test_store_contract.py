"""Every backend behaves like the embedded store: same quads, same answers, same refusals.

Each test runs on an in-memory store, an on-disk store, a real Virtuoso and a real
Oxigraph server (the code path for stores with a default graph of their own). The
reference answers come from a separate in-memory store loaded with the same bundled
data, never from the backend under test.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from example_answers import answer_of, difference
from pyoxigraph import (
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    parse,
)

from clustergraph.errors import ClusterGraphError, QueryError, ValidationFailed
from clustergraph.examples import load_examples
from clustergraph.loading import validation
from clustergraph.loading.loader import load
from clustergraph.namespaces import PREFIXES
from clustergraph.settings import Settings
from clustergraph.store import content_hash
from clustergraph.store.base import Store

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
BASE = "https://w3id.org/clustergraph/"
TEST_GRAPH = NamedNode(BASE + "source/store-contract-test")
XSD = "http://www.w3.org/2001/XMLSchema#"

PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())

SELECTS = {
    "clusters by class path": "SELECT ?c ?label WHERE { ?c a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?label }",
    "instances per class": "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class",
    "triples per graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "every literal": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER isLiteral(?o) }",
    "provenance of clusters": "SELECT ?g ?c WHERE { GRAPH ?g { ?c a cg:Cluster } }",
    "members per cluster": (
        "SELECT ?c (COUNT(DISTINCT ?m) AS ?members) WHERE { ?c a cg:Cluster OPTIONAL { ?c org:hasMember ?m } } GROUP BY ?c"
    ),
    "german names": 'SELECT ?x ?l WHERE { ?x skos:prefLabel ?l FILTER(langMatches(lang(?l), "de")) }',
    "the whole dataset": "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ordered and limited": "SELECT ?c WHERE { ?c a cg:Cluster } ORDER BY ?c LIMIT 5 OFFSET 2",
}
# Variants of the queries above that keep to clustergraph's own resources and graphs.
SELECTS.update(
    {
        "instances per clustergraph class": (
            "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class FILTER(STRSTARTS(STR(?class), STR(cg:))) } GROUP BY ?class"
        ),
        "triples per source graph": (
            'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/clustergraph/")) } GROUP BY ?g'
        ),
        "every literal about a resource": (
            'SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) && STRSTARTS(STR(?s), "https://w3id.org/clustergraph/")) }'
        ),
    }
)

ASKS = {
    "there are clusters": "ASK { ?c a cg:Cluster }",
    "a name nobody has": 'ASK { ?x skos:prefLabel "No such cluster anywhere"@en }',
    "a graph that does not exist": "ASK { GRAPH <https://w3id.org/clustergraph/source/no-such-source> { ?s ?p ?o } }",
    "clusters have provenance": "ASK { GRAPH ?g { ?c a cg:Cluster } FILTER(?g != <https://w3id.org/clustergraph/ontology>) }",
}
CONSTRUCTS = {
    "cluster names and types": "CONSTRUCT { ?c skos:prefLabel ?l ; a ?t } WHERE { ?c a cg:Cluster ; skos:prefLabel ?l ; a ?t }",
    "typed literals": (
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(isLiteral(?o) && lang(?o) = '' && STRSTARTS(STR(?g), 'https://w3id.org/clustergraph/')) }"
    ),
}


def rows(result) -> Counter:
    """A SELECT result as a multiset of rows of N-Triples terms (order-free)."""
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return Counter(tuple("" if s[n] is None else str(s[n]) for n in names) for s in result)


def load_bundled(store: Store, gate) -> None:
    result = load(store, Settings(store="memory", _env_file=None), gate=gate)
    assert result.committed


@pytest.fixture
def loaded(backend: Store, shacl_gate) -> Store:
    """The backend holding the bundled ontology and data, loaded through the loader."""
    load_bundled(backend, shacl_gate)
    return backend


def test_loading_the_bundled_data_stores_exactly_the_quads_of_the_embedded_store(loaded: Store, store) -> None:
    assert set(loaded.quads()) == set(store.quads())
    assert loaded.count() == store.count() > 1000


def test_named_graphs_are_the_sources_and_the_ontology_without_system_graphs(loaded: Store, store) -> None:
    graphs = loaded.named_graphs()
    assert graphs == store.named_graphs()
    assert NamedNode(BASE + "ontology") in graphs
    assert not any("openlinksw" in g.value or g.value.endswith(("/sparql", "/DAV/")) for g in graphs)


def is_virtuoso(store: Store) -> bool:
    return getattr(store, "dialect", None) == "virtuoso"


def differing(loaded: Store, store, queries: dict[str, str]) -> dict[str, str]:
    """The queries whose answer on ``loaded`` differs from the embedded store's, with how."""
    found = {}
    for name, sparql in queries.items():
        expected = answer_of(store.query(sparql), sparql)
        assert len(expected), f"{name}: the reference answer is empty, so the comparison would prove nothing"
        try:
            actual = answer_of(loaded.query(sparql), sparql)
        except ClusterGraphError as err:
            found[name] = f"error: {err}"
            continue
        if actual != expected:
            found[name] = difference(expected, actual)
    return found


def test_select_ask_and_construct_give_the_embedded_store_s_answers(loaded: Store, store) -> None:
    # Virtuoso's system graphs (virtrdf#: ~2,500 triples) stay out of its answers too: its
    # queries get the merge as their default graph and the sources as their named graphs.
    queries = {name: PROLOGUE + text for group in (SELECTS, ASKS, CONSTRUCTS) for name, text in group.items()}
    assert differing(loaded, store, queries) == {}


def test_every_example_query_gives_the_embedded_store_s_answer_or_a_listed_difference(
    loaded: Store, store, request: pytest.FixtureRequest
) -> None:
    """All example queries, compared exactly (``example_answers``) with a separate embedded
    store holding the same data. A store may answer differently only where the example's
    own ``# differs: STORE: reason`` line says so, and such a line must still be true."""
    backend = request.node.callspec.params["backend"]
    examples = load_examples(Settings(store="memory", _env_file=None).queries_dir)
    assert examples
    # Federated examples (``# federated: URL``) call an EU endpoint: tests/connectors runs them.
    found = differing(loaded, store, {name: e.sparql for name, e in examples.items() if not e.is_federated})
    listed = {name: e.differs_on(backend).reason for name, e in examples.items() if e.differs_on(backend)}
    unlisted = {name: why for name, why in found.items() if name not in listed}
    stale = sorted(set(listed) - set(found))
    assert unlisted == {}, f"{backend} answers these examples differently: {unlisted}"
    assert stale == [], f"{backend} now answers these as the embedded store does; drop their '# differs: {backend}' line"


def test_substitutions_bind_variables_like_the_embedded_store(loaded: Store, store) -> None:
    cluster = next(iter(store.query(PROLOGUE + "SELECT ?c WHERE { ?c a cg:Cluster } ORDER BY ?c LIMIT 1")))["c"]
    sparql = PROLOGUE + "SELECT ?c ?p ?o WHERE { ?c ?p ?o }"
    expected = rows(store.query(sparql, substitutions={"c": cluster}))
    assert expected
    assert rows(loaded.query(sparql, substitutions={"c": cluster})) == expected
    by_prefix = "SELECT ?c ?l WHERE { ?c skos:prefLabel ?l }"
    assert rows(loaded.query(by_prefix, substitutions={"c": cluster}, prefixes=PREFIXES)) == rows(
        store.query(by_prefix, substitutions={"c": cluster}, prefixes=PREFIXES)
    )


def test_a_query_s_own_from_clause_names_its_default_graph(loaded: Store) -> None:
    """Without a protocol dataset the default graph is the merge of all graphs, unless the
    query names its own: then only that graph is read."""
    ontology = BASE + "ontology"
    everywhere = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only_ontology = f"SELECT (COUNT(*) AS ?n) FROM <{ontology}> WHERE {{ ?s ?p ?o }}"

    def count(sparql: str) -> int:
        return int(next(iter(loaded.query(sparql)))["n"].value)

    in_ontology = sum(1 for _ in loaded.quads(graph=NamedNode(ontology)))
    assert count(only_ontology) == in_ontology
    distinct = {(q.subject, q.predicate, q.object) for q in loaded.quads() if not isinstance(q.graph_name, DefaultGraph)}
    assert count(everywhere) == len(distinct) > in_ontology


def test_quad_patterns_match_like_the_embedded_store(loaded: Store, store) -> None:
    cluster = next(iter(store.query(PROLOGUE + "SELECT ?c WHERE { ?c a cg:Cluster } ORDER BY ?c LIMIT 1")))["c"]
    label = next(store.quads(cluster, NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")))
    year = next(q for q in store.quads() if isinstance(q.object, Literal) and q.object.datatype.value != XSD + "string")
    ontology = NamedNode(BASE + "ontology")
    for pattern in (
        {"subject": cluster},
        {"predicate": label.predicate, "graph": label.graph_name},
        {"object": label.object},
        {"object": year.object},
        {"graph": ontology},
        {"subject": cluster, "object": NamedNode(BASE + "no-such-thing")},
    ):
        assert set(loaded.quads(**pattern)) == set(store.quads(**pattern)), pattern
    merged = {Quad(q.subject, q.predicate, q.object) for q in store.quads() if not isinstance(q.graph_name, DefaultGraph)}
    assert set(loaded.quads(graph=DefaultGraph())) == merged
    assert set(loaded.quads(subject=cluster, graph=DefaultGraph())) == {q for q in merged if q.subject == cluster}


def test_loading_the_same_data_twice_gives_the_same_content_hash(loaded: Store, shacl_gate) -> None:
    before = content_hash(loaded)
    load_bundled(loaded, shacl_gate)
    assert content_hash(loaded) == before


def test_a_refused_load_leaves_the_store_unchanged(loaded: Store, shacl_gate) -> None:
    # Which broken inputs the shapes refuse is tests/loading's subject; here it is that a
    # refusal writes nothing, on every backend.
    before = content_hash(loaded)
    with pytest.raises(ValidationFailed) as refused:
        load(loaded, Settings(store="memory", _env_file=None), [FIXTURES / "cluster-without-name.trig"], gate=shacl_gate)
    assert "needs a name" in refused.value.report.as_text()
    assert content_hash(loaded) == before


def test_a_refused_load_checked_around_the_change_leaves_the_store_unchanged(loaded: Store, shacl_gate, monkeypatch) -> None:
    # Validation around the change reads the store by quad patterns, not as a whole.
    monkeypatch.setattr(validation, "FULL_VALIDATION_LIMIT", 0)
    before = content_hash(loaded)
    with pytest.raises(ValidationFailed) as refused:
        load(loaded, Settings(store="memory", _env_file=None), [FIXTURES / "cluster-without-name.trig"], gate=shacl_gate)
    assert "needs a name" in refused.value.report.as_text()
    assert content_hash(loaded) == before


def test_an_accepted_addition_lands_next_to_the_data(loaded: Store, store, shacl_gate) -> None:
    settings = Settings(store="memory", _env_file=None)
    load(loaded, settings, [FIXTURES / "extra-cluster.trig"], gate=shacl_gate)
    load(store, settings, [FIXTURES / "extra-cluster.trig"], gate=shacl_gate)
    assert set(loaded.quads()) == set(store.quads())
    assert content_hash(loaded) == content_hash(store)


def test_apply_clears_removes_and_adds_like_the_embedded_store(loaded: Store, store) -> None:
    s, p = NamedNode(BASE + "cluster/contract-apply"), NamedNode(BASE + "ontology/note")
    first = [Quad(s, p, Literal(f"note {i}"), TEST_GRAPH) for i in range(5)]
    for db in (loaded, store):
        db.apply(add=first)
    victim = next(q for q in store.quads(graph=NamedNode(BASE + "ontology")))
    cleared = next(g for g in store.named_graphs() if g.value.startswith(BASE + "source/"))
    change = {
        "add": [Quad(s, p, Literal("replacement", language="en"), TEST_GRAPH), Quad(s, p, Literal("2.50", datatype=NamedNode(XSD + "decimal")), TEST_GRAPH)],
        "remove": [first[0], first[1], victim, Quad(s, p, Literal("never stored"), TEST_GRAPH)],
        "clear_graphs": [cleared],
    }
    for db in (loaded, store):
        db.apply(**change)
    assert set(loaded.quads()) == set(store.quads())
    assert list(loaded.quads(graph=cleared)) == []
    assert victim not in set(loaded.quads(graph=victim.graph_name))
    assert cleared not in loaded.named_graphs()


def test_dump_round_trips_the_dataset_and_single_graphs(loaded: Store) -> None:
    everything = set(loaded.quads())
    assert set(parse(loaded.dump(RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)) == everything
    assert set(parse(loaded.dump(RdfFormat.TRIG), format=RdfFormat.TRIG)) == everything
    ontology = NamedNode(BASE + "ontology")
    as_turtle = {(t.subject, t.predicate, t.object) for t in parse(loaded.dump(RdfFormat.TURTLE, graph=ontology), format=RdfFormat.TURTLE)}
    assert as_turtle == {(q.subject, q.predicate, q.object) for q in everything if q.graph_name == ontology}
    union = {(t.subject, t.predicate, t.object) for t in parse(loaded.dump(RdfFormat.N_TRIPLES), format=RdfFormat.N_TRIPLES)}
    assert union == {(q.subject, q.predicate, q.object) for q in everything}


def test_an_update_is_visible_to_queries_and_lists_its_graph(loaded: Store) -> None:
    loaded.update(f'INSERT DATA {{ GRAPH {TEST_GRAPH} {{ <{BASE}cluster/x> <{BASE}ontology/note> "via update" }} }}')
    assert TEST_GRAPH in loaded.named_graphs()
    answer = loaded.query(f"SELECT ?n WHERE {{ <{BASE}cluster/x> <{BASE}ontology/note> ?n }}")
    assert [s["n"] for s in answer] == [Literal("via update")]
    loaded.update(f"DROP SILENT GRAPH {TEST_GRAPH}")
    assert TEST_GRAPH not in loaded.named_graphs()


def test_a_graph_emptied_by_clear_is_no_longer_listed(loaded: Store) -> None:
    loaded.update(f'INSERT DATA {{ GRAPH {TEST_GRAPH} {{ <{BASE}cluster/x> <{BASE}ontology/note> "soon gone" }} }}')
    loaded.update(f"CLEAR GRAPH {TEST_GRAPH}")
    assert list(loaded.quads(graph=TEST_GRAPH)) == []
    assert TEST_GRAPH not in loaded.named_graphs()


def test_a_bad_query_is_a_query_error_and_changes_nothing(loaded: Store) -> None:
    before = loaded.count()
    for sparql in (
        "SELECT * WHERE { ?s ?p }",
        "SELEKT ?s WHERE { ?s ?p ?o }",
        f"INSERT DATA {{ GRAPH {TEST_GRAPH} {{ <urn:a> <urn:b> <urn:c> }} }}",  # an update sent as a query
    ):
        with pytest.raises(QueryError):
            loaded.query(sparql)
    assert loaded.count() == before
    assert TEST_GRAPH not in loaded.named_graphs()


def test_an_on_disk_store_opened_read_only_answers_and_closes(tmp_path) -> None:
    from pathlib import Path as _Path

    from clustergraph.store import EmbeddedStore

    writer = EmbeddedStore(_Path(tmp_path / "db"))
    writer.update('INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> <https://example.org/p> "o" } }')
    writer.close()
    reader = EmbeddedStore(_Path(tmp_path / "db"), read_only=True)
    assert reader.count() == 1
    reader.close()
