"""The browser query UI (YASGUI, served from ``/static``) and the catalogue of example queries.

``ui_response(request)`` is the page that ``GET /sparql`` returns to browsers. The catalogue
is at ``/queries`` (HTML), ``/queries.json`` and ``/queries/{name}.rq``; every example has a
one-click "Run" link into the UI and links to its results (JSON and CSV for tables, Turtle
and JSON-LD for graphs).
Nothing on these pages calls another host: the YASGUI bundle, prefixes and vocabulary terms
for autocompletion all come from this service.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from pyoxigraph import QuerySolutions

from clustergraph.errors import ClusterGraphError
from clustergraph.examples import PORTABLE_ON, Example, load_examples
from clustergraph.namespaces import PREFIXES, resource_prefixes
from clustergraph.pages.example_texts import localised_example
from clustergraph.pages.yasgui_texts import editor_texts
from clustergraph.query.sparql_text import request_form
from clustergraph.settings import Settings
from clustergraph.web.deps import SettingsDep
from clustergraph.web.pages import html, page_context

router = APIRouter(tags=["query UI"])
log = logging.getLogger("clustergraph.web")

SPARQL_PATH = "/sparql"
STATIC_PATH = "/static"
SPARQL_QUERY_TYPE = "application/sparql-query"
TABLE_DOWNLOADS = (("json", "JSON"), ("csv", "CSV"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"))

# The vocabulary offered by the editor's class/property autocompletion (instead of YASGUI's
# default lookups on an external vocabulary service): the ontology's own terms, read from the store.
TERMS_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?term ?kind WHERE {
  VALUES (?type ?kind) {
    (owl:Class "class") (rdfs:Class "class")
    (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
    (owl:AnnotationProperty "property") (rdf:Property "property")
  }
  ?term a ?type .
  FILTER(isIRI(?term))
}
"""

# Terms of the reused vocabularies that the data model relies on (COMMON data-model contract);
# the ontology does not declare them, so they are listed here for autocompletion.
REUSED_PROPERTIES = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://www.w3.org/2004/02/skos/core#inScheme",
    "http://www.w3.org/2004/02/skos/core#broader",
    "http://www.w3.org/2004/02/skos/core#related",
    "http://www.w3.org/2004/02/skos/core#closeMatch",
    "http://www.w3.org/2004/02/skos/core#exactMatch",
    "http://www.w3.org/ns/org#hasMember",
    "http://www.w3.org/ns/org#member",
    "http://www.w3.org/ns/org#organization",
    "http://www.w3.org/ns/org#role",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/description",
    "http://purl.org/dc/terms/isPartOf",
    "http://purl.org/dc/terms/spatial",
    "http://purl.org/dc/terms/source",
    "http://xmlns.com/foaf/0.1/homepage",
    "https://schema.org/url",
    "https://schema.org/startDate",
    "https://schema.org/name",
)
REUSED_CLASSES = (
    "http://www.w3.org/ns/org#Organization",
    "http://www.w3.org/ns/org#OrganizationalCollaboration",
    "http://www.w3.org/ns/org#Membership",
    "http://www.w3.org/2004/02/skos/core#Concept",
    "http://www.w3.org/2004/02/skos/core#ConceptScheme",
    "https://schema.org/Place",
)


def _root(request: Request) -> str:
    """The path the app is mounted at (empty at the root), so links work behind a path prefix."""
    return request.scope.get("root_path", "").rstrip("/")


def all_prefixes(settings: Settings) -> dict[str, str]:
    """The vocabulary prefixes plus the resource prefixes (``cluster:``, ``organisation:``, ...)."""
    return {**PREFIXES, **resource_prefixes(settings.base_iri)}


def downloads(example: Example) -> tuple[tuple[str, str], ...]:
    """(format name, label) of the result files offered for an example: tables or graphs."""
    form = request_form(example.sparql)
    return GRAPH_DOWNLOADS if form in ("CONSTRUCT", "DESCRIBE") else TABLE_DOWNLOADS


def example_links(root: str, example: Example) -> dict[str, str]:
    """Links of one example: ``run`` it in the UI, read its ``source``, and its results per format.

    The UI reads the query from the URL fragment (``#query=...``), which YASGUI turns into a
    tab and runs; the fragment never reaches the server. Result links use the endpoint's
    ``format=`` override: ``json``/``csv`` for SELECT and ASK, ``turtle``/``jsonld`` for graphs.
    """
    endpoint = f"{root}{SPARQL_PATH}"
    links = {
        "run": f"{endpoint}#{urlencode({'query': example.sparql, 'tabTitle': example.title}, quote_via=quote)}",
        "source": f"{root}/queries/{quote(example.name)}.rq",
    }
    if example.is_federated:  # answers only where the allow-list names its endpoint: no result files
        return links
    for name, _label in downloads(example):
        links[name] = f"{endpoint}?{urlencode({'query': example.sparql, 'format': name}, quote_via=quote)}"
    return links


