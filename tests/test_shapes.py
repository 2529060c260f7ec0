"""The bundled data (data/**/*.trig) against the SHACL shapes (shapes/*.ttl), and the
deliberately broken inputs in tests/fixtures/broken/ that the shapes or the loader reject.

The validation graph is built exactly as the loader must build it (docs/data-model.md):
every quad of the data, graph names dropped, + the ontology + ``?s cg:assertedIn ?g`` for
every subject ``?s`` of every named graph ``?g``; pyshacl on plain rdflib graphs with
inference="none", advanced=True, allow_warnings=True. Zero sh:Violation is the bar.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import PROV, SH, SKOS

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"
BASE = "https://w3id.org/clustergraph/"
CG = Namespace("https://w3id.org/clustergraph/ontology/")

CLUSTER_SLUGS = """
chemie-nrw spin-nrw its-owl nmwp-nrw kunststoffland-nrw produktion-nrw umweltwirtschaft-nrw clib
bio-nrw logistik-nrw automotiveland-nrw aerospace-nrw innocam-nrw energieforschung-nrw
nrw-energy4climate medizin-nrw creative-nrw mediennetzwerk-nrw ki-nrw qt-nrw 5g-nrw neurosys
zukunftscluster-wasserstoff
""".split()

F_MATERIALS = "innovative-materials-smart-production"
F_MOBILITY = "networked-mobility-logistics"
F_ENVIRONMENT = "environmental-circular-economy"
F_ENERGY = "energy-innovative-construction"
F_MEDICINE = "innovative-medicine-health-life-science"
F_CREATIVE = "culture-media-creative-industries-innovative-services"
F_KEYTECH = "key-technologies-ict"

# Seed report, section 2: the assignments it states directly.
SOURCED_FIELDS = {
    **{slug: {F_MATERIALS} for slug in ("chemie-nrw", "spin-nrw", "its-owl", "nmwp-nrw", "kunststoffland-nrw", "produktion-nrw")},
    "medizin-nrw": {F_MEDICINE},
    "bio-nrw": {F_MEDICINE},
    "creative-nrw": {F_CREATIVE},
    "mediennetzwerk-nrw": {F_CREATIVE},
    "ki-nrw": {F_KEYTECH},
    "qt-nrw": {F_KEYTECH},
    "5g-nrw": {F_KEYTECH},
}

# The grouped sentence of section 2 and CLIB's "also works on similar topics": editorial.
EDITORIAL_FIELDS = {
    "umweltwirtschaft-nrw": {F_ENVIRONMENT},
    "clib": {F_ENVIRONMENT, F_MEDICINE},
    "bio-nrw": {F_ENVIRONMENT},
    "logistik-nrw": {F_MOBILITY},
    "automotiveland-nrw": {F_MOBILITY},
    "aerospace-nrw": {F_MOBILITY},
    "innocam-nrw": {F_MOBILITY},
    "energieforschung-nrw": {F_ENERGY},
    "nrw-energy4climate": {F_ENERGY},
}

PREFIXES = """
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""


# ---------------------------------------------------------------------------------------
# The validation recipe (the loader must do the same)
# ---------------------------------------------------------------------------------------

def data_files() -> list[Path]:
    return sorted((ROOT / "data").rglob("*.trig"))


def load_dataset(extra: Iterable[Path] = (), base: str = BASE) -> Dataset:
    """Parse the bundled TriG files (plus ``extra``) with ``base`` as the base IRI."""
    dataset = Dataset()
    for path in [*data_files(), *extra]:
        dataset.parse(path, format="trig", publicID=base)
    return dataset


def load_ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def load_shapes() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validation_graph(dataset: Dataset, ontology: Graph) -> Graph:
    """Union of all quads + ontology + derived ``?s cg:assertedIn ?g`` (named graphs only)."""
    graph = Graph()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
        if g is not None and g != DATASET_DEFAULT_GRAPH_ID:
            graph.add((s, CG.assertedIn, g))
    for triple in ontology:
        graph.add(triple)
    return graph


def top_level_results(report: Graph) -> list[tuple[URIRef, str, str]]:
    """(severity, focus node, message) of each result of the report (not nested details).

    Each top-level result must carry exactly one sh:resultMessage: a node shape's
    sh:message is copied onto every result of its own constraints (SPARQL ones too), so
    mixing constraints of different meaning in one node shape would garble the message.
    """
    results = []
    for report_node in report.subjects(RDF.type, SH.ValidationReport):
        for result in report.objects(report_node, SH.result):
            count = len(list(report.objects(result, SH.resultMessage)))
            assert count == 1, f"{count} messages on one result: {list(report.objects(result, SH.resultMessage))}"
            results.append(
                (
                    report.value(result, SH.resultSeverity),
                    str(report.value(result, SH.focusNode)),
                    " ".join(sorted(str(m) for m in report.objects(result, SH.resultMessage))),
                )
            )
    return results


