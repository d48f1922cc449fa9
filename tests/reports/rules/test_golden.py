"""Recorded reports -> expected findings and fixes, in English and Japanese.

The golden files hold the whole rendered diagnosis, so any change of wording or numbers shows up in review.
Regenerate them after an intended change with VPNDIAG_UPDATE_GOLDEN=1 and read the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reports.i18n import LANGS, Lang
from reports.load import load_report
from reports.model import Report
from reports.rules import apply_rules

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"

# case -> (finding ids in order, fix ids in order, commands that must be among the fixes)
EXPECTED: dict[str, tuple[list[str], list[str], list[str]]] = {
    "blackhole-windows": (
        ["tunnel_mtu_too_large", "pmtud_blackhole"],
        ["lower_tunnel_mtu", "allow_icmp"],
        [
            'netsh interface ipv4 set subinterface "WireGuard Tunnel" mtu=1340 store=persistent',
            'netsh interface ipv6 set subinterface "WireGuard Tunnel" mtu=1340 store=persistent',
            "MTU = 1340",
        ],
    ),
    "icmp-blocked-macos": (
        ["icmp_blocked", "checks_incomplete"],
        ["measure_over_udp", "retry_checks"],
        [],
    ),
    "wireguard-mtu-linux": (
        ["tunnel_mtu_too_large", "pmtud_blackhole", "mss_not_clamped"],
        ["lower_tunnel_mtu", "allow_icmp", "clamp_mss", "enable_tcp_mtu_probing"],
        [
            "sudo ip link set dev wg0 mtu 1340",
            "MTU = 1340",
            "sudo iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss 1301:65535 "
            "-j TCPMSS --set-mss 1300",
        ],
    ),
    "rwin-scaling-off-windows": (
        ["window_scaling_disabled", "rwin_limits_throughput", "legacy_tcp_tweaks"],
        ["enable_window_scaling", "remove_legacy_tcp_tweaks"],
        [
            "netsh interface tcp set global autotuninglevel=normal",
            r'reg delete "HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters" /v Tcp1323Opts /f',
        ],
    ),
    "healthy-linux": ([], [], []),
    "no-connectivity-windows": (
        ["no_connectivity", "checks_incomplete"],
        ["check_connection", "retry_checks"],
        [],
    ),
    "unprivileged-linux": (
        ["vpn_not_connected", "insufficient_privileges"],
        ["connect_vpn", "run_as_admin"],
        ["sudo vpndiag run", 'sudo sysctl -w net.ipv4.ping_group_range="0 2147483647"'],
    ),
}

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _recorded(case: str) -> Report:
    return load_report(DATA / f"{case}.json")


def _rendered(report: Report) -> dict[str, object]:
    return {
        "findings": [f.model_dump(mode="json") for f in report.findings],
        "fixes": [f.model_dump(mode="json") for f in report.fixes],
    }


def test_every_recorded_report_has_an_expectation() -> None:
    assert {p.stem for p in DATA.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_recorded_report_gives_golden_diagnosis(case: str, lang: Lang) -> None:
    report = apply_rules(_recorded(case), lang)
    finding_ids, fix_ids, commands = EXPECTED[case]
    assert [f.id for f in report.findings] == finding_ids
    assert [f.id for f in report.fixes] == fix_ids
    all_commands = "\n".join(step.command or "" for fix in report.fixes for step in fix.steps)
    for command in commands:
        assert command in all_commands.splitlines(), command
    golden = GOLDEN / f"{case}.{lang}.json"
    rendered = _rendered(report)
    if os.environ.get("VPNDIAG_UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(rendered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rendered == json.loads(golden.read_text(encoding="utf-8")), f"diagnosis differs from {golden.name}"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_japanese_and_english_say_the_same_with_the_same_numbers(case: str) -> None:
    english = apply_rules(_recorded(case), "en")
    japanese = apply_rules(_recorded(case), "ja")
    for en, ja in zip(english.findings, japanese.findings, strict=True):
        assert en.evidence == ja.evidence
        assert JAPANESE.search(ja.title)
        assert JAPANESE.search(ja.detail)
        assert not JAPANESE.search(en.title + en.detail)
        assert set(re.findall(r"\d{3,}", en.detail)) == set(re.findall(r"\d{3,}", ja.detail))
    for en_fix, ja_fix in zip(english.fixes, japanese.fixes, strict=True):
        assert [s.command for s in en_fix.steps] == [s.command for s in ja_fix.steps]
        assert [s.platform for s in en_fix.steps] == [s.platform for s in ja_fix.steps]
        assert all(JAPANESE.search(s.text) for s in ja_fix.steps)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_every_finding_has_evidence_and_every_fix_a_finding(case: str) -> None:
    report = apply_rules(_recorded(case), "en")
    ids = {f.id for f in report.findings}
    for finding in report.findings:
        assert any(value is not None for value in finding.evidence.values())
        assert 0 < finding.confidence <= 1
    for fix in report.fixes:
        assert set(fix.finding_ids) <= ids
        assert fix.steps


def test_fixes_only_for_the_customers_own_desktop_os() -> None:
    report = apply_rules(_recorded("wireguard-mtu-linux"), "en")
    platforms = {step.platform for fix in report.fixes for step in fix.steps}
    assert "linux" in platforms
    assert not platforms & {"windows", "macos"}
    assert {"android", "ios", "server", "router"} <= platforms


def test_apply_rules_leaves_the_input_report_alone() -> None:
    original = _recorded("blackhole-windows")
    before = original.model_dump_json()
    changed = apply_rules(original, "ja")
    assert original.model_dump_json() == before
    assert changed.lang == "ja"
    assert changed.report_id == original.report_id
