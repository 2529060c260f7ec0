"""`clustergraph export release` and `clustergraph diff` as a maintainer runs them: real processes,
a disk store, a change loaded between two releases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run

BASE = "https://w3id.org/clustergraph/"
# wikipedia-de-its-owl with its founding year changed from 2011 to 2012 (loaded with --replace).
CHANGE = """
@prefix cg: <https://w3id.org/clustergraph/ontology/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
GRAPH <source/wikipedia-de-its-owl> {
    <cluster/its-owl> skos:prefLabel "it's OWL – Intelligente Technische Systeme OstWestfalenLippe"@de ;
        cg:foundingDate "2012"^^xsd:gYear ;
        cg:fundedBy <organisation/bmbf> ;
        cg:technology <technology/intelligent-technical-systems> .
    <organisation/its-owl-clustermanagement-gmbh> cg:basedIn <place/paderborn> .
}
"""
CHANGED_SOURCE = f"{BASE}source/wikipedia-de-its-owl"


def data_date() -> str:
    """The date a release of the bundled data carries: the latest date its sources state."""
    from clustergraph.exports.sources import data_modified, read_sources
    from clustergraph.loading.loader import ensure_loaded
    from clustergraph.settings import Settings
    from clustergraph.store import EmbeddedStore

    store = EmbeddedStore()
    ensure_loaded(store, Settings(store="memory", _env_file=None))
    return data_modified(read_sources(store, BASE).values()).date().isoformat()




@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("releases")
    store = folder / "store"
    assert run("load", store=store).returncode == 0
    paths = {name: folder / name for name in ("first", "again", "changed")}
    for name in ("first", "again"):
        done = run("export", "release", "--out", str(paths[name]), store=store)
        assert done.returncode == 0, done.stderr
        assert f"wrote release {data_date()}-" in done.stderr
    change = folder / "change.trig"
    change.write_text(CHANGE, encoding="utf-8")
    loaded = run("load", str(change), "--replace", store=store)
    assert loaded.returncode == 0, loaded.stderr
    done = run("export", "release", "-o", str(paths["changed"]), store=store)
    assert done.returncode == 0, done.stderr
    return paths


def test_two_releases_of_the_same_store_are_byte_identical(releases: dict[str, Path]) -> None:
    first, again = releases["first"], releases["again"]
    names = sorted(p.name for p in first.iterdir())
    assert "SHA256SUMS" in names and "manifest.json" in names
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_diff_reports_the_loaded_change_exactly(releases: dict[str, Path]) -> None:
    done = run("diff", str(releases["first"]), str(releases["changed"]), "-f", "json", store="memory")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    fact = lambda year: [f"<{BASE}cluster/its-owl>", f"<{BASE}ontology/foundingDate>",  # noqa: E731
                         f'"{year}"^^<http://www.w3.org/2001/XMLSchema#gYear>', CHANGED_SOURCE]
    assert report["by_source"] == [{"source": CHANGED_SOURCE, "added": [fact(2012)], "removed": [fact(2011)]}]
    assert report["by_resource"] == [{"resource": f"{BASE}cluster/its-owl", "added": [fact(2012)], "removed": [fact(2011)]}]
    text = run("diff", str(releases["first"]), str(releases["changed"]), store="memory").stdout
    assert "1 facts added, 1 removed" in text
    same = run("diff", str(releases["first"]), str(releases["again"] / "clustergraph.trig.gz"), store="memory")
    assert "0 facts added, 0 removed" in same.stdout


def test_release_needs_a_folder_and_diff_needs_readable_inputs(tmp_path: Path) -> None:
    done = run("export", "release", store="memory")
    assert done.returncode == 2 and "--out" in done.stderr
    missing = run("diff", str(tmp_path / "nothing"), str(tmp_path), store="memory")
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
