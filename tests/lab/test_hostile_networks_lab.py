"""`vpndiag run` on hostile networks (issue 10): DNS failing, no default route, IPv6 only, a target that answers
echo but drops everything large, and the VPN (or the network under it) going away in the middle of the run.

Each run must complete with exit status 0, a valid report and the right findings, within the time limit it was
given plus the interpreter's start-up - never hang.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.model import Report
from tests.conftest import ROOT
from tests.lab.conftest import MakeLab
from tests.lab.labctl import Lab

TIME_LIMIT_S = 10.0
# Start-up of the interpreter, imports and writing the report come on top of the run's own time limit.
START_SLACK_S = 4.0
# Names under .invalid never resolve (RFC 6761 §6.4); the lab's resolver settings make the failure local anyway.
VPN_NAME = "vpn.nonexistent.invalid"
TUNNEL_NAME = "tunnel.nonexistent.invalid"


def _run(lab: Lab, report_file: Path, *args: str) -> tuple[Report, float]:
    began = time.monotonic()
    done = lab.client_vpndiag(
        "run", *args, "--no-upload", "--time-limit", str(TIME_LIMIT_S), "--json", str(report_file), timeout=60
    )
    elapsed = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert elapsed < TIME_LIMIT_S + START_SLACK_S
    return Report.model_validate_json(report_file.read_text()), elapsed


def _statuses(report: Report) -> dict[str, str]:
    return {c.name: c.status for c in report.checks}


def _ids(report: Report) -> set[str]:
    return {f.id for f in report.findings}


@pytest.fixture
def resolver(make_lab: MakeLab) -> Iterator[tuple[Lab, Path]]:
    """A WireGuard lab whose client namespace has its own resolv.conf (`ip netns exec` mounts
    /etc/netns/NS/resolv.conf over /etc/resolv.conf, ip-netns(8)), removed afterwards."""
    lab = make_lab("open", 1500, wireguard=True)
    folder = Path("/etc/netns") / lab.client_ns
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield lab, folder / "resolv.conf"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    ("how", "nameserver"),
    [
        # the router has no DNS server: the query is refused at once (ICMP port unreachable)
        ("refused", "10.0.1.1"),
        # nobody has this address on the client's link: the query vanishes and the resolver waits and retries
        ("unanswered", "10.0.1.77"),
    ],
)
def test_dns_failing(resolver: tuple[Lab, Path], tmp_path: Path, how: str, nameserver: str) -> None:
    lab, resolv_conf = resolver
    resolv_conf.write_text(f"nameserver {nameserver}\noptions timeout:5 attempts:3\n")
    report, elapsed = _run(
        lab, tmp_path / "report.json", "--vpn-server", VPN_NAME, "--protocol", "wireguard", "--target", TUNNEL_NAME
    )
    statuses = _statuses(report)
    assert statuses["dns"] == "failed"
    assert statuses["pmtu.underlay"] == statuses["pmtu.target"] == "failed"
    assert statuses["adapters"] == statuses["routes"] == statuses["tcp"] == "ok"
    ids = _ids(report)
    assert "names_unresolved" in ids
    assert "no_connectivity" not in ids  # the network is fine; only the names are not
    assert VPN_NAME in next(f for f in report.findings if f.id == "names_unresolved").detail
    assert "check_dns" in {f.id for f in report.fixes}
    # The resolver's 5 s x 3 tries are not waited for: the name gets the engine's 3 s, once.
    assert elapsed < 8, f"{how}: {elapsed:.1f} s"


def test_no_default_route(make_lab: MakeLab, tmp_path: Path) -> None:
    lab = make_lab("open", 1500, wireguard=True)
    for family in ("-4", "-6"):
        lab.client_run(["ip", family, "route", "del", "default"], check=True)
    report, _ = _run(lab, tmp_path / "report.json", *lab.wireguard_run_args())
    assert report.routes is not None
    assert report.routes.default_interface is None
    underlay = next(p for p in report.paths if p.role == "underlay")
    assert underlay.icmp_echo == "unreachable"
    assert underlay.pmtu is None
    assert "no_connectivity" in _ids(report), [(f.id, f.detail) for f in report.findings]


def test_ipv6_only(make_lab: MakeLab, tmp_path: Path) -> None:
    lab = make_lab("blackhole", 1400)
    lab.client_run(["ip", "-4", "addr", "flush", "dev", lab.client_if], check=True)
    assert lab.server_v6 is not None
    report, _ = _run(lab, tmp_path / "report.json", "--vpn-server", lab.server_v6, "--protocol", "wireguard")
    underlay = next(p for p in report.paths if p.role == "underlay")
    assert (underlay.family, underlay.pmtu) == (6, 1400)
    assert "pmtud_blackhole" in _ids(report)
    assert report.vpn is not None
    # WireGuard over IPv6: 40 + 8 + 32 = 80 bytes (WireGuard paper §5.4.6), so 1400 - 80.
    assert (report.vpn.outer_family, report.vpn.recommended_mtu) == (6, 1320)


def test_target_answers_echo_but_drops_everything_large(make_lab: MakeLab, tmp_path: Path) -> None:
    lab = make_lab("open", 1500)
    # The server itself silently drops ICMP packets above 1000 bytes: no router says why.
    lab.server_run(
        ["iptables", "-A", "INPUT", "-p", "icmp", "-m", "length", "--length", "1001:65535", "-j", "DROP"],
        check=True,
    )
    report, _ = _run(lab, tmp_path / "report.json", "--vpn-server", lab.server_v4, "--protocol", "openvpn-udp")
    underlay = next(p for p in report.paths if p.role == "underlay")
    assert underlay.icmp_echo == "ok"
    assert underlay.pmtu == 1000
    assert "pmtud_blackhole" in _ids(report)


def _link_tx_packets(lab: Lab, link: str) -> int:
    done = lab.client_run(["cat", f"/sys/class/net/{link}/statistics/tx_packets"])
    return int(done.stdout) if done.returncode == 0 else -1


@pytest.mark.parametrize("which", ["wireguard", "veth"])
def test_link_disappears_mid_run(make_lab: MakeLab, tmp_path: Path, which: str) -> None:
    """The VPN dropping (its adapter deleted), or the network under it, while the run probes through it."""
    lab = make_lab("blackhole", 1400, wireguard=True)
    assert lab.client_wg_if is not None
    link = lab.client_wg_if if which == "wireguard" else lab.client_if
    report_file = tmp_path / "report.json"
    command = [
        *("ip", "netns", "exec", lab.client_ns, sys.executable, "-m", "diag", "run"),
        *lab.wireguard_run_args(),
        # an address inside the tunnel that nobody answers keeps a probe running while the link goes
        *("--target", "10.99.0.77", "--no-upload", "--time-limit", str(TIME_LIMIT_S), "--json", str(report_file)),
    ]
    began = time.monotonic()
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait for the probes to start through the link (its packet counter moves), then delete it.
        before = _link_tx_packets(lab, link)
        while _link_tx_packets(lab, link) <= before and run.poll() is None:
            assert time.monotonic() - began < TIME_LIMIT_S, "the run never sent anything through the link"
        lab.client_run(["ip", "link", "del", link], check=True)
        deleted_at = time.monotonic() - began
        _, stderr = run.communicate(timeout=TIME_LIMIT_S + START_SLACK_S)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    elapsed = time.monotonic() - began
    assert run.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert deleted_at < elapsed, "the link must go while the run is still going"
    assert elapsed < TIME_LIMIT_S + START_SLACK_S
    report = Report.model_validate_json(report_file.read_text())
    assert link in {a.name for a in report.adapters}  # it was there when the run began
    statuses = _statuses(report)
    ids = _ids(report)
    if which == "wireguard":
        assert statuses["vpn_still_up"] == "failed"
        assert "vpn_dropped" in ids
        assert not next(a for a in report.adapters if a.name == link).is_up
        assert "watch_vpn" in {f.id for f in report.fixes}
    else:
        # The VPN adapter itself stays (wireguard-go keeps it) but nothing gets through any more.
        tunnel = next(p for p in report.paths if p.target == "10.99.0.77")
        assert tunnel.pmtu is None
    assert all(set(f.finding_ids) <= ids for f in report.fixes)
