"""``diff`` between releases or dumps reports a known change exactly, per source and per resource."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.errors import InputError
from clustergraph.exports.diff import DEFAULT, as_json, as_text, compare, read_side
from clustergraph.exports.release import build_release, publication, write_release

BASE = "https://w3id.org/clustergraph/"
OWL = NamedNode(f"{BASE}cluster/its-owl")
HISTORY = NamedNode(f"{BASE}source/wikipedia-de-its-owl")
FOUNDED = NamedNode(f"{BASE}ontology/foundingDate")
GYEAR = NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
CHEMIE = NamedNode(f"{BASE}cluster/chemie-nrw")
CHEMIE_SOURCE = NamedNode(f"{BASE}source/nrw-innovationspartner-chemie-nrw")


@pytest.fixture
def two_releases(store, settings, tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    write_release(build_release(store, publication(settings, "http://127.0.0.1:8000/")), old)
    store.apply(
        remove=[Quad(OWL, FOUNDED, Literal("2011", datatype=GYEAR), HISTORY)],
        add=[Quad(OWL, FOUNDED, Literal("2012", datatype=GYEAR), HISTORY),
             Quad(CHEMIE, ALT, Literal("Chemie-Cluster", language="de"), CHEMIE_SOURCE)],
    )
    write_release(build_release(store, publication(settings, "http://127.0.0.1:8000/")), new)
    return old, new


def test_a_known_change_is_reported_exactly(two_releases) -> None:
    old, new = two_releases
    report = as_json(compare(read_side(old, base_iri=BASE), read_side(new, base_iri=BASE)))
    assert (report["added"], report["removed"]) == (2, 1)
    assert report["old"]["version"] != report["new"]["version"]
    founded = lambda year: [str(OWL), str(FOUNDED), f'"{year}"^^{GYEAR}', HISTORY.value]  # noqa: E731
    alt = [str(CHEMIE), str(ALT), '"Chemie-Cluster"@de', CHEMIE_SOURCE.value]
    assert report["by_source"] == [  # in the order of the sources' IRIs
        {"source": CHEMIE_SOURCE.value, "added": [alt], "removed": []},
        {"source": HISTORY.value, "added": [founded(2012)], "removed": [founded(2011)]},
    ]
    assert report["by_resource"] == [
        {"resource": CHEMIE.value, "added": [alt], "removed": []},
        {"resource": OWL.value, "added": [founded(2012)], "removed": [founded(2011)]},
    ]


def test_the_text_report_lists_each_fact_with_a_sign(two_releases) -> None:
    old, new = two_releases
    text = as_text(compare(read_side(old, base_iri=BASE), read_side(new, base_iri=BASE)))
    assert "2 facts added, 1 removed" in text
    assert f'    + {OWL} {FOUNDED} "2012"^^{GYEAR}\n' in text
    assert f'    - {FOUNDED} "2011"^^{GYEAR} (in {HISTORY.value})\n' in text
    assert f"  {HISTORY.value}  +1 -1\n" in text and f"  {OWL.value}  +1 -1\n" in text


def test_the_same_release_as_folder_or_as_any_of_its_dumps_has_no_change(two_releases) -> None:
    _old, new = two_releases
    folder = read_side(new, base_iri=BASE)
    for name in ("clustergraph.nq.gz", "clustergraph.trig.gz", "clustergraph.jsonld.gz"):
        side = read_side(new / name, base_iri=BASE)
        assert side.facts == folder.facts, name
    plain = new / "plain.nq"
    plain.write_bytes(gzip.decompress((new / "clustergraph.nq.gz").read_bytes()))
    assert read_side(plain, base_iri=BASE).facts == folder.facts


def test_a_turtle_dump_counts_as_the_default_graph(two_releases) -> None:
    _old, new = two_releases
    side = read_side(new / "clustergraph.ttl.gz", base_iri=BASE)
    assert {fact[3] for fact in side.facts} == {DEFAULT}


def test_unreadable_inputs_are_input_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.nq.gz"
    broken.write_bytes(b"not gzip")
    for path in (tmp_path / "missing", tmp_path, broken):
        with pytest.raises(InputError):
            read_side(path, base_iri=BASE)
