"""A name that did not resolve (DNS) is its own finding with a DNS fix, not "no internet" (issue 10)."""

from __future__ import annotations

import pytest

from reports.load import load_report
from reports.model import CheckStatus
from reports.rules import apply_rules
from tests.reports.rules.test_golden import DATA


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_failed_dns_check_gives_names_unresolved_and_its_fix(lang: str) -> None:
    base = load_report(DATA / "healthy-linux.json")
    reason = "these names could not be resolved to an address (DNS): vpn.nonexistent.invalid"
    checks = [
        *base.checks,
        CheckStatus(name="dns", status="failed", reason=reason),
        CheckStatus(name="pmtu.underlay", status="failed", reason="not probed"),
    ]
    report = apply_rules(base.model_copy(update={"checks": checks, "paths": []}), lang)  # type: ignore[arg-type]
    ids = [f.id for f in report.findings]
    assert "names_unresolved" in ids
    assert "no_connectivity" not in ids
    finding = next(f for f in report.findings if f.id == "names_unresolved")
    assert "vpn.nonexistent.invalid" in finding.detail
    incomplete = next(f for f in report.findings if f.id == "checks_incomplete")
    assert "dns" not in incomplete.evidence["checks"].split(", ")  # type: ignore[union-attr]
    fix = next(f for f in report.fixes if f.id == "check_dns")
    assert fix.finding_ids == ["names_unresolved"]
    assert len(fix.steps) == 2


def test_no_dns_check_no_finding() -> None:
    report = apply_rules(load_report(DATA / "healthy-linux.json"), "en")
    assert "names_unresolved" not in [f.id for f in report.findings]
