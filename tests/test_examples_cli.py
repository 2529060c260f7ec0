"""`clustergraph examples` lists the catalogue; `clustergraph query --example NAME` runs one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from clustergraph.bundled import bundled_dir

QUERIES = sorted(bundled_dir("queries").glob("*.rq"))


def run(*args: str, **settings: str) -> subprocess.CompletedProcess:
    """The CLI in a fresh process, with no CLUSTERGRAPH_ variables but the ``settings`` given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERGRAPH_")}
    env.update({f"CLUSTERGRAPH_{name.upper()}": value for name, value in settings.items()})
    return subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", *args], check=False, env=env, capture_output=True, text=True, timeout=300
    )


def test_examples_lists_every_query_file_by_name_and_title() -> None:
    done = run("examples")
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert names == [p.stem for p in QUERIES]


def test_examples_as_json_carries_titles_and_descriptions() -> None:
    done = run("examples", "--format", "json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["count"] == len(QUERIES)
    assert all(entry["title"] and entry["description"] for entry in body["data"])


def test_examples_refuses_an_unknown_format_in_one_line() -> None:
    done = run("examples", "--format", "yaml")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "yaml" in done.stderr


def test_an_example_runs_from_the_command_line_as_csv() -> None:
    name = QUERIES[0].stem
    done = run("query", "--example", name, "--store", "memory", "--format", "csv")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) >= 2  # header and at least one row


def test_examples_names_the_stores_that_answer_an_example_differently(tmp_path) -> None:
    reason = "Virtuoso 7.2 drops the language tag of a GROUP_CONCAT"
    (tmp_path / "portable.rq").write_text("# title: Portable\n# description: Same everywhere.\nASK {}\n", encoding="utf-8")
    (tmp_path / "uneven.rq").write_text(
        f"# title: Uneven\n# description: Not everywhere.\n# differs: virtuoso: {reason}\nASK {{}}\n", encoding="utf-8"
    )
    text = run("examples", queries_dir=str(tmp_path))
    assert text.returncode == 0, text.stderr
    lines = dict(line.split(None, 1) for line in text.stdout.splitlines() if line.strip())
    assert lines == {"portable": "Portable", "uneven": f"Uneven [other answers on Virtuoso: {reason}]"}
    as_json = run("examples", "--format", "json", queries_dir=str(tmp_path))
    assert as_json.returncode == 0, as_json.stderr
    differences = {e["name"]: e["differences"] for e in json.loads(as_json.stdout)["data"]}
    assert differences == {"portable": [], "uneven": [{"store": "virtuoso", "store_name": "Virtuoso", "reason": reason}]}
