"""Reading RDF files and bytes into quads, with clear errors and stable blank nodes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import BlankNode, CanonicalizationAlgorithm, Dataset, DefaultGraph, NamedNode, Quad, RdfFormat, parse

from clustergraph import formats
from clustergraph.errors import InputError

RDF_SUFFIXES = {f".{f.extension}" for f in formats.rdf_formats()} | {".owl", ".xml"}
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


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
    Raises ``InputError`` naming the line and column of a syntax error, and for RDF/XML
    with a document type declaration (see ``refuse_dtd``).
    """
    if fmt.kind is not formats.Kind.RDF or fmt.oxigraph is None:
        raise InputError(f"{name}: {fmt.media_type} is not an RDF format")
    refuse_dtd(data, fmt, name=name)
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


def refuse_dtd(data: bytes, fmt: formats.Format, *, name: str = "input") -> None:
    """Refuse RDF/XML that declares a document type (``<!DOCTYPE``) or an entity (``<!ENTITY``).

    pyoxigraph expands entities while it reads their declarations: the nine nested
    entities of a 964-byte "billion laughs" document ask it for 1.5 GB at once, and a
    failed allocation aborts the process. RDF/XML needs no DTD, so any is refused. The
    check looks at the raw bytes in any letter case (pyoxigraph reads UTF-8 only and
    takes ``<!doctype`` too), so a declaration cannot hide in another encoding; one in a
    comment or CDATA section is refused as well. Raises ``InputError``.
    """
    if fmt.oxigraph is not RdfFormat.RDF_XML:
        return
    found = _DECLARATION.search(data)
    if found:
        raise InputError(
            f"{name}: RDF/XML with a document type declaration ({found.group().decode('ascii')}) is refused: "
            "entity declarations can expand a small document into gigabytes"
        )


def format_for_path(path: Path) -> formats.Format:
    """The RDF format of a file, from its extension. Raises ``InputError`` for an unknown one."""
    fmt = formats.rdf_format_for_path(path.name) or (formats.lookup("rdfxml") if path.suffix in (".owl", ".xml") else None)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF file extension (use one of {', '.join(sorted(RDF_SUFFIXES))})")
    return fmt


def parse_path(path: Path, *, base_iri: str, graph: str | None = None) -> list[Quad]:
    """Parse one file; its format comes from the extension."""
    fmt = format_for_path(path)
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
