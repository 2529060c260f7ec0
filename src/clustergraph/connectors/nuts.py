"""``clustergraph enrich nuts``: names (de, en) and hierarchy of the NUTS regions the graph refers to.

The regions are every ``http://data.europa.eu/nuts/code/...`` IRI in the graph (``dct:spatial``,
``dct:isPartOf``, ``skos:exactMatch``), their broader regions up to the country, and the
NUTS 3 region of each place the graph names inside one of them, found by a stated rule:
the place's name equals the region's name before its first comma ("Essen, Kreisfreie
Stadt" is the NUTS 3 region of Essen). Places that no NUTS 3 name matches are reported,
not guessed. The endpoint is expected to describe regions in SKOS (``skos:prefLabel``,
``skos:broader``, ``skos:notation``), as the NUTS vocabulary of EU Vocabularies does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from clustergraph.connectors.client import SparqlClient
from clustergraph.connectors.retrieval import Retrieval, term, values
from clustergraph.namespaces import NUTS, sparql_prologue
from clustergraph.store.base import Store

NUTS_PREFIX = str(NUTS)
NUTS_SCHEME = NamedNode("http://data.europa.eu/nuts")
MAX_LEVELS = 4  # country, NUTS 1, 2, 3

REFERENCED = """SELECT DISTINCT ?region WHERE {
  { ?s ?p ?region } UNION { ?region ?p ?o }
  FILTER(isIRI(?region) && STRSTARTS(STR(?region), "%s"))
}""" % NUTS_PREFIX

PLACES = sparql_prologue() + """SELECT ?place ?name ?region WHERE {
  ?place a schema:Place ; skos:prefLabel ?name ; dct:isPartOf ?region .
  FILTER(STRSTARTS(STR(?region), "%s"))
} ORDER BY ?place ?region ?name""" % NUTS_PREFIX

# Remote queries: the VALUES blocks hold IRIs printed by NamedNode, never text pasted in.
REGIONS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?region ?label ?notation ?broader WHERE {
  VALUES ?region { %s }
  ?region skos:prefLabel ?label .
  FILTER(LANG(?label) = "de" || LANG(?label) = "en")
  OPTIONAL { ?region skos:notation ?notation }
  OPTIONAL { ?region skos:broader ?broader }
}
ORDER BY ?region ?label ?notation ?broader"""

NUTS3_BELOW = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?region ?label ?parent ?top WHERE {
  VALUES ?top { %s }
  ?parent skos:broader ?top .
  ?region skos:broader ?parent ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "de" || LANG(?label) = "en")
}
ORDER BY ?region ?label"""


@dataclass
class NutsResult:
    retrieval: Retrieval
    regions: list[str]
    matched: dict[str, str] = field(default_factory=dict)  # place -> NUTS 3 region
    unmatched: list[str] = field(default_factory=list)


def retrieve(store: Store, client: SparqlClient, *, base_iri: str) -> NutsResult:
    """Ask ``client`` about the regions ``store`` refers to. Raises ``EndpointError``; writes nothing."""
    retrieval = Retrieval("nuts", "NUTS regions: names and hierarchy (EU Vocabularies)", client.endpoint, base_iri)
    referenced = sorted(r["region"].value for r in store.query(REFERENCED))
    places = _places(store)
    known: dict[str, dict] = {}
    wanted = set(referenced)
    for _level in range(MAX_LEVELS + 1):
        wanted -= set(known)
        if not wanted:
            break
        query = REGIONS % values(sorted(wanted))
        retrieval.queries.append(REGIONS % "…")
        for row in client.select_all(query):
            entry = known.setdefault(row["region"]["value"], {"labels": {}, "notation": None, "broader": set()})
            _take_row(entry, row)
        wanted = {b for e in known.values() for b in e["broader"]}
    result = NutsResult(retrieval, regions=sorted(known))
    containers = sorted({region for _name, region in places.values() if region in known})
    if containers:
        retrieval.queries.append(NUTS3_BELOW % "…")
        below: dict[str, dict] = {}
        for row in client.select_all(NUTS3_BELOW % values(containers)):
            entry = below.setdefault(
                row["region"]["value"], {"labels": {}, "notation": None, "broader": {row["parent"]["value"]}, "top": set()}
            )
            entry["top"].add(row["top"]["value"])
            _take_row(entry, row)
        _match_places(result, places, below)
        for region, entry in below.items():
            if region in result.matched.values():
                known.setdefault(region, {k: v for k, v in entry.items() if k != "top"})
                parent = next(iter(entry["broader"]))
                if parent not in known:  # the NUTS 2 level between: ask for its names too
                    for row in client.select_all(REGIONS % values([parent])):
                        _take_row(known.setdefault(parent, {"labels": {}, "notation": None, "broader": set()}), row)
        result.regions = sorted(known)
    _write(retrieval, known, result.matched)
    return result


def _places(store: Store) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for row in store.query(PLACES):
        found.setdefault(row["place"].value, (row["name"].value, row["region"].value))
    return found


def _take_row(entry: dict, row: dict) -> None:
    label = row.get("label")
    if label and label.get("xml:lang") in ("de", "en"):
        entry["labels"].setdefault(label["xml:lang"], label["value"])
    if row.get("notation") and entry["notation"] is None:
        entry["notation"] = row["notation"]["value"]
    if row.get("broader") and row["broader"]["type"] == "uri":
        entry["broader"].add(row["broader"]["value"])


def _match_places(result: NutsResult, places: dict[str, tuple[str, str]], below: dict[str, dict]) -> None:
    """Rule: the place's name equals a NUTS 3 name before its first comma, within the place's region."""
    by_name: dict[tuple[str, str], list[str]] = {}
    for region, entry in below.items():
        for label in entry["labels"].values():
            for top in entry["top"]:
                by_name.setdefault((_key(label.split(",")[0]), top), []).append(region)
    for place, (name, container) in sorted(places.items()):
        hits = sorted(set(by_name.get((_key(name), container), [])))
        if len(hits) == 1:
            result.matched[place] = hits[0]
        else:
            result.unmatched.append(place)


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _write(retrieval: Retrieval, known: dict[str, dict], matched: dict[str, str]) -> None:
    for region, entry in sorted(known.items()):
        node = NamedNode(region)
        retrieval.add(node, term("rdf", "type"), term("skos", "Concept"))
        retrieval.add(node, term("skos", "inScheme"), NUTS_SCHEME)
        for lang, label in sorted(entry["labels"].items()):
            retrieval.add(node, term("skos", "prefLabel"), Literal(label, language=lang))
        notation = entry["notation"] or region.removeprefix(NUTS_PREFIX)
        retrieval.add(node, term("skos", "notation"), Literal(notation))
        for broader in sorted(entry["broader"]):
            if broader in known:
                retrieval.add(node, term("skos", "broader"), NamedNode(broader))
    for place, region in sorted(matched.items()):
        retrieval.add(NamedNode(place), term("dct", "isPartOf"), NamedNode(region))
