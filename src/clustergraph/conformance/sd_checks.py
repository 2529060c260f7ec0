"""The three Service Description tests, which the W3C manifest names but does not spell out.

- ``returns-rdf``: a GET on the endpoint without a query returns RDF; here every format the
  service promises (Turtle, RDF/XML, JSON-LD) is fetched and must give the same graph;
- ``has-endpoint-triple``: the description has ``?service sd:endpoint <the URL fetched>``;
- ``conforms-to-schema``: the description conforms to the Service Description vocabulary,
  written as SHACL in ``sd-shapes.ttl`` (domains, ranges, cardinalities of section 3 of
  the recommendation, and VoID counts as non-negative integers).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from clustergraph import formats
from clustergraph.namespaces import SD

SHAPES = Path(__file__).with_name("sd-shapes.ttl")
DESCRIPTION_TYPES = ("text/turtle", "application/rdf+xml", "application/ld+json")


def fetch_description(client: httpx.Client, endpoint: str, accept: str = "text/turtle") -> Graph | str:
    """The description at ``endpoint`` as a graph, or one line saying why there is none."""
    response = client.get(endpoint, headers={"Accept": accept})
    if response.status_code != 200:
        return f"GET {endpoint} with Accept {accept}: status {response.status_code}"
    media = response.headers.get("content-type", "").split(";")[0].strip()
    fmt = formats.lookup(media)
    if fmt is None or fmt.kind is not formats.Kind.RDF:
        return f"GET {endpoint} with Accept {accept}: Content-Type {media or 'none'} is not RDF"
    graph = Graph()
    try:
        graph.parse(data=response.content, format=fmt.rdflib_name, publicID=endpoint)
    except Exception as err:  # rdflib's parsers raise many kinds of errors
        return f"GET {endpoint} with Accept {accept}: the {fmt.name} body does not parse: {err}"
    if len(graph) == 0:
        return f"GET {endpoint} with Accept {accept}: the description is empty"
    return graph


def returns_rdf(client: httpx.Client, endpoint: str) -> str | None:
    graphs = {}
    for accept in DESCRIPTION_TYPES:
        graph = fetch_description(client, endpoint, accept)
        if isinstance(graph, str):
            return graph
        graphs[accept] = graph
    first = graphs[DESCRIPTION_TYPES[0]]
    for accept, graph in graphs.items():
        if not isomorphic(first, graph):
            return f"the {accept} description differs from the Turtle one"
    return None


def has_endpoint_triple(client: httpx.Client, endpoint: str) -> str | None:
    graph = fetch_description(client, endpoint)
    if isinstance(graph, str):
        return graph
    services = set(graph.subjects(SD.endpoint, URIRef(endpoint)))
    if not services:
        found = sorted(str(o) for o in graph.objects(None, SD.endpoint))
        return f"no sd:endpoint <{endpoint}> (found: {', '.join(found) or 'none'})"
    if not any((s, RDF.type, SD.Service) in graph for s in services):
        return f"the subject of sd:endpoint <{endpoint}> is not an sd:Service"
    return None


def conforms_to_schema(client: httpx.Client, endpoint: str) -> str | None:
    from pyshacl import validate

    graph = fetch_description(client, endpoint)
    if isinstance(graph, str):
        return graph
    if not any(graph.subjects(RDF.type, SD.Service)):
        return "the description has no sd:Service"
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _results, text = validate(graph, shacl_graph=shapes, inference="none")
    if not conforms:
        return "the description does not conform to the Service Description schema:\n" + text.strip()
    return None


CHECKS: dict[str, Callable[[httpx.Client, str], str | None]] = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}
