"""One table of the serialisation formats: media type, names, extension, engine formats.

Content negotiation, file export and the CLI all read this table, so a format is
added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pyoxigraph import QueryResultsFormat, RdfFormat


class Kind(str, Enum):
    RDF = "rdf"
    RESULTS = "results"


@dataclass(frozen=True)
class Format:
    name: str  # short name used in ?format= and on the CLI
    media_type: str
    extension: str
    kind: Kind
    rdflib_name: str | None
    oxigraph: RdfFormat | QueryResultsFormat | None
    aliases: tuple[str, ...] = ()
    datasets: bool = False  # can carry named graphs

    @property
    def content_type(self) -> str:
        """Media type with charset where the format is text."""
        return f"{self.media_type}; charset=utf-8"


FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", Kind.RDF, "turtle", RdfFormat.TURTLE, ("application/x-turtle", "ttl")),
    Format("ntriples", "application/n-triples", "nt", Kind.RDF, "nt11", RdfFormat.N_TRIPLES, ("nt", "text/plain")),
    Format("jsonld", "application/ld+json", "jsonld", Kind.RDF, "json-ld", RdfFormat.JSON_LD, ("json-ld",)),
    Format("rdfxml", "application/rdf+xml", "rdf", Kind.RDF, "xml", RdfFormat.RDF_XML, ("xml-rdf", "owl")),
    Format("trig", "application/trig", "trig", Kind.RDF, "trig", RdfFormat.TRIG, (), datasets=True),
    Format("nquads", "application/n-quads", "nq", Kind.RDF, "nquads", RdfFormat.N_QUADS, ("nq",), datasets=True),
    Format("json", "application/sparql-results+json", "srj", Kind.RESULTS, None, QueryResultsFormat.JSON, ("srj",)),
    Format("xml", "application/sparql-results+xml", "srx", Kind.RESULTS, None, QueryResultsFormat.XML, ("srx",)),
    Format("csv", "text/csv", "csv", Kind.RESULTS, None, QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", Kind.RESULTS, None, QueryResultsFormat.TSV),
)

_BY_KEY: dict[str, Format] = {}
for _f in FORMATS:
    for _key in (_f.name, _f.media_type, _f.extension, *_f.aliases):
        _BY_KEY.setdefault(_key.lower(), _f)


def lookup(key: str) -> Format | None:
    """Find a format by short name, media type, extension or alias (case-insensitive)."""
    return _BY_KEY.get(key.strip().lower().split(";")[0].strip())


def rdf_formats() -> list[Format]:
    return [f for f in FORMATS if f.kind is Kind.RDF]


def results_formats() -> list[Format]:
    return [f for f in FORMATS if f.kind is Kind.RESULTS]


def rdf_format_for_path(path: str) -> Format | None:
    """The RDF format of a file, from its extension (``.ttl``, ``.trig``, ...)."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    fmt = lookup(suffix)
    return fmt if fmt is not None and fmt.kind is Kind.RDF else None
