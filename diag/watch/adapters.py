"""The watched adapter's state (up/down, MTU, addresses) from psutil, and which adapter carries a destination."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

import psutil

from diag.watch.timeline import AdapterState


def read_adapter(name: str) -> AdapterState | None:
    """The adapter's current state; None when it does not exist (a VPN client removed it)."""
    stats = psutil.net_if_stats().get(name)
    if stats is None:
        return None
    addresses = tuple(
        sorted(
            address.address.split("%", 1)[0]
            for address in psutil.net_if_addrs().get(name, [])
            if address.family in (socket.AF_INET, socket.AF_INET6)
        )
    )
    # psutil reports 0 when the OS gave no MTU; the model says "unknown" with None.
    return AdapterState(name=name, is_up=stats.isup, mtu=stats.mtu or None, addresses=addresses)


def source_address(destination: str) -> str | None:
    """The local address the OS would send from: connect() on UDP picks a route and sends nothing."""
    family = socket.AF_INET if ipaddress.ip_address(destination).version == 4 else socket.AF_INET6
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        try:
            # Port 9 (discard, RFC 863): any port works, nothing is sent.
            sock.connect((destination, 9))
        except OSError:
            return None
        return str(sock.getsockname()[0]).split("%", 1)[0]


def adapter_for(destination: str) -> str | None:
    """The name of the adapter holding the source address for `destination` (the tunnel, for a target inside)."""
    source = source_address(destination)
    if source is None:
        return None
    for name, addresses in psutil.net_if_addrs().items():
        for address in addresses:
            with contextlib.suppress(ValueError):
                if ipaddress.ip_address(address.address.split("%", 1)[0]) == ipaddress.ip_address(source):
                    return name
    return None
