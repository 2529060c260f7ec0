"""``enrich cordis`` against the local stand-in: matching rules, dry run, projects and roles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from clustergraph.connectors.enrich import enrich
from clustergraph.namespaces import PREFIXES
from clustergraph.store.base import content_hash

BASE = "https://w3id.org/clustergraph/"
CG = "https://w3id.org/clustergraph/ontology/"
ORGS = "http://data.europa.eu/s66/resource/organisations/"
GRAPH = f"{BASE}source/eu-cordis"


def matches(store) -> dict[str, tuple[str, float, str]]:
    rows = store.query(
        f"""SELECT ?actor ?org ?rule ?confidence WHERE {{ GRAPH <{GRAPH}> {{
          ?m a <{CG}EurioMatch> ; <{CG}matchedActor> ?actor ; <{CG}matchedOrganisation> ?org ;
             <{CG}matchRule> ?rule ; <{CG}confidence> ?confidence }} }}"""
    )
    return {
        r["actor"].value.removeprefix(BASE + "organisation/") + " " + r["org"].value.removeprefix(ORGS): (
            r["rule"].value, float(r["confidence"].value), r["confidence"].datatype.value.rsplit("#", 1)[-1]
        )
        for r in rows
    }


def with_identifiers(store) -> None:
    """A source that states a PIC for RWTH Aachen and a VAT number for AIXTRON."""
    g = NamedNode(f"{BASE}source/test-identifiers")
    p = lambda prefix, local: NamedNode(PREFIXES[prefix] + local)
    store.apply(add=[
        Quad(g, p("rdf", "type"), NamedNode(CG + "Source"), g),
        Quad(g, p("dct", "title"), Literal("identifiers for the connector tests", language="en"), g),
        Quad(g, p("prov", "wasAttributedTo"), NamedNode(BASE + "organisation/clustergraph-editors"), g),
        Quad(NamedNode(BASE + "organisation/rwth-aachen-university"), NamedNode(CG + "pic"), Literal("999976781"), g),
        Quad(NamedNode(BASE + "organisation/aixtron"), NamedNode(CG + "vatNumber"), Literal("DE811109745"), g),
    ])


def test_actors_are_matched_by_name_and_city_each_with_its_rule_and_confidence(store, settings) -> None:
    enrich(store, settings, "cordis")

    assert matches(store) == {
        "forschungszentrum-juelich 999979888": ("legal-name+city", 0.9, "decimal"),
        "rwth-aachen-university 999990001": ("legal-name+city", 0.9, "decimal"),
        "bergische-universitaet-wuppertal 999990003": ("legal-name+city", 0.9, "decimal"),
        "siemens 999990002": ("legal-name", 0.6, "decimal"),  # no city on our side: a candidate only
        "aixtron 999990004": ("legal-name", 0.6, "decimal"),
    }


def test_pic_and_vat_where_known_win_over_names(store, settings) -> None:
    with_identifiers(store)
    enrich(store, settings, "cordis")

    found = matches(store)
    assert found["rwth-aachen-university 999976781"] == ("pic", 1.0, "decimal")
    assert found["aixtron 999990004"] == ("vat", 0.95, "decimal")  # "DE 811 109 745" there, no spaces here
    assert found["rwth-aachen-university 999990001"] == ("legal-name+city", 0.9, "decimal")


def test_projects_and_roles_of_confident_matches_are_paged_past_the_row_cap(store, settings) -> None:
    result = enrich(store, settings, "cordis")

    rows = list(store.query(
        f"""PREFIX eurio: <http://data.europa.eu/s66#>
        SELECT ?id ?role WHERE {{ GRAPH <{GRAPH}> {{
          ?p eurio:identifier ?id ; eurio:hasInvolvedParty ?r . ?r eurio:isRoleOf <{ORGS}999979888> ; eurio:roleLabel ?role }} }}"""
    ))
    roles = {r["id"].value: r["role"].value for r in rows}
    assert len(roles) == 12  # more than the cap of 10 in one answer
    assert roles["101000"] == "coordinator" and roles["101001"] == "participant"
    titles = {r["t"].value for r in store.query(f"SELECT ?t WHERE {{ GRAPH <{GRAPH}> {{ ?p <http://data.europa.eu/s66#title> ?t }} }}")}
    assert "Wuppertal fixture project" in titles
    assert "Siemens fixture project" not in titles  # confidence 0.6: no projects fetched
    assert result.cuts >= 1


def test_a_dry_run_lists_the_candidates_and_writes_nothing(store, settings) -> None:
    before = content_hash(store)
    result = enrich(store, settings, "cordis", dry_run=True)

    assert content_hash(store) == before
    assert result.committed is None
    assert any("forschungszentrum-juelich" in line and "FORSCHUNGSZENTRUM JULICH GMBH" in line and "rule legal-name+city, confidence 0.90" in line for line in result.lines)
    assert any("organisation/siemens" in line and "confidence 0.60" in line for line in result.lines)


def test_the_dry_run_command_prints_candidates_and_says_nothing_was_written(tmp_path: Path, settings) -> None:
    import os

    env = {"CLUSTERGRAPH_CORDIS_ENDPOINT": settings.cordis_endpoint, "PATH": os.environ.get("PATH", "")}
    run = subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", "enrich", "cordis", "--dry-run", "--store", str(tmp_path / "s")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "5 EURIO match(es)" in run.stdout
    assert "dry run: nothing written" in run.stdout
    assert "rule legal-name+city, confidence 0.90" in run.stdout
