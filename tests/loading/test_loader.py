"""The loader refuses bad input with a readable reason and never changes the store when it does."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.errors import InputError, ValidationFailed
from clustergraph.loading import validation
from clustergraph.loading.loader import load
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore, content_hash

BROKEN = Path(__file__).resolve().parent.parent / "fixtures" / "broken"


def broken_cases() -> list[tuple[str, str, str]]:
    with (BROKEN / "expected.csv").open(newline="", encoding="utf-8") as handle:
        return [(row["file"], row["stage"], row["expected_message_fragment"]) for row in csv.DictReader(handle)]


def refusal_text(err: Exception) -> str:
    if isinstance(err, ValidationFailed) and err.report is not None:
        return err.report.as_text()
    return str(err)


def test_there_are_at_least_fifteen_broken_inputs() -> None:
    assert len(broken_cases()) >= 15


@pytest.mark.parametrize("mode", ["whole-store", "around-the-change"])
@pytest.mark.parametrize(("name", "stage", "fragment"), broken_cases())
def test_broken_input_is_refused_with_its_reason_and_the_store_is_unchanged(
    store, settings, shacl_gate, monkeypatch, name, stage, fragment, mode
) -> None:
    if mode == "around-the-change":
        monkeypatch.setattr(validation, "FULL_VALIDATION_LIMIT", 0)
    before = content_hash(store)
    expected = InputError if stage == "parse" else ValidationFailed
    with pytest.raises(expected) as refused:
        load(store, settings, [BROKEN / name], gate=shacl_gate)
    assert fragment.lower() in refusal_text(refused.value).lower()
    assert content_hash(store) == before


def test_bundled_data_conforms_without_violations(empty_store, settings, shacl_gate) -> None:
    result = load(empty_store, settings, gate=shacl_gate)
    assert result.committed
    assert result.report.violations == []
    assert empty_store.count() == result.quads


def test_loading_the_same_data_twice_gives_the_same_store(store, settings, shacl_gate) -> None:
    before = content_hash(store)
    load(store, settings, gate=shacl_gate)
    assert content_hash(store) == before


def test_a_refused_load_leaves_an_on_disk_store_exactly_as_it_was(tmp_path, shacl_gate) -> None:
    settings = Settings(store=str(tmp_path / "db"))
    db = EmbeddedStore(Path(settings.store))
    load(db, settings, gate=shacl_gate)
    before = content_hash(db)
    name = next(file for file, stage, _ in broken_cases() if stage == "shacl")
    with pytest.raises(ValidationFailed):
        load(db, settings, [BROKEN / name], gate=shacl_gate)
    db.close()
    reopened = EmbeddedStore(Path(settings.store))
    assert content_hash(reopened) == before
    reopened.close()


def test_every_fact_is_in_a_named_graph_and_the_ontology_has_its_own(store) -> None:
    graphs = {g.value for g in store.named_graphs()}
    assert "https://w3id.org/clustergraph/ontology" in graphs
    # The default graph holds the merge of the named graphs and nothing else: no fact without a source.
    default = __import__("pyoxigraph").DefaultGraph()
    merged = {(q.subject, q.predicate, q.object) for q in store.quads(graph=default)}
    assert merged == {(q.subject, q.predicate, q.object) for q in store.quads() if q.graph_name != default}


def test_a_dump_with_its_merged_default_graph_loads_like_its_named_graphs(store, settings, shacl_gate, tmp_path) -> None:
    from pyoxigraph import DefaultGraph, RdfFormat

    from clustergraph.store import EmbeddedStore, content_hash

    dump = tmp_path / "dump.trig"
    dump.write_bytes(store.dump(RdfFormat.TRIG))
    assert any(q.graph_name == DefaultGraph() for q in store.quads())  # the dump holds the merge too
    reloaded = EmbeddedStore(None)
    result = load(reloaded, settings, [dump], gate=shacl_gate)
    assert result.committed and content_hash(reloaded) == content_hash(store)


def test_reloading_the_bundled_data_replaces_its_graphs(store, settings, shacl_gate) -> None:
    graph = store.named_graphs()[-1]
    stray = Quad(NamedNode("https://w3id.org/clustergraph/cluster/chemie-nrw"),
                 NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"), Literal("stray"), graph)
    store.apply(add=[stray])
    load(store, settings, gate=shacl_gate)
    assert stray not in set(store.quads(graph=graph))


def test_dry_run_validates_without_writing(store, settings, shacl_gate, tmp_path) -> None:
    before = content_hash(store)
    extra = tmp_path / "extra.trig"
    extra.write_text(
        '@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix cluster: <cluster/> .\n'
        '<source/seed-report-2022-s2> { cluster:chemie-nrw skos:altLabel "Chemistry cluster"@en . }\n'
    )
    result = load(store, settings, [extra], gate=shacl_gate, dry_run=True)
    assert result.report.conforms and not result.committed
    assert content_hash(store) == before


def test_unknown_file_extension_is_an_input_error(store, settings, shacl_gate, tmp_path) -> None:
    odd = tmp_path / "data.docx"
    odd.write_text("not rdf")
    with pytest.raises(InputError, match="unknown RDF file extension"):
        load(store, settings, [odd], gate=shacl_gate)
