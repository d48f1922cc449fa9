"""The system checks inside the lab's client namespace, with a real WireGuard tunnel (wireguard-go) up."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from typing import Any

import pytest

from reports.model import MssResult
from tests.lab.conftest import MakeLab
from tests.lab.labctl import Lab

# The checks read the namespace they run in (psutil, /proc/sys, netlink), so they run in a child process there.
CHECKS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from diag.checks.adapters import collect_adapters, detect_vpn_protocol
    from diag.checks.routes import read_routes
    from diag.checks.tcp import read_tcp

    adapters = collect_adapters()
    print(json.dumps({
        "adapters": [a.model_dump(mode="json") for a in adapters],
        "protocol": detect_vpn_protocol(adapters),
        "routes": read_routes(sys.argv[1], adapters).model_dump(mode="json"),
        "tcp": read_tcp(rtt_ms=20.0, link_speed_mbps=1000.0).model_dump(mode="json"),
    }))
    """
)

MSS_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from diag.checks.mss import measure_mss
    print(asyncio.run(measure_mss(sys.argv[1], timeout=3.0)).model_dump_json())
    """
)

# Adapters, routes, the underlay path MTU (probe engine) and the vpn block, as `vpndiag run` chains them.
VPN_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from diag.checks.adapters import collect_adapters
    from diag.checks.routes import read_routes
    from diag.checks.vpn import describe_vpn
    from diag.probe.engine import measure_path

    server = sys.argv[1]
    adapters = collect_adapters()
    routes = read_routes(server, adapters)
    path = asyncio.run(measure_path(server, family=4, role="underlay", max_time=10.0))
    vpn = describe_vpn(adapters, vpn_server=server, underlay_pmtu=path.pmtu)
    print(json.dumps({
        "route": routes.vpn_server.model_dump(mode="json") if routes.vpn_server else None,
        "path": path.model_dump(mode="json", exclude={"probes"}),
        "vpn": vpn.model_dump(mode="json") if vpn else None,
    }))
    """
)

REFLECTOR_PORT = 18443


@pytest.fixture(scope="module")
def wg_lab(make_module_lab: MakeLab) -> Lab:
    """One lab for the module: path MTU 1400 between router and server, WireGuard tunnel MTU 1420 across it."""
    return make_module_lab("open", 1400, wireguard=True)


