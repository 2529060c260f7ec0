"""The JSON-LD context of the portal API: it turns every API response into RDF.

``iri`` is the node's ``@id``; the fields map to the terms the graph itself uses (cg:, SKOS,
ORG, DCTERMS, schema.org) wherever the API field means the same thing, and to terms of the
API's own namespace (``{base}api/v1#``) where it is an API convenience (counts, scores,
evidence). Pages are Hydra collections (``data`` = ``hydra:member``, ``count`` =
``hydra:totalItems``).
"""

from __future__ import annotations

from clustergraph.namespaces import PREFIXES

HYDRA = "http://www.w3.org/ns/hydra/core#"


def api_namespace(base_iri: str) -> str:
    """The namespace of the API's own terms."""
    return f"{base_iri}api/v1#"


def context(base_iri: str) -> dict:
    """The context document served at ``/api/v1/context.jsonld``."""
    prefixes = {name: PREFIXES[name] for name in ("cg", "skos", "org", "dct", "schema", "foaf", "prov", "xsd", "void")}
    link = {"@type": "@id"}
    terms: dict[str, object] = {
        "@version": 1.1,
        **prefixes,
        "hydra": HYDRA,
        "api": api_namespace(base_iri),
        # Class names in "types" and concept names in "roles"/"measure" are cg: local names.
        "@vocab": PREFIXES["cg"],
        "iri": "@id",
        "id": "dct:identifier",
        "kind": "api:kind",
        "name": "schema:name",
        "names": {"@id": "skos:prefLabel", "@container": "@language"},
        "short_name": "cg:shortName",
        "alt_names": "skos:altLabel",
        "types": {"@id": "@type", "@container": "@set"},
        "description": "dct:description",
        "homepage": {"@id": "foaf:homepage", **link},
        "url": {"@id": "schema:url", **link},
        "cities": "cg:basedIn",
        "region": "dct:spatial",
        "code": "skos:notation",
        "innovation_fields": "cg:innovationField",
        "technologies": "cg:technology",
        "label_levels": "api:labelLevel",
        "member_count": {"@id": "api:memberCount", "@type": "xsd:integer"},
        "cluster_count": {"@id": "api:clusterCount", "@type": "xsd:integer"},
        "managed_by": "cg:managedBy",
        "managing_body_unknown": "cg:managingBodyUnknown",
        "founding_date": "cg:foundingDate",
        "eccp_profile": {"@id": "cg:eccpProfile", **link},
        "labels": {"@id": "cg:label", "@context": {"cluster": {"@reverse": "cg:label"}}},
        "level": "api:labelLevel",
        "cluster": "api:cluster",
        "awarded_to": "cg:awardedTo",
        "awarded_by": "cg:awardedBy",
        "scheme": "cg:labelScheme",
        "award_date": "cg:awardDate",
        "valid_until": "cg:validUntil",
        "programmes": "cg:fundingProgramme",
        "initiatives": "cg:participatesIn",
        "figures": {"@reverse": "cg:figureOf"},
        "measure": {"@id": "cg:measure", "@type": "@vocab"},
        "measure_name": "api:measureName",
        "value": "cg:value",
        "qualifier": "cg:qualifier",
        "reference_date": "cg:referenceDate",
        "sources": "cg:assertedIn",
        "roles": {"@id": "api:role", "@type": "@vocab"},
        "member_of": {"@reverse": "org:hasMember"},
        "manages": {"@reverse": "cg:managedBy"},
        "cross_cutting": "cg:isCrossCutting",
        "broader": "skos:broader",
        "funded_by": "cg:fundedBy",
        "part_of": "dct:isPartOf",
        "clusters": {"@reverse": "cg:fundingProgramme"},
        "launch_date": "cg:launchDate",
        "start_date": "schema:startDate",
        "end_date": "schema:endDate",
        "location": "schema:location",
        "topic_areas": "cg:topicArea",
        "organised_by": "cg:organisedBy",
        "participants": "cg:participant",
        "title": "dct:title",
        "section": "cg:section",
        "accessed": "cg:accessed",
        # the label table (/api/v1/label-history)
        "status": "api:labelStatus",
        "awards": "api:labelAward",
        "pages": "api:statedOn",
        "searches": "api:search",
        "subject": "cg:gapSubject",
        "sought": {"@id": "cg:soughtProperty", "@type": "@vocab"},
        "searched_in": {"@id": "cg:searchedIn", **link},
        "queries": "cg:searchQuery",
        "date": "dct:date",
        "awarded": {"@id": "api:awardedCount", "@type": "xsd:integer"},
        "searched": {"@id": "api:searchedCount", "@type": "xsd:integer"},
        "not_searched": {"@id": "api:notSearchedCount", "@type": "xsd:integer"},
        "linked": "api:linked",
        "editorial": "api:editorial",
        "triples": {"@id": "void:triples", "@type": "xsd:integer"},
        "matched_field": "api:matchedField",
        "matched_text": "api:matchedText",
        "matched_lang": "api:matchedLanguage",
        "score": "api:score",
        "evidence": "api:evidence",
        "weight": "api:weight",
        "items": "api:evidenceItem",
        "data": {"@id": "hydra:member", "@container": "@set"},
        "count": {"@id": "hydra:totalItems", "@type": "xsd:integer"},
        "limit": "api:limit",
        "offset": "api:offset",
    }
    return {"@context": terms}
