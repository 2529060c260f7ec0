"""Reading RDF files and bytes into quads, with clear errors and stable blank nodes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import BlankNode, CanonicalizationAlgorithm, Dataset, DefaultGraph, NamedNode, Quad, parse

from clustergraph import formats
from clustergraph.errors import InputError

RDF_SUFFIXES = {f".{f.extension}" for f in formats.rdf_formats()} | {".owl", ".xml"}


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to the RDF files below them, sorted; a missing path is an ``InputError``."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in RDF_SUFFIXES and p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def parse_bytes(
    data: bytes,
    fmt: formats.Format,
    *,
    base_iri: str,
    graph: str | None = None,
    name: str = "input",
) -> list[Quad]:
    """Parse ``data`` into quads; triples go to ``graph`` (or the default graph).

    Blank nodes are replaced by IRIs under ``{base_iri}.well-known/genid/`` derived from
    the canonical form of the input, so loading the same input twice gives the same quads.
    Raises ``InputError`` naming the line and column of a syntax error.
    """
    if fmt.kind is not formats.Kind.RDF or fmt.oxigraph is None:
        raise InputError(f"{name}: {fmt.media_type} is not an RDF format")
    try:
        quads = list(parse(data, format=fmt.oxigraph, base_iri=base_iri))
    except SyntaxError as err:
        raise InputError(f"{name}: {fmt.name} syntax error: {err}") from err
    except (ValueError, OSError) as err:
        raise InputError(f"{name}: {err}") from err
    if graph is not None:
        target = NamedNode(graph)
        quads = [
            Quad(q.subject, q.predicate, q.object, target) if isinstance(q.graph_name, DefaultGraph) else q
            for q in quads
        ]
    return skolemize(quads, base_iri=base_iri)


def parse_path(path: Path, *, base_iri: str, graph: str | None = None) -> list[Quad]:
    """Parse one file; its format comes from the extension."""
    fmt = formats.rdf_format_for_path(path.name) or (formats.lookup("rdfxml") if path.suffix in (".owl", ".xml") else None)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file extension (use one of {', '.join(sorted(RDF_SUFFIXES))})")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: {err.strerror}") from err
    return parse_bytes(data, fmt, base_iri=base_iri, graph=graph, name=str(path))


def skolemize(quads: Sequence[Quad], *, base_iri: str) -> list[Quad]:
    """Replace blank nodes by stable IRIs (the store and remote stores cannot address blank nodes)."""
    if not any(_has_bnode(q) for q in quads):
        return list(quads)
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    salt = hashlib.sha256("".join(sorted(str(q) for q in dataset)).encode()).hexdigest()[:12]

    def fix(term):
        if isinstance(term, BlankNode):
            return NamedNode(f"{base_iri}.well-known/genid/{salt}-{term.value}")
        return term

    return [Quad(fix(q.subject), q.predicate, fix(q.object), fix(q.graph_name)) for q in dataset]


def _has_bnode(q: Quad) -> bool:
    return isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) or isinstance(q.graph_name, BlankNode)