def validate(graph: Graph, shapes: Graph) -> list[tuple[URIRef, str, str]]:
    _conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    return top_level_results(report)


def violations(results: list[tuple[URIRef, str, str]]) -> list[tuple[str, str]]:
    return [(focus, message) for severity, focus, message in results if severity == SH.Violation]


# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def bundled_graph(dataset: Dataset, ontology: Graph) -> Graph:
    return validation_graph(dataset, ontology)


@pytest.fixture(scope="module")
def bundled_results(bundled_graph: Graph, shapes: Graph) -> list[tuple[URIRef, str, str]]:
    return validate(bundled_graph, shapes)


# ---------------------------------------------------------------------------------------
# The bundled data
# ---------------------------------------------------------------------------------------

def test_bundled_data_conforms_with_zero_violations(bundled_results) -> None:
    assert violations(bundled_results) == []


def test_the_shapes_do_run_recommendations_show_up_as_warnings(bundled_results) -> None:
    warnings = [message for severity, _focus, message in bundled_results if severity == SH.Warning]
    assert any("no innovation field" in message for message in warnings)


def test_every_data_file_uses_relative_resource_iris_and_no_base() -> None:
    for path in data_files():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(@base|BASE)\b", text, re.MULTILINE | re.IGNORECASE), f"{path.name} declares a base"
        assert "<https://w3id.org/clustergraph/" not in text.replace(
            "<https://w3id.org/clustergraph/ontology/>", ""
        ), f"{path.name} hard-codes the base IRI"


def test_no_quad_is_stated_in_two_files() -> None:
    """A fact shared by two files belongs in a shared file: duplicates would make the
    number of quads read differ from the number of quads stored."""
    seen: dict[tuple, str] = {}
    duplicates = []
    for path in data_files():
        single = Dataset()
        single.parse(path, format="trig", publicID=BASE)
        for quad in single.quads((None, None, None, None)):
            if any(term.__class__.__name__ == "BNode" for term in quad):
                continue
            if quad in seen:
                duplicates.append((seen[quad], path.name, quad))
            seen[quad] = path.name
    assert duplicates == []


def test_default_graph_is_empty(dataset: Dataset) -> None:
    assert len(dataset.graph(DATASET_DEFAULT_GRAPH_ID)) == 0


def test_every_named_graph_is_a_source_described_in_the_catalogue(dataset: Dataset) -> None:
    catalogue = dataset.graph(URIRef(BASE + "source/catalogue"))
    described = set(catalogue.subjects(RDF.type, CG.Source)) | set(catalogue.subjects(RDF.type, CG.EditorialSource))
    names = {g.identifier for g in dataset.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)}
    assert names and names <= described, sorted(names - described)


def test_every_described_source_holds_facts(dataset: Dataset) -> None:
    """No dead entries in the catalogue: each described source is a non-empty named graph, or
    a page whose whole content is the editors' summary (an editorial graph derived from it)."""
    catalogue = dataset.graph(URIRef(BASE + "source/catalogue"))
    described = set(catalogue.subjects(RDF.type, CG.Source)) | set(catalogue.subjects(RDF.type, CG.EditorialSource))
    names = {g for _s, _p, _o, g in dataset.quads((None, None, None, None))}
    editorial = set(catalogue.subjects(RDF.type, CG.EditorialSource)) & names
    summarised = {o for s in editorial for o in catalogue.objects(s, PROV.wasDerivedFrom)}
    assert described - names - summarised == set()


def test_bundled_data_conforms_under_another_base_iri(ontology: Graph, shapes: Graph) -> None:
    moved = load_dataset(base="http://localhost:8000/kg/")
    its_owl = URIRef("http://localhost:8000/kg/cluster/its-owl")
    assert next(moved.quads((its_owl, None, None, None)), None) is not None
    assert violations(validate(validation_graph(moved, ontology), shapes)) == []


