"""The network picture explains itself: a legend entry for every colour, line styles that
are not field colours, the same drawing in English and German, and lists of every tie."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from clustergraph.landscape.data import read_landscape, read_ties
from clustergraph.landscape.lists import picture_lists
from clustergraph.landscape.network_svg import KIND_STYLES, render_network
from clustergraph.landscape.svg import PALETTE
from clustergraph.loading.loader import load
from clustergraph.pages.texts import network_texts
from clustergraph.pages.urls import Urls
from clustergraph.settings import Settings
from clustergraph.store import EmbeddedStore

SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://w3id.org/clustergraph/"


@pytest.fixture(scope="module")
def store(shacl_gate):
    db = EmbeddedStore(None)
    load(db, Settings(store="memory", _env_file=None), gate=shacl_gate)
    yield db
    db.close()


def drawn(store, lang: str):
    landscape = read_landscape(store, lang=lang, urls=Urls(BASE), no_field_label="-")
    ties = read_ties(store, landscape, lang=lang)
    return landscape, ties, ET.fromstring(render_network(landscape, ties, network_texts(lang)))


def test_every_node_colour_has_a_legend_entry_and_ties_use_no_field_colour(store) -> None:
    _, _, svg = drawn(store, "en")
    legend = {c.get("fill") for g in svg.iter(f"{SVG}g") if "field-colour" in g.get("class", "") for c in g.iter(f"{SVG}circle")}
    legend |= {c.get("stroke") for g in svg.iter(f"{SVG}g") if "field-colour" in g.get("class", "") for c in g.iter(f"{SVG}circle")}
    nodes = {c.get("fill") for c in svg.iter(f"{SVG}circle") if c.get("fill") != "#ffffff"}
    assert nodes and nodes <= legend
    edges = {p.get("stroke") for p in svg.iter(f"{SVG}path") if "tie" in p.get("class", "")}
    assert edges and not edges & set(PALETTE)
    assert {stroke for stroke, _ in KIND_STYLES.values()}.isdisjoint(PALETTE)


def test_the_network_is_drawn_the_same_in_english_and_german(store) -> None:
    def positions(svg: ET.Element) -> dict[str, tuple[str, str]]:
        return {a.get("data-iri"): (a.find(f"{SVG}circle").get("cx"), a.find(f"{SVG}circle").get("cy"))
                for a in svg.iter(f"{SVG}a") if "node" in a.get("class", "")}

    _, _, english = drawn(store, "en")
    _, _, german = drawn(store, "de")
    assert positions(english) and positions(english) == positions(german)
    assert english.get("viewBox") == german.get("viewBox")


def test_the_lists_hold_every_tie_and_every_cluster_without_one(store) -> None:
    landscape, ties, svg = drawn(store, "de")
    lists = picture_lists(landscape, ties, Urls(BASE), network_texts("de"))
    paths = sorted((p.get("data-a"), p.get("data-b"), p.get("class").split()[1]) for p in svg.iter(f"{SVG}path"))
    assert sorted((*r.iris, r.kind) for r in lists.ties) == paths
    tied = {iri for r in lists.ties for iri in r.iris}
    assert len(lists.untied) == len({n.iri for n in landscape.clusters} - tied)
    assert all(r.kind_label and r.via for r in lists.ties)
    assert {r.kind_label for r in lists.ties} <= set(network_texts("de").kinds.values())
