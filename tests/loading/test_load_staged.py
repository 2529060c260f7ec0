"""A load through a staging store gives the store that the one-transaction load gives, keeps the
merged default graph, holds neither its input nor the store in Python, and a refused or failed
load leaves the store (fresh or not) exactly as it was, with no staging folder left behind."""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, parse

from clustergraph.errors import InputError, ValidationFailed
from clustergraph.loading import loader
from clustergraph.loading.loader import load
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore, content_hash

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "broken"
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

SEED = 11


@pytest.fixture(scope="module")
def landscape(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated landscape of about 10,000 quads (synthetic.nq plus a copy of the bundled data)."""
    return generate(10_000, SEED, out_root=tmp_path_factory.mktemp("landscape"))


@pytest.fixture(params=["in memory", "on disk"])
def settings(request: pytest.FixtureRequest) -> Settings:
    """Settings that stage a load in memory, or on disk (as bigger loads are)."""
    limit = {"in memory": 10**12, "on disk": 0}[request.param]
    return Settings(store="memory", load_memory_bytes=limit, _env_file=None)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[EmbeddedStore]:
    db = EmbeddedStore(tmp_path / "db")
    yield db
    db.close()


def listed(store: EmbeddedStore, settings: Settings, paths: list[Path] | None, gate, **options):
    """The reference: the load that holds its input as one list and commits it in one transaction."""
    bundled = paths is None
    request = loader.Request(inputs=loader.bundled_inputs(settings) if bundled else paths, bundled=bundled,
                             graph=None, replace=options.get("replace", bundled), dry_run=False, gate=gate)
    return loader.load_listed(store, settings, request)


def merge_is_kept(store: EmbeddedStore) -> bool:
    merged = {(q.subject, q.predicate, q.object) for q in store.quads(graph=DefaultGraph())}
    named = {(q.subject, q.predicate, q.object) for q in store.quads() if not isinstance(q.graph_name, DefaultGraph)}
    return merged == named


def staging_left(store: EmbeddedStore) -> list[Path]:
    return list(store.path.parent.glob(f".{store.path.name}.staging-*"))


def test_a_first_load_through_staging_equals_the_one_transaction_load(disk, landscape, settings, shacl_gate) -> None:
    reference = EmbeddedStore(None)
    expected = listed(reference, settings, [landscape], shacl_gate)
    result = load(disk, settings, [landscape], gate=shacl_gate)
    assert result.committed and result.quads == expected.quads == disk.count()
    assert result.graphs == expected.graphs
    assert content_hash(disk) == content_hash(reference)
    assert merge_is_kept(disk)
    assert staging_left(disk) == []


@pytest.mark.parametrize("replace", [False, True])
def test_a_big_load_into_a_filled_store_equals_the_one_transaction_load(tmp_path, landscape, settings, shacl_gate, replace) -> None:
    reference = EmbeddedStore(None)
    listed(reference, settings, None, shacl_gate)
    listed(reference, settings, [landscape / "synthetic.nq", landscape / "bundled"], shacl_gate, replace=replace)
    db = EmbeddedStore(tmp_path / "db")
    load(db, settings, gate=shacl_gate)
    stored = db.count()
    result = load(db, settings, [landscape / "synthetic.nq", landscape / "bundled"], gate=shacl_gate, replace=replace)
    assert result.quads * loader.SMALL_SHARE >= stored  # the staged path, not the one around the change
    assert content_hash(db) == content_hash(reference)
    assert merge_is_kept(db)
    db.close()
    reopened = EmbeddedStore(tmp_path / "db")
    assert content_hash(reopened) == content_hash(reference)
    reopened.close()


def test_a_dump_with_its_default_graph_loads_through_staging(tmp_path, landscape, settings, shacl_gate) -> None:
    source = EmbeddedStore(None)
    load(source, settings, [landscape], gate=shacl_gate)
    dump = tmp_path / "dump.nq"
    dump.write_bytes(source.dump(RdfFormat.N_QUADS))
    db = EmbeddedStore(tmp_path / "db")
    load(db, settings, [dump], gate=shacl_gate)
    assert content_hash(db) == content_hash(source)
    db.close()


def test_a_refused_first_load_leaves_the_fresh_store_empty(tmp_path, landscape, settings, shacl_gate) -> None:
    db = EmbeddedStore(tmp_path / "db")
    with pytest.raises(ValidationFailed, match="nothing was written"):
        load(db, settings, [landscape, BROKEN / "missing-name.trig"], gate=shacl_gate)
    assert list(db.quads()) == []
    assert staging_left(db) == []
    db.close()
    reopened = EmbeddedStore(tmp_path / "db")
    assert list(reopened.quads()) == []
    reopened.close()


@pytest.mark.parametrize("bad", ["missing-name.trig", "default-graph.trig", "bad-syntax.trig"])
def test_a_refused_big_load_leaves_a_filled_store_as_it_was(tmp_path, landscape, settings, shacl_gate, bad) -> None:
    db = EmbeddedStore(tmp_path / "db")
    load(db, settings, gate=shacl_gate)
    before = content_hash(db)
    expected = InputError if bad.startswith("bad-syntax") else ValidationFailed
    with pytest.raises(expected):
        load(db, settings, [landscape / "synthetic.nq", BROKEN / bad], gate=shacl_gate)
    assert content_hash(db) == before
    assert staging_left(db) == []
    db.close()
    reopened = EmbeddedStore(tmp_path / "db")
    assert content_hash(reopened) == before
    reopened.close()


def test_a_dry_run_through_staging_writes_nothing(disk, landscape, settings, shacl_gate) -> None:
    result = load(disk, settings, [landscape], gate=shacl_gate, dry_run=True)
    assert result.report.conforms and not result.committed
    assert list(disk.quads()) == [] and staging_left(disk) == []


def test_blank_nodes_are_skolemised_the_same_way_twice(tmp_path, settings, shacl_gate) -> None:
    data = tmp_path / "extra.trig"
    data.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dct: <http://purl.org/dc/terms/> .\n"
        "<source/seed-report-2022-s2> { <cluster/chemie-nrw> dct:relation [ skos:prefLabel \"x\"@en ] . }\n"
    )
    hashes = []
    for name in ("a", "b"):
        db = EmbeddedStore(tmp_path / name)
        load(db, settings, gate=shacl_gate)
        load(db, settings, [data], gate=shacl_gate, replace=False)
        assert not any(q.subject.__class__.__name__ == "BlankNode" or q.object.__class__.__name__ == "BlankNode"
                       for q in db.quads())
        hashes.append(content_hash(db))
        db.close()
    assert hashes[0] == hashes[1]


def test_a_streamed_load_never_holds_its_input_in_python(tmp_path, settings, shacl_gate) -> None:
    """The loader's Python allocations stay far below what the input's quads take as Python objects."""
    data = generate(40_000, SEED, out_root=tmp_path / "landscape") / "synthetic.nq"
    tracemalloc.start()
    quads = list(parse(path=str(data), format=RdfFormat.N_QUADS))
    as_objects = tracemalloc.get_traced_memory()[0]
    del quads
    tracemalloc.stop()
    db = EmbeddedStore(tmp_path / "db")
    load(db, settings, gate=shacl_gate)  # the bundled data it points to (and the gate built)
    tracemalloc.start()
    result = load(db, settings, [data], gate=shacl_gate)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    db.close()
    assert result.quads > 30_000
    assert peak < as_objects / 5, f"the load peaked at {peak} bytes; the input as Python objects takes {as_objects}"


def test_the_old_store_is_kept_while_the_new_is_swapped_in(tmp_path, landscape, settings, shacl_gate) -> None:
    """The commit exchanges folders: no copy of the store is left beside it afterwards."""
    db = EmbeddedStore(tmp_path / "db")
    load(db, settings, gate=shacl_gate)
    load(db, settings, [landscape / "synthetic.nq"], gate=shacl_gate)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]
    assert NamedNode("https://w3id.org/clustergraph/ontology") in db.named_graphs()
    db.close()
