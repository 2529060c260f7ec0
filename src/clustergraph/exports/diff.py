"""What changed between two releases (folders written by ``export release``) or two dump files:
the facts added and removed, per source (named graph) and per resource (subject).

A fact is a triple in a named graph. The default graph of a dump holds the merge of the named
graphs, so its triples are dropped where a named graph states them; what remains of it (all
of a Turtle dump) counts as the source ``DEFAULT``. Blank nodes are replaced by stable IRIs
derived from the canonical form of each input (``loading.parse``).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad

from clustergraph import formats
from clustergraph.errors import InputError
from clustergraph.exports.release import DUMP_KINDS, MANIFEST
from clustergraph.loading.loader import without_their_merge
from clustergraph.loading.parse import parse_bytes

DEFAULT = "DEFAULT"
Fact = tuple[str, str, str, str]  # subject, predicate, object (N-Triples syntax), graph IRI or DEFAULT


@dataclass(frozen=True)
class Side:
    """One side of a comparison: what was read, and its release version if it is a release."""

    path: str
    facts: frozenset[Fact]
    version: str | None = None


@dataclass
class Changes:
    added: list[Fact] = field(default_factory=list)
    removed: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class Diff:
    old: Side
    new: Side
    added: frozenset[Fact]
    removed: frozenset[Fact]

    def by_source(self) -> dict[str, Changes]:
        return _group(self.added, self.removed, lambda f: f[3])

    def by_resource(self) -> dict[str, Changes]:
        return _group(self.added, self.removed, lambda f: f[0][1:-1] if f[0].startswith("<") else f[0])


def read_side(path: Path, *, base_iri: str) -> Side:
    """The facts of a release folder (its first dump that is there) or of one dump file
    (``.nq``, ``.trig``, ``.jsonld``, ``.ttl``, ``.nt``..., optionally ``.gz``). Raises ``InputError``."""
    version = None
    if path.is_dir():
        manifest = path / MANIFEST
        if manifest.is_file():
            try:
                version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
            except (OSError, ValueError, AttributeError):
                version = None
        dump = next((path / k.name for k in DUMP_KINDS if (path / k.name).is_file()), None)
        if dump is None:
            raise InputError(f"{path}: no release dump in this folder ({', '.join(k.name for k in DUMP_KINDS)})")
        path_read = dump
    elif path.is_file():
        path_read = path
    else:
        raise InputError(f"{path}: no such file or folder")
    quads = _parse_file(path_read, base_iri=base_iri)
    return Side(str(path), frozenset(_fact(q) for q in without_their_merge(quads)), version)


def compare(old: Side, new: Side) -> Diff:
    return Diff(old, new, new.facts - old.facts, old.facts - new.facts)


def as_text(diff: Diff) -> str:
    """A readable report: totals, then every added (+) and removed (-) fact by source and by resource."""
    lines = [f"old: {_label(diff.old)}", f"new: {_label(diff.new)}",
             f"{len(diff.added)} facts added, {len(diff.removed)} removed"]
    for heading, groups, shown in (("by source", diff.by_source(), (0, 1, 2)), ("by resource", diff.by_resource(), (1, 2, 3))):
        if not groups:
            continue
        lines += ["", f"{heading}:"]
        for key, changes in groups.items():
            lines.append(f"  {key}  +{len(changes.added)} -{len(changes.removed)}")
            for sign, facts in (("+", changes.added), ("-", changes.removed)):
                lines += [f"    {sign} " + " ".join(_term(f, i) for i in shown) for f in facts]
    return "\n".join(lines) + "\n"


def as_json(diff: Diff) -> dict:
    """The same report as data: terms in N-Triples syntax."""

    def groups(grouped: dict[str, Changes], key: str) -> list[dict]:
        return [{key: name, "added": [list(f) for f in c.added], "removed": [list(f) for f in c.removed]}
                for name, c in grouped.items()]

    return {
        "old": {"path": diff.old.path, "version": diff.old.version, "facts": len(diff.old.facts)},
        "new": {"path": diff.new.path, "version": diff.new.version, "facts": len(diff.new.facts)},
        "added": len(diff.added),
        "removed": len(diff.removed),
        "by_source": groups(diff.by_source(), "source"),
        "by_resource": groups(diff.by_resource(), "resource"),
    }


def _parse_file(path: Path, *, base_iri: str) -> list[Quad]:
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    fmt = formats.rdf_format_for_path(name)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file extension")
    try:
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        raise InputError(f"{path}: {getattr(err, 'strerror', None) or err}") from err
    return parse_bytes(data, fmt, base_iri=base_iri, name=str(path))


def _fact(q: Quad) -> Fact:
    graph = DEFAULT if isinstance(q.graph_name, DefaultGraph) else q.graph_name.value
    return str(q.subject), str(q.predicate), str(q.object), graph


def _group(added, removed, key) -> dict[str, Changes]:
    grouped: dict[str, Changes] = defaultdict(Changes)
    for fact in sorted(added):
        grouped[key(fact)].added.append(fact)
    for fact in sorted(removed):
        grouped[key(fact)].removed.append(fact)
    return dict(sorted(grouped.items()))


def _term(fact: Fact, index: int) -> str:
    return f"(in {fact[3]})" if index == 3 else fact[index]


def _label(side: Side) -> str:
    suffix = f" (release {side.version})" if side.version else ""
    return f"{side.path}{suffix}, {len(side.facts)} facts"
