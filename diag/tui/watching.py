"""The wizard's watch: what to watch, from the finished run, and the run's report with the watch folded in."""

from __future__ import annotations

from diag.run_options import RunOptions
from diag.tui.backend import WatchRequest
from reports.i18n import Lang
from reports.model import Report
from reports.rules import apply_rules


def watch_request(report: Report, options: RunOptions) -> WatchRequest | None:
    """Pre-filled from the run: the tunnel target it probed (else the one the customer chose), the VPN server and
    adapter it found; None when it knew nothing to watch."""
    inside = next((p for p in report.paths if p.role == "tunnel"), None)
    target = inside.target if inside else next((t for t in options.targets if t != options.vpn_server), None)
    outside = next((p for p in report.paths if p.role == "underlay"), None)
    vpn = report.vpn
    server = (vpn.server if vpn else None) or (outside.target if outside else None) or options.vpn_server
    if target is None and server is None:
        return None
    return WatchRequest(target=target, vpn_server=server, adapter=vpn.adapter if vpn else None)


def with_watch(report: Report, watched: Report, lang: Lang) -> Report:
    """`report` with the watch's timeline, the paths it measured and its check; diagnosed again, so the watch's
    patterns become findings next to the run's. A second watch replaces the first one's timeline and check."""
    checks = [c for c in report.checks if c.name != "watch"] + [c for c in watched.checks if c.name == "watch"]
    merged = report.model_copy(
        update={"timeline": watched.timeline, "paths": [*report.paths, *watched.paths], "checks": checks}
    )
    return apply_rules(merged, lang)
