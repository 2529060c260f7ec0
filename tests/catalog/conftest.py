"""Fixtures of the catalogue tests: the bundled data, and a small made-up landscape for matching."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clustergraph.catalog import Catalog
from clustergraph.loading.parse import parse_path
from clustergraph.settings import DEFAULT_BASE_IRI
from clustergraph.store import EmbeddedStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def cat(store: EmbeddedStore) -> Catalog:
    """The catalogue over a fresh store holding the bundled ontology and data."""
    return Catalog(store, DEFAULT_BASE_IRI)


@pytest.fixture
def toy(shacl_gate) -> Iterator[Catalog]:
    """The catalogue over ``fixtures/matching.trig`` plus the ontology (for its subclass triples)."""
    db = EmbeddedStore(None)
    db.apply(add=shacl_gate.ontology_quads + parse_path(FIXTURES / "matching.trig", base_iri=DEFAULT_BASE_IRI))
    yield Catalog(db, DEFAULT_BASE_IRI)
    db.close()
