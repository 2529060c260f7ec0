"""Completeness in plain view: ``/api/v1/completeness``, the page ``/completeness`` in English
and German, and the landing page's sentence, served from a store holding the made-up
landscape of ``tests/catalog/fixtures/completeness.trig`` (its answer is known by construction)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from clustergraph.catalog.completeness import FIELD_KEYS, Completeness
from clustergraph.loading.loader import gate_for
from clustergraph.loading.parse import parse_path
from clustergraph.settings import DEFAULT_BASE_IRI, Settings
from clustergraph.store import EmbeddedStore
from clustergraph.web.app import create_app
from tests.catalog.test_completeness import EXPECTED

FIXTURE = Path(__file__).resolve().parent.parent / "catalog" / "fixtures" / "completeness.trig"
HTML = {"Accept": "text/html"}
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    """The app over an on-disk store that holds the ontology and the fixture (nothing bundled)."""
    path = tmp_path_factory.mktemp("completeness") / "store"
    settings = Settings(store=str(path), _env_file=None)
    db = EmbeddedStore(path)
    db.apply(add=gate_for(settings).ontology_quads + parse_path(FIXTURE, base_iri=DEFAULT_BASE_IRI))
    db.close()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class Cells(HTMLParser):
    """The table's rows: (row name, [(state, href) of each cell])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.in_table = self.in_body = self.in_row_head = False
        self.state: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.in_table = "completeness-table" in (a.get("class") or "").split()
        elif tag == "tbody" and self.in_table:
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append(("", []))
        elif self.in_body and tag == "th":
            self.in_row_head = True
        elif self.in_body and tag == "td" and a.get("data-state"):
            self.state = a["data-state"]
            self.rows[-1][1].append((self.state, None))
        elif self.in_body and tag == "a" and self.state and self.rows[-1][1]:
            self.rows[-1][1][-1] = (self.state, a.get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("tbody", "table"):
            self.in_body = False
        elif tag == "th":
            self.in_row_head = False
        elif tag == "td":
            self.state = None

    def handle_data(self, data: str) -> None:
        if self.in_row_head and data.strip():
            name, cells = self.rows[-1]
            self.rows[-1] = (name + data.strip(), cells)


def table(html: str) -> dict[str, list[tuple[str, str | None]]]:
    parser = Cells()
    parser.feed(html)
    return dict(parser.rows)


def test_the_api_gives_the_table_with_its_totals(client: TestClient) -> None:
    response = client.get("/api/v1/completeness")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"states", "totals", "fields", "data", "count"}
    assert body["states"] == ["sourced", "editorial", "research_gap", "missing"]
    assert body["totals"] == {"sourced": 7, "editorial": 4, "research_gap": 2, "missing": 21, "unknown": 23, "cells": 34}
    assert [f["id"] for f in body["fields"]] == list(FIELD_KEYS)
    assert body["count"] == len(body["data"]) == 2
    for row in body["data"]:
        assert {c["field"]: c["state"] for c in row["fields"]} == {k: EXPECTED[row["id"]].get(k, "missing") for k in FIELD_KEYS}
    Completeness.model_validate(body)  # the documented shape


def test_the_api_keeps_one_cluster_and_revalidates(client: TestClient) -> None:
    whole = client.get("/api/v1/completeness").json()
    one = client.get("/api/v1/completeness", params={"cluster": "beta"})
    assert one.json()["data"] == [row for row in whole["data"] if row["id"] == "beta"]
    assert one.json()["totals"]["editorial"] == 1
    again = client.get("/api/v1/completeness", params={"cluster": "beta"}, headers={"If-None-Match": one.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("cluster", "status", "said"),
    [("gamma", 404, "no cluster with id 'gamma'"), ("m", 404, "no cluster with id 'm'"), ("Not An Id", 422, "cluster")],
)
def test_a_bad_cluster_is_a_problem_document(client: TestClient, cluster: str, status: int, said: str) -> None:
    response = client.get("/api/v1/completeness", params={"cluster": cluster})
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status and said in (problem["detail"] + str(problem.get("errors", "")))


@pytest.mark.parametrize(
    ("lang", "heading", "summary", "website"),
    [
        ("en", "Completeness of the cluster profiles", "7 of 34 profile fields", "Website"),
        ("de", "Vollständigkeit der Clusterprofile", "7 von 34 Profilfeldern", "Webseite"),
    ],
)
def test_the_page_shows_every_cell_with_its_mark_and_link(client, lang, heading, summary, website) -> None:
    response = client.get(f"/completeness?lang={lang}", headers=HTML)
    assert response.status_code == 200 and response.headers["content-language"] == lang
    page = response.text
    assert f'<html lang="{lang}">' in page and f"<h1>{heading}</h1>" in page
    assert summary in page and f"<span>{website}</span>" in page
    rows = table(page)
    assert list(rows) == ["Alpha", "Beta"]
    api = {row["id"]: row for row in client.get("/api/v1/completeness").json()["data"]}
    for name, cells in rows.items():
        assert [state for state, _ in cells] == [c["state"] for c in api[name.lower()]["fields"]]
    alpha = dict(zip(FIELD_KEYS, rows["Alpha"]))
    suffix = f"?lang={lang}"
    assert alpha["homepage"] == ("sourced", "/source/alpha-site" + suffix)
    assert alpha["innovation_fields"] == ("editorial", "/source/editorial" + suffix)
    assert alpha["labels"] == ("research_gap", "/research-gap/alpha-labels" + suffix)  # where and when it was searched
    assert alpha["managing_organisation"] == ("research_gap", "/source/research-gaps" + suffix)
    assert alpha["founding_date"] == ("missing", "/cluster/alpha" + suffix)
    # Every link stays on this site and answers.
    for cells in rows.values():
        for _, href in cells:
            assert href and not urlsplit(href).netloc
            assert client.get(href, headers=HTML).status_code == 200, href


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "7 of 34 profile fields of the clusters are known from sources, 4 editorial, 23 unknown."),
        ("de", "7 von 34 Profilfeldern der Cluster sind aus Quellen bekannt, 4 redaktionell, 23 unbekannt."),
    ],
)
def test_the_landing_page_says_how_complete_the_graph_is(client: TestClient, lang: str, sentence: str) -> None:
    page = client.get(f"/?lang={lang}", headers=HTML).text
    line = re.search(r'<p class="completeness-line"[^>]*>(.*?)</p>', page, re.DOTALL)
    assert line is not None
    assert sentence in line.group(1)
    assert f'href="/completeness?lang={lang}"' in line.group(1)


def test_the_api_reference_documents_the_route_in_both_languages(client: TestClient) -> None:
    english = client.get("/api/v1/docs", headers=HTML).text
    german = client.get("/api/v1/docs?lang=de", headers=HTML).text
    assert "/api/v1/completeness" in english and "Completeness of the cluster profiles" in english
    assert "Vollständigkeit der Clusterprofile" in german and "gesucht, nicht gefunden" in german
