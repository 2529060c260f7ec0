"""What the listing, search and landing pages read, as reads for the query executor.

Each function is marked ``@read`` (``catalog.reads``): the web layer runs it through the
executor, so it is evaluated in a query worker under the query timeout, and its answer is
kept per store version (a write makes it stale at once). The results are plain data the
pages format: links, names and counts, and the landing page's drawn pictures.
"""

from __future__ import annotations

from pyoxigraph import Literal

from clustergraph.catalog.reads import read
from clustergraph.landscape.data import read_landscape, read_ties
from clustergraph.landscape.landscape_svg import render_landscape
from clustergraph.landscape.lists import Pictures, picture_lists
from clustergraph.landscape.network_svg import render_network
from clustergraph.namespaces import sparql_prologue
from clustergraph.pages.labels import Name, fetch_names
from clustergraph.pages.search import Hit, search
from clustergraph.pages.texts import KINDS, landscape_texts, network_texts
from clustergraph.pages.urls import Urls
from clustergraph.store.base import Store

# How many resources each kind has: its IRIs are under ``{base}{kind}/``.
KIND_COUNTS = sparql_prologue() + """SELECT ?prefix (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?prefix { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER(STRSTARTS(STR(?s), ?prefix))
} GROUP BY ?prefix"""
KIND_MEMBERS = """SELECT DISTINCT ?prefix ?s WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(STRSTARTS(STR(?s), ?prefix))
}"""


@read
def kind_counts(store: Store, base_iri: str) -> dict[str, int]:
    """The number of resources of each kind of ``pages.texts.KINDS`` (kinds without any: absent)."""
    prefixes = {f"{base_iri}{kind}/": kind for kind in KINDS}
    block = " ".join(str(Literal(p)) for p in prefixes)
    return {prefixes[row["prefix"].value]: int(row["n"].value) for row in store.query(KIND_COUNTS % block)}


@read
def listing(store: Store, base_iri: str, kind: str, *, lang: str, urls: Urls) -> list[tuple[str | None, Name]]:
    """(link, name) of every resource of ``kind``, by name (case-insensitive)."""
    prefix = f"{base_iri}{kind}/"
    iris = [row["s"].value for row in store.query(KIND_MEMBERS, substitutions={"prefix": Literal(prefix)})]
    names = fetch_names(store, iris, lang)
    return sorted(((urls.page(i, described=True), names.label(i)) for i in iris), key=lambda item: item[1].casefold())


@read
def search_hits(store: Store, text: str, *, lang: str, urls: Urls, base_iri: str) -> list[Hit]:
    """The hits of the pages' search (``pages.search.search``)."""
    return search(store, text, lang=lang, urls=urls, base_iri=base_iri)


@read
def pictures(store: Store, *, lang: str, urls: Urls, no_field_label: str) -> Pictures:
    """The landscape and the network SVG in ``lang`` with links by ``urls``, and their lists.

    Drawing reads every cluster and every tie (1.3 s for a generated 314 clusters): kept per
    store version by the executor's cache like any read.
    """
    landscape = read_landscape(store, lang=lang, urls=urls, no_field_label=no_field_label)
    ties = read_ties(store, landscape, lang=lang)
    return Pictures(
        render_landscape(landscape, landscape_texts(lang)),
        render_network(landscape, ties, network_texts(lang)),
        picture_lists(landscape, ties, urls, network_texts(lang)),
    )
