"""Schema-driven test of the portal API: schemathesis generates requests from the OpenAPI
document of the running app (ASGI, in process) and checks that no response is a server error
and every response conforms to the schema it documents (status, media type, body)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from clustergraph.settings import Settings
from clustergraph.web.app import create_app

# A bounded run: at most 15 generated requests per operation (20 operations) keeps the file
# well under a minute.
EXAMPLES_PER_OPERATION = 15


@pytest.fixture(scope="module")
def api_app() -> Iterator[FastAPI]:
    """The real app with the bundled data; the lifespan runs once for the module."""
    app = create_app(Settings(store="memory", _env_file=None))
    with TestClient(app):
        yield app


@pytest.fixture
def api_schema(api_app: FastAPI):
    return schemathesis.openapi.from_asgi("/openapi.json", api_app)


# Only the portal API: the SPARQL protocol and linked-data routes have their own tests.
schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex=r"^/api/v1/")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_has_no_server_errors_and_keeps_its_schema(case) -> None:
    case.call_and_validate(
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
    )
