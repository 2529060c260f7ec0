"""The catalogue shows where a store answers an example differently: the /queries page,
/queries.json and the query editor's example list, from the example's ``# differs:`` line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_query_ui import BROWSER_ACCEPT, parse

from clustergraph.examples import PORTABLE_ON
from clustergraph.settings import Settings
from clustergraph.web.app import create_app

QUERY = "SELECT ?c WHERE { ?c a <https://w3id.org/clustergraph/ontology/Cluster> }\n"
REASON = "Virtuoso 7.2 drops the language tag of a GROUP_CONCAT"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("queries")
    (folder / "portable.rq").write_text("# title: Portable\n# description: Same everywhere.\n" + QUERY, encoding="utf-8")
    (folder / "uneven.rq").write_text(
        f"# title: Uneven\n# description: Not the same everywhere.\n# differs: virtuoso: {REASON}\n" + QUERY, encoding="utf-8"
    )
    with TestClient(create_app(Settings(store="memory", queries_dir=folder, _env_file=None))) as test_client:
        yield test_client


def test_the_catalogue_page_says_where_an_example_differs_and_why(client: TestClient) -> None:
    response = client.get("/queries", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    page = parse(response.text)
    notes = page.having("p", **{"class": "cg-differs"})
    assert [n["data-store"] for n in notes] == ["virtuoso"]
    assert f'Other answers on Virtuoso: <span lang="en">{REASON}</span>' in response.text
    assert f"same answers on {PORTABLE_ON}" in response.text
    uneven = response.text.index('data-name="uneven"')
    assert response.text.index("cg-differs") > uneven  # the note sits in the uneven example's article


def test_the_catalogue_as_json_lists_the_differences_of_each_example(client: TestClient) -> None:
    by_name = {e["name"]: e for e in client.get("/queries.json").json()["data"]}
    assert by_name["portable"]["differences"] == []
    assert by_name["uneven"]["differences"] == [{"store": "virtuoso", "store_name": "Virtuoso", "reason": REASON}]


def test_the_editor_s_example_list_marks_an_example_that_differs(client: TestClient) -> None:
    html = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT}).text
    options = {o["value"]: o for o in parse(html).having("option") if o.get("value")}
    assert "title" not in options["portable"]
    assert options["uneven"]["title"] == f"Other answers on Virtuoso: {REASON}"
    assert "Uneven (Other answers on Virtuoso)</option>" in html
    config = json.loads(parse(html, text_of="cg-config").text)
    differences = {e["name"]: e["differences"] for e in config["examples"]}
    assert differences == {"portable": [], "uneven": [{"store": "virtuoso", "store_name": "Virtuoso", "reason": REASON}]}
