"""Federation safety: which ``SERVICE`` calls a request may make, decided before evaluation.

pyoxigraph evaluates ``SERVICE`` itself, over HTTP, as soon as the query runs (it does not
follow redirects, but it has no per-call timeout and no address policy). So every query
and update is checked here first, and a refused request never reaches the engine:
no DNS lookup for endpoints off the allow-list, no connection at all.

Rules (settings): an endpoint must be on ``service_allowlist`` (exact URL); it must be
http(s); its host must not be, or resolve to, a loopback, private, link-local, reserved
or multicast address unless ``service_allow_private`` is set; ``SERVICE ?var`` is refused
(the endpoint would only be known during evaluation). The endpoints are read twice, by
this project's lexer and by rdflib's SPARQL parser, and must agree (fail closed).

This is the first line of defence. The second: the processes that evaluate queries and
updates have no network of their own (``clustergraph.query.sandbox``); their only way
out is the relay, which dials through a process that checks every address again.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from clustergraph.errors import Forbidden
from clustergraph.query.addresses import is_public_address  # noqa: F401 - re-exported
from clustergraph.query.sparql_text import QUERY_FORMS, ServiceCall, request_form, service_calls
from clustergraph.settings import Settings

log = logging.getLogger("clustergraph.query")

Resolver = Callable[[str, int], list[str]]


class FederationRefused(Forbidden):
    """A ``SERVICE`` call the federation policy does not allow; nothing was evaluated."""

    title = "Federated query refused"


class UncheckedService(FederationRefused):
    """A text that mentions ``SERVICE`` whose federated calls cannot be read with certainty."""


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


# Every place where the engine could read the keyword SERVICE: the word in any case, not
# glued to a name before or after it. Deliberately loose (it also counts the word inside
# strings, comments and IRIs); what it finds is then read by two parsers.
_SERVICE_WORD = re.compile(r"(?<![A-Za-z0-9_:])service(?![A-Za-z0-9_])", re.IGNORECASE)


# The second reading (rdflib) takes about a second per 30 KB; longer texts that mention
# SERVICE are refused rather than read for minutes.
MAX_CHECKED_CHARS = 100_000


def mentions_service(text: str) -> bool:
    """True if the engine could find a ``SERVICE`` keyword anywhere in ``text``.

    False is certain: pyoxigraph reads keywords only as written (it does not decode ``\\u``
    escapes outside strings and IRIs), so a text without the word cannot call out.
    """
    return _SERVICE_WORD.search(text) is not None


class FederationGuard:
    """Checks the ``SERVICE`` calls of a request against the settings; fails closed.

    A text that mentions ``SERVICE`` is read twice, by this project's lexer and by rdflib's
    SPARQL parser, and the two readings must name the same endpoints; if they differ, or
    rdflib cannot read the text, the request is refused: a check that cannot decide never
    lets a call through. ``resolve_addresses=False`` leaves the address check to the
    connection itself (query workers, which have no network and dial through a checked
    dialer).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        allowlist: Iterable[str] | None = None,
        allow_private: bool | None = None,
        resolver: Resolver | None = None,
        resolve_addresses: bool = True,
    ) -> None:
        self.allowlist = frozenset(allowlist if allowlist is not None else settings.service_allowlist)
        self.allow_private = allow_private if allow_private is not None else settings.service_allow_private
        self._resolve = resolver or _system_resolver
        self.resolve_addresses = resolve_addresses

    def check(self, text: str, *, base_iri: str | None = None) -> list[ServiceCall]:
        """The ``SERVICE`` calls of ``text``, all allowed; raises ``FederationRefused`` for the first
        refused one, and for a text whose calls cannot be read with certainty."""
        calls = read_service_calls(text, base_iri=base_iri)
        for call in calls:
            self._allowed(call)
        return calls

    def _allowed(self, call: ServiceCall) -> str:
        if call.endpoint is None:
            what = (
                f"SERVICE {call.written}: an endpoint given by a variable"
                if call.variable
                else f"SERVICE {call.written}"
            )
            raise FederationRefused(f"{what} cannot be checked before evaluation; name the endpoint with an IRI")
        endpoint = call.endpoint
        if endpoint not in self.allowlist:
            raise FederationRefused(
                f"SERVICE <{endpoint}> is not on this service's allow-list of federated endpoints"
                + ("" if self.allowlist else " (which is empty: federation is off)")
            )
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FederationRefused(f"SERVICE <{endpoint}>: only http(s) endpoints can be called")
        if not self.allow_private:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            for address in self._addresses(parts.hostname, port, endpoint):
                if not is_public_address(address):
                    raise FederationRefused(
                        f"SERVICE <{endpoint}> resolves to {address}, a loopback, private or link-local address"
                    )
        return endpoint

    def _addresses(self, host: str, port: int, endpoint: str) -> Iterable[str]:
        try:
            ipaddress.ip_address(host.strip("[]"))
            return [host.strip("[]")]
        except ValueError:
            pass
        if host.lower() == "localhost" or host.lower().endswith(".localhost"):
            return ["127.0.0.1"]
        if not self.resolve_addresses:  # names are checked when the connection is made
            return []
        try:
            return self._resolve(host, port)
        except OSError:
            raise FederationRefused(f"SERVICE <{endpoint}>: the host name does not resolve") from None


