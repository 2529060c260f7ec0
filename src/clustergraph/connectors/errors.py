"""What can go wrong when asking an external SPARQL endpoint, as domain errors with a clear message."""

from __future__ import annotations

from clustergraph.errors import ClusterGraphError


class EndpointError(ClusterGraphError):
    """An external endpoint did not give a usable answer; nothing was written.

    ``retryable`` says whether asking again later may help (timeouts, server errors).
    """

    http_status = 502
    exit_code = 5
    title = "External endpoint failed"
    retryable = False


class EndpointUnreachable(EndpointError):
    """No connection, or a connection reset before an answer."""

    retryable = True


class EndpointTimeout(EndpointError):
    """No complete answer within the connector timeout."""

    retryable = True


class EndpointHttpError(EndpointError):
    """An HTTP error status; 5xx (other than a refusal) may pass, 4xx will not."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
        self.retryable = status >= 500 or status == 429


class QueryTooExpensive(EndpointError):
    """Virtuoso refused the query up front: its cost estimate is over the server's limit."""


class MalformedAnswer(EndpointError):
    """An answer that is not SPARQL JSON results (a cut document, an HTML error page...)."""

    retryable = True
