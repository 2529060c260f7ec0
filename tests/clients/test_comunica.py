"""Comunica, a SPARQL engine nobody here wrote, against a live ``clustergraph serve`` on each
store backend (embedded, Virtuoso).

* The SPARQL endpoint: SELECT, ASK, CONSTRUCT and grouped COUNTs through Comunica give what
  the same query gives on the store in-process.
* Link traversal over the resource pages: from ``/cluster/its-owl`` alone Comunica finds the
  cluster's facts and follows links to other pages (fields, clusters, members), reading the
  N-Quads it asks for first; its answers equal the endpoint's. For the links to lead back to
  this server its base IRI is its own URL, as a deployment whose IRIs resolve to it has.

Comunica runs as ``node tests/clients/comunica/query.js``; it needs ``npm ci`` in that folder
(``.ci/run`` does it). The client fetches nothing outside the server (see ``query.js``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions

COMUNICA_DIR = Path(__file__).resolve().parent / "comunica"
INSTALL_HINT = (
    "install it with `npm ci --prefix tests/clients/comunica` (Node.js 18 or newer with npm; "
    "on Debian `apt-get install nodejs npm`); `bash .ci/run` does both"
)
PREFIXES = """PREFIX cg: <https://w3id.org/clustergraph/ontology/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
CLUSTERS_AND_FIELDS = PREFIXES + """SELECT ?cluster ?name ?field WHERE {
  ?cluster a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?name .
  OPTIONAL { ?cluster cg:innovationField/skos:prefLabel ?field FILTER(LANG(?field) = "en") }
  FILTER(LANG(?name) = "en")
} ORDER BY ?name"""
CLUSTERS_PER_FIELD = PREFIXES + """SELECT ?field (COUNT(DISTINCT ?cluster) AS ?clusters) WHERE {
  ?cluster cg:innovationField/skos:prefLabel ?field FILTER(LANG(?field) = "de")
} GROUP BY ?field ORDER BY DESC(?clusters) ?field"""
TOTALS = PREFIXES + """SELECT (COUNT(DISTINCT ?cluster) AS ?clusters) (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?cluster a/rdfs:subClassOf* cg:Cluster . OPTIONAL { ?cluster org:hasMember ?member }
}"""
LABEL_GRAPH = PREFIXES + """CONSTRUCT { ?cluster a cg:Cluster ; skos:prefLabel ?name ; cg:innovationField ?field }
WHERE {
  ?cluster a/rdfs:subClassOf* cg:Cluster ; skos:prefLabel ?name .
  OPTIONAL { ?cluster cg:innovationField ?field }
}"""
ASK_TRUE = PREFIXES + "ASK { <https://w3id.org/clustergraph/cluster/its-owl> cg:innovationField ?field }"
ASK_FALSE = PREFIXES + "ASK { <https://w3id.org/clustergraph/cluster/its-owl> org:hasMember ?anyone }"

Term = tuple[str, str, str, str]  # (termType, value, language, datatype)


