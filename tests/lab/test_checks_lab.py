"""The system checks inside the lab's client namespace, with a real WireGuard tunnel (wireguard-go) up."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from typing import Any

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

REFLECTOR_PORT = 18443


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


def test_wireguard_adapter_and_route_outside_the_tunnel(make_module_lab: MakeLab) -> None:
    lab = make_module_lab("open", 1400, wireguard=True)
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


def test_mss_clamping_on_the_router_is_seen(make_module_lab: MakeLab) -> None:
    lab = make_module_lab("open", 1400, wireguard=True)
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
