"""`vpndiag run` as an unprivileged user (issue 10): it completes, uses what the OS allows, says which checks
needed more rights and how to get them, and writes a valid report.

The lab is WireGuard (tunnel MTU 1420) over a 1400-byte black hole, so a run that really measured finds the
tunnel MTU fix; the user is `nobody` running a throwaway copy of the interpreter (tests/lab/nobody.py).
Linux lets unprivileged users send echo requests through ping sockets when their group is in
net.ipv4.ping_group_range (man 7 icmp), per network namespace; "1 0" (no group) is the default of a new namespace.
The system ping still works then: iputils ping carries cap_net_raw as a file capability.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.model import Report
from tests.lab.conftest import MakeLab
from tests.lab.labctl import Lab
from tests.lab.nobody import NOBODY_UID, NobodyPython, nobody_python

# Groups allowed to open ping sockets (man 7 icmp): nogroup only, or none at all.
NOGROUP_ONLY = "65534 65534"
NO_GROUP = "1 0"
EXPECTED_TUNNEL_MTU = 1340  # 1400 - 60 bytes of WireGuard over IPv4 (WireGuard paper §5.4.6)


@pytest.fixture(scope="module")
def lab(make_module_lab: MakeLab) -> Lab:
    return make_module_lab("blackhole", 1400, wireguard=True)


def _run_args(lab: Lab, *extra: str) -> list[str]:
    return [
        "run",
        *lab.wireguard_run_args(),
        "--no-upload",
        "--lang",
        "en",
        *extra,
    ]


@pytest.fixture(scope="module")
def nobody(lab: Lab) -> Iterator[NobodyPython]:
    python = nobody_python(_run_args(lab, "--json", os.devnull), lab.client_ns)
    try:
        yield python
    finally:
        python.remove()


def _ping_groups(lab: Lab, groups: str) -> None:
    lab.client_run(["sysctl", "-q", "-w", f"net.ipv4.ping_group_range={groups}"], check=True)


def _access(lab: Lab, nobody: NobodyPython) -> list[object]:
    code = "import json, os; from diag.probe.icmp import icmp_access; print(json.dumps([os.geteuid(), icmp_access(4)]))"
    done = lab.client_run(nobody.python("-c", code))
    assert done.returncode == 0, done.stderr
    result: list[object] = json.loads(done.stdout)
    return result


def _run_as_nobody(lab: Lab, nobody: NobodyPython, path: str | None = None) -> tuple[Report, str]:
    report_file = nobody.home / "report.json"
    report_file.unlink(missing_ok=True)
    done = lab.client_run(nobody.vpndiag(*_run_args(lab, "--json", str(report_file)), path=path), timeout=90)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert report_file.stat().st_uid == NOBODY_UID  # written by the unprivileged user itself
    return Report.model_validate_json(report_file.read_text()), done.stdout


def _measured_the_black_hole(report: Report) -> None:
    assert report.system.privileged is False
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["pmtu.underlay"] == "ok", report.checks
    assert statuses["adapters"] == statuses["routes"] == statuses["tcp"] == "ok", report.checks
    underlay = next(p for p in report.paths if p.role == "underlay")
    assert underlay.pmtu == 1400
    assert {"tunnel_mtu_too_large", "pmtud_blackhole"} <= {f.id for f in report.findings}
    assert report.vpn is not None
    assert report.vpn.recommended_mtu == EXPECTED_TUNNEL_MTU
    assert "insufficient_privileges" not in {f.id for f in report.findings}


def test_nobody_with_ping_sockets_measures_everything(lab: Lab, nobody: NobodyPython) -> None:
    _ping_groups(lab, NOGROUP_ONLY)
    assert _access(lab, nobody) == [NOBODY_UID, "dgram"]  # no raw socket: the ping socket it is
    report, _ = _run_as_nobody(lab, nobody)
    _measured_the_black_hole(report)


def test_nobody_without_ping_sockets_falls_back_to_the_system_ping(lab: Lab, nobody: NobodyPython) -> None:
    _ping_groups(lab, NO_GROUP)
    assert _access(lab, nobody) == [NOBODY_UID, "none"]
    report, _ = _run_as_nobody(lab, nobody)
    _measured_the_black_hole(report)


def test_nobody_without_any_way_to_probe_says_which_checks_need_rights(lab: Lab, nobody: NobodyPython) -> None:
    """No ping socket and no system ping on PATH: the path checks say needs_privileges, the others still run,
    and the fix says how to get the rights (sudo, or allowing ping sockets)."""
    _ping_groups(lab, NO_GROUP)
    tools = Path(tempfile.mkdtemp(prefix="vpndiag-tools-"))
    try:
        tools.chmod(0o755)
        for tool in ("ip", "sysctl"):
            found = shutil.which(tool)
            assert found is not None
            (tools / tool).symlink_to(found)
        report, text = _run_as_nobody(lab, nobody, path=str(tools))
    finally:
        shutil.rmtree(tools)
    statuses = {c.name: c for c in report.checks}
    for name in ("pmtu.underlay", "pmtu.tunnel"):
        assert statuses[name].status == "needs_privileges", report.checks
        assert "administrator rights" in (statuses[name].reason or "")
    assert statuses["adapters"].status == statuses["routes"].status == statuses["tcp"].status == "ok"
    finding = next(f for f in report.findings if f.id == "insufficient_privileges")
    assert "pmtu.underlay" in finding.detail
    fix = next(f for f in report.fixes if f.id == "run_as_admin")
    commands = [s.command for s in fix.steps if s.platform == "linux"]
    assert "sudo vpndiag run" in commands
    assert 'sudo sysctl -w net.ipv4.ping_group_range="0 2147483647"' in commands
    # the person sees it too, not only the report
    assert "administrator rights" in text
    assert "ping_group_range" in text
    # what could be measured without probes is still there
    assert report.vpn is not None
    assert report.vpn.adapter == lab.client_wg_if
    assert all(p.pmtu is None for p in report.paths)
