from __future__ import annotations

from diag.run_text import render_run
from reports.load import load_report
from reports.rules import apply_rules
from tests.conftest import ROOT

DATA = ROOT / "tests" / "reports" / "rules" / "data"


def test_diagnosis_first_then_findings_fixes_and_measurements() -> None:
    report = apply_rules(load_report(DATA / "blackhole-windows.json"), "en")
    text = render_run(report, "en")
    headings = [line for line in text.splitlines() if line and not line.startswith(" ") and not line[0].isdigit()]
    assert [h for h in headings if not h.startswith("[")] == [
        "Diagnosis",
        "What we found",
        "What to do",
        "Measurements",
    ]
    assert "1. Set the MTU of the VPN adapter WireGuard Tunnel to 1340" in text
    assert '      netsh interface ipv4 set subinterface "WireGuard Tunnel" mtu=1340 store=persistent' in text
    assert "   (Android, iPhone/iPad) Phones and tablets" in text  # one line for both, not two copies
    assert "VPN: WireGuard on WireGuard Tunnel, MTU 1420; recommended MTU 1340" in text


def test_japanese_labels_for_platforms_and_severities() -> None:
    report = apply_rules(load_report(DATA / "wireguard-mtu-linux.json"), "ja")
    text = render_run(report, "ja")
    assert text.splitlines()[0] == "診断結果"
    assert "【重大】VPNのパケットサイズ（MTU）が回線に対して大きすぎます" in text
    assert "（ルーター）iptables を使うLinuxルーターの場合:" in text
    assert "（サポート担当者）" in text
    assert "（Android、iPhone/iPad）スマートフォンやタブレット" in text