def read_service_calls(text: str, *, base_iri: str | None = None) -> list[ServiceCall]:
    """Every ``SERVICE`` call of a query or update, read with certainty, or ``FederationRefused``.

    The lexer's reading (which knows where each endpoint is written, for the relay) is
    returned only when rdflib's parser, reading independently, finds the same endpoints.
    """
    if not mentions_service(text):
        return []
    if len(text) > MAX_CHECKED_CHARS:
        raise UncheckedService(
            f"this request mentions SERVICE and is longer than {MAX_CHECKED_CHARS:,} characters, "
            "too long to check its federated calls with certainty; shorten it or leave the word out"
        )
    try:
        calls = service_calls(text, base_iri=base_iri)
    except ValueError:
        raise UncheckedService("this request mentions SERVICE in a way its federated calls cannot be read") from None
    second = _rdflib_service_calls(text, base_iri)
    if second is None:
        raise UncheckedService(
            "this request mentions SERVICE, and its federated calls could not be checked with certainty "
            "(the checking parser cannot read it); write it in plain SPARQL 1.1, or leave the word out"
        )
    if Counter(c.endpoint for c in calls) != Counter(c.endpoint for c in second):
        raise UncheckedService(
            "this request mentions SERVICE in a way that reads differently to different parsers; "
            "its federated calls cannot be checked with certainty"
        )
    return calls


def _rdflib_service_calls(text: str, base_iri: str | None) -> list[ServiceCall] | None:
    """The ``SERVICE`` endpoints rdflib's parser finds (a second reading); ``None`` if it cannot parse."""
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    try:
        parsed = _on_deep_stack(parser.parseQuery, text)
    except Exception:  # noqa: BLE001 - not a query rdflib reads (an update, or syntax it lacks)
        if _looks_like_query(text):
            return None
        try:
            parsed = _on_deep_stack(parser.parseUpdate, text)
        except Exception:  # noqa: BLE001 - includes RecursionError on deep nesting
            return None
    prefixes: dict[str, str] = {}
    base = base_iri
    found: list[ServiceCall] = []

    def visit(node: object) -> None:
        nonlocal base
        if isinstance(node, CompValue):
            if node.name == "Base":
                base = str(node.iri)
            elif node.name == "PrefixDecl":
                prefixes[str(node.prefix or "")] = str(node.iri)
            elif node.name == "ServiceGraphPattern":
                term = node.get("term")
                if isinstance(term, Variable):
                    found.append(ServiceCall(None, f"?{term}", variable=True))
                elif isinstance(term, URIRef):
                    from urllib.parse import urljoin

                    found.append(ServiceCall(urljoin(base, str(term)) if base else str(term), f"<{term}>"))
                elif isinstance(term, CompValue) and term.name == "pname":
                    namespace = prefixes.get(str(term.prefix or ""))
                    written = f"{term.prefix or ''}:{term.localname or ''}"
                    found.append(
                        ServiceCall(None if namespace is None else namespace + str(term.localname or ""), written)
                    )
                else:
                    found.append(ServiceCall(None, str(term)))
            for value in node.values():
                visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)
        elif hasattr(node, "asList") and not isinstance(node, str):
            for value in node:
                visit(value)

    visit(parsed)
    return found


def _looks_like_query(text: str) -> bool:
    return request_form(text) in QUERY_FORMS


# rdflib's grammar recurses once per triple pattern of a block and per nesting level; its
# parse runs on a thread of its own with room for that, whatever thread asks.
PARSE_STACK_BYTES = 512 * 1024 * 1024
PARSE_RECURSION_LIMIT = 200_000


def _on_deep_stack(parse: Callable[[str], object], text: str) -> object:
    """``parse(text)`` on a thread with a large stack and recursion limit; re-raises its error."""
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["value"] = parse(text)
        except BaseException as err:  # noqa: BLE001 - handed to the caller
            outcome["error"] = err

    if sys.getrecursionlimit() < PARSE_RECURSION_LIMIT:
        sys.setrecursionlimit(PARSE_RECURSION_LIMIT)
    with _STACK_LOCK:
        previous = threading.stack_size(PARSE_STACK_BYTES)
        try:
            thread = threading.Thread(target=work, name="clustergraph-guard-parse", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]


_STACK_LOCK = threading.Lock()
