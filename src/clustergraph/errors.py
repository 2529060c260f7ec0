"""Domain errors. The web layer maps them to HTTP statuses, the CLI to exit codes."""

from __future__ import annotations

from typing import Any


class ClusterGraphError(Exception):
    """Base of every error clustergraph raises on purpose; ``str(err)`` is a user-facing message."""

    http_status = 500
    exit_code = 1
    title = "Internal error"

    def problem_fields(self) -> dict[str, Any]:
        """Members the HTTP problem details carry beside ``detail`` (none unless a subclass adds them)."""
        return {}


class InputError(ClusterGraphError):
    """Input that cannot be read: bad syntax, unknown format, missing file."""

    http_status = 400
    exit_code = 2
    title = "Unreadable input"


class QueryError(InputError):
    """A malformed or unsupported SPARQL query or update."""

    title = "Bad SPARQL request"


class ValidationFailed(ClusterGraphError):
    """Data that does not conform to the shapes; nothing was written."""

    http_status = 422
    exit_code = 1
    title = "Data does not conform to the shapes"

    def __init__(self, message: str, report: Any = None) -> None:
        super().__init__(message)
        self.report = report


class LimitExceeded(ClusterGraphError):
    """A request went over a configured limit (time, rows, bytes)."""

    http_status = 503
    exit_code = 3
    title = "Limit exceeded"


class QueryTimeout(LimitExceeded):
    title = "Query timed out"


class Forbidden(ClusterGraphError):
    http_status = 403
    exit_code = 4
    title = "Forbidden"


class NotFound(ClusterGraphError):
    """A resource (cluster, actor, ...) that the graph does not hold."""

    http_status = 404
    exit_code = 6
    title = "Not Found"


class StoreUnavailable(ClusterGraphError):
    """The store cannot be opened or reached."""

    http_status = 503
    exit_code = 5
    title = "Store unavailable"


class StoreBusy(StoreUnavailable):
    """An on-disk store that another process (a running server) holds for writing.

    ``str(err)`` names the store; ``path`` is its folder, so a command can add what to do.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path
