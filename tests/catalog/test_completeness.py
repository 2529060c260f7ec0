"""Completeness of the cluster profiles: the state of every field, on a fixture whose answer is
known by construction (``fixtures/completeness.trig``), on the bundled data (invariants only),
and on a remote store (a real Virtuoso) alike."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clustergraph.catalog import Catalog
from clustergraph.catalog.completeness import FIELD_KEYS, FIELDS, STATES, completeness
from clustergraph.errors import NotFound
from clustergraph.exports import eccp
from clustergraph.loading.parse import parse_path
from clustergraph.namespaces import sparql_prologue
from clustergraph.settings import DEFAULT_BASE_IRI
from clustergraph.store import EmbeddedStore
from tests.catalog.conftest import FIXTURES

BASE = DEFAULT_BASE_IRI
SOURCE = BASE + "source/"
# The answer by construction (see the fixture's header); every other field is missing.
EXPECTED = {
    "alpha": {
        "name": "sourced", "kind": "sourced", "homepage": "sourced", "member_count": "sourced",
        "innovation_fields": "editorial", "industrial_ecosystems": "editorial", "funding_programmes": "editorial",
        "managing_organisation": "research_gap", "labels": "research_gap",
    },
    "beta": {
        "technologies": "sourced", "managing_organisation": "sourced", "homepage": "sourced", "name": "editorial",
    },
}
CLUSTERS = sparql_prologue() + "SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster }"
EDITORIAL_SOURCES = sparql_prologue() + "SELECT ?g WHERE { ?g a cg:EditorialSource }"


def fixture_quads(shacl_gate) -> list:
    return shacl_gate.ontology_quads + parse_path(FIXTURES / "completeness.trig", base_iri=BASE)


@pytest.fixture
def made_up(shacl_gate) -> Iterator[Catalog]:
    db = EmbeddedStore(None)
    db.apply(add=fixture_quads(shacl_gate))
    yield Catalog(db, BASE)
    db.close()


def states(row) -> dict[str, str]:
    return {cell.field: cell.state for cell in row.fields}


def test_each_field_has_the_state_the_fixture_was_built_with(made_up: Catalog) -> None:
    table = completeness(made_up)
    assert [row.id for row in table.data] == ["alpha", "beta"]  # the organisation "m" is no cluster
    for row in table.data:
        expected = {key: EXPECTED[row.id].get(key, "missing") for key in FIELD_KEYS}
        assert states(row) == expected, row.id


def test_the_totals_count_the_cells_of_each_state(made_up: Catalog) -> None:
    table = completeness(made_up)
    every = [state for cells in EXPECTED.values() for state in cells.values()]
    cells = len(EXPECTED) * len(FIELDS)
    assert table.totals.cells == cells == 34
    assert table.totals.sourced == every.count("sourced") == 7
    assert table.totals.editorial == every.count("editorial") == 4
    assert table.totals.research_gap == every.count("research_gap") == 2
    assert table.totals.missing == cells - len(every) == 21
    assert table.totals.unknown == table.totals.research_gap + table.totals.missing
    by_field = {f.id: f.counts for f in table.fields}
    assert by_field["homepage"].sourced == 2 and by_field["founding_date"].missing == 2
    assert by_field["managing_organisation"].research_gap == 1 and by_field["managing_organisation"].sourced == 1
    assert {row.id: row.counts.sourced for row in table.data} == {"alpha": 4, "beta": 3}


def test_each_state_names_the_graphs_behind_it(made_up: Catalog) -> None:
    cells = {cell.field: cell for cell in completeness(made_up, "beta").data[0].fields}
    # The homepage is sourced: its site states it; that the editors repeat it does not count.
    assert cells["homepage"].sources == [SOURCE + "beta-site"]
    assert [(v.value, v.state) for v in cells["technologies"].values] == [
        (BASE + "technology/t1", "sourced"), (BASE + "technology/t2", "editorial")
    ]
    assert cells["technologies"].sources == [SOURCE + "beta-site"]
    # Stated on the site, but marked as the editors' own translation.
    assert cells["name"].state == "editorial" and cells["name"].values[0].state == "editorial"
    alpha = {cell.field: cell for cell in completeness(made_up, "alpha").data[0].fields}
    assert alpha["labels"].gaps == [BASE + "research-gap/alpha-labels"]
    assert alpha["labels"].sources == alpha["managing_organisation"].sources == [SOURCE + "research-gaps"]
    assert alpha["funding_programmes"].sources == [SOURCE + "alpha-site", SOURCE + "editorial"]
    assert alpha["member_count"].values[0].value == "12"
    assert alpha["founding_date"].values == [] and alpha["founding_date"].sources == []


def test_one_cluster_gives_its_row_of_the_whole_table(made_up: Catalog) -> None:
    whole = {row.id: row for row in completeness(made_up).data}
    one = completeness(made_up, "alpha")
    assert one.count == 1 and one.data == [whole["alpha"]]
    assert one.totals == one.data[0].counts


@pytest.mark.parametrize("cluster", ["gamma", "m", "alpha' } #", "ALPHA"])
def test_an_unknown_or_odd_cluster_id_is_not_found(made_up: Catalog, cluster: str) -> None:
    with pytest.raises(NotFound):
        completeness(made_up, cluster)


def test_the_fields_are_those_of_the_eccp_export_and_more(made_up: Catalog) -> None:
    columns = {f.eccp for f in FIELDS if f.eccp}
    assert columns <= set(eccp.FIELDS), columns - set(eccp.FIELDS)
    # Every column of the export that the graph states per cluster has a field here; the
    # export's id, IRI, name variants and country are fixed or derived, not profile facts.
    stated = set(eccp.FIELDS) - {"id", "iri", "name_en", "name_de", "country", "managing_organisation_unknown", "sources"}
    assert stated <= columns, stated - columns


def test_on_the_bundled_data_every_cluster_has_a_row_of_known_states(cat: Catalog) -> None:
    table = completeness(cat)
    clusters = {row["c"].value for row in cat.store.query(CLUSTERS)}
    assert {row.iri for row in table.data} == clusters and table.count == len(clusters)
    editorial = {row["g"].value for row in cat.store.query(EDITORIAL_SOURCES)}
    for row in table.data:
        assert [cell.field for cell in row.fields] == list(FIELD_KEYS)
        for cell in row.fields:
            assert cell.state in STATES
            if cell.state == "sourced":  # at least one graph behind it is a public source
                assert set(cell.sources) - editorial, (row.id, cell.field)
            if cell.state == "editorial":
                assert set(cell.sources) <= editorial or any(v.state == "editorial" for v in cell.values)
            if cell.state in ("research_gap", "missing"):
                assert cell.values == []
    assert table.totals.cells == len(clusters) * len(FIELDS)
    assert sum(getattr(table.totals, state) for state in STATES) == table.totals.cells


def test_a_research_gap_on_the_bundled_data_is_recorded_in_an_editorial_graph(cat: Catalog) -> None:
    table = completeness(cat)
    editorial = {row["g"].value for row in cat.store.query(EDITORIAL_SOURCES)}
    gaps = [cell for row in table.data for cell in row.fields if cell.state == "research_gap"]
    assert gaps, "the bundled data records managing bodies that were not found"
    assert all(cell.sources and set(cell.sources) <= editorial for cell in gaps)


@pytest.mark.virtuoso
def test_a_remote_store_gives_the_same_table(shacl_gate, made_up: Catalog) -> None:
    from tests.catalog.test_remote_store import emptied_virtuoso

    remote = emptied_virtuoso()
    try:
        remote.apply(add=fixture_quads(shacl_gate))
        there = Catalog(remote, BASE)
        assert completeness(there).model_dump() == completeness(made_up).model_dump()
        assert completeness(there, "beta").model_dump() == completeness(made_up, "beta").model_dump()
    finally:
        remote.apply(clear_graphs=remote.named_graphs())
        remote.close()

