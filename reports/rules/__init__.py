"""Diagnosis: pure functions that turn a report's measurements into findings and fixes.

`vpndiag run` applies them on the customer's machine and the support server re-applies them to stored reports, so a
better rule improves old reports too. No I/O here and no imports from `diag`.

Each family module (pmtu, tunnel, tcp_window, quality, checks) has `observe(facts) -> [Observation]` and
`remedies(facts, found) -> [Remedy]` plus its own message catalog. Rules:
- no finding without evidence (the measured values), no fix without a finding of this report;
- fixes are ordered root cause first (see `_model.RANK_*`), findings by severity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from reports.i18n import Catalog, Lang
from reports.model import Finding, Fix, Report
from reports.rules import checks, pmtu, quality, steps, summary, tcp_window, tunnel
from reports.rules._model import SEVERITY_ORDER, Observation, Remedy, render_finding, render_fix
from reports.rules.facts import Facts, collect

__all__ = ["CATALOGS", "apply_rules", "diagnose", "observe"]

Observe = Callable[[Facts], list[Observation]]
Remedies = Callable[[Facts, Mapping[str, Observation]], list[Remedy]]

FAMILIES: tuple[tuple[Observe, Remedies], ...] = (
    (quality.observe, quality.remedies),
    (tunnel.observe, tunnel.remedies),
    (pmtu.observe, pmtu.remedies),
    (tcp_window.observe, tcp_window.remedies),
    (checks.observe, checks.remedies),
)

# Every catalog the rules speak through; the tests render each key in each language.
CATALOGS: tuple[Catalog, ...] = (
    pmtu.MESSAGES,
    tunnel.MESSAGES,
    tcp_window.MESSAGES,
    quality.MESSAGES,
    checks.MESSAGES,
    steps.STEPS,
    summary.MESSAGES,
)

# When nothing can be reached, loss, delay, packet size and the missing VPN describe nothing new: say only that.
_MEANINGLESS_WITHOUT_CONNECTIVITY = frozenset(
    {"packet_loss", "high_latency_jitter", "icmp_blocked", "pmtud_blackhole", "path_mtu_reduced", "vpn_not_connected"}
)


def observe(report: Report) -> tuple[list[Observation], list[Remedy]]:
    """The findings and fixes before they have words (for tests and for re-rendering)."""
    facts = collect(report)
    observations: list[Observation] = []
    for find, _ in FAMILIES:
        observations += find(facts)
    if any(o.id == "no_connectivity" for o in observations):
        observations = [o for o in observations if o.id not in _MEANINGLESS_WITHOUT_CONNECTIVITY]
    found = {o.id: o for o in observations}
    remedies: list[Remedy] = []
    for _, fix in FAMILIES:
        remedies += fix(facts, found)
    for remedy in remedies:
        missing = set(remedy.finding_ids) - set(found)
        if missing:
            raise AssertionError(f"fix {remedy.id} refers to findings {sorted(missing)} this report does not have")
    observations.sort(key=lambda o: SEVERITY_ORDER[o.severity])
    remedies.sort(key=lambda r: r.rank)
    return observations, remedies


def diagnose(report: Report, lang: Lang) -> tuple[list[Finding], list[Fix]]:
    observations, remedies = observe(report)
    return [render_finding(o, lang) for o in observations], [render_fix(r, lang) for r in remedies]


def apply_rules(report: Report, lang: Lang | None = None) -> Report:
    """A copy of the report with findings and fixes replaced by this version's diagnosis, in `lang` (default: the
    report's language)."""
    chosen: Lang = lang or report.lang
    findings, fixes = diagnose(report, chosen)
    return report.model_copy(update={"findings": findings, "fixes": fixes, "lang": chosen})


def finding_ids(report: Report) -> Sequence[str]:
    return [f.id for f in report.findings]
