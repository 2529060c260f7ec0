"""A SPARQL client for Virtuoso endpoints: paged SELECTs, clear failures, retries with backoff.

Virtuoso cuts every answer at its ``ResultSetMaxRows`` with status 200 (a SELECT then carries
``X-SPARQL-MaxRows: N``), so every query is paged with ``LIMIT``/``OFFSET`` over an
``ORDER BY``: a page cut by the cap (header) or a full page means there may be more. A page
that the header says was cut shrinks the page size to the cap and the same offset is read
again, so no row is lost. Queries are POSTed (Virtuoso truncates long GET queries).
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from clustergraph.connectors.errors import (
    EndpointError,
    EndpointHttpError,
    EndpointTimeout,
    EndpointUnreachable,
    MalformedAnswer,
    QueryTooExpensive,
)

Row = dict[str, dict[str, str]]
_COST_REFUSAL = "estimated execution time"
USER_AGENT = "clustergraph-enrich (+https://w3id.org/clustergraph/)"


@dataclass
class SparqlClient:
    """Asks one endpoint. ``sleep`` is injectable so tests of the backoff need not wait."""

    endpoint: str
    timeout: float = 60.0
    retries: int = 3
    page_size: int = 1000
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    requests: int = field(default=0, init=False)
    cuts: int = field(default=0, init=False)

    def select_all(self, sparql: str) -> list[Row]:
        """Every row of ``sparql`` (a SELECT ending in ``ORDER BY``, without LIMIT/OFFSET), page by page.

        Raises ``EndpointError`` (a subclass saying what happened) when a page cannot be read.
        """
        rows: list[Row] = []
        size = self.page_size
        while True:
            page, cap = self._select(f"{sparql}\nLIMIT {size}\nOFFSET {len(rows)}")
            if cap is not None and len(page) >= cap and cap < size:
                self.cuts += 1
                size = cap  # the cap cut this page: read on in pages the server returns whole
            rows.extend(page)
            if len(page) < size:
                return rows

    def _select(self, sparql: str) -> tuple[list[Row], int | None]:
        attempt = 0
        while True:
            try:
                return self._once(sparql)
            except EndpointError as err:
                if not err.retryable or attempt >= self.retries:
                    raise
                self.sleep(self.backoff * 2**attempt)
                attempt += 1

    def _once(self, sparql: str) -> tuple[list[Row], int | None]:
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(self.timeout)
        wrapper.setQuery(sparql)
        self.requests += 1
        try:
            answer = wrapper.query()
            body = answer.response.read()
            header = answer.response.headers.get("X-SPARQL-MaxRows")
        except SPARQLWrapperException as err:
            raise self._refusal_or_http_error(err) from None
        except urllib.error.HTTPError as err:
            raise self._http_error(err.code, _text(err.read())) from None
        except TimeoutError as err:
            raise EndpointTimeout(f"{self.endpoint} gave no answer within {self.timeout:g} s") from err
        except urllib.error.URLError as err:
            if isinstance(err.reason, (TimeoutError, socket.timeout)):
                raise EndpointTimeout(f"{self.endpoint} gave no answer within {self.timeout:g} s") from None
            raise EndpointUnreachable(f"{self.endpoint} could not be reached: {err.reason}") from None
        except (ConnectionError, OSError) as err:
            raise EndpointUnreachable(f"{self.endpoint} could not be reached: {err}") from None
        return _bindings(body, self.endpoint), _cap(header)

    def _refusal_or_http_error(self, err: SPARQLWrapperException) -> EndpointError:
        status = {"QueryBadFormed": 400, "EndPointNotFound": 404, "Unauthorized": 401, "URITooLong": 414}
        code = status.get(type(err).__name__, 500)
        return self._http_error(code, str(err))

    def _http_error(self, status: int, text: str) -> EndpointError:
        detail = " ".join(text.split())[:300]
        if _COST_REFUSAL in text:
            return QueryTooExpensive(
                f"{self.endpoint} refused the query as too expensive (its cost estimate is over the server's "
                f"limit; narrow the query or ask the operator): {detail}"
            )
        return EndpointHttpError(f"{self.endpoint} answered HTTP {status}: {detail}", status)


def _bindings(body: bytes, endpoint: str) -> list[Row]:
    try:
        document: Any = json.loads(body)
        bindings = document["results"]["bindings"]
        if not isinstance(bindings, list) or not all(isinstance(b, dict) for b in bindings):
            raise TypeError("bindings is not a list of objects")
    except (ValueError, KeyError, TypeError) as err:
        raise MalformedAnswer(f"{endpoint} sent an answer that is not SPARQL JSON results ({err})") from None
    return bindings


def _cap(header: str | None) -> int | None:
    try:
        return int(header) if header else None
    except ValueError:
        return None


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace")
