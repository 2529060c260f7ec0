"""The provenance of facts: the named graph of a fact is its source, described in source:catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal

from clustergraph.namespaces import sparql_prologue
from clustergraph.pages.labels import literal_name, local_name, pick_literal, values_block
from clustergraph.store.base import Store

SOURCES_QUERY = (
    sparql_prologue()
    + """SELECT ?g ?title ?url ?section ?parent ?parentTitle ?parentUrl ?document ?documentTitle ?accessed ?editorial
       ?originalUrl ?originalAccessed
WHERE {
  VALUES ?g { %s }
  OPTIONAL { ?g dct:title ?title }
  OPTIONAL { ?g schema:url ?url }
  OPTIONAL { ?g cg:section ?section }
  OPTIONAL { ?g cg:accessed ?accessed }
  OPTIONAL {
    ?g dct:isPartOf ?parent .
    OPTIONAL { ?parent dct:title|skos:prefLabel ?parentTitle }
    OPTIONAL { ?parent schema:url ?parentUrl }
  }
  OPTIONAL { ?g cg:sourceDocument ?document . OPTIONAL { ?document skos:prefLabel|dct:title ?documentTitle } }
  BIND(EXISTS { ?g a cg:EditorialSource } AS ?editorial)
  # The editors' summary of a page: the page's address and access date, one click away.
  OPTIONAL {
    ?g prov:wasDerivedFrom ?original .
    OPTIONAL { ?original schema:url ?originalUrl }
    OPTIONAL { ?original cg:accessed ?originalAccessed }
  }
}"""
)


@dataclass
class SourceRef:
    """One source (named graph) as a reader sees it."""

    iri: str
    title: str
    url: str | None = None
    section: str | None = None
    part_of: str | None = None
    part_of_title: str | None = None
    part_of_url: str | None = None
    summary_of_url: str | None = None  # the page an editors' summary is drawn from
    document: str | None = None
    document_title: str | None = None
    accessed: str | None = None
    editorial: bool = False
    number: int = 0  # footnote number on the page

    @property
    def public_url(self) -> str | None:
        """The public web address of the source, of the document it is a section of, or of the
        page it summarises."""
        return self.url or self.part_of_url or self.summary_of_url


def fetch_sources(store: Store, graphs: Iterable[str], lang: str) -> dict[str, SourceRef]:
    """Descriptions of the sources ``graphs``; a graph without a description gets its IRI as title."""
    wanted = sorted(set(graphs))
    if not wanted:
        return {}
    rows: dict[str, dict[str, list]] = {}
    for row in store.query(SOURCES_QUERY % values_block(wanted)):
        slot = rows.setdefault(row["g"].value, {})
        for key in ("title", "url", "section", "parent", "parentTitle", "parentUrl", "document",
                    "documentTitle", "accessed", "editorial", "originalUrl", "originalAccessed"):
            term = row[key]
            if term is not None:
                slot.setdefault(key, [])
                if term not in slot[key]:
                    slot[key].append(term)
    found: dict[str, SourceRef] = {}
    for iri in wanted:
        slot = rows.get(iri, {})

        def text(key: str) -> str | None:
            terms = slot.get(key, [])
            literals = [t for t in terms if isinstance(t, Literal)]
            if literals:
                chosen = pick_literal(literals, lang)
                return literal_name(chosen) if chosen is not None else None
            return terms[0].value if terms else None

        editorial = any(isinstance(t, Literal) and t.value == "true" for t in slot.get("editorial", []))
        found[iri] = SourceRef(
            iri=iri,
            title=text("title") or local_name(iri),
            url=text("url"),
            section=text("section"),
            part_of=text("parent"),
            part_of_title=text("parentTitle"),
            part_of_url=text("parentUrl"),
            summary_of_url=text("originalUrl"),
            document=text("document"),
            document_title=text("documentTitle"),
            accessed=text("accessed") or text("originalAccessed"),
            editorial=editorial,
        )
    return found
