from __future__ import annotations

from pathlib import Path

from reports.load import load_report
from reports.model import CheckStatus
from reports.rules import apply_rules
from reports.rules.summary import diagnosis_lines

DATA = Path(__file__).parent / "data"


def test_diagnosis_names_the_main_problem_the_first_fix_and_the_path_mtu() -> None:
    report = apply_rules(load_report(DATA / "wireguard-mtu-linux.json"), "en")
    lines = diagnosis_lines(report, "en")
    assert lines[0] == "Main problem: The VPN's packet size (MTU) is too large for your connection."
    assert lines[1] == "What to do first: Set the MTU of the VPN adapter wg0 to 1340."
    assert lines[-1] == "The largest packet that reaches 198.51.100.20 is 1400 bytes."


def test_japanese_diagnosis() -> None:
    report = apply_rules(load_report(DATA / "wireguard-mtu-linux.json"), "ja")
    lines = diagnosis_lines(report, "ja")
    assert lines[0] == "主な問題: VPNのパケットサイズ（MTU）が回線に対して大きすぎます。"
    assert lines[1] == "まず行うこと: VPNアダプター wg0 のMTUを1340にする。"
    assert lines[-1] == "198.51.100.20 まで届くパケットの最大サイズは1400バイトです。"


def test_healthy_but_incomplete_run_does_not_claim_all_is_well() -> None:
    healthy = apply_rules(load_report(DATA / "healthy-linux.json"), "en")
    assert diagnosis_lines(healthy, "en")[0] == "No problems found: your connection looks healthy."
    partial = healthy.model_copy(
        update={"checks": [*healthy.checks, CheckStatus(name="tcp", status="timeout", reason="slow")]}
    )
    assert diagnosis_lines(partial, "en")[0].startswith("No problems found in the checks that could run")
    nothing = healthy.model_copy(update={"paths": []})
    assert "was not tested" in diagnosis_lines(nothing, "en")[1]
