"""What a German reader stumbled over, each checked on the served pages: property labels,
figures as sentences, decimal commas, region names, the landscape's short names; and the
site's own pieces (catalogue page, favicon)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from clustergraph.namespaces import sparql_prologue
from clustergraph.settings import Settings
from clustergraph.web.app import create_app

HTML = {"Accept": "text/html"}
BASE = "https://w3id.org/clustergraph/"
MEMBER_FIGURE = sparql_prologue() + """SELECT ?c WHERE {
  ?f cg:figureOf ?c ; cg:measure cg:MemberCount ; cg:value ?v FILTER(?v > 1)
} ORDER BY ?c LIMIT 1"""
IN_A_REGION = sparql_prologue() + """SELECT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster ; dct:spatial nuts:DEA } ORDER BY ?c LIMIT 1"""
MANAGED = sparql_prologue() + """SELECT ?c WHERE { ?c cg:managedBy ?b } ORDER BY ?c LIMIT 1"""


@pytest.fixture(scope="module")
def site():
    with TestClient(create_app(Settings(store="memory", _env_file=None))) as client:
        yield client, client.app.state.store


def page(client, iri: str, lang: str = "de") -> str:
    return client.get("/" + iri[len(BASE):] + f"?lang={lang}", headers=HTML).text


def first(store, query: str) -> str:
    rows = list(store.query(query))
    assert rows, query
    return rows[0]["c"].value


def test_member_counts_read_as_a_german_sentence(site) -> None:
    client, store = site
    text = page(client, first(store, MEMBER_FIGURE))
    figures = text[text.index('id="figures-h"'):]
    assert "Anzahl der Mitglieder" not in figures
    assert re.search(r"<strong>(etwa |mehr als )?[\d.]+</strong> Mitglieder", figures), figures[:600]


def test_scores_use_a_decimal_comma_and_are_explained(site) -> None:
    client, _ = site
    text = client.get("/cluster/its-owl?lang=de", headers=HTML).text
    scores = re.findall(r"\(Wert ([\d.,]+)\)", text)
    assert scores and all(re.fullmatch(r"\d+,\d\d", s) for s in scores), scores
    assert "mal 2/n" in text
    english = re.findall(r"\(score ([\d.,]+)\)", client.get("/cluster/its-owl?lang=en", headers=HTML).text)
    assert english and all(re.fullmatch(r"\d+\.\d\d", s) for s in english)


def test_the_region_has_a_name_and_the_managing_body_a_german_label(site) -> None:
    client, store = site
    assert "Nordrhein-Westfalen (NUTS DEA)" in page(client, first(store, IN_A_REGION))
    managed = page(client, first(store, MANAGED))
    assert "gemanagt" not in managed and ">Träger<" in managed


def test_the_german_landscape_has_no_english_short_name(site) -> None:
    client, _ = site
    german = client.get("/landscape.svg?lang=de").text
    assert ">Hydrogen<" not in german and ">Zukunftscluster Wasserstoff<" in german
    assert ">Wasserstoff<" in client.get("/technology/hydrogen?lang=de", headers=HTML).text.replace(" ", "")


def test_the_catalogue_is_a_page_for_browsers_and_rdf_for_harvesters(site) -> None:
    client, _ = site
    browser = client.get("/catalog", headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.status_code == 200 and browser.headers["content-type"].startswith("text/html")
    assert "Vary" in browser.headers and "Accept" in browser.headers["Vary"]
    assert "<h1>Datenkatalog</h1>" in client.get("/catalog?lang=de", headers=HTML).text
    harvester = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert harvester.headers["content-type"].startswith("text/turtle") and "dcat:Catalog" in harvester.text
    assert client.get("/catalog", headers={"Accept": "*/*"}).headers["content-type"].startswith("text/turtle")
    assert client.get("/catalog?format=jsonld", headers=HTML).headers["content-type"].startswith("application/ld+json")


def test_the_favicon_is_served(site) -> None:
    client, _ = site
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"
