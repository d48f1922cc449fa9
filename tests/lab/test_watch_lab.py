"""Lab proof of `vpndiag watch` (issue 11): the lab's WireGuard tunnel (MTU 1420) over a 1400-byte black-hole path.

Inner packets up to 1328 bytes fit that path (FACTS.md: WireGuard overhead 60 over IPv4, padding to 16), so small
pings through the tunnel pass while the 1420-byte DF probe vanishes without a frag-needed: the watch must say so
within 30 s. With the tunnel MTU lowered to the recommendation (1400 - 60 = 1340) the same watch must be healthy.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from reports.model import Report
from tests.lab.labctl import Lab

pytestmark = pytest.mark.lab

# --minutes 0.3 is 18 s of sampling, one sample a second: well inside the 30 s.
WATCH_ARGS = ("--minutes", "0.3", "--interval", "1", "--json", "-", "--lang", "en")


@pytest.fixture(scope="module")
def wg_blackhole_lab(make_module_lab: Any) -> Lab:
    lab: Lab = make_module_lab("blackhole", 1400, wireguard=True)
    return lab


def watch(lab: Lab) -> tuple[Report, str]:
    assert lab.server_wg_v4 is not None
    result = lab.client_vpndiag(
        "watch", "--target", lab.server_wg_v4, "--vpn-server", lab.server_v4, *WATCH_ARGS, timeout=60
    )
    assert result.returncode == 0, result.stderr
    print(result.stderr)  # the live view, kept in the test log
    return Report.model_validate(json.loads(result.stdout)), result.stderr


def kinds(report: Report) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in report.timeline:
        counts[event.kind] = counts.get(event.kind, 0) + event.count
    return counts


def test_watch_catches_the_black_hole_inside_the_tunnel(wg_blackhole_lab: Lab) -> None:
    lab = wg_blackhole_lab
    report, live = watch(lab)
    counts = kinds(report)
    assert counts.get("small_ok", 0) >= 15  # small pings through the tunnel keep passing ...
    assert counts.get("large_lost", 0) >= 15  # ... while every 1420-byte probe vanishes
    assert "large_ok" not in counts
    assert "large_too_big" not in counts  # nobody says "too big": a black hole
    assert counts.get("underlay_ok", 0) >= 15
    finding = next(f for f in report.findings if f.id == "tunnel_blackhole_intermittent")
    assert finding.evidence["probe_size"] == 1420
    assert report.vpn is not None
    assert report.vpn.adapter == lab.client_wg_if
    assert report.vpn.tunnel_mtu == 1420
    first_loss = next(e for e in report.timeline if e.kind == "large_lost")
    assert (first_loss.at - report.timeline[0].at).total_seconds() < 30
    assert "| 1420 B DF: LOST |" in live
    # After the watch, the search finds the largest packet that still fits: 1328 (FACTS.md: WireGuard pads inner
    # packets to 16 bytes, 1328 + 60 = 1388 <= 1400 while 1329 pads to 1344 + 60 = 1404).
    fit = next(e for e in report.timeline if e.kind == "tunnel_fit")
    assert fit.value == 1328
    assert finding.evidence["largest_passing_size"] == 1328
    # The engine's measurements are kept: through the tunnel (black hole, no frag-needed) and to the VPN server.
    paths = {p.role: p for p in report.paths}
    assert paths["tunnel"].pmtu == 1328
    assert paths["tunnel"].frag_needed == "blocked"
    assert paths["underlay"].pmtu == 1400
    assert report.vpn.underlay_pmtu == 1400
    fix = next(f for f in report.fixes if "tunnel_blackhole_intermittent" in f.finding_ids)
    assert any(step.command == f"sudo ip link set dev {lab.client_wg_if} mtu 1328" for step in fix.steps)


def test_watch_is_healthy_with_the_tunnel_mtu_lowered_to_the_recommendation(wg_blackhole_lab: Lab) -> None:
    lab = wg_blackhole_lab
    assert lab.client_wg_if is not None
    lab.client_run(["ip", "link", "set", "dev", lab.client_wg_if, "mtu", "1340"], check=True)
    try:
        report, _ = watch(lab)
    finally:
        lab.client_run(["ip", "link", "set", "dev", lab.client_wg_if, "mtu", "1420"], check=True)
    counts = kinds(report)
    assert counts.get("large_ok", 0) >= 15
    assert "large_lost" not in counts
    assert [f.id for f in report.findings] == ["watch_healthy"]
    assert not any(e.kind == "tunnel_fit" for e in report.timeline)  # nothing vanished: no search
    assert report.paths == []
    assert report.vpn is not None
    assert report.vpn.tunnel_mtu == 1340


@pytest.fixture(scope="module")
def wg_open_lab(make_module_lab: Any) -> Lab:
    lab: Lab = make_module_lab("open", 1500, wireguard=True)
    return lab


def outages_in_router(lab: Lab, rule: list[str], starts_s: tuple[float, ...], hold_s: float) -> threading.Thread:
    """From a thread: drop what `rule` matches in the router's FORWARD chain at each start, for `hold_s` seconds."""

    def run() -> None:
        began = time.monotonic()
        for start in starts_s:
            time.sleep(max(0.0, began + start - time.monotonic()))
            lab.router_run(["iptables", "-I", "FORWARD", *rule, "-j", "DROP"], check=True)
            time.sleep(hold_s)
            lab.router_run(["iptables", "-D", "FORWARD", *rule, "-j", "DROP"], check=True)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# Three outages six seconds apart, two seconds each, starting once the watch is sampling (Python starts in ~1 s).
