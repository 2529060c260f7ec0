"""The compiled SHACL validator against pyshacl, the reference, on the bundled data with
injected violations of every constraint kind the shapes use; and shapes it must refuse."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, parse

from clustergraph.loading.report import Finding
from clustergraph.loading.shacl_reference import pyshacl_findings, validation_graph
from clustergraph.loading.shacl_shapes import ShapesUnsupported
from clustergraph.loading.validation import ONTOLOGY_GRAPH, SCRATCH_ONTOLOGY, Change, ShaclGate
from clustergraph.settings import Settings

BASE = "https://w3id.org/clustergraph/"
PREFIXES = f"""
@prefix cg: <{BASE}ontology/> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dct: <http://purl.org/dc/terms/> . @prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix prov: <http://www.w3.org/ns/prov#> .
"""
GRAPH = "<source/catalogue>"  # a described source: only the injected fault is wrong

# One injection per constraint kind the shapes use: (name, focus IRI, TriG body in GRAPH).
INJECTIONS = [
    ("pattern", "cluster/Bad_Slug", """<cluster/Bad_Slug> a cg:StateCluster ; skos:prefLabel "Bad"@de ;
        cg:managingBodyUnknown true ."""),
    ("minCount", "cluster/no-name", """<cluster/no-name> a cg:StateCluster ; cg:managingBodyUnknown true ."""),
    ("maxCount+datatype", "cluster/two-unknowns", """<cluster/two-unknowns> a cg:StateCluster ;
        skos:prefLabel "Zwei"@de ; cg:managingBodyUnknown true, "yes" ."""),
    ("datatype xsd:string", "cluster/tagged-short", """<cluster/tagged-short> a cg:StateCluster ;
        skos:prefLabel "T"@de ; cg:managingBodyUnknown true ; cg:shortName "TS"@de ."""),
    ("languageIn", "cluster/french", """<cluster/french> a cg:StateCluster ; skos:prefLabel "Nom"@fr ;
        cg:managingBodyUnknown true ."""),
    ("uniqueLang", "cluster/two-names", """<cluster/two-names> a cg:StateCluster ;
        skos:prefLabel "Eins"@de, "Zwei"@de ; cg:managingBodyUnknown true ."""),
    ("class", "cluster/odd-member", """<cluster/odd-member> a cg:StateCluster ; skos:prefLabel "M"@de ;
        cg:managingBodyUnknown true ; org:hasMember <organisation/untyped> ; cg:basedIn <cluster/odd-member> ."""),
    ("hasValue+xone none", "cluster/unknown-false", """<cluster/unknown-false> a cg:StateCluster ;
        skos:prefLabel "F"@de ; cg:managingBodyUnknown false ."""),
    ("xone both", "cluster/both", """<cluster/both> a cg:StateCluster ; skos:prefLabel "B"@de ;
        cg:managingBodyUnknown true ; cg:managedBy <cluster/both> ."""),
    ("nodeKind+targetSubjectsOf", "cluster/literal-homepage", """<cluster/literal-homepage> a cg:StateCluster ;
        skos:prefLabel "H"@de ; cg:managingBodyUnknown true ; foaf:homepage "https://example.org/" ;
        cg:foundingDate "2019"^^xsd:string ."""),
    ("in+or datatype", "figure/bad", """<figure/bad> a cg:Figure ; cg:value "12abc"^^xsd:integer ;
        cg:qualifier "approximately" ; cg:referenceDate "last year" ; cg:figureOf <cluster/both> ;
        cg:measure cg:MemberCount ."""),
    ("minInclusive/maxInclusive", "eurio/high", """<eurio/high> a cg:EurioMatch ; cg:matchedActor <cluster/both> ;
        cg:matchedOrganisation <http://example.org/o> ; cg:matchRule "vat" ; cg:confidence 1.5, -0.1 ."""),
    ("or of classes", "event/odd", """<event/odd> a cg:Event ; skos:prefLabel "E"@de ;
        cg:organisedBy <figure/bad> ; schema:eventAttendanceMode schema:Elsewhere ."""),
    ("and inside or", "source/half", """<source/half> a cg:Source ; dct:title "Half" ; dct:isPartOf <source/catalogue> ."""),
    ("inversePath + sparql lessThan-like", "label/lonely", """<label/lonely> a cg:LabelAward ; skos:prefLabel "L"@de ;
        cg:awardedTo <cluster/both> ; cg:labelLevel cg:Platinum ; cg:awardDate "2020-05-01"^^xsd:date ;
        cg:validUntil "2019"^^xsd:gYear ."""),
    ("sparql shortcut", "membership/no-shortcut", """<membership/no-shortcut> a org:Membership ;
        org:member <cluster/both> ; org:organization <cluster/two-names> ."""),
]
UNDESCRIBED = """GRAPH <source/not-described> { <cluster/elsewhere> a cg:StateCluster ; skos:prefLabel "U"@de ;
    cg:managingBodyUnknown true . }"""
