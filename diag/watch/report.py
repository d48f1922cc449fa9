"""The watch's report: the timeline plus the findings the watch patterns draw from it."""

from __future__ import annotations

from datetime import UTC, datetime

from diag import __version__
from diag.system import system_facts
from diag.watch.sampler import WatchPlan, WatchResult
from diag.watch.timeline import Outcome
from reports.i18n import Lang
from reports.model import CheckStatus, Report, Tool, Vpn
from reports.rules import apply_rules


def watch_check(result: WatchResult, elapsed_ms: float) -> CheckStatus:
    """ok, unless every echo failed for want of permission: then the watch saw nothing and says why."""
    errors = [e for e in result.events if e.kind.endswith(f"_{Outcome.error.value}")]
    echoes = [e for e in result.events if e.tick is not None and not e.kind.startswith("adapter")]
    if echoes and len(errors) == len(echoes) and all("no_icmp_permission" in e.detail for e in errors):
        return CheckStatus(
            name="watch",
            status="needs_privileges",
            reason="ICMP sockets are not allowed for this user.",
            elapsed_ms=elapsed_ms,
        )
    return CheckStatus(name="watch", status="ok", elapsed_ms=elapsed_ms)


def watch_report(
    plan: WatchPlan,
    result: WatchResult,
    *,
    lang: Lang,
    vpn_server_name: str | None,
    started_at: datetime,
) -> Report:
    elapsed_ms = max(0.0, (datetime.now(UTC) - started_at).total_seconds() * 1000)
    adapter = result.last_adapter
    report = Report(
        lang=lang,
        tool=Tool(version=__version__),
        system=system_facts(),
        vpn=Vpn(
            server=vpn_server_name,
            adapter=plan.adapter,
            tunnel_mtu=plan.tunnel_mtu or (adapter.mtu if adapter else None),
            underlay_pmtu=next((p.pmtu for p in result.paths if p.role == "underlay"), None),
        ),
        timeline=result.events,
        paths=result.paths,
        checks=[watch_check(result, elapsed_ms)],
    )
    return apply_rules(report, lang)
