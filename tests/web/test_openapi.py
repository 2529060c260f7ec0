"""The OpenAPI document: built without warnings, one stable operation id per method."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings

import pytest

from clustergraph.settings import Settings
from clustergraph.web.app import create_app
from clustergraph.web.openapi import HTTP_METHODS, operation_ids_per_method

PRINT_IDS = (
    "import json; from clustergraph.settings import Settings; from clustergraph.web.app import create_app; "
    "spec = create_app(Settings(store='memory', _env_file=None)).openapi(); "
    "print(json.dumps(sorted(op['operationId'] for item in spec['paths'].values() for op in item.values() "
    "if isinstance(op, dict) and 'operationId' in op)))"
)


def operations(spec: dict) -> list[tuple[str, str, str]]:
    return [
        (path, method, operation["operationId"])
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_the_document_is_built_without_a_warning_and_every_operation_has_its_own_id() -> None:
    app = create_app(Settings(store="memory", _env_file=None))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        spec = app.openapi()
    assert [str(w.message) for w in caught] == []
    found = operations(spec)
    ids = [operation_id for _, _, operation_id in found]
    assert len(ids) == len(set(ids)) and len(ids) > 50
    assert all(operation_id.endswith(f"_{method}") for _, method, operation_id in found)
    by_method = {method: operation_id for path, method, operation_id in found if path == "/ontology/{term}"}
    assert set(by_method) == {"get", "head"} and by_method["get"] != by_method["head"]


def test_the_ids_are_the_same_from_one_start_to_the_next() -> None:
    runs = []
    for seed in ("1", "2"):  # set order, which FastAPI named ids by, changes with the hash seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", PRINT_IDS], check=False, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]


def test_two_routes_with_one_name_and_path_are_refused() -> None:
    spec = {"paths": {"/a": {"get": {"operationId": "a_get"}}, "/b": {"get": {"operationId": "a_head"}}}}
    with pytest.raises(ValueError, match="a_get"):
        operation_ids_per_method(spec)