LOOSE = "<cluster/loose> a cg:StateCluster ."


def dataset(loaded_quads: list, injections: list[tuple[str, str, str]], *, extra: str = "") -> list[Quad]:
    body = "\n".join(text for _, _, text in injections)
    trig = f"{PREFIXES}\nGRAPH {GRAPH} {{ {body} }}\n{extra}"
    added = list(parse(trig.encode(), format=RdfFormat.TRIG, base_iri=BASE))
    return [q for q in loaded_quads if not isinstance(q.graph_name, DefaultGraph)] + added


def reference(gate: ShaclGate, quads: list[Quad]) -> Counter:
    graph = validation_graph(quads, gate.ontology_quads, excluded={ONTOLOGY_GRAPH, SCRATCH_ONTOLOGY})
    return Counter(pyshacl_findings(graph, gate.shapes))


def compiled(gate: ShaclGate, quads: list[Quad]) -> Counter:
    store = pyoxigraph.Store()
    store.extend(quads)
    report = gate.validate_dataset(store)
    return Counter(f for f in report.findings if "triple(s) are in the default graph" not in f.message)


def test_every_injected_violation_is_found_as_pyshacl_finds_it(shacl_gate: ShaclGate, loaded_quads: list) -> None:
    quads = dataset(loaded_quads, INJECTIONS, extra=UNDESCRIBED + "\n" + LOOSE)
    expected = reference(shacl_gate, quads)
    got = compiled(shacl_gate, quads)
    assert got == expected
    focused = {f.focus for f in got}
    for name, focus, _ in INJECTIONS:
        assert BASE + focus in focused, f"injection {name!r} gave no finding"
    assert any(f.focus == BASE + "cluster/elsewhere" and f.value == BASE + "source/not-described" for f in got)
    assert any(f.severity == "Warning" for f in got)
    assert any(f.message.startswith("A membership of") and "{?" not in f.message for f in got)


def test_the_bundled_data_gives_the_same_findings(shacl_gate: ShaclGate, loaded_quads: list) -> None:
    quads = dataset(loaded_quads, [])
    assert compiled(shacl_gate, quads) == reference(shacl_gate, quads)


@pytest.mark.parametrize("seed", [1, 2])
def test_random_mixes_of_violations_give_the_same_findings(shacl_gate: ShaclGate, loaded_quads: list, seed: int) -> None:
    rng = random.Random(seed)
    chosen = rng.sample(INJECTIONS, k=rng.randint(1, len(INJECTIONS)))
    quads = dataset(loaded_quads, chosen)
    # Drop some stored facts too: removals make violations of their own.
    quads = [q for q in quads if rng.random() > 0.02]
    assert compiled(shacl_gate, quads) == reference(shacl_gate, quads)


def test_validate_dataset_reports_facts_outside_named_graphs_and_leaves_the_store_as_it_was(shacl_gate: ShaclGate) -> None:
    store = pyoxigraph.Store()
    store.add(Quad(NamedNode(BASE + "cluster/x"), NamedNode(BASE + "ontology/note"), NamedNode(BASE + "y"), DefaultGraph()))
    before = set(store)
    report = shacl_gate.validate_dataset(store)
    assert any("triple(s) are in the default graph" in f.message for f in report.violations)
    assert set(store) == before