@dataclass
class Comunica:
    """``node query.js``: one Comunica query per call, its answer as parsed JSON."""

    node: str

    def run(self, mode: str, url: str, query: str) -> dict:
        """Run ``query`` in ``mode`` (``sparql`` or ``traverse``) from ``url``; fails the test on an error."""
        done = subprocess.run(
            [self.node, str(COMUNICA_DIR / "query.js"), mode, url, query],
            check=False, capture_output=True, text=True, timeout=180, cwd=COMUNICA_DIR,
        )
        if done.returncode != 0:
            pytest.fail(f"Comunica failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return json.loads(done.stdout)


@pytest.fixture(scope="session")
def comunica() -> Comunica:
    """The Comunica client; a clear failure (never a skip) when Node.js or the packages are missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(f"Node.js is not installed: {INSTALL_HINT}")
    version = subprocess.run([node, "--version"], check=False, capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0]) < 18:
        pytest.fail(f"Comunica needs Node.js 18 or newer, found {version}: {INSTALL_HINT}")
    for package in ("query-sparql", "query-sparql-link-traversal"):
        if not (COMUNICA_DIR / "node_modules" / "@comunica" / package).is_dir():
            pytest.fail(f"@comunica/{package} is not installed: {INSTALL_HINT}")
    return Comunica(node)


# ---------------------------------------------------------------- terms and answers, comparable


def comunica_term(term: dict) -> Term:
    language = term.get("language", "")
    return (term["termType"], term["value"], language, "" if language else term.get("datatype", ""))


def oxigraph_term(term) -> Term:
    if isinstance(term, NamedNode):
        return ("NamedNode", term.value, "", "")
    assert not isinstance(term, BlankNode), "the comparison queries return no blank nodes"
    assert isinstance(term, Literal)
    return ("Literal", term.value, term.language or "", "" if term.language else term.datatype.value)


def sparql_json_term(term: dict) -> Term:
    if term["type"] == "uri":
        return ("NamedNode", term["value"], "", "")
    language = term.get("xml:lang", "")
    datatype = "" if language else term.get("datatype", "http://www.w3.org/2001/XMLSchema#string")
    return ("Literal", term["value"], language, datatype)


def comunica_rows(answer: dict) -> Counter:
    assert answer["type"] == "bindings", answer
    return Counter(frozenset((var, comunica_term(t)) for var, t in row.items()) for row in answer["bindings"])


def store_rows(solutions: QuerySolutions) -> Counter:
    names = [v.value for v in solutions.variables]
    return Counter(
        frozenset((name, oxigraph_term(row[name])) for name in names if row[name] is not None) for row in solutions
    )


def endpoint_rows(server_url: str, query: str) -> Counter:
    response = httpx.post(
        f"{server_url}/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    return Counter(frozenset((var, sparql_json_term(t)) for var, t in row.items()) for row in rows)


def values(rows: Counter, var: str) -> set[str]:
    return {term[1] for row in rows for name, term in row if name == var}


# ---------------------------------------------------------------- the SPARQL endpoint


@pytest.mark.parametrize("query", [CLUSTERS_AND_FIELDS, CLUSTERS_PER_FIELD], ids=["select", "group-count"])
def test_comunica_selects_through_the_endpoint_what_the_store_answers(comunica, served, store, query):
    answer = comunica.run("sparql", f"{served.url}/sparql", query)
    expected = store_rows(store.query(query))
    assert sum(expected.values()) > 0
    assert comunica_rows(answer) == expected


def test_comunica_counts_the_clusters_and_members_the_store_counts(comunica, served, store):
    answer = comunica.run("sparql", f"{served.url}/sparql", TOTALS)
    assert comunica_rows(answer) == store_rows(store.query(TOTALS))
    row = answer["bindings"][0]
    expected = next(iter(store.query(TOTALS)))
    assert int(row["clusters"]["value"]) == int(expected["clusters"].value) >= 20
    assert int(row["members"]["value"]) == int(expected["members"].value) > 0


def test_comunica_counts_each_fact_of_the_default_graph_once(comunica, served, distinct_triple_count, void_triples):
    answer = comunica.run("sparql", f"{served.url}/sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    [row] = answer["bindings"]
    assert int(row["n"]["value"]) == distinct_triple_count == void_triples > 2000


@pytest.mark.parametrize(("query", "expected"), [(ASK_TRUE, True), (ASK_FALSE, False)], ids=["true", "false"])
def test_comunica_asks_through_the_endpoint(comunica, served, store, query, expected):
    answer = comunica.run("sparql", f"{served.url}/sparql", query)
    assert answer["type"] == "boolean"
    assert answer["boolean"] is bool(store.query(query)) is expected


def test_comunica_constructs_through_the_endpoint_the_graph_the_store_builds(comunica, served, store):
    answer = comunica.run("sparql", f"{served.url}/sparql", LABEL_GRAPH)
    assert answer["type"] == "quads"
    served = {tuple(comunica_term(q[part]) for part in ("subject", "predicate", "object")) for q in answer["quads"]}
    assert {q["graph"]["termType"] for q in answer["quads"]} == {"DefaultGraph"}
    expected = {
        (oxigraph_term(t.subject), oxigraph_term(t.predicate), oxigraph_term(t.object)) for t in store.query(LABEL_GRAPH)
    }
    assert len(expected) > 50
    assert served == expected


# ---------------------------------------------------------------- link traversal over the pages


def its_owl_facts(base: str) -> str:
    return PREFIXES + f"""SELECT DISTINCT ?name ?field ?manager ?city WHERE {{
  <{base}/cluster/its-owl> skos:prefLabel ?name ; cg:innovationField ?f ; cg:managedBy ?m ; cg:basedIn ?c .
  ?f skos:prefLabel ?field . ?m skos:prefLabel ?manager . ?c skos:prefLabel ?city .
}}"""


def members_of_clusters_in_the_same_field(base: str) -> str:
    return PREFIXES + f"""SELECT DISTINCT ?cluster ?member ?name WHERE {{
  <{base}/cluster/its-owl> cg:innovationField ?field .
  ?cluster cg:innovationField ?field ; org:hasMember ?member .
  ?member skos:prefLabel ?name .
}}"""


def sources_of_its_name(base: str) -> str:
    return PREFIXES + f"""SELECT DISTINCT ?source WHERE {{
  GRAPH ?source {{ <{base}/cluster/its-owl> skos:prefLabel ?name }}
}}"""


def visited(answer: dict, base: str) -> set[str]:
    """The paths of the pages Comunica read (200) during a traversal."""
    return {r["url"][len(base):] for r in answer["requests"] if r.get("status") == 200 and r["url"].startswith(base)}


def traverse_from_its_owl(comunica: Comunica, base: str, query: str) -> tuple[dict, Counter]:
    """Comunica's traversal from ``/cluster/its-owl`` alone; its rows must equal the endpoint's answer."""
    answer = comunica.run("traverse", f"{base}/cluster/its-owl", query)
    rows = comunica_rows(answer)
    assert rows == endpoint_rows(base, query), "link traversal and the SPARQL endpoint disagree"
    return answer, rows


@pytest.fixture(scope="module")
def traversals() -> dict[str, tuple[dict, Counter]]:
    """Traversals already made in this module, by server URL (each takes seconds)."""
    return {}


@pytest.fixture
def its_owl_traversal(comunica, own_base_server, traversals) -> tuple[dict, Counter]:
    base = own_base_server.url
    if base not in traversals:
        traversals[base] = traverse_from_its_owl(comunica, base, its_owl_facts(base))
    return traversals[base]


def test_traversal_from_the_cluster_page_finds_its_facts_on_the_linked_pages(its_owl_traversal, own_base_server):
    answer, rows = its_owl_traversal
    assert "it's OWL – Intelligent Technical Systems OstWestfalenLippe" in values(rows, "name")
    assert "Innovative Materials and Smart Production" in values(rows, "field")
    assert "it's OWL Clustermanagement GmbH" in values(rows, "manager")
    assert "Paderborn" in values(rows, "city")
    pages = visited(answer, own_base_server.url)
    assert {"/cluster/its-owl", "/organisation/its-owl-clustermanagement-gmbh", "/place/paderborn"} <= pages
    assert any(page.startswith("/innovation-field/") for page in pages)


def test_traversal_reads_the_n_quads_it_asks_for_first(its_owl_traversal, own_base_server):
    answer, rows = its_owl_traversal
    first = answer["requests"][0]
    assert first["url"] == f"{own_base_server.url}/cluster/its-owl"
    assert first["accept"].startswith("application/n-quads")
    assert first["contentType"].startswith("application/n-quads")
    assert rows, "the facts of an N-Quads page must be in its default graph"


def test_traversal_follows_links_to_other_clusters_and_their_members(comunica, own_base_server):
    base = own_base_server.url
    answer, rows = traverse_from_its_owl(comunica, base, members_of_clusters_in_the_same_field(base))
    assert len(rows) >= 5 and f"{base}/cluster/spin-nrw" in values(rows, "cluster")
    pages = visited(answer, base)
    assert len({p for p in pages if p.startswith("/cluster/")}) > 2
    assert {f"/organisation/{m.rsplit('/', 1)[1]}" for m in values(rows, "member")} <= pages


def test_traversal_sees_the_source_graph_of_each_fact(comunica, own_base_server):
    base = own_base_server.url
    _, rows = traverse_from_its_owl(comunica, base, sources_of_its_name(base))
    assert rows and all(source.startswith(f"{base}/source/") for source in values(rows, "source"))
