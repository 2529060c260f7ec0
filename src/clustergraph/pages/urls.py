"""Where a page links an IRI to: a page of this server, the resolver, or the outside address."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from clustergraph.namespaces import CG, ONTOLOGY_IRI

_SAFE_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class Urls:
    """Builds the links of one page. ``lang`` is carried on only when the reader chose it."""

    base_iri: str
    lang: str | None = None

    def local_path(self, iri: str) -> str | None:
        """The server path of an IRI minted under the base or the ontology namespace, else None."""
        if iri.startswith(self.base_iri) and len(iri) > len(self.base_iri):
            return "/" + quote(iri[len(self.base_iri):], safe="/-._~")
        if iri == ONTOLOGY_IRI or iri == str(CG):
            return "/ontology"
        if iri.startswith(str(CG)):
            return "/ontology/" + quote(iri[len(str(CG)):], safe="-._~")
        return None

    def page(self, iri: str, *, described: bool = False) -> str | None:
        """The link for ``iri`` on a page.

        IRIs under the base (or the ontology) go to their own path; other IRIs that the
        store describes go through ``/resource?iri=``; any other http(s) IRI links out;
        anything else (``javascript:``, ``urn:``...) gets no link at all.
        """
        path = self.local_path(iri)
        if path is None and described:
            path = "/resource?" + urlencode({"iri": iri})
        if path is not None:
            return self.with_lang(path)
        return self.external(iri)

    @staticmethod
    def external(iri: str) -> str | None:
        """``iri`` if it is safe to put in an href (http or https), else None."""
        return iri if iri.lower().startswith(_SAFE_SCHEMES) else None

    def with_lang(self, path: str) -> str:
        if not self.lang:
            return path
        return f"{path}{'&' if '?' in path else '?'}lang={self.lang}"

    def format_link(self, iri: str, extension: str) -> str:
        """The link to ``iri`` in an RDF format (``/cluster/x.ttl`` or the resolver with ``format=``)."""
        path = self.local_path(iri)
        if path is not None:
            return f"{path}.{extension}"
        return "/resource?" + urlencode({"iri": iri, "format": extension})
