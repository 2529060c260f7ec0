"""``clustergraph enrich cordis``: the graph's actors matched to EURIO organisations on CORDIS,
then the EU projects of the confident matches and the actors' roles in them.

Names, VAT numbers and PICs go to the endpoint as exact values in ``VALUES`` blocks (indexed
look-ups a Virtuoso cost estimate accepts), never as ``FILTER`` over every organisation.
The EURIO paths used are constants here: ``eurio:legalName``, ``eurio:pic``,
``eurio:vatNumber``, the city at ``eurio:hasSite/eurio:hasAddress/eurio:addressLocality``,
and ``?project eurio:hasInvolvedParty ?role . ?role eurio:isRoleOf ?org ; eurio:roleLabel``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from clustergraph.connectors.client import Row, SparqlClient
from clustergraph.connectors.matching import Match, best, name_variants, same_name, vat_key, vat_spellings
from clustergraph.connectors.retrieval import Retrieval, term
from clustergraph.namespaces import CG, EURIO, sparql_prologue
from clustergraph.store.base import Store

XSD_DECIMAL = NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
PROJECT_CONFIDENCE = 0.9  # projects are fetched for matches at least this sure
BATCH = 400  # values per query: short enough for any endpoint's limits, few enough requests

ACTORS = sparql_prologue() + """SELECT ?actor ?name ?city ?vat ?pic WHERE {
  ?class rdfs:subClassOf* cg:Actor . ?actor a ?class .
  { ?actor skos:prefLabel ?name } UNION { ?actor skos:altLabel ?name } UNION { ?actor legal:legalName ?name }
  OPTIONAL { ?actor cg:basedIn/skos:prefLabel ?city }
  OPTIONAL { ?actor cg:vatNumber ?vat }
  OPTIONAL { ?actor cg:pic ?pic }
} ORDER BY ?actor ?name ?city"""

_PROLOGUE = "PREFIX eurio: <http://data.europa.eu/s66#>\n"
_CITY = "OPTIONAL { ?org eurio:hasSite/eurio:hasAddress/eurio:addressLocality ?city }"
BY_NAME = _PROLOGUE + "SELECT ?org ?legalName ?city WHERE {\n  VALUES ?legalName { %s }\n  ?org eurio:legalName ?legalName .\n  " + _CITY + "\n}\nORDER BY ?org ?legalName ?city"
BY_PIC = _PROLOGUE + "SELECT ?org ?key ?legalName ?city WHERE {\n  VALUES ?key { %s }\n  ?org eurio:pic ?key ; eurio:legalName ?legalName .\n  " + _CITY + "\n}\nORDER BY ?org ?legalName ?city"
BY_VAT = BY_PIC.replace("eurio:pic", "eurio:vatNumber")
PROJECTS = _PROLOGUE + """SELECT ?org ?project ?identifier ?title ?role ?roleLabel WHERE {
  VALUES ?org { %s }
  ?role eurio:isRoleOf ?org ; eurio:roleLabel ?roleLabel .
  ?project eurio:hasInvolvedParty ?role ; eurio:title ?title ; eurio:identifier ?identifier .
}
ORDER BY ?org ?project ?role ?roleLabel ?title ?identifier"""


@dataclass
class Actor:
    iri: str
    names: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    vat: set[str] = field(default_factory=set)
    pic: set[str] = field(default_factory=set)


@dataclass
class CordisResult:
    retrieval: Retrieval
    matches: list[Match]
    projects: int = 0
    roles: int = 0


def retrieve(store: Store, client: SparqlClient, *, base_iri: str, dry_run: bool = False) -> CordisResult:
    """Match the actors of ``store`` on ``client``'s endpoint, then (unless ``dry_run``) fetch the
    projects of the confident matches. Raises ``EndpointError``; writes nothing."""
    retrieval = Retrieval("cordis", "CORDIS (EURIO): organisations, projects and roles", client.endpoint, base_iri)
    actors = _actors(store)
    matches = best(_candidates(actors, client, retrieval))
    result = CordisResult(retrieval, matches)
    if dry_run:
        return result
    confident = sorted({m.organisation for m in matches if m.confidence >= PROJECT_CONFIDENCE})
    rows = client.select_all(PROJECTS % _iris(confident)) if confident else []
    if confident:
        retrieval.queries.append(PROJECTS % "…")
    _write(retrieval, matches, rows, base_iri)
    result.projects = len({r["project"]["value"] for r in rows})
    result.roles = len({r["role"]["value"] for r in rows})
    return result


def _actors(store: Store) -> dict[str, Actor]:
    found: dict[str, Actor] = {}
    for row in store.query(ACTORS):
        actor = found.setdefault(row["actor"].value, Actor(row["actor"].value))
        actor.names.add(row["name"].value)
        for key, into in (("city", actor.cities), ("vat", actor.vat), ("pic", actor.pic)):
            if row[key] is not None:
                into.add(row[key].value)
    return found


def _candidates(actors: dict[str, Actor], client: SparqlClient, retrieval: Retrieval) -> list[Match]:
    found: list[Match] = []
    pics = {p.strip(): a for a in actors.values() for p in a.pic}
    if pics:
        retrieval.queries.append(BY_PIC % "…")
        for row in client.select_all(BY_PIC % _strings(pics)):
            actor = pics.get(row["key"]["value"].strip())
            if actor:
                found.append(_match(actor, row, "pic"))
    vats = {vat_key(v): a for a in actors.values() for v in a.vat}
    if vats:
        retrieval.queries.append(BY_VAT % "…")
        spellings = {v for a in actors.values() for raw in a.vat for v in vat_spellings(raw)}
        for row in client.select_all(BY_VAT % _strings(spellings)):
            actor = vats.get(vat_key(row["key"]["value"]))
            if actor:
                found.append(_match(actor, row, "vat"))
    variants = {v for a in actors.values() for n in a.names for v in name_variants(n)}
    if variants:
        retrieval.queries.append(BY_NAME % "…")
        ordered = sorted(variants)
        rows = [r for i in range(0, len(ordered), BATCH) for r in client.select_all(BY_NAME % _strings(ordered[i : i + BATCH]))]
        for row in rows:
            legal = row["legalName"]["value"]
            city = row.get("city", {}).get("value")
            for actor in actors.values():
                if any(same_name(n, legal) for n in actor.names):
                    agrees = city is not None and any(same_name(c, city) for c in actor.cities)
                    found.append(_match(actor, row, "legal-name+city" if agrees else "legal-name"))
    return found


def _match(actor: Actor, row: Row, rule: str) -> Match:
    return Match(actor.iri, row["org"]["value"], rule, row["legalName"]["value"], row.get("city", {}).get("value"))


def _strings(texts) -> str:
    return " ".join(str(Literal(t)) for t in sorted(set(texts)))


def _iris(iris: list[str]) -> str:
    return " ".join(str(NamedNode(i)) for i in iris)


def _write(retrieval: Retrieval, matches: list[Match], rows: list[Row], base_iri: str) -> None:
    add = retrieval.add
    for match in matches:
        digest = hashlib.sha256(f"{match.actor} {match.organisation}".encode()).hexdigest()[:12]
        node = NamedNode(f"{base_iri}eurio-match/{match.actor.rstrip('/').rsplit('/', 1)[-1]}-{digest}")
        org = NamedNode(match.organisation)
        add(node, term("rdf", "type"), NamedNode(str(CG.EurioMatch)))
        add(node, NamedNode(str(CG.matchedActor)), NamedNode(match.actor))
        add(node, NamedNode(str(CG.matchedOrganisation)), org)
        add(node, NamedNode(str(CG.matchRule)), Literal(match.rule))
        add(node, NamedNode(str(CG.confidence)), Literal(f"{match.confidence:.2f}", datatype=XSD_DECIMAL))
        add(org, term("rdf", "type"), NamedNode(str(EURIO.Organisation)))
        add(org, NamedNode(str(EURIO.legalName)), Literal(match.legal_name))
    for row in rows:
        project, role = NamedNode(row["project"]["value"]), NamedNode(row["role"]["value"])
        add(project, term("rdf", "type"), NamedNode(str(EURIO.Project)))
        add(project, NamedNode(str(EURIO.title)), Literal(row["title"]["value"]))
        add(project, NamedNode(str(EURIO.identifier)), Literal(row["identifier"]["value"]))
        add(project, NamedNode(str(EURIO.hasInvolvedParty)), role)
        add(role, term("rdf", "type"), NamedNode(str(EURIO.OrganisationRole)))
        add(role, NamedNode(str(EURIO.isRoleOf)), NamedNode(row["org"]["value"]))
        add(role, NamedNode(str(EURIO.roleLabel)), Literal(row["roleLabel"]["value"]))