def test_pyoxigraph_reads_the_same_quads_as_rdflib(dataset: Dataset) -> None:
    store = pyoxigraph.Store()
    for path in data_files():
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TRIG, base_iri=BASE)
    assert len(store) == len(list(dataset.quads((None, None, None, None))))
    assert pyoxigraph.Quad(
        pyoxigraph.NamedNode(BASE + "cluster/5g-nrw"),
        pyoxigraph.NamedNode(str(CG.innovationField)),
        pyoxigraph.NamedNode(BASE + "innovation-field/key-technologies-ict"),
        pyoxigraph.NamedNode(BASE + "source/seed-report-2022-s2"),
    ) in store


def test_sparql_lists_all_23_clusters_with_their_innovation_fields(bundled_graph: Graph) -> None:
    rows = bundled_graph.query(
        PREFIXES
        + """
        SELECT ?cluster (GROUP_CONCAT(DISTINCT STR(?field); SEPARATOR=" ") AS ?fields) WHERE {
            ?cluster a/rdfs:subClassOf* cg:Cluster .
            OPTIONAL { ?cluster cg:innovationField ?field . ?field skos:prefLabel ?name }
        } GROUP BY ?cluster
        """
    )
    found = {
        str(row.cluster).removeprefix(BASE + "cluster/"): {
            f.removeprefix(BASE + "innovation-field/") for f in str(row.fields).split()
        }
        for row in rows
    }
    assert sorted(found) == sorted(CLUSTER_SLUGS)
    for slug in CLUSTER_SLUGS:
        expected = SOURCED_FIELDS.get(slug, set()) | EDITORIAL_FIELDS.get(slug, set())
        assert found[slug] == expected, slug


def test_every_cluster_has_provenance_to_a_seed_section_or_a_public_address(dataset: Dataset) -> None:
    dataset.default_union = False
    rows = dataset.query(
        PREFIXES
        + """
        SELECT DISTINCT ?cluster ?kind WHERE {
            GRAPH ?g { ?cluster a ?type }
            FILTER (STRSTARTS(STR(?cluster), STR(<cluster/>)))
            GRAPH <source/catalogue> {
                { ?g dct:isPartOf <source/seed-report-2022> ; cg:section ?section . BIND ("seed" AS ?kind) }
                UNION
                { ?g schema:url ?url . BIND ("web" AS ?kind) }
            }
        }
        """,
        base=BASE,
    )
    kinds: dict[str, set[str]] = {}
    for row in rows:
        kinds.setdefault(str(row.cluster).removeprefix(BASE + "cluster/"), set()).add(str(row.kind))
    assert sorted(kinds) == sorted(CLUSTER_SLUGS)
    # Every cluster is named by the seed report; all but innocam.NRW also by a public page.
    assert all("seed" in k for k in kinds.values())
    assert {slug for slug, k in kinds.items() if "web" not in k} == {"innocam-nrw"}


def test_neurosys_and_the_hydrogen_cluster_have_no_innovation_field(dataset: Dataset) -> None:
    for slug in ("neurosys", "zukunftscluster-wasserstoff"):
        cluster = URIRef(BASE + "cluster/" + slug)
        assert list(dataset.quads((cluster, CG.innovationField, None, None))) == [], slug


def test_field_assignments_are_sourced_in_section_2_or_editorial_in_the_editorial_graph(dataset: Dataset) -> None:
    seed_s2 = URIRef(BASE + "source/seed-report-2022-s2")
    editorial = URIRef(BASE + "source/editorial")
    by_graph: dict[URIRef, dict[str, set[str]]] = {}
    for s, _p, o, g in dataset.quads((None, CG.innovationField, None, None)):
        slug = str(s).removeprefix(BASE + "cluster/")
        by_graph.setdefault(g, {}).setdefault(slug, set()).add(str(o).removeprefix(BASE + "innovation-field/"))
    assert set(by_graph) == {seed_s2, editorial}
    assert by_graph[seed_s2] == SOURCED_FIELDS
    assert by_graph[editorial] == EDITORIAL_FIELDS


def test_the_editorial_graphs_are_attributed_to_the_editors(dataset: Dataset) -> None:
    prov = Namespace("http://www.w3.org/ns/prov#")
    catalogue = dataset.graph(URIRef(BASE + "source/catalogue"))
    editorial = URIRef(BASE + "source/editorial")
    assert (editorial, RDF.type, CG.EditorialSource) in catalogue
    assert catalogue.value(editorial, prov.wasAttributedTo) == URIRef(BASE + "organisation/clustergraph-editors")
    assert catalogue.value(editorial, prov.wasDerivedFrom) == URIRef(BASE + "source/seed-report-2022-s2")


