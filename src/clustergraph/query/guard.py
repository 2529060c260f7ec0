"""Federation safety: which ``SERVICE`` calls a request may make, decided before evaluation.

pyoxigraph evaluates ``SERVICE`` itself, over HTTP, as soon as the query runs (it does not
follow redirects, but it has no per-call timeout and no address policy). So every query
and update is checked here first, and a refused request never reaches the engine:
no DNS lookup for endpoints off the allow-list, no connection at all.

Rules (settings): an endpoint must be on ``service_allowlist`` (exact URL); it must be
http(s); its host must not be, or resolve to, a loopback, private, link-local, reserved
or multicast address unless ``service_allow_private`` is set; ``SERVICE ?var`` is refused
(the endpoint would only be known during evaluation). The endpoints are read twice, by
this project's lexer and by rdflib's SPARQL parser; a call either of them sees is checked.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from clustergraph.errors import Forbidden
from clustergraph.query.sparql_text import ServiceCall, service_calls
from clustergraph.settings import Settings

log = logging.getLogger("clustergraph.query")

Resolver = Callable[[str, int], list[str]]


class FederationRefused(Forbidden):
    """A ``SERVICE`` call the federation policy does not allow; nothing was evaluated."""

    title = "Federated query refused"


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, shared, reserved, multicast and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class FederationGuard:
    """Checks the ``SERVICE`` calls of a request against the settings."""

    def __init__(self, settings: Settings, *, resolver: Resolver | None = None) -> None:
        self.allowlist = frozenset(settings.service_allowlist)
        self.allow_private = settings.service_allow_private
        self._resolve = resolver or _system_resolver

    def check(self, text: str, *, base_iri: str | None = None) -> list[ServiceCall]:
        """The ``SERVICE`` calls of ``text``, all allowed; raises ``FederationRefused`` for the first refused one.

        The calls found by the lexer come first, with their place in the text (for the relay).
        """
        if "service" not in text.lower():
            return []
        calls = service_calls(text, base_iri=base_iri)
        seen = {c.endpoint for c in calls}
        calls += [c for c in _rdflib_service_calls(text, base_iri) if c.endpoint not in seen or c.endpoint is None]
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
        try:
            return self._resolve(host, port)
        except OSError as err:
            raise FederationRefused(f"SERVICE <{endpoint}>: the host name does not resolve ({err})") from None


def _rdflib_service_calls(text: str, base_iri: str | None) -> list[ServiceCall]:
    """The ``SERVICE`` endpoints rdflib's parser finds (a second reading; empty if rdflib cannot parse)."""
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    try:
        parsed = parser.parseQuery(text)
    except Exception:  # noqa: BLE001 - not a query rdflib reads (an update, or syntax it lacks)
        try:
            parsed = parser.parseUpdate(text)
        except Exception:  # noqa: BLE001
            return []
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
