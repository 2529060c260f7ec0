"""Cluster profiles lined up with the European Cluster Collaboration Platform (ECCP).

ECCP publishes no machine-readable import format; its profiles and mapping tool are
organised by name, website, country, region, sector, industrial ecosystem, members
and label. This export gives one row per cluster with those fields as far as the
graph knows them; unknown stays empty. Ecosystems come from the editorial mapping of
the NRW innovation fields, so the column says so.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from clustergraph.results import term_text
from clustergraph.store.base import Store

PROLOGUE = """
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX schema: <https://schema.org/>
"""

CLUSTERS = PROLOGUE + """
SELECT ?cluster (SAMPLE(?en) AS ?name_en) (SAMPLE(?de) AS ?name_de) (SAMPLE(?any) AS ?name)
WHERE {
  ?cluster a/rdfs:subClassOf* cg:Cluster .
  OPTIONAL { ?cluster skos:prefLabel ?en FILTER(LANG(?en) = "en") }
  OPTIONAL { ?cluster skos:prefLabel ?de FILTER(LANG(?de) = "de") }
  OPTIONAL { ?cluster skos:prefLabel ?any }
} GROUP BY ?cluster ORDER BY ?cluster
"""

# One query per multi-valued column: (column, query binding ?cluster and ?value).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("cluster_types", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster a ?t . ?t rdfs:subClassOf* cg:Cluster ; rdfs:label ?value FILTER(LANG(?value) = 'en') }"),
    ("websites", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster foaf:homepage ?value }"),
    ("city", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster cg:basedIn/skos:prefLabel ?value }"),
    ("managing_organisation", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster cg:managedBy/skos:prefLabel ?value }"),
    ("managing_organisation_unknown", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster cg:managingBodyUnknown ?value }"),
    ("founding_date", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster cg:foundingDate ?value }"),
    ("member_count", """SELECT DISTINCT ?cluster ?value WHERE {
        ?figure cg:figureOf ?cluster ; cg:measure cg:MemberCount ; cg:value ?n .
        OPTIONAL { ?figure cg:qualifier ?q FILTER(STR(?q) != "exact") } OPTIONAL { ?figure cg:referenceDate ?d }
        BIND(CONCAT(COALESCE(CONCAT(STR(?q), " "), ""), STR(?n), COALESCE(CONCAT(" (", STR(?d), ")"), "")) AS ?value) }"""),
    ("cluster_labels", """SELECT DISTINCT ?cluster ?value WHERE {
        ?cluster cg:label ?award . ?award cg:labelLevel/skos:prefLabel ?level FILTER(LANG(?level) = "en")
        OPTIONAL { ?award cg:awardDate ?d }
        BIND(CONCAT(STR(?level), COALESCE(CONCAT(" ", STR(?d)), "")) AS ?value) }"""),
    ("innovation_fields", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster cg:innovationField/skos:prefLabel ?value FILTER(LANG(?value) = 'de') }"),
    ("eu_industrial_ecosystems_editorial", """SELECT DISTINCT ?cluster ?value WHERE {
        ?cluster cg:innovationField/(skos:closeMatch|skos:relatedMatch|skos:exactMatch) ?eco .
        ?eco a cg:IndustrialEcosystem ; skos:prefLabel ?value FILTER(LANG(?value) = 'en') }"""),
    ("technologies", "SELECT DISTINCT ?cluster ?value WHERE { ?cluster cg:technology/skos:prefLabel ?value FILTER(LANG(?value) = 'en') }"),
    ("sources", "SELECT DISTINCT ?cluster ?value WHERE { GRAPH ?g { ?cluster ?p ?o } ?g schema:url ?value }"),
)

FIELDS = ["id", "iri", "name", "name_en", "name_de", "country", "nuts_region"] + [name for name, _ in COLUMNS]


def profiles(store: Store) -> list[dict[str, str]]:
    """One dict per cluster, with every field of ``FIELDS`` (multi-valued fields joined by '; ')."""
    rows: dict[str, dict[str, str]] = {}
    for row in store.query(CLUSTERS):
        iri = row["cluster"].value
        rows[iri] = {
            "id": iri.rstrip("/").rsplit("/", 1)[-1],
            "iri": iri,
            "name": term_text(row["name"]),
            "name_en": term_text(row["name_en"]),
            "name_de": term_text(row["name_de"]),
            # Every cluster of this graph is active throughout NRW (the seed's scope).
            "country": "DE",
            "nuts_region": "DEA",
        }
    for column, query in COLUMNS:
        values: dict[str, list[str]] = defaultdict(list)
        for row in store.query(PROLOGUE + query):
            values[row["cluster"].value].append(term_text(row["value"]))
        for iri, record in rows.items():
            record[column] = "; ".join(sorted(set(values.get(iri, []))))
    return list(rows.values())


def as_csv(records: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()
