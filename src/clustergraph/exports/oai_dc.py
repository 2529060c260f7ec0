"""Simple Dublin Core (``oai_dc``) from a dataset's DCAT-AP description.

A crosswalk, so both metadata formats of a record say the same thing: the DCAT-AP graph is
built once (``oai_records.dcat_record``) and read here.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, SKOS

from clustergraph.exports.dcat import AUTHORITY, IANA

# EU language authority codes to the ISO 639-1 codes Dublin Core recommends.
LANGUAGES = {"ENG": "en", "DEU": "de", "FRA": "fr", "NLD": "nl"}

Field = tuple[str, str, str]  # (DC element, value, language tag or "")


def dublin_core(g: Graph, dataset: URIRef) -> list[Field]:
    """The DC 1.1 elements of ``dataset`` in the order of the oai_dc schema's examples, each value once."""
    fields: list[Field] = []
    fields += _texts(g, dataset, DCTERMS.title, "title")
    for publisher in sorted(g.objects(dataset, DCTERMS.publisher)):
        fields += _texts(g, publisher, FOAF.name, "publisher")
    fields += _texts(g, dataset, DCAT.keyword, "subject")
    for theme in sorted(g.objects(dataset, DCAT.theme)):
        fields += _texts(g, theme, SKOS.prefLabel, "subject")
    fields += _texts(g, dataset, DCTERMS.description, "description")
    fields += [("date", str(value), "") for value in sorted(g.objects(dataset, DCTERMS.modified))]
    fields.append(("type", "Dataset", ""))
    media = {str(m).removeprefix(IANA) for d in g.objects(dataset, DCAT.distribution) for m in g.objects(d, DCAT.mediaType)}
    fields += [("format", value, "") for value in sorted(media)]
    fields += [("identifier", str(value), "") for value in sorted(g.objects(dataset, DCTERMS.identifier))]
    fields += [("identifier", str(value), "") for value in sorted(g.objects(dataset, DCAT.landingPage))]
    fields += [("source", str(value), "") for value in sorted(g.objects(dataset, PROV.wasDerivedFrom))]
    for language in sorted(g.objects(dataset, DCTERMS.language)):
        code = str(language).removeprefix(f"{AUTHORITY}language/")
        fields.append(("language", LANGUAGES.get(code, code.lower()), ""))
    fields += [("relation", str(value), "") for value in sorted(g.objects(dataset, DCTERMS.isPartOf))]
    fields += [("coverage", str(value), "") for value in sorted(g.objects(dataset, DCTERMS.spatial))]
    seen: set[Field] = set()
    return [f for f in fields if not (f in seen or seen.add(f))]


def _texts(g: Graph, subject: URIRef, predicate: URIRef, element: str) -> list[Field]:
    values = [o for o in g.objects(subject, predicate) if isinstance(o, Literal)]
    return [(element, str(v), v.language or "") for v in sorted(values, key=lambda v: (v.language or "", str(v)))]