def test_project_translations_are_editorial_and_double_as_preflabels(dataset: Dataset) -> None:
    editorial = URIRef(BASE + "source/editorial")
    translations = list(dataset.quads((None, CG.projectTranslation, None, None)))
    assert translations
    for s, _p, o, g in translations:
        assert g == editorial
        assert (s, SKOS.prefLabel, o, editorial) in dataset


def test_every_innovation_field_has_a_german_and_an_english_name(bundled_graph: Graph) -> None:
    fields = set(bundled_graph.subjects(RDF.type, CG.InnovationField))
    assert len(fields) == 7
    for field in fields:
        languages = {label.language for label in bundled_graph.objects(field, SKOS.prefLabel)}
        assert languages == {"de", "en"}, field


def test_every_web_source_gives_absolute_http_addresses(dataset: Dataset) -> None:
    schema_url = URIRef("https://schema.org/url")
    urls = [o for _s, _p, o, _g in dataset.quads((None, schema_url, None, None))]
    assert len(urls) > 40
    assert all(isinstance(u, URIRef) and re.match(r"https?://[^/]+\.", str(u)) for u in urls)


def test_every_cg_term_used_by_the_data_is_defined_in_the_ontology(dataset: Dataset, ontology: Graph) -> None:
    used = {
        term
        for _s, p, o, _g in dataset.quads((None, None, None, None))
        for term in (p, o)
        if isinstance(term, URIRef) and str(term).startswith(str(CG))
    }
    assert used - set(ontology.subjects()) == set()


# ---------------------------------------------------------------------------------------
# Broken inputs: each is loaded on top of the bundled data
# ---------------------------------------------------------------------------------------

def expected_rows() -> list[dict[str, str]]:
    with (BROKEN / "expected.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_expected_csv_lists_every_broken_fixture_and_at_least_16() -> None:
    rows = expected_rows()
    assert {row["file"] for row in rows} == {p.name for p in BROKEN.glob("*.trig")}
    assert len(rows) >= 16
    assert {row["stage"] for row in rows} <= {"parse", "graph", "shacl"}


@pytest.mark.parametrize("row", [r for r in expected_rows() if r["stage"] == "parse"], ids=lambda r: r["file"])
def test_broken_syntax_is_refused_by_both_parsers_naming_the_line(row: dict[str, str]) -> None:
    path = BROKEN / row["file"]
    with pytest.raises(Exception) as rdflib_error:
        Dataset().parse(path, format="trig", publicID=BASE)
    assert row["expected_message_fragment"] in str(rdflib_error.value)
    with pytest.raises(SyntaxError) as oxigraph_error:
        pyoxigraph.Store().load(path=str(path), format=pyoxigraph.RdfFormat.TRIG, base_iri=BASE)
    assert row["expected_message_fragment"] in str(oxigraph_error.value)


@pytest.mark.parametrize("row", [r for r in expected_rows() if r["stage"] == "graph"], ids=lambda r: r["file"])
def test_triples_in_the_default_graph_are_caught(row: dict[str, str], ontology: Graph, shapes: Graph) -> None:
    dataset = load_dataset(extra=[BROKEN / row["file"]])
    # The loader refuses a non-empty default graph before SHACL ...
    assert len(dataset.graph(DATASET_DEFAULT_GRAPH_ID)) > 0
    # ... and SHACL alone would still flag new resources there as lacking provenance.
    found = violations(validate(validation_graph(dataset, ontology), shapes))
    assert any("Every fact needs provenance" in message for _focus, message in found)


@pytest.mark.parametrize("row", [r for r in expected_rows() if r["stage"] == "shacl"], ids=lambda r: r["file"])
def test_broken_input_is_rejected_by_shacl_with_a_plain_message(
    row: dict[str, str], bundled_graph: Graph, shapes: Graph
) -> None:
    extra = Dataset()
    extra.parse(BROKEN / row["file"], format="trig", publicID=BASE)
    assert len(extra.graph(DATASET_DEFAULT_GRAPH_ID)) == 0, "shacl fixtures keep to named graphs"
    graph = Graph()
    for triple in bundled_graph:
        graph.add(triple)
    for s, p, o, g in extra.quads((None, None, None, None)):
        graph.add((s, p, o))
        graph.add((s, CG.assertedIn, g))
    found = violations(validate(graph, shapes))
    assert found, f"{row['file']} passed validation"
    messages = [message for _focus, message in found]
    assert any(row["expected_message_fragment"] in message for message in messages), messages