def run_checks_in_client(lab: Lab, vpn_server: str) -> dict[str, Any]:
    done = lab.client_run([sys.executable, "-c", CHECKS_SCRIPT, vpn_server], timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_mss_in_client(lab: Lab, server: str) -> MssResult:
    done = lab.client_run([sys.executable, "-c", MSS_SCRIPT, server], timeout=30)
    assert done.returncode == 0, done.stderr
    return MssResult.model_validate_json(done.stdout)


def start_reflector(lab: Lab) -> None:
    lab.start_in_server(
        [sys.executable, "-m", "reports.server.mss_reflector", "--host", "0.0.0.0", "--port", str(REFLECTOR_PORT)]
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        listening = lab.server_run(["ss", "-Htln", f"sport = :{REFLECTOR_PORT}"]).stdout
        if listening.strip():
            return
        time.sleep(0.1)
    raise AssertionError("the MSS reflector did not start listening in the server namespace")


def test_wireguard_adapter_and_route_outside_the_tunnel(wg_lab: Lab) -> None:
    lab = wg_lab
    lab.set_mode("open")
    checks = run_checks_in_client(lab, lab.server_v4)
    adapters = {a["name"]: a for a in checks["adapters"]}
    tunnel = adapters[lab.client_wg_if or ""]
    assert tunnel["kind"] == "wireguard"
    assert tunnel["mtu"] == 1420
    assert tunnel["is_vpn"] is True
    assert tunnel["is_up"] is True
    assert "wireguard-go" in tunnel["detected_by"]
    underlay = adapters[lab.client_if]
    assert underlay["kind"] == "ethernet"
    assert underlay["is_vpn"] is False
    assert checks["protocol"] == "wireguard"
    route = checks["routes"]["vpn_server"]
    assert route["interface"] == lab.client_if
    assert route["via_tunnel"] is False
    # and what goes to the server's tunnel address leaves through the tunnel
    inside = run_checks_in_client(lab, lab.server_wg_v4 or "")["routes"]["vpn_server"]
    assert inside["interface"] == lab.client_wg_if
    assert inside["via_tunnel"] is True
    tcp = checks["tcp"]
    assert tcp["max_receive_window"] > 0
    assert tcp["bdp_bytes"] == 2_500_000


def test_mss_clamping_on_the_router_is_seen(wg_lab: Lab) -> None:
    lab = wg_lab
    lab.set_mode("open")
    start_reflector(lab)
    server = f"{lab.server_v4}:{REFLECTOR_PORT}"
    plain = measure_mss_in_client(lab, server)
    assert plain.sent_mss == 1500 - 40  # the client's veth has MTU 1500
    assert plain.server_seen_mss == plain.sent_mss
    assert plain.clamped is False
    clamp = ["iptables", "-t", "mangle", "-A", "FORWARD", "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN"]
    lab.router_run([*clamp, "-j", "TCPMSS", "--clamp-mss-to-pmtu"], check=True)
    try:
        clamped = measure_mss_in_client(lab, server)
    finally:
        lab.router_run(["iptables", "-t", "mangle", "-F", "FORWARD"], check=True)
    assert clamped.sent_mss == 1460
    assert clamped.server_seen_mss == 1400 - 40  # the router's link to the server has MTU 1400
    assert clamped.clamped is True
    # through the tunnel the SYN carries the tunnel's MSS (1420 - 40); nothing on the path changes it
    tunnel = measure_mss_in_client(lab, f"{lab.server_wg_v4}:{REFLECTOR_PORT}")
    assert tunnel.sent_mss == 1380
    assert tunnel.server_seen_mss == 1380
    assert tunnel.clamped is False


def test_underlay_path_mtu_measured_and_wireguard_recommendation_is_1340(wg_lab: Lab) -> None:
    lab = wg_lab
    for mode in ("open", "blackhole"):
        lab.set_mode(mode)  # type: ignore[arg-type]
        lab.flush()
        done = lab.client_run([sys.executable, "-c", VPN_SCRIPT, lab.server_v4], timeout=60)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["route"]["interface"] == lab.client_if, mode
        assert out["route"]["via_tunnel"] is False, mode
        assert out["path"]["pmtu"] == 1400, (mode, out["path"])
        assert out["path"]["role"] == "underlay"
        vpn = out["vpn"]
        assert vpn["protocol"] == "wireguard"
        assert vpn["adapter"] == lab.client_wg_if
        assert vpn["tunnel_mtu"] == 1420
        assert vpn["underlay_pmtu"] == 1400
        assert vpn["overhead_bytes"] == 60
        assert vpn["recommended_mtu"] == 1340, mode
        assert vpn["recommended_mss"] == 1300
        assert "1328" in vpn["why"]  # what the current 1420 lets through, padding included (FACTS.md, measured)


def _tunnel_ping(lab: Lab, inner_size: int) -> bool:
    """One DF ping through the tunnel of a whole inner IPv4 packet of `inner_size` bytes (ICMP + IP: 28)."""
    done = lab.client_run(
        ["ping", "-4", "-M", "do", "-s", str(inner_size - 28), "-c", "1", "-W", "1", lab.server_wg_v4 or ""], timeout=10
    )
    return done.returncode == 0


def test_recommended_tunnel_mtu_really_fits_the_black_hole_path(wg_lab: Lab) -> None:
    lab = wg_lab
    lab.set_mode("blackhole")
    assert _tunnel_ping(lab, 1328)  # the why's "inner packets above 1328 bytes are lost" at tunnel MTU 1420
    assert not _tunnel_ping(lab, 1329)  # padded to 1344: outer 1404 > 1400, silently dropped
    assert not _tunnel_ping(lab, 1340)
    wg_if = lab.client_wg_if or ""
    lab.client_run(["ip", "link", "set", "dev", wg_if, "mtu", "1340"], check=True)
    try:
        assert _tunnel_ping(lab, 1340)  # the recommendation: everything the tunnel accepts now arrives
    finally:
        lab.client_run(["ip", "link", "set", "dev", wg_if, "mtu", "1420"], check=True)


def test_wg_quick_policy_routing_still_finds_the_underlay(wg_lab: Lab) -> None:
    # wg-quick's full tunnel: everything without fwmark 51820 goes to table 51820, whose default is the tunnel
    # (wireguard-tools src/wg-quick/linux.bash). A plain lookup of the server then names the tunnel; the packets
    # WireGuard itself sends carry the mark and leave by the underlay, which is what the check must report.
    lab = wg_lab
    wg_if = lab.client_wg_if or ""
    lab.client_run(["ip", "route", "add", "default", "dev", wg_if, "table", "51820"], check=True)
    lab.client_run(["ip", "rule", "add", "not", "fwmark", "51820", "table", "51820"], check=True)
    try:
        plain = lab.client_run(["ip", "route", "get", lab.server_v4]).stdout
        assert f"dev {wg_if}" in plain
        route = run_checks_in_client(lab, lab.server_v4)["routes"]["vpn_server"]
    finally:
        lab.client_run(["ip", "rule", "del", "not", "fwmark", "51820", "table", "51820"], check=True)
        lab.client_run(["ip", "route", "flush", "table", "51820"], check=True)
    assert route["interface"] == lab.client_if
    assert route["via_tunnel"] is False
