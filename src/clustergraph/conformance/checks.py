"""Checking one HTTP response against what a manifest expects of it.

Each check returns ``None`` when the response is as expected, or one line that says
what differs. Bodies are parsed, never compared as text: result formats with
pyoxigraph's result parsers, RDF graphs with rdflib and compared by isomorphism.
"""

from __future__ import annotations

import csv
import io

import httpx
from pyoxigraph import QueryBoolean, QuerySolutions, parse, parse_query_results
from rdflib import Graph
from rdflib.compare import isomorphic

from clustergraph import formats
from clustergraph.conformance.manifest import Expected


def check_response(response: httpx.Response, expected: Expected) -> str | None:
    """The first way ``response`` differs from ``expected``, or ``None``."""
    if not expected.status.accepts(response.status_code):
        return f"expected status {expected.status}, got {response.status_code}{_problem(response)}"
    for name, value in expected.headers:
        problem = check_header(response, name, value)
        if problem:
            return problem
    if expected.location_variable and not response.headers.get("location"):
        return "expected a Location header"
    if expected.format is not None:
        problem = check_format(response, expected.format, expected.boolean)
        if problem:
            return problem
    if expected.body is not None and response.request.method != "HEAD":
        return check_graph(response, expected)
    return None


def check_header(response: httpx.Response, name: str, value: str) -> str | None:
    """Header ``name`` must equal ``value``; media types compare without case and spacing."""
    got = response.headers.get(name)
    if got is None:
        return f"expected a {name} header ({value})"
    if name.lower() == "content-type":
        if _media(got) != _media(value):
            return f"expected {name} {value}, got {got}"
    elif got != value:
        return f"expected {name} {value}, got {got}"
    return None


def check_format(response: httpx.Response, kind: str, boolean: bool | None) -> str | None:
    """The body is a boolean result, a table of results or an RDF graph, as ``kind`` says."""
    media = response.headers.get("content-type", "").split(";")[0].strip()
    fmt = formats.lookup(media) if media else None
    if fmt is None:
        return f"expected a {kind} result, got Content-Type {media or 'none'}"
    if kind == "RDF":
        if fmt.kind is not formats.Kind.RDF:
            return f"expected RDF, got {media}"
        try:
            list(parse(response.content, format=fmt.oxigraph, base_iri=str(response.url)))
        except (SyntaxError, ValueError) as err:
            return f"the {fmt.name} body does not parse: {err}"
        return None
    if fmt.kind is not formats.Kind.RESULTS:
        return f"expected a {kind} result, got {media}"
    if fmt.name == "csv":  # pyoxigraph has no CSV results parser; CSV cannot carry a boolean
        if kind == "boolean":
            return "expected a boolean result, got CSV"
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        return None if rows and rows[0] else "the CSV result has no header row"
    try:
        result = parse_query_results(response.content, format=fmt.oxigraph)
    except (SyntaxError, ValueError) as err:
        return f"the {fmt.name} result does not parse: {err}"
    if kind == "boolean":
        if not isinstance(result, QueryBoolean):
            return f"expected a boolean result, got a table ({fmt.name})"
        if boolean is not None and bool(result) != boolean:
            return f"expected {str(boolean).lower()}, got {str(bool(result)).lower()}"
        return None
    if not isinstance(result, QuerySolutions):
        return f"expected a table of results, got a boolean ({fmt.name})"
    list(result)
    return None


def check_graph(response: httpx.Response, expected: Expected) -> str | None:
    """The body is an RDF graph isomorphic to the expected body."""
    wanted_type = next((v for k, v in expected.headers if k.lower() == "content-type"), "text/turtle")
    wanted = _graph(expected.body.encode("utf-8"), wanted_type, str(response.url))
    if isinstance(wanted, str):
        return f"the manifest's expected body does not parse: {wanted}"
    got = _graph(response.content, response.headers.get("content-type", ""), str(response.url))
    if isinstance(got, str):
        return f"the response body does not parse: {got}"
    if not isomorphic(wanted, got):
        return (
            f"the graph is not isomorphic to the expected one ({len(got)} triples, expected {len(wanted)}):\n"
            + got.serialize(format="nt").strip()
        )
    return None


def _graph(data: bytes, content_type: str, base: str) -> Graph | str:
    fmt = formats.lookup(content_type) if content_type else None
    if fmt is None or fmt.kind is not formats.Kind.RDF or fmt.rdflib_name is None:
        return f"not an RDF media type: {content_type or 'none'}"
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt.rdflib_name, publicID=base)
    except Exception as err:  # rdflib's parsers raise many kinds of errors
        return str(err)
    return graph


def _media(value: str) -> tuple[str, tuple[str, ...]]:
    media, *params = (p.strip().lower() for p in value.split(";"))
    return media, tuple(sorted(p.replace(" ", "").replace('"', "") for p in params if p))


def _problem(response: httpx.Response) -> str:
    """The detail of a problem-details body, to say why a request failed."""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            detail = response.json().get("detail") or response.json().get("title")
        except ValueError:
            return ""
        return f" ({str(detail)[:300]})" if detail else ""
    text = response.text.strip().splitlines()
    return f" ({text[0][:200]})" if text and response.status_code >= 400 else ""
