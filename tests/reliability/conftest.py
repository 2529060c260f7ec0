"""Reliability tests: hostile input, faults and slow clients against real servers.

Every test here states the guarantee it proves in its docstring (first paragraph) and may
record what it measured in the ``figures`` fixture. With ``CLUSTERGRAPH_RELIABILITY_RESULTS``
set to a folder, the session writes ``tests.json`` there (node id, guarantee, outcome,
duration, figures of each test); ``scripts/reliability_report.py`` turns it into
RELIABILITY.md. Figure names the report adds up: ``requests``, ``faults_injected``,
``faults_survived``, ``bypasses_tried``, ``bypasses_blocked``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

RESULTS_ENV = "CLUSTERGRAPH_RELIABILITY_RESULTS"
HERE = Path(__file__).resolve().parent

_tests: dict[str, dict] = {}


def results_dir() -> Path | None:
    """The folder for results, when ``CLUSTERGRAPH_RELIABILITY_RESULTS`` names one."""
    value = os.environ.get(RESULTS_ENV)
    return Path(value) if value else None


def _ours(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _ours(item):
            function = getattr(item, "function", None)
            doc = (getattr(function, "__doc__", None) or "").strip()
            _tests[item.nodeid] = {
                "nodeid": item.nodeid,
                "file": Path(str(item.path)).name,
                "name": item.name,
                "function": getattr(function, "__name__", item.name),
                "guarantee": " ".join(doc.split("\n\n")[0].split()),
                "outcome": "not run",
                "duration": 0.0,
                "figures": {},
            }


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    entry = _tests.get(report.nodeid)
    if entry is None:
        return
    entry["duration"] += report.duration
    if report.when == "call":
        entry["outcome"] = report.outcome
    elif report.failed:  # setup or teardown
        entry["outcome"] = "error"


def pytest_sessionfinish(session: pytest.Session) -> None:
    folder = results_dir()
    if folder is None or not _tests:
        return
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tests.json").write_text(json.dumps(list(_tests.values()), indent=2), encoding="utf-8")


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Iterator[dict]:
    """A dict for what the test measured; kept with its result for RELIABILITY.md."""
    measured: dict = {}
    yield measured
    entry = _tests.get(request.node.nodeid)
    if entry is not None:
        entry["figures"] = measured
