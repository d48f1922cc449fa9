from __future__ import annotations

import socket

from diag.checks.adapters import LinkFacts, PsutilView, build_adapters, process_facts
from diag.checks.vpn import describe_vpn, underlay_adapter
from reports.model import Adapter, RouteInfo, Routes


def lab_like_adapters() -> list[Adapter]:
    view = PsutilView(
        stats={"lo": (True, 65536, 0), "vdlab-c": (True, 1500, 10000), "vdlab-wgc": (True, 1420, 10000)},
        addresses={"vdlab-wgc": [(socket.AF_INET, "10.99.0.1", "255.255.255.0")]},
    )
    wg = process_facts("wireguard-go", ["wireguard-go", "vdlab-wgc"])
    assert wg is not None
    return build_adapters(
        view, [LinkFacts("vdlab-c", driver="veth"), LinkFacts("vdlab-wgc", driver="tun")], "linux", [wg]
    )


def test_vpn_block_for_wireguard_over_1400_path() -> None:
    vpn = describe_vpn(lab_like_adapters(), vpn_server="10.0.2.2:51820", underlay_pmtu=1400)
    assert vpn is not None
    assert vpn.protocol == "wireguard"
    assert vpn.adapter == "vdlab-wgc"
    assert vpn.tunnel_mtu == 1420
    assert vpn.outer_family == 4
    assert vpn.recommended_mtu == 1340
    assert vpn.why is not None
    assert "1328" in vpn.why
    assert vpn.detected_by is not None
    assert "wireguard-go" in vpn.detected_by


def test_given_protocol_wins_and_no_vpn_gives_none() -> None:
    vpn = describe_vpn(lab_like_adapters(), protocol="openvpn", vpn_server="[2001:db8::1]:1194", underlay_pmtu=1500)
    assert vpn is not None
    assert vpn.protocol == "openvpn-udp"
    assert vpn.adapter is None  # no OpenVPN adapter is up
    assert vpn.outer_family == 6
    assert vpn.recommended_mtu == 1500 - 72
    plain = build_adapters(PsutilView(stats={"eth0": (True, 1500, 1000)}), [], "linux")
    assert describe_vpn(plain) is None


def test_underlay_adapter_follows_route_to_server() -> None:
    adapters = lab_like_adapters()
    routes = Routes(default_interface="vdlab-wgc", vpn_server=RouteInfo(destination="10.0.2.2", interface="vdlab-c"))
    underlay = underlay_adapter(adapters, routes)
    assert underlay is not None
    assert underlay.name == "vdlab-c"
    assert underlay_adapter(adapters, Routes(default_interface="lo")) is not None
    assert underlay_adapter(adapters, None) is None