def vocabulary_terms(request: Request) -> dict[str, list[str]]:
    """Class and property IRIs for autocompletion: the ontology's terms plus the reused ones.

    A store that cannot answer leaves only the reused terms: the editor still works.
    """
    classes, properties = set(REUSED_CLASSES), set(REUSED_PROPERTIES)
    try:
        result = request.app.state.store.query(TERMS_QUERY)
    except ClusterGraphError as err:
        log.warning("query UI: no vocabulary terms from the store: %s", err)
        result = None
    if isinstance(result, QuerySolutions):
        for row in result:
            (classes if row["kind"].value == "class" else properties).add(row["term"].value)
    return {"classes": sorted(classes), "properties": sorted(properties)}


def default_query(prefixes: dict[str, str]) -> str:
    """The query a new editor tab starts with: a few prefixes and a list of clusters."""
    prologue = "".join(f"PREFIX {name}: <{prefixes[name]}>\n" for name in ("cg", "rdfs", "skos"))
    return (
        f"{prologue}\n"
        "SELECT ?cluster ?name WHERE {\n"
        "  ?cluster a/rdfs:subClassOf* cg:Cluster ;\n"
        "           skos:prefLabel ?name .\n"
        '  FILTER(LANG(?name) = "en")\n'
        "}\nORDER BY ?name\nLIMIT 100\n"
    )


def ui_response(request: Request) -> HTMLResponse:
    """The YASGUI page for ``GET /sparql`` from a browser, in the site's layout and the reader's language.

    It loads YASGUI from ``/static/yasgui/`` and is configured with this endpoint only, the
    project's prefixes, the ontology's terms for autocompletion and the example queries.
    Blocking (a small store query, reading ``queries/``): call it from a plain ``def`` handler.
    """
    settings: Settings = request.app.state.settings
    root = _root(request)
    prefixes = all_prefixes(settings)
    ctx = page_context(request, settings)
    examples = [localised_example(e, ctx.lang) for e in load_examples(settings.queries_dir).values()]
    config = {
        "endpoint": f"{root}{SPARQL_PATH}",
        "prefixes": prefixes,
        "terms": vocabulary_terms(request),
        "defaultQuery": default_query(prefixes),
        "examples": [
            {"name": e.name, "title": e.title, "sparql": e.sparql, "differences": [d.as_dict() for d in e.differences]}
            for e in examples
        ],
    }
    config["texts"] = editor_texts(ctx.lang, ctx.t)
    return html(ctx, "sparql_ui.html", root=root, static=f"{root}{STATIC_PATH}", config=config, examples=examples)


@router.get("/queries", response_class=HTMLResponse, summary="The example research queries")
def queries_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Every example query with its title, description, SPARQL text and links to run it."""
    root = _root(request)
    ctx = page_context(request, settings)
    examples = [
        (localised_example(e, ctx.lang), example_links(root, e), downloads(e)) for e in load_examples(settings.queries_dir).values()
    ]
    return html(ctx, "queries.html", root=root, static=f"{root}{STATIC_PATH}", examples=examples, portable_on=PORTABLE_ON)


@router.get("/queries.json", summary="The example research queries as JSON")
def queries_json(request: Request, settings: SettingsDep) -> dict:
    """``{data: [{name, title, description, form, sparql, links, differences}], count}``; form is SELECT, ASK,
    CONSTRUCT or DESCRIBE; differences lists the stores that answer the example differently
    (``[{store, store_name, reason}]``, usually empty)."""
    root = _root(request)
    data = [
        {
            "name": e.name,
            "title": e.title,
            "description": e.description,
            "form": request_form(e.sparql),
            "sparql": e.sparql,
            "links": example_links(root, e),
            "differences": [d.as_dict() for d in e.differences],
        }
        for e in load_examples(settings.queries_dir).values()
    ]
    return {"data": data, "count": len(data)}


@router.get("/queries/{name}.rq", response_class=PlainTextResponse, summary="One example query as a .rq file")
def query_source(name: str, settings: SettingsDep) -> PlainTextResponse:
    """The text of one example query; 404 if there is no example of that name."""
    example = load_examples(settings.queries_dir).get(name)
    if example is None:
        raise HTTPException(404, f"no example query named {name!r}")
    return PlainTextResponse(example.sparql, media_type=f"{SPARQL_QUERY_TYPE}; charset=utf-8")
