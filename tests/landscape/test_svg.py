"""The landscape and network pictures: drawn from the graph, valid XML, every cluster in them,
editorial assignments marked, text from the data escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from clustergraph.landscape.data import ClusterNode, FieldGroup, Landscape, Placement, Tie, read_landscape, read_ties
from clustergraph.landscape.landscape_svg import render_landscape
from clustergraph.landscape.network_svg import render_network
from clustergraph.loading.loader import load
from clustergraph.namespaces import sparql_prologue
from clustergraph.pages.urls import Urls
from clustergraph.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://w3id.org/clustergraph/"
HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "hostile.trig"
CLUSTERS = sparql_prologue() + "SELECT DISTINCT ?c WHERE { ?c a/rdfs:subClassOf* cg:Cluster }"
ASSIGNMENTS = sparql_prologue() + """SELECT ?c ?f (MIN(?ed) AS ?editorial) WHERE {
  GRAPH ?g { ?c cg:innovationField ?f }
  BIND(IF(EXISTS { ?g a cg:EditorialSource }, 1, 0) AS ?ed)
} GROUP BY ?c ?f"""
WITHOUT_FIELD = sparql_prologue() + """SELECT DISTINCT ?c WHERE {
  ?c a/rdfs:subClassOf* cg:Cluster FILTER NOT EXISTS { ?c cg:innovationField ?f }
}"""


def draw(store, lang: str = "en") -> tuple[ET.Element, ET.Element]:
    urls = Urls(BASE)
    landscape = read_landscape(store, lang=lang, urls=urls, no_field_label="no field")
    ties = read_ties(store, landscape, lang=lang)
    return ET.fromstring(render_landscape(landscape)), ET.fromstring(render_network(landscape, ties))


def cluster_elements(root: ET.Element) -> list[ET.Element]:
    return [a for a in root.iter(f"{SVG}a") if "cluster" in a.get("class", "").split()]


def clusters_in(store) -> set[str]:
    return {row["c"].value for row in store.query(CLUSTERS)}


def test_every_cluster_appears_in_the_landscape_as_a_link(store):
    landscape, _ = draw(store)
    drawn = cluster_elements(landscape)
    assert {a.get("data-iri") for a in drawn} == clusters_in(store)
    for a in drawn:
        assert a.get("href") == "/" + a.get("data-iri")[len(BASE):]
        assert a.find(f"{SVG}title").text  # a tooltip with the full name


def test_every_cluster_is_a_node_of_the_network(store):
    _, network = draw(store)
    nodes = {a.get("data-iri") for a in cluster_elements(network)}
    assert nodes == clusters_in(store)
    for tie in network.iter(f"{SVG}path"):
        if "tie" in tie.get("class", ""):
            assert {tie.get("data-a"), tie.get("data-b")} <= nodes
            assert tie.find(f"{SVG}title").text  # the evidence


def test_each_cluster_sits_in_the_group_of_each_of_its_fields_and_editorial_ones_are_marked(store):
    landscape, _ = draw(store)
    placed: dict[tuple[str, str], str] = {}
    for group in landscape.iter(f"{SVG}g"):
        if group.get("class") == "field-group":
            for a in cluster_elements(group):
                placed[(a.get("data-iri"), group.get("data-field"))] = a.get("class")
    expected = {(row["c"].value, row["f"].value): int(row["editorial"].value) for row in store.query(ASSIGNMENTS)}
    assert expected, "the data assigns clusters to fields"
    assert any(expected.values()), "the data has editorial assignments"
    for (cluster, field), editorial in expected.items():
        assert (cluster, field) in placed
        assert ("editorial" in placed[(cluster, field)].split()) == bool(editorial)


def test_clusters_without_a_field_form_their_own_group(store):
    landscape, _ = draw(store)
    unplaced = {row["c"].value for row in store.query(WITHOUT_FIELD)}
    groups = [g for g in landscape.iter(f"{SVG}g") if g.get("class") == "field-group" and g.get("data-field") == ""]
    if unplaced:
        assert len(groups) == 1
        assert {a.get("data-iri") for a in cluster_elements(groups[0])} == unplaced
    else:
        assert groups == []


def test_adding_a_cluster_adds_it_to_the_pictures_with_its_name_as_text(store, shacl_gate):
    before = clusters_in(store)
    load(store, Settings(store="memory", _env_file=None), [HOSTILE], gate=shacl_gate)
    added = clusters_in(store) - before
    assert added == {BASE + "cluster/hostile-test"}
    landscape, network = draw(store)
    for root in (landscape, network):
        (element,) = [a for a in cluster_elements(root) if a.get("data-iri") in added]
        shown = element.find(f"{SVG}text").text
        assert shown.startswith("<svg onload=alert(2)>Host")  # long names may be cut with "…"
        assert "<svg onload=alert(2)>Hostile</svg>".startswith(shown.rstrip("…"))
        assert "<script>" in element.find(f"{SVG}title").text  # the full name, as text


def test_the_german_picture_uses_german_names(store):
    landscape, _ = draw(store, lang="de")
    titles = " ".join(t.text or "" for t in landscape.iter(f"{SVG}text"))
    german = {row["l"].value for row in store.query(sparql_prologue() + """SELECT ?l WHERE {
        ?f a cg:InnovationField ; skos:prefLabel ?l FILTER(LANG(?l) = "de") }""")}
    assert german and any(name.split()[0] in titles for name in german)


@pytest.mark.parametrize("name", ['A & B <c> "d" \'e\'', "]]> <!-- x -->", "Ünïcödé – ok"])
def test_any_text_renders_to_well_formed_svg(name):
    node = ClusterNode(iri="https://example.org/c?a=1&b=2", name=name, full_name=name, href="/c?a=1&b=2", type_label=name)
    other = ClusterNode(iri="https://example.org/d", name="D", full_name="D", href="/d")
    group = FieldGroup(iri="https://example.org/f", label=name, href="/f", cross_cutting=True,
                       members=[Placement(node, editorial=True), Placement(other, editorial=False)])
    landscape = Landscape(clusters=[node, other], groups=[group])
    ties = [Tie(node, other, "technologies", [("https://example.org/t", name)])]
    for svg in (render_landscape(landscape), render_network(landscape, ties)):
        root = ET.fromstring(svg)
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert any(name[:20] in (t or "") for t in texts)
        assert {a.get("href") for a in cluster_elements(root)} == {"/c?a=1&b=2", "/d"}


def test_an_empty_graph_still_draws_a_picture(empty_store):
    landscape, network = draw(empty_store)
    assert cluster_elements(landscape) == [] and cluster_elements(network) == []
