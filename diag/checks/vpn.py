"""The report's `vpn` block from the other checks: which tunnel is up, its MTU, and what fits the measured path."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Literal

from diag.checks.adapters import VpnProcess, detect_vpn_protocol
from diag.checks.overhead import canonical_protocol, recommend
from reports.i18n import Lang
from reports.model import Adapter, AdapterKind, Routes, Vpn

K = AdapterKind
# The adapter kinds each protocol's tunnel shows up as.
PROTOCOL_KINDS: dict[str, frozenset[AdapterKind]] = {
    "wireguard": frozenset({K.wireguard}),
    "openvpn-udp": frozenset({K.openvpn_tun, K.openvpn_tap}),
    "openvpn-tcp": frozenset({K.openvpn_tun, K.openvpn_tap}),
    "ipsec": frozenset({K.ipsec}),
    "ikev2": frozenset({K.ipsec}),
    "l2tp": frozenset({K.l2tp, K.ppp}),
    "pptp": frozenset({K.pptp, K.ppp}),
    "sstp": frozenset({K.sstp, K.ppp}),
    "openconnect": frozenset({K.other_tunnel}),
}


def tunnel_adapter(adapters: list[Adapter], protocol: str | None) -> Adapter | None:
    """The up adapter that carries `protocol` (any up VPN adapter when the protocol is unknown)."""
    up = [a for a in adapters if a.is_up and (a.is_vpn or a.kind == K.ppp)]
    if protocol is None:
        return next((a for a in up if a.is_vpn), None)
    kinds = PROTOCOL_KINDS.get(protocol, frozenset())
    return next((a for a in up if a.kind in kinds), None)


def underlay_adapter(adapters: list[Adapter], routes: Routes | None) -> Adapter | None:
    """The adapter the VPN's own packets leave by: the route to the VPN server, else the default route."""
    if routes is None:
        return None
    name = routes.vpn_server.interface if routes.vpn_server and routes.vpn_server.interface else None
    name = name or routes.default_interface
    return next((a for a in adapters if a.name == name), None)


def _family(server: str | None) -> Literal[4, 6]:
    host = (server or "").strip().strip("[]").split("]")[0]
    try:
        return 6 if ipaddress.ip_address(host).version == 6 else 4
    except ValueError:
        return 4


def describe_vpn(
    adapters: list[Adapter],
    *,
    protocol: str | None = None,
    vpn_server: str | None = None,
    underlay_pmtu: int | None = None,
    outer_family: Literal[4, 6] | None = None,
    processes: Iterable[VpnProcess] | None = None,
    lang: Lang = "en",
) -> Vpn | None:
    """The `vpn` block, or None when no VPN protocol is given or detected.

    `protocol` (e.g. from the provider profile) wins over detection; `underlay_pmtu` is the measured path MTU to
    the VPN server (role "underlay"); None leaves the recommendation empty with the reason in `why`.
    """
    detected_by = "given"
    if protocol is None:
        protocol = detect_vpn_protocol(adapters, processes)
        detected_by = "adapter"
    if protocol is None:
        return None
    name = canonical_protocol(protocol)
    adapter = tunnel_adapter(adapters, name)
    if adapter is not None and detected_by == "adapter":
        detected_by = f"adapter {adapter.name}: {adapter.detected_by}"
    return recommend(
        name,
        underlay_pmtu,
        outer_family or _family(vpn_server),
        tunnel_mtu=adapter.mtu if adapter else None,
        server=vpn_server,
        adapter=adapter.name if adapter else None,
        detected_by=detected_by[:256],
        lang=lang,
    )
