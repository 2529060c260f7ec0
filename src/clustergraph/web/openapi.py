"""The OpenAPI document: one operation id per method of a route.

FastAPI gives a route one id, named after the first of its methods in an unordered set,
and uses it for every method: the pages and linked-data routes answer GET and HEAD, so
the first ``/openapi.json`` warned 50 times ("Duplicate Operation ID") and the ids changed
from one start to the next. Here each operation's id is the route's id with its own method.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from fastapi import FastAPI

HTTP_METHODS = ("get", "head", "post", "put", "delete", "patch", "options", "trace")
_METHOD_SUFFIX = re.compile(rf"_(?:{'|'.join(HTTP_METHODS)})$")


def operation_ids_per_method(schema: dict[str, Any]) -> dict[str, Any]:
    """Rename every operation of ``schema`` (in place) to its route's id with its own method.

    Raises ``ValueError`` when two operations still share an id: two routes with one name and path.
    """
    seen: dict[str, str] = {}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in HTTP_METHODS or "operationId" not in operation:
                continue
            operation_id = f"{_METHOD_SUFFIX.sub('', operation['operationId'])}_{method}"
            if operation_id in seen:
                other = seen[operation_id]
                raise ValueError(f"operation id {operation_id} of {method.upper()} {path} is also {other}'s")
            seen[operation_id] = f"{method.upper()} {path}"
            operation["operationId"] = operation_id
    return schema


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` build its document once, with an operation id per method."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            with warnings.catch_warnings():
                # Exactly the duplicates renamed below; any other warning still shows.
                warnings.filterwarnings("ignore", message="Duplicate Operation ID", category=UserWarning)
                schema = build()
            app.openapi_schema = operation_ids_per_method(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
