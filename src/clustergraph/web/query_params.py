"""What a SPARQL query request asks for beside the query: the formats of the answer and the dataset.

Pure functions over the request's ``Accept`` header and parameters, so the endpoint reads
them before a worker is given the job:

- ``answer_formats``: the format for a table (SELECT, ASK) and for a graph (CONSTRUCT,
  DESCRIBE), from the ``format``/``output``/``results`` hints and ``Accept``
  (``web.conneg.negotiate_with_hints``); 406, before any work, only when the query's form
  (or, if the lexer cannot tell it, either kind of answer) can be given in no requested format.
- ``graph_iris``: the ``default-graph-uri`` / ``named-graph-uri`` values, each an absolute
  IRI (400 otherwise, as for ``using-graph-uri`` in updates).
"""

from __future__ import annotations

from typing import Protocol

from pyoxigraph import NamedNode

from clustergraph import formats
from clustergraph.errors import QueryError
from clustergraph.formats import Format
from clustergraph.web.conneg import HINT_PARAMETERS, NotAcceptable, acceptable_with_hints, offer_text, split_hints

# Server preference first: the default when any format will do.
RESULTS_FORMATS = tuple(formats.lookup(n) for n in ("json", "xml", "csv", "tsv"))
GRAPH_FORMATS = tuple(formats.lookup(n) for n in ("turtle", "ntriples", "jsonld", "rdfxml", "trig", "nquads"))

# What each query form answers with, for messages.
ANSWERS = {
    "SELECT": ("a table", RESULTS_FORMATS),
    "ASK": ("a yes/no answer", RESULTS_FORMATS),
    "CONSTRUCT": ("an RDF graph", GRAPH_FORMATS),
    "DESCRIBE": ("an RDF graph", GRAPH_FORMATS),
}


class Params(Protocol):
    """Request parameters (Starlette's ``QueryParams`` or a ``MultiDict``)."""

    def getlist(self, key: str) -> list[str]: ...


def answer_formats(accept: str | None, params: Params, form: str | None) -> tuple[Format | None, Format | None]:
    """The format for a table and the format for a graph (``None`` where nothing fits).

    ``form`` is the query form as ``sparql_text.request_form`` tells it (``SELECT``...) or
    ``None``. Raises ``NotAcceptable`` (406), naming the formats the form offers, when its
    kind of answer fits no requested format (for an unknown form: when neither kind does).
    """
    hints = split_hints(value for name in HINT_PARAMETERS for value in params.getlist(name))
    table = acceptable_with_hints(accept, RESULTS_FORMATS, hints)
    graph = acceptable_with_hints(accept, GRAPH_FORMATS, hints)
    needed = {"SELECT": table, "ASK": table, "CONSTRUCT": graph, "DESCRIBE": graph}
    if (table is None and graph is None) or (form in needed and needed[form] is None):
        raise not_acceptable(form, accept)
    return table, graph


def not_acceptable(form: str | None, accept: str | None, *, kind: str | None = None) -> NotAcceptable:
    """The 406 for an answer no requested format fits, naming the formats its query form offers.

    ``kind`` (``"results"`` or ``"rdf"``, as the evaluation reports it) stands in for a form
    the lexer could not tell.
    """
    asked = f" (Accept: {accept})" if accept else ""
    if form not in ANSWERS and kind is not None:
        form = "SELECT" if kind == "results" else "CONSTRUCT"
    if form in ANSWERS:
        what, offered = ANSWERS[form]
        return NotAcceptable(f"a {form} query answers with {what}, given as {offer_text(offered)}{asked}")
    return NotAcceptable(
        f"no answer format is acceptable{asked}: tables are given as {offer_text(RESULTS_FORMATS)}, "
        f"graphs as {offer_text(GRAPH_FORMATS)}"
    )


def graph_iris(params: Params, name: str) -> tuple[str, ...]:
    """The values of parameter ``name``, each an absolute IRI; raises ``QueryError`` (400) otherwise."""
    values = tuple(params.getlist(name))
    for value in values:
        _require_iri(value, name)
    return values


def _require_iri(value: str, name: str) -> None:
    try:
        NamedNode(value)
    except ValueError as err:
        raise QueryError(f"{name} {value!r} is not an absolute IRI ({err})") from None

