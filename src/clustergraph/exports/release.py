"""Releases: the whole dataset as files a platform can mirror, check and compare.

A release holds the dumps (N-Quads, TriG, JSON-LD: every named graph and their merge as the
default graph; Turtle: the merge), gzipped; the DCAT-AP catalogues describing exactly those
files (``release_catalog``); ``manifest.json`` (version, date, counts per graph, files); and
``SHA256SUMS`` over all of them (``sha256sum -c SHA256SUMS`` checks a copy).

Nothing depends on the clock or the store's insertion order: quads are sorted before they
are written, gzip gets a fixed mtime and no file name, and the date is the data's own
modification date (``exports.sources``). The same data gives byte-identical files.
The version is that date and the start of the SHA-256 of the uncompressed N-Quads dump.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version as package_version
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, RdfFormat, serialize

from clustergraph.exports.release_catalog import PROFILES, DumpFile, Publication, canonical_turtle, release_catalogue
from clustergraph.exports.sources import data_modified, read_sources
from clustergraph.files import write_atomically
from clustergraph.namespaces import PREFIXES, resource_prefixes
from clustergraph.progress import sized_step
from clustergraph.settings import Settings
from clustergraph.store.base import Store

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


@dataclass(frozen=True)
class DumpKind:
    name: str
    fmt: RdfFormat
    media_type: str
    file_type: str
    title: str


DUMP_KINDS: tuple[DumpKind, ...] = (
    DumpKind("clustergraph.nq.gz", RdfFormat.N_QUADS, "application/n-quads", "RDF_N_QUADS",
             "All graphs as N-Quads, gzipped (one named graph per source; their merge as the default graph)"),
    DumpKind("clustergraph.trig.gz", RdfFormat.TRIG, "application/trig", "RDF_TRIG",
             "All graphs as TriG, gzipped (one named graph per source; their merge as the default graph)"),
    DumpKind("clustergraph.jsonld.gz", RdfFormat.JSON_LD, "application/ld+json", "JSON_LD",
             "All graphs as JSON-LD, gzipped (one named graph per source; their merge as the default graph)"),
    DumpKind("clustergraph.ttl.gz", RdfFormat.TURTLE, "text/turtle", "RDF_TURTLE",
             "The merge of all graphs as Turtle, gzipped (each triple once)"),
)
MEDIA_TYPES = {kind.name: "application/gzip" for kind in DUMP_KINDS} | {
    profile.name: "text/turtle; charset=utf-8" for profile in PROFILES} | {
    MANIFEST: "application/json", SUMS: "text/plain; charset=utf-8"}


@dataclass(frozen=True)
class Release:
    """A release in memory: its version, date and files (name -> bytes, in the order they are written)."""

    version: str
    date: str
    files: dict[str, bytes]

    def sha256(self, name: str) -> str:
        return hashlib.sha256(self.files[name]).hexdigest()


def publication(settings: Settings, service_url: str) -> Publication:
    """Where this deployment publishes its releases: ``{service_url}releases/{version}/``."""
    root = service_url if service_url.endswith("/") else service_url + "/"
    return Publication(root, f"{root}releases/{{version}}/", settings.base_iri, settings.publisher_name,
                       settings.publisher_url)


def build_release(store: Store, where: Publication, *, progress: Callable[[str], None] | None = None) -> Release:
    """The release of the data in ``store``. ``where.release_url`` may contain ``{version}``,
    which is filled in once the version is known. ``progress`` is told of each file made (a bar
    on a terminal). Raises the store's errors."""
    quads = sorted(store.quads(), key=_order)
    merged = [q.triple for q in quads if isinstance(q.graph_name, DefaultGraph)]
    prefixes = {**PREFIXES, **resource_prefixes(where.base_iri)}
    nquads = serialize(quads, format=RdfFormat.N_QUADS)
    date = data_modified(read_sources(store, where.base_iri).values()).date().isoformat()
    version = f"{date}-{hashlib.sha256(nquads).hexdigest()[:12]}"
    where = Publication(where.service_url, where.release_url.replace("{version}", version), where.base_iri,
                        where.publisher_name, where.publisher_url)

    files: dict[str, bytes] = {}
    advance = sized_step(progress, f"making release {version}", len(DUMP_KINDS) + len(PROFILES))
    for kind in DUMP_KINDS:
        if kind.fmt is RdfFormat.N_QUADS:
            raw = nquads
        elif kind.fmt is RdfFormat.TURTLE:
            raw = serialize(merged, format=kind.fmt, prefixes=prefixes)
        else:
            raw = serialize(quads, format=kind.fmt, **({"prefixes": prefixes} if kind.fmt is RdfFormat.TRIG else {}))
        files[kind.name] = gzip.compress(raw, compresslevel=9, mtime=0)
        advance(1)
    described = [
        DumpFile(kind.name, kind.title, kind.media_type, kind.file_type, len(files[kind.name]),
                 {"sha1": hashlib.sha1(files[kind.name]).hexdigest(), "sha256": hashlib.sha256(files[kind.name]).hexdigest()})
        for kind in DUMP_KINDS
    ]
    for profile in PROFILES:
        graph = release_catalogue(store, described, profile, where, version=version, date=date)
        files[profile.name] = canonical_turtle(graph)
        advance(1)
    files[MANIFEST] = _manifest(quads, files, version=version, date=date, base_iri=where.base_iri)
    files[SUMS] = "".join(f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)).encode("ascii")
    return Release(version, date, files)


def write_release(release: Release, out: Path) -> list[Path]:
    """Write every file of ``release`` into the folder ``out`` (made if missing), each through a
    temporary name and a rename; ``SHA256SUMS`` comes last, so a folder with it is complete.
    Raises ``OSError``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in release.files.items():
        write_atomically(out / name, data)
        written.append(out / name)
    return written


def _manifest(quads: list[Quad], files: dict[str, bytes], *, version: str, date: str, base_iri: str) -> bytes:
    per_graph: dict[str, int] = {}
    for q in quads:
        if not isinstance(q.graph_name, DefaultGraph):
            per_graph[q.graph_name.value] = per_graph.get(q.graph_name.value, 0) + 1
    manifest = {
        "name": "clustergraph",
        "version": version,
        "date": date,
        "base_iri": base_iri,
        "software": f"clustergraph {_software_version()}",
        "quads": sum(per_graph.values()),
        "triples_in_the_merge": sum(1 for q in quads if isinstance(q.graph_name, DefaultGraph)),
        "graphs": [{"graph": graph, "quads": count} for graph, count in sorted(per_graph.items())],
        "files": [
            {"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "media_type": MEDIA_TYPES[name]}
            for name, data in files.items()
        ],
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _order(q: Quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(q.graph_name, DefaultGraph) else str(q.graph_name)
    return graph, str(q.subject), str(q.predicate), str(q.object)


def _software_version() -> str:
    try:
        return package_version("clustergraph")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"
