"""The SPARQL toolkit of the catalogue: ids, bound variables, VALUES blocks."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from clustergraph.catalog import Catalog, ClusterFilters, list_clusters, search
from clustergraph.catalog.query import Fragment, compose, values
from clustergraph.settings import DEFAULT_BASE_IRI

BASE = DEFAULT_BASE_IRI


def test_ids_are_the_slugs_of_the_iris(cat: Catalog) -> None:
    assert cat.iri("cluster", "its-owl") == NamedNode(f"{BASE}cluster/its-owl")
    assert cat.id_of(f"{BASE}cluster/its-owl") == "its-owl"
    assert cat.kind_of(f"{BASE}innovation-field/key-technologies-ict") == "innovation-field"
    assert cat.id_of("https://w3id.org/clustergraph/ontology/Gold") == "Gold"
    assert cat.kind_of("http://example.org/x") is None


@pytest.mark.parametrize("slug", ["", "ITS", "a b", "a/../b", "x>", "-x", "x--y", 'x" . }'])
def test_ids_that_cannot_be_slugs_are_refused(cat: Catalog, slug: str) -> None:
    with pytest.raises(ValueError):
        cat.iri("cluster", slug)


def test_values_accepts_only_iris_and_escapes_nothing_into_the_query() -> None:
    block = values("s", [NamedNode("http://example.org/a"), NamedNode("http://example.org/b")])
    assert block == "VALUES ?s { <http://example.org/a> <http://example.org/b> }"
    with pytest.raises(TypeError):
        values("s", [Literal("} DROP ALL {")])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        values("s }", [])


def test_compose_binds_the_variables_of_the_active_fragments() -> None:
    sparql, bindings = compose(
        "SELECT ?s #BOUND# WHERE { ?s ?p ?o #FILTERS# }",
        [(Fragment("?s <http://example.org/p> ?x .", ("x",)), {"x": Literal("v")})],
    )
    assert "?s <http://example.org/p> ?x ." in sparql and "SELECT ?s ?x WHERE" in sparql
    assert bindings == {"x": Literal("v")}
    with pytest.raises(ValueError):
        compose("#FILTERS# #BOUND#", [(Fragment("?y", ("y",)), {})])


@pytest.mark.parametrize("text", ['") } DROP ALL { ("', "'; DELETE WHERE { ?s ?p ?o }", "\\u0022 } #", "\"\"\"", "\x00"])
def test_user_text_reaches_queries_only_as_a_bound_value(cat: Catalog, text: str) -> None:
    """Query-breaking text is searched for as text: no error, no match, no change to the store."""
    before = cat.store.count()
    assert list_clusters(cat, ClusterFilters(q=text, city=text)).count == 0
    assert search(cat, text).count == 0
    assert cat.store.count() == before
