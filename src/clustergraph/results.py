"""Serialising query results natively with pyoxigraph, and as a text table for terminals."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, serialize

from clustergraph import formats
from clustergraph.errors import InputError
from clustergraph.store.base import QueryResult


def result_kind(result: QueryResult) -> formats.Kind:
    """RESULTS for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE."""
    return formats.Kind.RDF if isinstance(result, QueryTriples) else formats.Kind.RESULTS


def serialize_result(result: QueryResult, fmt: formats.Format) -> bytes:
    """Serialise a result in ``fmt``; raises ``InputError`` if the format does not fit the result."""
    if fmt.kind is not result_kind(result):
        raise InputError(f"{fmt.name} cannot carry a {'graph' if isinstance(result, QueryTriples) else 'table'} result")
    if isinstance(result, QueryTriples):
        return serialize(result, format=fmt.oxigraph)
    return result.serialize(format=fmt.oxigraph)


def term_text(term) -> str:
    """A short, readable form of a term for tables."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, Literal):
        return term.value
    return str(term)


def as_table(result: QueryResult, *, max_width: int = 60) -> str:
    """A plain text table of a SELECT result (ASK prints yes/no)."""
    if isinstance(result, QueryBoolean):
        return "yes" if bool(result) else "no"
    if isinstance(result, QueryTriples):
        return serialize(result, format=formats.lookup("turtle").oxigraph).decode()
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    rows = [[_clip(term_text(solution[name]), max_width) for name in names] for solution in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
