"""schema.org JSON-LD for the pages (for search engines and dataset search), and the one
safe way to put JSON into a ``<script>`` element."""

from __future__ import annotations

import json

from clustergraph.namespaces import CG, PREFIXES
from clustergraph.pages.resource_view import ResourceView

# cg: class (or reused class) -> schema.org type; the most specific match wins (listed first).
SCHEMA_TYPES: list[tuple[str, str]] = [
    (str(CG.University), "CollegeOrUniversity"),
    (str(CG.ResearchInstitute), "ResearchOrganization"),
    (str(CG.PublicBody), "GovernmentOrganization"),
    (str(CG.Company), "Corporation"),
    (str(CG.Association), "Organization"),
    (str(CG.Cluster), "Organization"),
    (str(CG.Actor), "Organization"),
    (PREFIXES["org"] + "Organization", "Organization"),
    (str(CG.Event), "Event"),
    (str(CG.Report), "Report"),
    (str(CG.Document), "CreativeWork"),
    (str(CG.Initiative), "Project"),
    (str(CG.FundingProgramme), "FundingScheme"),
    (str(CG.Figure), "QuantitativeValue"),
    (str(CG.Source), "CreativeWork"),
    (PREFIXES["schema"] + "Place", "Place"),
    (PREFIXES["skos"] + "ConceptScheme", "DefinedTermSet"),
    (PREFIXES["skos"] + "Concept", "DefinedTerm"),
]
_ORGANISATION_TYPES = {"CollegeOrUniversity", "ResearchOrganization", "GovernmentOrganization", "Corporation", "Organization"}


def schema_type(type_iris: set[str], cluster_types: set[str]) -> str:
    """The schema.org type for a resource with ``type_iris`` (cluster subclasses count as clusters)."""
    if type_iris & cluster_types:
        return "Organization"
    for iri, name in SCHEMA_TYPES:
        if iri in type_iris:
            return name
    return "Thing"


def resource_jsonld(view: ResourceView, *, cluster_types: set[str], page_url: str) -> dict:
    """A schema.org description of the resource on a page: name, identifiers, links, members."""
    kind = schema_type(view.type_iris, cluster_types)
    data: dict = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": view.iri,
        "name": view.label,
        "url": page_url,
    }
    alternates = sorted({name for _, name in view.other_labels} | ({view.short_name} if view.short_name else set()))
    if alternates:
        data["alternateName"] = alternates
    if view.description:
        data["description"] = view.description
    if view.homepage:
        data["sameAs"] = view.homepage
    facts = {grp.predicate: grp for grp in view.facts}
    place = facts.get(str(CG.basedIn))
    if place and place.values:
        data["location"] = [{"@type": "Place", "@id": v.iri, "name": v.text} for v in place.values if v.iri]
    founding = facts.get(str(CG.foundingDate))
    if founding and founding.values and kind in _ORGANISATION_TYPES:
        data["foundingDate"] = founding.values[0].text
    technologies = facts.get(str(CG.technology))
    if technologies:
        data["keywords"] = [v.text for v in technologies.values]
    if view.members and kind in _ORGANISATION_TYPES:
        data["member"] = [{"@type": "Organization", "@id": v.iri, "name": v.text} for v in view.members if v.iri]
    if view.member_of and kind in _ORGANISATION_TYPES:
        data["memberOf"] = [{"@type": "Organization", "@id": v.iri, "name": v.text} for v in view.member_of if v.iri]
    if view.sources:
        data["subjectOf"] = [
            {"@type": "CreativeWork", "@id": s.iri, "name": s.title, **({"url": s.public_url} if s.public_url else {})}
            for s in view.sources
        ]
    return data


def dataset_jsonld(*, name: str, description: str, url: str, sparql_url: str, dump_urls: dict[str, str]) -> dict:
    """The landing page's schema.org Dataset, so dataset search engines find the graph."""
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": name,
        "description": description,
        "url": url,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "spatialCoverage": {"@type": "Place", "name": "North Rhine-Westphalia, Germany"},
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": media, "contentUrl": link} for media, link in dump_urls.items()
        ],
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{url.rstrip('/')}/search?q={{query}}",
            "query-input": "required name=query",
        },
        "isAccessibleForFree": True,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "clustergraph", "url": sparql_url},
    }


def script_json(data: dict) -> str:
    """JSON that is safe inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` are written as ``\\u003c`` etc. so no value can close the script
    element or open a comment; U+2028/2029 are escaped for old JavaScript parsers.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text
