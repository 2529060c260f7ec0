"""Every kind of page in both languages, and the German pages read as German.

A German page may show English only where the element says so (``lang="en"``), and only for
data that has no German form in any source, or whose German form the page shows beside it:

- a name (label, title) of a resource whose name has no German form, or whose German name is
  on the page too; the name of a concept (technology, field, ecosystem, topic area, theme,
  scheme) only beside its German name;
- a longer text (description, definition, comment, note) that no source gives in German,
  inside an element of class ``untranslated`` that also shows the reader, in German and
  visibly, "nur auf Englisch".

Everything else fails: English tagged ``lang="en"`` that the data does give in German, an
``untranslated`` mark on a text that has a German form, a mark without its German hint or
without ``lang="en"`` on the English, English data shown without ``lang="en"``, the site's
English interface texts, and untagged text that reads as English. "Has a German form" means:
the same subject has a ``@de`` literal of the same property in any named graph. What the data
says comes from the store, not from the pages' code.

The pages are every HTML page the app routes (found from its routes, so a new page is checked
too), one resource of every kind, the ontology, searches, a 404, and the two pictures as SVG.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib import Literal as RdfLiteral

from clustergraph.namespaces import PREFIXES
from clustergraph.pages.labels import local_name
from clustergraph.pages.texts import KINDS, TEXTS
from clustergraph.settings import Settings
from clustergraph.web.app import create_app

BASE = "https://w3id.org/clustergraph/"
HTML = {"Accept": "text/html"}
HINT = TEXTS["de"]["untranslated"]
# Longer texts: shown in English only with the hint. Every other literal counts as a name.
TEXT_PREDICATES = {PREFIXES["dct"] + "description", PREFIXES["skos"] + "definition", PREFIXES["rdfs"] + "comment",
                   PREFIXES["skos"] + "note", PREFIXES["skos"] + "scopeNote", PREFIXES["skos"] + "editorialNote",
                   PREFIXES["skos"] + "historyNote", PREFIXES["skos"] + "example"}
# Concepts are named by the project or its sources in both languages: English alone is a gap.
CONCEPT_KINDS = {"innovation-field", "theme", "ecosystem", "technology", "topic-area", "scheme"}
LITERALS = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isLiteral(?o)) } }"
ONE_OF_EACH_KIND = """SELECT ?prefix (MIN(STR(?s)) AS ?first) WHERE {
  VALUES ?prefix { %s }
  GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?s), ?prefix))
} GROUP BY ?prefix"""
# Not read as text of the page: code, the document title (it cannot mark a part of itself).
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "title"}
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# Words that are English and not German; untagged interface text with one of them reads as English.
ENGLISH_WORDS = {"the", "of", "and", "with", "for", "is", "are", "this", "that", "from", "by", "only", "to", "or",
                 "which", "its", "has", "have", "not", "see", "more", "about", "page", "show", "other"}


def normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Text:
    text: str
    lang: str  # the effective language: the nearest ``lang`` attribute, else the document's
    mark: int | None  # the enclosing ``untranslated`` element, if any
    hidden: bool


@dataclass
class Mark:
    """An element of class ``untranslated`` and what it holds."""

    texts: list[Text] = field(default_factory=list)


class LanguageScan(HTMLParser):
    """The document language, every text with its effective language, and the marked elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, int | None, bool]] = []  # tag, lang, mark, hidden
        self.document_lang: str | None = None
        self.texts: list[Text] = []
        self.marks: list[Mark] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        lang = a.get("lang") or a.get("xml:lang")
        if a.get("hreflang"):
            lang = "switch"  # the link to the page in another language is named in that language
        if tag in ("html", "svg") and not self.stack:
            self.document_lang = lang
        mark = self.stack[-1][2] if self.stack else None
        if "untranslated" in (a.get("class") or "").split():
            self.marks.append(Mark())
            mark = len(self.marks) - 1
        hidden = bool(self.stack and self.stack[-1][3]) or "hidden" in a or a.get("aria-hidden") == "true" or (
            "display:none" in (a.get("style") or "").replace(" ", ""))
        if tag not in VOID:
            self.stack.append((tag, lang, mark, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        text = normal(data)
        if not text or any(tag in SKIPPED_TAGS for tag, *_ in self.stack):
            return
        lang = next((lang for _, lang, _, _ in reversed(self.stack) if lang), self.document_lang or "")
        mark = self.stack[-1][2] if self.stack else None
        found = Text(text, lang, mark, bool(self.stack and self.stack[-1][3]))
        self.texts.append(found)
        if mark is not None:
            self.marks[mark].texts.append(found)


class Data:
    """What the store says about languages: each English literal's (subject, property) pairs,
    the German literals of each pair, and every text the data holds in another form."""

    def __init__(self, store, *graphs: Graph) -> None:
        """``graphs``: data a page shows that is not stored (the DCAT-AP catalogue)."""
        self.english: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.german: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.not_english: set[str] = set()
        stored = [(row["s"].value, row["p"].value, row["o"].value, row["o"].language) for row in store.query(LITERALS)]
        other = [(str(s), str(p), str(o), o.language) for g in graphs for s, p, o in g if isinstance(o, RdfLiteral)]
        for subject, predicate, value, language in stored + other:
            text, pair, lang = normal(value), (subject, predicate), (language or "")
            if lang.startswith("en"):
                self.english[text].add(pair)
            else:
                self.not_english.add(text)
                if lang.startswith("de"):
                    self.german[pair].add(text)
        self.all_texts = set(self.english) | self.not_english
        # A resource without a name is shown by the last segment of its IRI (pages.labels.local_name).
        self.slugs = {local_name(row["s"].value) for row in store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")}


def reads_as_english(text: str) -> bool:
    """Words of its own (split at spaces, so ``not-searched`` is one) that are English, not German."""
    words = {word.strip(".,;:!?()[]'\"«»„“”").lower() for word in text.split()}
    return len(words) > 1 and bool(words & ENGLISH_WORDS)


def kind_of(iri: str) -> str | None:
    return iri[len(BASE):].split("/", 1)[0] if iri.startswith(BASE) else None


def offences(scan: LanguageScan, data: Data) -> list[str]:
    """Everything on a German page that breaks the rules of the module docstring."""
    found: list[str] = []
    shown = {t.text for t in scan.texts}
    # The language codes a page shows as tags ("en") are codes, not English.
    english_ui = {normal(v) for k, v in TEXTS["en"].items() if k != "lang"} - {normal(v) for v in TEXTS["de"].values()}
    for t in scan.texts:
        if t.lang == "switch":
            continue
        if t.lang.startswith("en"):
            pairs = data.english.get(t.text)
            if not pairs:
                found.append(f"tagged English but not an English text of the data: {t.text!r}")
                continue
            only_english = [sp for sp in pairs if not data.german.get(sp)]
            beside = any(data.german.get(sp, set()) & shown for sp in pairs)
            if t.mark is not None:
                if not only_english:
                    found.append(f"marked '{HINT}' but a source gives it in German: {t.text!r}")
            elif beside:
                continue
            elif all(p in TEXT_PREDICATES for _, p in pairs):
                found.append(f"English text without the '{HINT}' mark: {t.text!r}")
            elif not [sp for sp in only_english if kind_of(sp[0]) not in CONCEPT_KINDS]:
                found.append(f"English name without its German form beside it: {t.text!r}")
        else:
            if t.text in data.english and t.text not in data.not_english:
                found.append(f"English data without lang=\"en\": {t.text!r}")
            elif t.text in english_ui:
                found.append(f"English interface text: {t.text!r}")
            elif t.text not in data.all_texts | data.slugs and reads_as_english(t.text):
                found.append(f"untagged text that reads as English: {t.text!r}")
    for number, mark in enumerate(scan.marks):
        if not any(t.lang.startswith("en") for t in mark.texts):
            found.append(f"mark {number} holds no text tagged lang=\"en\": {[t.text for t in mark.texts]}")
        if not any(t.text == HINT and t.lang == "de" and not t.hidden for t in mark.texts):
            found.append(f"mark {number} does not tell the reader '{HINT}' in German: {[t.text for t in mark.texts]}")
    return found


@pytest.fixture(scope="module")
def site():
    with TestClient(create_app(Settings(store="memory", _env_file=None))) as client:
        catalogue = Graph().parse(data=client.get("/catalog", headers={"Accept": "text/turtle"}).text, format="turtle")
        yield client, client.app.state.store, Data(client.app.state.store, catalogue)


def html_routes(client) -> list[str]:
    """Every GET operation of the app's OpenAPI document without path parameters that answers a
    browser with an HTML page."""
    paths = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if "get" in operations and "{" not in path:
            answer = client.get(path, headers=HTML)
            if answer.status_code == 200 and answer.headers["content-type"].startswith("text/html"):
                paths.append(path)
    return paths


def every_kind_of_page(client, store) -> list[str]:
    """One address of every kind of page: the routed pages, searches, the ontology, a 404,
    each listing and one resource of each kind, and the two pictures."""
    block = " ".join(f'"{BASE}{kind}/"' for kind in KINDS)
    firsts = {row["prefix"].value: row["first"].value for row in store.query(ONE_OF_EACH_KIND % block)}
    paths = html_routes(client)
    paths += ["/api/v1/docs", "/search?q=wasserstoff", "/search?q=automotive", "/ontology/Cluster", "/cluster/no-such-cluster",
              "/landscape.svg", "/network.svg"]
    for kind in KINDS:
        paths.append(f"/{kind}/")
        first = firsts.get(f"{BASE}{kind}/")
        if first:
            paths.append("/" + first[len(BASE):])
    return list(dict.fromkeys(paths))


def scan_of(client, path: str, lang: str) -> tuple[LanguageScan, object]:
    sep = "&" if "?" in path else "?"
    response = client.get(f"{path}{sep}lang={lang}", headers=HTML)
    scan = LanguageScan()
    scan.feed(response.text)
    return scan, response


def test_every_kind_of_page_is_checked(site) -> None:
    client, store, _ = site
    paths = every_kind_of_page(client, store)
    named = {"/", "/search", "/ontology", "/sparql", "/queries", "/api/v1/docs", "/catalog", "/landscape.svg", "/network.svg"}
    assert named <= set(paths), named - set(paths)
    for kind in ("cluster", "organisation", "innovation-field", "technology", "label", "programme", "event", "source"):
        assert any(p.startswith(f"/{kind}/") and p != f"/{kind}/" for p in paths), kind


def test_every_kind_of_page_renders_in_both_languages(site) -> None:
    client, store, _ = site
    for path in every_kind_of_page(client, store):
        for lang in ("en", "de"):
            scan, response = scan_of(client, path, lang)
            assert response.status_code in (200, 404), (path, lang, response.status_code)
            picture = path.endswith(".svg")
            assert response.headers["content-type"].startswith("image/svg+xml" if picture else "text/html"), path
            assert scan.document_lang == lang, (path, lang, scan.document_lang)
            if not picture:
                assert response.headers["content-language"] == lang


def test_german_pages_show_english_only_where_the_data_has_no_german(site) -> None:
    client, store, data = site
    problems: dict[str, list[str]] = {}
    for path in every_kind_of_page(client, store):
        scan, _ = scan_of(client, path, "de")
        if found := offences(scan, data):
            problems[path] = found
    assert problems == {}, "German pages:\n" + "\n".join(f"{p}: {f[:6]}" for p, f in problems.items())


def test_an_english_only_text_is_tagged_and_marked_for_the_reader(site) -> None:
    client, _, data = site
    scan, _ = scan_of(client, "/ontology/Cluster", "de")
    (definition,) = [t for t in scan.texts if t.mark is not None and t.lang == "en"]
    pairs = data.english[definition.text]
    assert any(p == PREFIXES["skos"] + "definition" and not data.german.get((s, p)) for s, p in pairs)
    assert any(t.text == HINT and t.lang == "de" for t in scan.marks[definition.mark].texts)


# The checks, each shown to catch what it is for (the data of the store decides, as above).
FAKE = Data.__new__(Data)
FAKE.english = defaultdict(set, {
    "A cluster.": {(BASE + "ontology/Cluster", PREFIXES["skos"] + "definition")},
    "Ein Cluster.": set(),
    "Hydrogen": {(BASE + "technology/hydrogen", PREFIXES["skos"] + "prefLabel")},
    "Waterstone": {(BASE + "technology/waterstone", PREFIXES["skos"] + "prefLabel")},
    "European Commission": {(BASE + "organisation/ec", PREFIXES["skos"] + "prefLabel")},
    "Described in English.": {(BASE + "cluster/x", PREFIXES["dct"] + "description")},
})
FAKE.german = defaultdict(set, {(BASE + "technology/hydrogen", PREFIXES["skos"] + "prefLabel"): {"Wasserstoff"},
                                (BASE + "cluster/x", PREFIXES["dct"] + "description"): {"Auf Deutsch beschrieben."}})
FAKE.not_english = {"Wasserstoff", "Auf Deutsch beschrieben."}
FAKE.all_texts = set(FAKE.english) | FAKE.not_english
FAKE.slugs = set()


def problems_of(body: str) -> list[str]:
    scan = LanguageScan()
    scan.feed(f'<html lang="de"><body>{body}</body></html>')
    return offences(scan, FAKE)


@pytest.mark.parametrize("body, expected", [
    # allowed
    (f'<p class="untranslated" lang="en">A cluster. <span class="tag" lang="de">{HINT}</span></p>', None),
    ('<h1>Wasserstoff</h1><p><span lang="en">Hydrogen</span></p>', None),
    ('<a href="/o/ec"><span lang="en">European Commission</span></a>', None),
    # each rule
    ('<p><span lang="en">A cluster.</span></p>', "without the 'nur auf Englisch' mark"),
    (f'<p class="untranslated" lang="en">A cluster. <span class="tag" lang="en">{HINT}</span></p>', "does not tell the reader"),
    (f'<p class="untranslated" lang="en">A cluster. <span class="tag" hidden lang="de">{HINT}</span></p>', "does not tell the reader"),
    (f'<p class="untranslated">A cluster. <span class="tag">{HINT}</span></p>', "holds no text tagged"),
    (f'<p class="untranslated" lang="en">Described in English. <span lang="de">{HINT}</span></p>', "gives it in German"),
    ('<p><span lang="en">Hydrogen</span></p>', "without its German form beside it"),
    ('<p><span lang="en">Waterstone</span></p>', "without its German form beside it"),
    ('<p>European Commission</p>', 'without lang="en"'),
    ('<p><span lang="en">Made-up English</span></p>', "not an English text of the data"),
    (f'<p>{TEXTS["en"]["search_button"]}</p>', "English interface text"),
    ('<p>subclass of the thing</p>', "reads as English"),
])
def test_each_rule_catches_what_it_is_for(body: str, expected: str | None) -> None:
    found = problems_of(body)
    if expected is None:
        assert found == []
    else:
        assert any(expected in f for f in found), found