def test_around_the_change_uses_the_same_findings_as_the_whole_store(shacl_gate: ShaclGate, store, monkeypatch) -> None:
    from clustergraph.loading import validation

    bad = list(parse(f"{PREFIXES} GRAPH {GRAPH} {{ {INJECTIONS[5][2]} }}".encode(), format=RdfFormat.TRIG, base_iri=BASE))
    whole = shacl_gate.check(store, Change(add=bad))
    monkeypatch.setattr(validation, "FULL_VALIDATION_LIMIT", 0)
    around = shacl_gate.check(store, Change(add=bad))
    about = BASE + "cluster/two-names"
    assert Counter(f for f in around.findings if f.focus == about) == Counter(f for f in whole.findings if f.focus == about)
    assert not around.conforms


# ---- shapes the compiler must refuse when the gate is built ----------------------------

SHAPE_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message \"m\" .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:message \"m\" ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message \"m\" ] .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:nodeKind sh:IRI ; sh:message \"m\" .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:frobnicate 3 .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:not [ sh:class ex:D ] ; sh:message \"m\" .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:node [ sh:class ex:D ] ; sh:message \"m\" .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:IRI .",  # no sh:message
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message \"m\" ; sh:select \"SELECT ?x WHERE { ?x ?p ?o }\" ] .",
    ],
    ids=["closed", "minLength", "sequence-path", "targetNode", "unknown-predicate", "not", "node", "no-message", "sparql-without-this"],
)
def test_a_shape_using_an_unsupported_construct_fails_when_the_gate_is_built(tmp_path: Path, shape: str) -> None:
    (tmp_path / "shapes.ttl").write_text(SHAPE_HEAD + shape)
    settings = Settings(store="memory", _env_file=None)
    with pytest.raises(ShapesUnsupported):
        ShaclGate(tmp_path, settings.ontology_dir, base_iri=settings.base_iri)


def test_sh_less_than_agrees_with_pyshacl(tmp_path: Path) -> None:
    # Supported though the project's shapes do not use them today.
    (tmp_path / "shapes.ttl").write_text(
        SHAPE_HEAD
        + """
ex:Period a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:start ; sh:lessThan ex:end ; sh:message "start before end" ] .
"""
    )
    settings = Settings(store="memory", _env_file=None)
    gate = ShaclGate(tmp_path, settings.ontology_dir, base_iri=settings.base_iri)
    trig = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    GRAPH ex:g {
      ex:a a ex:C ; ex:start 3 ; ex:end 5, 2 ; ex:part ex:p1, ex:p2 .
      ex:b a ex:C ; ex:start "2020-01-01"^^xsd:date ; ex:end "2019-01-01"^^xsd:date ; ex:part ex:p3 .
      ex:p1 ex:name "one" . ex:p2 ex:name 2 . ex:c a ex:C ; ex:start "x" ; ex:end 1 .
    }"""
    quads = list(parse(trig.encode(), format=RdfFormat.TRIG))
    got = compiled(gate, quads)
    assert got == reference(gate, quads)
    assert sum(got.values()) >= 3
    assert all(isinstance(f, Finding) for f in got)


def test_the_server_does_not_start_with_shapes_the_gate_cannot_check(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from pyoxigraph import Literal, NamedNode, Quad

    from clustergraph.store.embedded import EmbeddedStore
    from clustergraph.web.app import create_app

    # A store that holds data already, so that starting the server loads nothing.
    store = EmbeddedStore(tmp_path / "store")
    store.apply(add=[Quad(NamedNode("http://example.org/a"), NamedNode("http://example.org/p"), Literal("x"), NamedNode("http://example.org/g"))])
    store.close()
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "shapes.ttl").write_text(
        SHAPE_HEAD + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message \"m\" ."
    )
    settings = Settings(store=str(tmp_path / "store"), shapes_dir=shapes, _env_file=None)
    with pytest.raises(ShapesUnsupported), TestClient(create_app(settings)):
        pass
