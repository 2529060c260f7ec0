"""Releases: byte-identical for the same data, checksummed, described exactly by DCAT-AP catalogues
that pass the official shapes, with a manifest whose date is the data's own."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, RdfFormat, parse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from support.oai import dcat_ap_report

from clustergraph.exports.release import DUMP_KINDS, MANIFEST, SUMS, build_release, publication, write_release
from clustergraph.exports.release_catalog import PROFILES, SPDX
from clustergraph.store import EmbeddedStore

SERVICE = "http://127.0.0.1:8000/"


@pytest.fixture
def release(store, settings):
    return build_release(store, publication(settings, SERVICE))


def test_two_releases_of_the_same_data_are_byte_identical(store, settings, loaded_quads, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_release(build_release(store, publication(settings, SERVICE)), first)
    write_release(build_release(store, publication(settings, SERVICE)), second)
    other = EmbeddedStore(None)  # the same data inserted in another order, in another store
    other.apply(add=list(reversed(loaded_quads)))
    third = tmp_path / "third"
    write_release(build_release(other, publication(settings, SERVICE)), third)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) == sorted(p.name for p in third.iterdir())
    assert len(names) == len(DUMP_KINDS) + len(PROFILES) + 2
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes() == (third / name).read_bytes(), name


def test_gzip_headers_carry_no_time_and_no_file_name(release) -> None:
    for kind in DUMP_KINDS:
        header = release.files[kind.name][:10]
        assert header[3] == 0  # FLG: no FNAME, no comment
        assert header[4:8] == b"\0\0\0\0"  # MTIME


def test_sha256sums_cover_every_other_file(release) -> None:
    lines = release.files[SUMS].decode("ascii").splitlines()
    listed = {name: digest for digest, name in (line.split("  ") for line in lines)}
    assert set(listed) == set(release.files) - {SUMS}
    for name, digest in listed.items():
        assert hashlib.sha256(release.files[name]).hexdigest() == digest


def test_the_manifest_gives_version_date_and_counts_per_graph(release, store) -> None:
    manifest = json.loads(release.files[MANIFEST])
    assert manifest["date"] == release.date == "2026-12-05"  # the latest date the data states (pages read), not today
    nquads = gzip.decompress(release.files["clustergraph.nq.gz"])
    assert manifest["version"] == f"2026-12-05-{hashlib.sha256(nquads).hexdigest()[:12]}" == release.version
    counts: dict[str, int] = {}
    for q in store.quads():
        if not isinstance(q.graph_name, DefaultGraph):
            counts[q.graph_name.value] = counts.get(q.graph_name.value, 0) + 1
    assert {g["graph"]: g["quads"] for g in manifest["graphs"]} == counts
    assert manifest["quads"] == store.count()
    for entry in manifest["files"]:
        data = release.files[entry["name"]]
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())


def test_every_dump_holds_the_store_s_data(release, store) -> None:
    stored = set(store.quads())
    merged = {q.triple for q in stored if isinstance(q.graph_name, DefaultGraph)}
    for kind in DUMP_KINDS:
        parsed = list(parse(gzip.decompress(release.files[kind.name]), format=kind.fmt))
        if kind.fmt is RdfFormat.TURTLE:
            assert {q.triple for q in parsed} == merged and len(parsed) == len(merged), kind.name
        else:
            assert set(parsed) == stored and len(parsed) == len(stored), kind.name


@pytest.mark.parametrize("profile", PROFILES, ids=[p.version for p in PROFILES])
def test_each_catalogue_passes_its_dcat_ap_shapes_and_describes_exactly_the_dumps(release, profile) -> None:
    graph = Graph().parse(data=release.files[profile.name], format="turtle")
    assert dcat_ap_report(graph, profile.version) is None
    base = f"{SERVICE}releases/{release.version}/"
    dists = {str(graph.value(d, DCAT.downloadURL)).removeprefix(base): d for d in graph.subjects(RDF.type, DCAT.Distribution)}
    assert set(dists) == {kind.name for kind in DUMP_KINDS}
    algorithm = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}[profile.checksum]
    for kind in DUMP_KINDS:
        dist, data = dists[kind.name], release.files[kind.name]
        assert int(graph.value(dist, DCAT.byteSize)) == len(data)
        assert graph.value(dist, DCAT.byteSize).datatype == profile.byte_size_type
        checksum = graph.value(dist, SPDX.checksum)
        assert graph.value(checksum, SPDX.algorithm) == SPDX[f"checksumAlgorithm_{profile.checksum}"]
        assert str(graph.value(checksum, SPDX.checksumValue)) == algorithm(data).hexdigest()
        assert graph.value(dist, DCAT.mediaType) == URIRef(f"https://www.iana.org/assignments/media-types/{kind.media_type}")
        assert graph.value(dist, DCAT.compressFormat) == URIRef("https://www.iana.org/assignments/media-types/application/gzip")
    dataset = next(graph.subjects(RDF.type, DCAT.Dataset))
    assert str(graph.value(dataset, DCTERMS.modified)) == release.date


def test_writing_again_replaces_the_files_and_leaves_no_partial_file(release, tmp_path: Path) -> None:
    out = tmp_path / "release"
    out.mkdir()
    (out / MANIFEST).write_text("an older manifest")
    write_release(release, out)
    write_release(release, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(release.files)
    assert (out / MANIFEST).read_bytes() == release.files[MANIFEST]
