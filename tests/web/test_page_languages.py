"""Every kind of page in both languages, and the German pages read as German.

A German page may show English (text the page tags ``lang="en"``) only as

- a proper name with no German form: the names of clusters, organisations, places, events,
  documents, sources, programmes, initiatives and the ontology's own terms;
- the English name of something that has a German name too (shown beside it);
- a text the data holds in English only, which the page marks for the reader as
  "nur auf Englisch" (an element of class ``untranslated``; today the longer texts:
  descriptions, definitions, notes, source titles).

Anything else in English fails: interface text, and the name of a concept (technology,
field, ecosystem, topic area, scheme) without its German label. A German page must be
``<html lang="de">``. Expected names come from the store, not from the pages' code.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from clustergraph.namespaces import sparql_prologue
from clustergraph.settings import Settings
from clustergraph.web.app import create_app

BASE = "https://w3id.org/clustergraph/"
HTML = {"Accept": "text/html"}
# Kinds whose resources have proper names (no German form to expect).
NAMED_KINDS = ("cluster", "organisation", "place", "event", "document", "source", "initiative", "membership", "figure",
               "participation", "label", "programme")
NAMES = sparql_prologue() + """SELECT DISTINCT ?s ?name ?german WHERE {
  ?s skos:prefLabel|skos:altLabel|cg:shortName|rdfs:label|dct:title|schema:name|foaf:name ?name
  BIND(EXISTS { ?s skos:prefLabel|rdfs:label ?de FILTER(LANG(?de) = "de") } AS ?german)
}"""
ONE_OF_EACH_KIND = """SELECT ?prefix (MIN(STR(?s)) AS ?first) WHERE {
  VALUES ?prefix { %s }
  GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), ?prefix))
} GROUP BY ?prefix"""
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea"}


class LanguageScan(HTMLParser):
    """The document language and every text with its effective language (from ``lang`` attributes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.document_lang: str | None = None
        self.texts: list[tuple[str, str]] = []  # (lang, text) of every text
        self.marked: list[str] = []  # texts inside an element marked ``untranslated``

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if dict(attrs).get("hreflang"):
            lang = "switch"  # the link to the page in another language is named in that language
        if tag == "html":
            self.document_lang = lang
        if "untranslated" in (dict(attrs).get("class") or "").split():
            lang = "untranslated:" + (lang or "")
        if tag not in self.VOID:
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or any(tag in SKIPPED_TAGS for tag, _ in self.stack):
            return
        if any(lang and lang.startswith("untranslated:") for _, lang in self.stack):
            self.marked.append(text)
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), self.document_lang or "")
        self.texts.append((lang, text))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    settings = Settings(store="memory", _env_file=None)
    with TestClient(create_app(settings)) as client:
        yield client, client.app.state.store


def every_kind_of_page(store) -> list[str]:
    """One address of every kind of page: the fixed pages, each listing and one resource of each kind."""
    from clustergraph.pages.texts import KINDS

    block = " ".join(f'"{BASE}{kind}/"' for kind in KINDS)
    firsts = {row["prefix"].value: row["first"].value for row in store.query(ONE_OF_EACH_KIND % block)}
    paths = ["/", "/search?q=wasserstoff", "/search?q=automotive", "/ontology", "/ontology/Cluster", "/sparql", "/queries",
             "/api/v1/docs", "/catalog", "/cluster/no-such-cluster"]
    for kind in KINDS:
        paths.append(f"/{kind}/")
        first = firsts.get(f"{BASE}{kind}/")
        if first:
            paths.append("/" + first[len(BASE):])
    return paths


def proper_names(store) -> set[str]:
    """Names of resources whose kind has proper names, of the ontology's own terms, and every
    name of a resource that has a German name (its English name is then shown beside it)."""
    names = set()
    for row in store.query(NAMES):
        iri = row["s"].value
        kind = iri[len(BASE):].split("/", 1)[0] if iri.startswith(BASE) else None
        if kind in NAMED_KINDS or iri.startswith(BASE + "ontology") or row["german"].value == "true":
            names.add(" ".join(row["name"].value.split()))
    return names


def test_every_kind_of_page_renders_in_both_languages(site) -> None:
    client, store = site
    for path in every_kind_of_page(store):
        for lang in ("en", "de"):
            sep = "&" if "?" in path else "?"
            response = client.get(f"{path}{sep}lang={lang}", headers=HTML)
            assert response.status_code in (200, 404), (path, lang, response.status_code)
            assert response.headers["content-type"].startswith("text/html"), (path, response.headers["content-type"])
            scan = LanguageScan()
            scan.feed(response.text)
            assert scan.document_lang == lang, (path, lang, scan.document_lang)
            assert response.headers["content-language"] == lang


def test_german_pages_have_no_english_text_but_names(site) -> None:
    client, store = site
    allowed = proper_names(store)
    offenders: dict[str, list[str]] = {}
    for path in every_kind_of_page(store):
        sep = "&" if "?" in path else "?"
        scan = LanguageScan()
        scan.feed(client.get(f"{path}{sep}lang=de", headers=HTML).text)
        english = [text for lang, text in scan.texts if lang.startswith("en") and text not in allowed]
        if english:
            offenders[path] = english
    assert offenders == {}, "English text on German pages:\n" + "\n".join(f"{p}: {t[:8]}" for p, t in offenders.items())


def test_the_language_test_notices_an_untranslated_text() -> None:
    scan = LanguageScan()
    scan.feed(
        '<html lang="de"><body><p>Hallo <span lang="en">untranslated words</span></p><pre lang="en">code</pre>'
        '<p class="untranslated" lang="en">Marked text <span class="tag" lang="de">nur auf Englisch</span></p></body></html>'
    )
    assert [t for lang, t in scan.texts if lang == "en"] == ["untranslated words"]
    assert ("de", "Hallo") in scan.texts
    assert scan.marked == ["Marked text", "nur auf Englisch"]


def test_english_text_the_german_pages_mark_as_untranslated_is_told_to_the_reader(site) -> None:
    client, _ = site
    scan = LanguageScan()
    scan.feed(client.get("/ontology/Cluster?lang=de", headers=HTML).text)
    assert scan.marked, "the definition of cg:Cluster is English only and should be marked"
    assert "nur auf Englisch" in scan.marked
