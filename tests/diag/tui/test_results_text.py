"""The results screen's sentences and order, as pure functions of the report."""

from __future__ import annotations

from diag.tui.screens.results import headline, main_path, steps_for_os, support_line
from reports.model import Finding, Fix, FixStep, Report, Severity

from .conftest import example, lab_profile


def _finding(finding_id: str, severity: Severity) -> Finding:
    return Finding(id=finding_id, severity=severity, title=f"{finding_id} title", detail="d", evidence={"x": 1})


def _fix(fix_id: str, finding_id: str, platform: str = "windows") -> Fix:
    return Fix(
        id=fix_id, finding_ids=[finding_id], title=f"{fix_id} title", steps=[FixStep(platform=platform, text="t")]
    )  # type: ignore[arg-type]


def test_headline_leads_with_the_worst_finding_then_the_path_mtu() -> None:
    report = example("blackhole")
    lines = headline(report, "en").splitlines()
    assert lines[0] == report.findings[0].title
    assert lines[1] == "The largest packet that gets through to 203.0.113.10 is 1400 bytes."


def test_headline_without_problems_or_measurement_says_so() -> None:
    report = example("icmp-blocked").model_copy(update={"findings": []})
    path = main_path(report)
    assert path is not None
    assert path.pmtu is None
    lines = headline(report, "ja").splitlines()
    assert lines[0] == "接続に問題は見つかりませんでした。"
    assert lines[1].startswith(f"{path.target} に届く最大のパケットの大きさは測定できませんでした: ")
    assert path.pmtu_reason in lines[1]


def test_fixes_for_the_most_serious_finding_come_first_and_only_for_this_os() -> None:
    report: Report = example("blackhole").model_copy(
        update={
            "findings": [_finding("minor", Severity.info), _finding("major", Severity.critical)],
            "fixes": [_fix("for_minor", "minor"), _fix("for_major", "major"), _fix("mac_only", "major", "macos")],
        }
    )
    assert [title for title, _ in steps_for_os(report)] == ["for_major title", "for_minor title"]


def test_support_line_from_the_profile() -> None:
    profile = lab_profile(support={"phone": "0120-000-000", "email": "help@vpn.invalid", "hours": "平日 10-18時"})
    assert (
        support_line(profile, "en") == "Questions? Example VPN support: 0120-000-000 / help@vpn.invalid (平日 10-18時)"
    )
    assert support_line(lab_profile(support={}), "ja") is None
