"""`clustergraph examples` lists the catalogue; `clustergraph query --example NAME` runs one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from clustergraph.bundled import bundled_dir

QUERIES = sorted(bundled_dir("queries").glob("*.rq"))


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERGRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "clustergraph.cli", *args], env=env, capture_output=True, text=True, timeout=300
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
