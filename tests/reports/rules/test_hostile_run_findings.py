"""What a hostile network does to a run gets its own finding (issue 10): a name that did not resolve (DNS) is
not "no internet"; a VPN that dropped during the checks says so and suggests watching it."""

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


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_vpn_gone_at_the_end_gives_vpn_dropped_and_a_watch(lang: str) -> None:
    base = load_report(DATA / "wireguard-mtu-linux.json")
    adapters = [a.model_copy(update={"is_up": False}) if a.is_vpn else a for a in base.adapters]
    reason = "the VPN adapter wg0 went away during the checks, so measurements through it may be cut short"
    checks = [*base.checks, CheckStatus(name="vpn_still_up", status="failed", reason=reason)]
    report = apply_rules(base.model_copy(update={"checks": checks, "adapters": adapters}), lang)  # type: ignore[arg-type]
    ids = [f.id for f in report.findings]
    assert "vpn_dropped" in ids
    assert "wg0" in next(f for f in report.findings if f.id == "vpn_dropped").detail
    assert "checks_incomplete" not in ids  # the drop is said once, by its own finding
    fix = next(f for f in report.fixes if f.id == "watch_vpn")
    assert [s.command for s in fix.steps] == ["vpndiag watch --minutes 10"]
    assert all(set(f.finding_ids) <= set(ids) for f in report.fixes)


def test_no_default_route_beside_a_failed_server_lookup_is_no_connectivity() -> None:
    """The routes check answers "no default route" and the server lookup fails with it; the tunnel path is only
    'blocked' (its packets enter a tunnel that cannot leave): nothing is reachable, and that is the finding."""
    base = load_report(DATA / "wireguard-mtu-linux.json")
    assert base.routes is not None
    routes = base.routes.model_copy(
        update={
            "default_interface": None,
            "default_gateway": None,
            "reason": "no default route; ip failed: RTNETLINK answers: Network is unreachable",
        }
    )
    paths = [
        p.model_copy(
            update={"icmp_echo": "unreachable" if p.role == "underlay" else "blocked", "pmtu": None, "probes": []}
        )
        for p in base.paths
    ]
    report = apply_rules(base.model_copy(update={"routes": routes, "paths": paths}), "en")
    ids = [f.id for f in report.findings]
    assert "no_connectivity" in ids
    assert "icmp_blocked" not in ids  # meaningless without connectivity
    assert "no default gateway" in next(f for f in report.findings if f.id == "no_connectivity").detail
