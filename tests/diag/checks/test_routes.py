from __future__ import annotations

from pathlib import Path

from diag.checks._system import decode_output
from diag.checks.adapters import LinkFacts, PsutilView, build_adapters, collect_adapters
from diag.checks.routes import (
    parse_get_netroute,
    parse_ip_route_default,
    parse_ip_route_get,
    parse_route_get_macos,
    parse_route_print,
    read_routes,
    route_info,
    select_route,
    server_address,
)

DATA = Path(__file__).parent / "data"


def test_linux_ip_route_get_and_default() -> None:
    entry = parse_ip_route_get(
        '[{"dst":"10.88.2.2","gateway":"10.88.1.1","dev":"vdlab-c","prefsrc":"10.88.1.2","flags":[],"uid":0,"cache":[]}]'
    )
    assert entry is not None
    assert (entry.interface, entry.gateway, entry.source) == ("vdlab-c", "10.88.1.1", "10.88.1.2")
    default = parse_ip_route_default(
        '[{"dst":"default","gateway":"192.168.1.1","dev":"wlp2s0","protocol":"dhcp","prefsrc":"192.168.1.40",'
        '"metric":600,"flags":[]},{"dst":"default","gateway":"192.168.8.1","dev":"enp0s31f6","protocol":"dhcp",'
        '"metric":100,"flags":[]}]'
    )
    assert default is not None
    assert default.interface == "enp0s31f6"
    assert parse_ip_route_default("[]") is None


def test_macos_route_get() -> None:
    server = parse_route_get_macos((DATA / "macos-route-get-server.txt").read_text())
    default = parse_route_get_macos((DATA / "macos-route-get-default.txt").read_text())
    assert server is not None
    assert default is not None
    assert (server.interface, server.gateway) == ("en0", "192.168.1.1")
    assert default.interface == "utun4"
    assert parse_route_get_macos("route: writing to routing socket: not in table\n") is None


def test_windows_get_netroute_full_tunnel_keeps_server_outside() -> None:
    routes = parse_get_netroute((DATA / "windows-get-netroute.json").read_text())
    server = select_route(routes, "203.0.113.10")
    other = select_route(routes, "198.51.100.7")
    default = select_route(routes, "0.0.0.0")
    assert server is not None
    assert other is not None
    assert default is not None
    assert (server.interface, server.gateway) == ("Ethernet", "192.168.1.1")
    assert other.interface == "wg-office"  # 0.0.0.0/1 wins over the default route
    assert default.interface == "wg-office"  # two defaults: the lower metric (0 + 5)
    assert default.gateway is None


def test_windows_route_print_english_and_japanese() -> None:
    en = parse_route_print((DATA / "windows-route-print-en.txt").read_text())
    server = select_route(en, "203.0.113.10")
    assert server is not None
    assert (server.interface, server.gateway) == ("192.168.1.23", "192.168.1.1")
    tunnel = select_route(en, "198.51.100.7")
    assert tunnel is not None
    assert tunnel.interface == "10.64.12.7"
    assert tunnel.gateway is None  # On-link
    ja_text = decode_output((DATA / "windows-route-print-ja.cp932.txt").read_bytes(), fallback="cp932")
    ja = parse_route_print(ja_text)
    assert len(ja) == 6
    default = select_route(ja, "0.0.0.0")
    assert default is not None
    assert default.interface == "192.168.10.45"  # metric 25 beats the L2TP link's 26
    server_ja = select_route(ja, "198.51.100.20")
    assert server_ja is not None
    assert server_ja.gateway == "192.168.10.1"


def test_route_via_tunnel_maps_interface_address_to_adapter() -> None:
    import socket

    view = PsutilView(
        stats={"Ethernet": (True, 1500, 1000), "wg-office": (True, 1420, 0)},
        addresses={
            "Ethernet": [(socket.AF_INET, "192.168.1.23", "255.255.255.0")],
            "wg-office": [(socket.AF_INET, "10.64.12.7", "255.255.255.255")],
        },
    )
    adapters = build_adapters(view, [LinkFacts("wg-office", description="WireGuard Tunnel")], "windows")

    routes = parse_route_print((DATA / "windows-route-print-en.txt").read_text())
    info = route_info("198.51.100.7", select_route(routes, "198.51.100.7"), adapters)
    assert info.interface == "wg-office"
    assert info.via_tunnel is True
    outside = route_info("203.0.113.10", select_route(routes, "203.0.113.10"), adapters)
    assert outside.interface == "Ethernet"
    assert outside.via_tunnel is False


def test_server_address_forms() -> None:
    assert server_address("192.0.2.5:51820") == "192.0.2.5"
    assert server_address("[2001:db8::1]:443") == "2001:db8::1"
    assert server_address("2001:db8::1") == "2001:db8::1"
    assert server_address("localhost") in ("127.0.0.1", "::1")


def test_read_routes_on_this_machine_loopback() -> None:
    adapters = collect_adapters()
    routes = read_routes("127.0.0.1", adapters)
    assert routes.vpn_server is not None
    assert routes.vpn_server.interface == "lo"
    assert routes.vpn_server.via_tunnel is False


def test_read_routes_unresolvable_server_gives_reason() -> None:
    routes = read_routes("no-such-host.invalid", [])
    assert routes.vpn_server is None
    assert routes.reason is not None
    assert "could not be resolved" in routes.reason
