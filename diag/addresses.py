"""What kind of address an IP address is; kept in reports (IpAddress.scope) and in redaction pseudonyms."""

from __future__ import annotations

import ipaddress
from typing import Literal

Scope = Literal["private", "public", "link-local", "loopback", "other"]


def address_scope(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Scope:
    """The stdlib's reading of the IANA special-purpose registries (RFC 6890); IPv4-mapped IPv6 as its IPv4."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_private:
        return "private"
    if address.is_global:
        return "public"
    return "other"
