"""Which network addresses federated calls may reach."""

from __future__ import annotations

import ipaddress


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, shared, reserved, multicast and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
