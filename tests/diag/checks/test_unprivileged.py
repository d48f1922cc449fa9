"""The checks work without root and on a machine without a VPN; what they cannot read has a reason."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid

from tests.conftest import ROOT, require_root

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, os
    from diag.checks.adapters import collect_adapters, detect_vpn_protocol
    from diag.checks.mss import measure_mss
    from diag.checks.routes import read_routes
    from diag.checks.tcp import read_tcp
    from reports.server.mss_reflector import start_mss_reflector

    async def mss():
        reflector = await start_mss_reflector("127.0.0.1", 0)
        try:
            return await measure_mss(f"127.0.0.1:{reflector.port}")
        finally:
            reflector.close()

    adapters = collect_adapters()
    print(json.dumps({
        "uid": os.geteuid(),
        "adapters": [a.model_dump(mode="json") for a in adapters],
        "protocol": detect_vpn_protocol(adapters),
        "routes": read_routes("127.0.0.1", adapters).model_dump(mode="json"),
        "tcp": read_tcp(rtt_ms=50.0, link_speed_mbps=None).model_dump(mode="json"),
        "mss": asyncio.run(mss()).model_dump(mode="json"),
    }))
    """
)


def _run(prefix: list[str]) -> dict[str, object]:
    done = subprocess.run(
        [*prefix, sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_checks_as_nobody_in_a_namespace_without_vpn_or_default_route() -> None:
    require_root("dropping to an unprivileged user in a fresh network namespace", ("ip", "setpriv"))
    ns = f"vdchk-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", ns], check=True, timeout=10)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True, timeout=10)
        out = _run(["ip", "netns", "exec", ns, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False, timeout=10)
    assert out["uid"] == 65534
    adapters = out["adapters"]
    assert isinstance(adapters, list)
    assert [a["name"] for a in adapters] == ["lo"]
    assert out["protocol"] is None
    routes = out["routes"]
    assert isinstance(routes, dict)
    assert routes["default_interface"] is None
    assert "no default route" in routes["reason"]
    assert routes["vpn_server"]["interface"] == "lo"
    tcp = out["tcp"]
    assert isinstance(tcp, dict)
    assert tcp["max_receive_window"] > 0
    assert tcp["throughput_cap_mbps"] > 0
    assert tcp["bdp_bytes"] is None
    mss = out["mss"]
    assert isinstance(mss, dict)
    assert mss["server_seen_mss"] == 65495
    assert mss["clamped"] is False
