"""Search for the pages: the same hits in the same order as ``/api/v1/search``.

There is one search (``clustergraph.catalog.search``); this module only names its hits in
the page language and links them to their pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustergraph.catalog.query import Catalog
from clustergraph.catalog.search import search as catalog_search
from clustergraph.pages.labels import Name, fetch_names
from clustergraph.pages.urls import Urls
from clustergraph.store.base import Store

MAX_QUERY_LENGTH = 200
MAX_HITS = 200


@dataclass
class Hit:
    """One hit as a page shows it."""

    iri: str
    label: str
    href: str | None
    kind: str  # a kind of ``catalog.search.KINDS``: cluster, organisation, technology...
    matches: list[tuple[str, str]] = field(default_factory=list)  # (what matched, matched text)


def search(store: Store, text: str, *, lang: str, urls: Urls, base_iri: str) -> list[Hit]:
    """The hits of ``/api/v1/search?q=text``, in its order, named in ``lang``.

    Raises ``ValueError`` for an empty or over-long search text.
    """
    needle = " ".join(text.split())
    if not needle:
        raise ValueError("the search text is empty")
    if len(needle) > MAX_QUERY_LENGTH:
        raise ValueError(f"the search text is longer than {MAX_QUERY_LENGTH} characters")
    page = catalog_search(Catalog(store, base_iri), needle, limit=MAX_HITS)
    names = fetch_names(store, [h.iri for h in page.data], lang)
    return [
        Hit(
            iri=h.iri,
            label=names.label(h.iri),
            href=urls.page(h.iri, described=True),
            kind=h.kind,
            matches=[(h.matched_field, Name(h.matched_text, h.matched_lang))],
        )
        for h in page.data
    ]
