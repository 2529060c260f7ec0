"""The command line, run as a newcomer runs it: a real process, real files, exit codes and output."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken"
CLUSTERS = """
PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?cluster ?name WHERE { ?cluster a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?name }
ORDER BY ?name
"""


def run(*args: str, store: Path | str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERGRAPH_")}
    env["CLUSTERGRAPH_STORE"] = str(store)
    return subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", *args],
        env=env, capture_output=True, text=True, input=stdin, timeout=300,
    )


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    done = run("load", store=path)
    assert done.returncode == 0, done.stderr
    return path


def test_load_reports_what_it_loaded_and_the_validation_summary(disk_store) -> None:
    again = run("load", store=disk_store)
    assert again.returncode == 0
    assert "loaded" in again.stdout and "graph(s)" in again.stdout
    assert "conforms: 0 violation(s)" in again.stderr


def test_query_on_an_empty_store_loads_the_bundled_data_first(tmp_path) -> None:
    done = run("query", "-f", "json", CLUSTERS, store=tmp_path / "fresh")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["results"]["bindings"]
    assert len({r["cluster"]["value"] for r in rows}) >= 23


def test_query_prints_csv_that_parses(disk_store) -> None:
    done = run("query", "-f", "csv", CLUSTERS, store=disk_store)
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert any(row["name"] == "Chemie.NRW" for row in rows)


def test_query_prints_a_table_by_default(disk_store) -> None:
    done = run("query", CLUSTERS, store=disk_store)
    assert done.stdout.splitlines()[0].split() == ["cluster", "name"]
    assert "Chemie.NRW" in done.stdout


def test_construct_as_turtle_parses_back_into_a_graph(disk_store) -> None:
    done = run(
        "query", "-f", "turtle",
        "CONSTRUCT { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?n } WHERE { SELECT DISTINCT ?s ?n WHERE "
        "{ ?s a <https://w3id.org/clustergraph/ontology/Cluster> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?n } "
        "ORDER BY ?s ?n LIMIT 5 }",
        store=disk_store,
    )
    assert done.returncode == 0, done.stderr
    assert len(Graph().parse(data=done.stdout, format="turtle")) == 5


def test_query_reads_a_file(disk_store, tmp_path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s ?p ?o }")
    done = run("query", "--file", str(query), store=disk_store)
    assert done.stdout.strip() == "yes"


def test_a_malformed_query_is_one_sentence_and_exit_code_2(disk_store) -> None:
    done = run("query", "SELECT * WHERE { ?s ?p", store=disk_store)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "error: Syntax error at line 1, column 23 at the end of the query: "
        "expected '}' to close the '{' at line 1, column 16"
    )  # the sentence the endpoint gives as its problem's detail


def test_validate_exit_codes_say_conforms_violations_or_unreadable(disk_store, tmp_path) -> None:
    good = tmp_path / "good.trig"
    good.write_text(
        '@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix cluster: <cluster/> .\n'
        '<source/seed-report-2022-s2> { cluster:chemie-nrw skos:altLabel "Chemistry cluster"@en . }\n'
    )
    assert run("validate", str(good), store=disk_store).returncode == 0
    with (BROKEN / "expected.csv").open() as handle:
        cases = list(csv.DictReader(handle))
    shacl_case = next(c for c in cases if c["stage"] == "shacl")
    parse_case = next(c for c in cases if c["stage"] == "parse")
    refused = run("validate", str(BROKEN / shacl_case["file"]), store=disk_store)
    assert refused.returncode == 1
    assert "[Violation]" in refused.stdout
    assert shacl_case["expected_message_fragment"].lower() in refused.stdout.lower()
    unreadable = run("validate", str(BROKEN / parse_case["file"]), store=disk_store)
    assert unreadable.returncode == 2
    assert "Traceback" not in unreadable.stderr


def test_validate_json_report_lists_focus_path_message_and_severity(disk_store) -> None:
    with (BROKEN / "expected.csv").open() as handle:
        case = next(c for c in csv.DictReader(handle) if c["stage"] == "shacl")
    done = run("validate", "-f", "json", str(BROKEN / case["file"]), store=disk_store)
    report = json.loads(done.stdout)
    assert report["conforms"] is False
    assert {"focus", "path", "message", "severity"} <= set(report["results"][0])


def test_a_missing_file_is_a_clear_error(disk_store) -> None:
    done = run("load", "no-such-file.ttl", store=disk_store)
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_stats_counts_classes_and_graphs(disk_store) -> None:
    done = run("stats", "-f", "json", store=disk_store)
    numbers = json.loads(done.stdout)
    assert numbers["quads"] > 0
    classes = {row["class"]: row["count"] for row in numbers["classes"]}
    assert classes.get("https://w3id.org/clustergraph/ontology/Source", 0) >= 2
    assert sum(row["count"] for row in numbers["graphs"]) == numbers["quads"]


def test_serve_get_runs_one_request_in_process(tmp_path) -> None:
    done = run("serve", "--get", "/health", store="memory")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "ok"


def test_an_invalid_setting_is_refused_with_a_message(tmp_path) -> None:
    env_store = tmp_path / "s"
    done = subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", "stats"],
        env={**os.environ, "CLUSTERGRAPH_STORE": str(env_store), "CLUSTERGRAPH_QUERY_TIMEOUT": "-1"},
        capture_output=True, text=True,
    )
    assert done.returncode == 2
    assert "query_timeout" in done.stderr and "Traceback" not in done.stderr


def test_stats_completeness_prints_a_table_per_cluster_and_exits_like_the_others(tmp_path, shacl_gate) -> None:
    from clustergraph.catalog.completeness import FIELD_KEYS, TEXT_MARKS
    from clustergraph.loading.parse import parse_path
    from clustergraph.settings import DEFAULT_BASE_IRI
    from clustergraph.store import EmbeddedStore
    from tests.catalog.test_completeness import EXPECTED, FIXTURES

    path = tmp_path / "store"  # the made-up landscape whose answer is known by construction
    db = EmbeddedStore(path)
    db.apply(add=shacl_gate.ontology_quads + parse_path(FIXTURES / "completeness.trig", base_iri=DEFAULT_BASE_IRI))
    db.close()
    done = run("stats", "--completeness", store=path)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()[1:3]}
    for cluster, states in EXPECTED.items():
        marks = [TEXT_MARKS[states.get(key, "missing")] for key in FIELD_KEYS]
        sourced = list(states.values()).count("sourced")
        assert rows[cluster] == marks + [f"{sourced}/{len(FIELD_KEYS)}"], cluster
    assert "7 of 34 profile fields known from sources, 4 editorial, 23 unknown" in done.stdout
    one = run("stats", "--completeness", "--cluster", "beta", "-f", "json", store=path)
    table = json.loads(one.stdout)
    assert table["count"] == 1 and table["data"][0]["id"] == "beta" and table["totals"]["editorial"] == 1
    unknown = run("stats", "--completeness", "--cluster", "gamma", store=path)
    assert unknown.returncode == 6 and "no cluster with id 'gamma'" in unknown.stderr and not unknown.stdout
    wrong = run("stats", "--completeness", "-f", "xml", store=path)
    assert wrong.returncode == 2 and "text or json" in wrong.stderr