OUTAGE_STARTS_S = (4.0, 10.0, 16.0)
OUTAGE_HOLD_S = 2.0


def test_network_outages_are_blamed_on_the_network_and_their_period_found(wg_open_lab: Lab) -> None:
    lab = wg_open_lab
    thread = outages_in_router(lab, [], OUTAGE_STARTS_S, OUTAGE_HOLD_S)  # everything the router forwards
    try:
        report, _ = watch(lab)
    finally:
        thread.join(timeout=30)
    found = {f.id: f for f in report.findings}
    assert "tunnel_blackhole_intermittent" not in found
    underlay = found["underlay_loss_before_drop"]
    assert underlay.evidence["tunnel_drops"] == 3
    assert underlay.evidence["drops_after_underlay_loss"] == 3
    periodic = found["tunnel_drops_periodic"]
    assert abs(float(periodic.evidence["period_s"] or 0) - 6.0) <= 1.5


def test_tunnel_only_outages_do_not_blame_the_network(wg_open_lab: Lab) -> None:
    lab = wg_open_lab
    rule = ["-p", "udp", "--dport", str(lab.wg_port)]  # only the tunnel's packets towards the server
    thread = outages_in_router(lab, rule, OUTAGE_STARTS_S, OUTAGE_HOLD_S)
    try:
        report, _ = watch(lab)
    finally:
        thread.join(timeout=30)
    counts = kinds(report)
    assert "underlay_lost" not in counts
    assert counts.get("small_lost", 0) >= 3
    found = {f.id for f in report.findings}
    assert "underlay_loss_before_drop" not in found
    assert "tunnel_drops_periodic" in found


def test_a_router_that_says_too_big_is_not_a_black_hole(make_lab: Any) -> None:
    # No tunnel: a 1420-byte DF probe straight across the 1400 link of an "open" lab draws frag-needed (RFC 1191).
    lab: Lab = make_lab("open", 1400)
    result = lab.client_vpndiag(
        "watch",
        "--target",
        lab.server_v4,
        "--tunnel-mtu",
        "1420",
        "--minutes",
        "0.05",
        "--interval",
        "1",
        "--json",
        "-",
        "--lang",
        "en",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = Report.model_validate(json.loads(result.stdout))
    too_big = [e for e in report.timeline if e.kind == "large_too_big"]
    assert too_big
    assert "reported_mtu=1400" in too_big[0].detail
    assert "too big (router says 1400)" in result.stderr
    assert not any(f.id == "tunnel_blackhole_intermittent" for f in report.findings)
