"""One error shape for every JSON response: RFC 9457 problem details.

Domain errors map to statuses here and nowhere else.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from clustergraph.errors import ClusterGraphError, ValidationFailed

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("clustergraph.web")


def problem(status: int, title: str, detail: str | None = None, **extra: object) -> JSONResponse:
    """A problem-details response (``type`` is about:blank: the status says what kind)."""
    body: dict[str, object] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def install_error_handlers(app: FastAPI) -> None:
    """Map every error the app can raise to a problem-details response."""

    @app.exception_handler(ValidationFailed)
    async def _refused(request: Request, err: ValidationFailed) -> JSONResponse:
        report = err.report.as_json() if err.report is not None else None
        return problem(err.http_status, err.title, str(err), report=report)

    @app.exception_handler(ClusterGraphError)
    async def _domain(request: Request, err: ClusterGraphError) -> JSONResponse:
        return problem(err.http_status, err.title, str(err), **err.problem_fields())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, err: StarletteHTTPException) -> JSONResponse:
        response = problem(err.status_code, _reason(err.status_code), str(err.detail) if err.detail else None)
        for key, value in (err.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in err.errors()
        ]
        return problem(422, "Invalid request parameters", "see errors", errors=errors)

    @app.exception_handler(Exception)
    async def _bug(request: Request, err: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "Internal Server Error", "an unexpected error occurred; it has been logged")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
