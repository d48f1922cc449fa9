"""Findings from a watch timeline: the patterns behind "the VPN drops every few minutes". Pure functions.

The timeline (diag/watch/timeline.py) holds runs of samples per channel: ``small_*`` (small echoes through the
tunnel), ``large_*`` (DF echoes at the tunnel MTU through the tunnel), ``underlay_*`` (small echoes to the VPN server
outside the tunnel) and ``adapter_*`` changes. Each run says at which sample (tick) it starts and how many samples it
covers, so the channels line up exactly, sample by sample.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reports.i18n import Lang
from reports.model import EvidenceValue, Finding, Fix, FixStep, Report, Severity, WatchEvent
from reports.rules.watch_messages import WATCH_RULES

# A black hole needs at least this many samples where small echoes came back and the large probe did not, and in at
# least this share of the samples with small echoes: one lost large packet is ordinary loss, not a black hole.
MIN_BLACKHOLE_SAMPLES = 2
MIN_BLACKHOLE_SHARE = 0.3
# The underlay counts as "before the drop" when it lost echoes within this many samples before a drop began (or at
# the drop's first sample: both channels are sampled together).
UNDERLAY_LOOKBACK_SAMPLES = 3
# A period needs three drops (two intervals) that agree within the larger of two sample intervals and 10 %.
MIN_PERIODIC_DROPS = 3
PERIOD_TOLERANCE_SHARE = 0.10
# Timers a regular period often matches. WireGuard re-keys every REKEY_AFTER_TIME = 120 s (WireGuard paper §6.1;
# Linux drivers/net/wireguard/messages.h); OpenVPN renegotiates every reneg-sec = 3600 s by default (OpenVPN manual,
# --reneg-sec); many home routers expire idle UDP mappings after 30 s or 60 s although RFC 4787 REQ-5 asks for at
# least 120 s.
KNOWN_TIMERS: tuple[tuple[str, float], ...] = (
    ("nat_udp_timeout_30s", 30.0),
    ("nat_udp_timeout_60s", 60.0),
    ("wireguard_rekey_120s", 120.0),
    ("openvpn_reneg_3600s", 3600.0),
)
TUNNEL_DROP_KINDS = frozenset({"small_lost", "small_error"})
UNDERLAY_LOSS_KINDS = frozenset({"underlay_lost", "underlay_error"})


@dataclass(frozen=True)
class Drop:
    """A stretch of consecutive samples in which small echoes through the tunnel did not come back."""

    first_tick: int
    last_tick: int
    at: datetime


def detail_fields(event: WatchEvent) -> dict[str, str]:
    """The ``key=value`` pairs of an event's detail."""
    pairs = (part.split("=", 1) for part in event.detail.split() if "=" in part)
    return {key: value for key, value in pairs}


def ticks_of(timeline: Sequence[WatchEvent], kinds: frozenset[str]) -> set[int]:
    """Every sample index covered by runs of the given kinds."""
    ticks: set[int] = set()
    for event in timeline:
        if event.kind in kinds and event.tick is not None:
            ticks.update(range(event.tick, event.tick + event.count))
    return ticks


def tick_times(timeline: Sequence[WatchEvent]) -> dict[int, datetime]:
    """When each sample was taken; inside a run the samples are evenly spaced between ``at`` and ``until``."""
    times: dict[int, datetime] = {}
    for event in timeline:
        if event.tick is None:
            continue
        times.setdefault(event.tick, event.at)
        if event.count > 1 and event.until is not None:
            step = (event.until - event.at) / (event.count - 1)
            for offset in range(1, event.count):
                times.setdefault(event.tick + offset, event.at + step * offset)
    return times


def tunnel_drops(timeline: Sequence[WatchEvent]) -> list[Drop]:
    lost = sorted(ticks_of(timeline, TUNNEL_DROP_KINDS))
    times = tick_times(timeline)
    drops: list[Drop] = []
    for tick in lost:
        if drops and tick == drops[-1].last_tick + 1:
            drops[-1] = Drop(drops[-1].first_tick, tick, drops[-1].at)
        else:
            drops.append(Drop(tick, tick, times[tick]))
    return drops


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _sample_interval_s(timeline: Sequence[WatchEvent]) -> float | None:
    for event in timeline:
        if event.kind == "watch_started":
            interval = detail_fields(event).get("interval")
            if interval is not None:
                try:
                    return float(interval)
                except ValueError:
                    return None
    return None


def _finding(key: str, severity: Severity, lang: Lang, evidence: dict[str, EvidenceValue], **fields: object) -> Finding:
    return Finding(
        id=key.removeprefix("fix."),
        severity=severity,
        title=WATCH_RULES.text(f"{key}.title", lang, **fields),
        detail=WATCH_RULES.text(f"{key}.detail", lang, **fields),
        evidence=evidence,
    )


def blackhole_finding(timeline: Sequence[WatchEvent], lang: Lang) -> Finding | None:
    small_ok = ticks_of(timeline, frozenset({"small_ok"}))
    large_lost = ticks_of(timeline, frozenset({"large_lost"}))
    both = small_ok & large_lost
    if len(both) < MIN_BLACKHOLE_SAMPLES or len(both) < MIN_BLACKHOLE_SHARE * len(small_ok):
        return None
    sizes = [detail_fields(e).get("size") for e in timeline if e.kind == "large_lost"]
    size = next((s for s in sizes if s), None)
    times = tick_times(timeline)
    first, last = times[min(both)], times[max(both)]
    largest = largest_passing_size(timeline)
    evidence: dict[str, EvidenceValue] = {
        "probe_size": int(size) if size else None,
        "largest_passing_size": largest,
        "samples_small_ok": len(small_ok),
        "samples_large_lost_while_small_ok": len(both),
        "first_at": _iso(first),
        "last_at": _iso(last),
    }
    key = "tunnel_blackhole_intermittent"
    finding = _finding(
        key,
        Severity.critical,
        lang,
        evidence,
        size=size or "?",
        lost=len(both),
        samples=len(small_ok),
        first_at=_iso(first),
        last_at=_iso(last),
    )
    if largest is None:
        return finding
    # The measured fit is its own sentence, appended whole (both sentences are complete in every language).
    fit = WATCH_RULES.text(f"{key}.fit", lang, largest=largest)
    return finding.model_copy(update={"detail": f"{finding.detail} {fit}"})


def largest_passing_size(timeline: Sequence[WatchEvent]) -> int | None:
    """The largest packet that came back through the tunnel in the search after the watch (a `tunnel_fit` event)."""
    fits = [e for e in timeline if e.kind == "tunnel_fit" and e.value is not None]
    return int(fits[-1].value) if fits and fits[-1].value is not None else None


def underlay_finding(timeline: Sequence[WatchEvent], lang: Lang) -> Finding | None:
    drops = tunnel_drops(timeline)
    underlay_lost = ticks_of(timeline, UNDERLAY_LOSS_KINDS)
    if not drops or not underlay_lost:
        return None
    times = tick_times(timeline)
    explained: list[tuple[Drop, int]] = []
    for drop in drops:
        before = [t for t in underlay_lost if drop.first_tick - UNDERLAY_LOOKBACK_SAMPLES <= t <= drop.first_tick]
        if before:
            explained.append((drop, min(before)))
    # Most drops must follow underlay loss; one coincidence among many drops is not the pattern.
    if not explained or len(explained) * 2 < len(drops):
        return None
    first_drop, first_loss_tick = explained[0]
    lead_s = (first_drop.at - times[first_loss_tick]).total_seconds()
    evidence: dict[str, EvidenceValue] = {
        "tunnel_drops": len(drops),
        "drops_after_underlay_loss": len(explained),
        "first_underlay_loss_at": _iso(times[first_loss_tick]),
        "first_drop_at": _iso(first_drop.at),
        "underlay_loss_lead_s": round(lead_s, 1),
    }
    return _finding(
        "underlay_loss_before_drop",
        Severity.warning,
        lang,
        evidence,
        explained=len(explained),
        drops=len(drops),
        first_drop_at=_iso(first_drop.at),
    )


def nearest_timer(period_s: float) -> str | None:
    for name, seconds in KNOWN_TIMERS:
        if abs(period_s - seconds) <= PERIOD_TOLERANCE_SHARE * seconds:
            return name
    return None


def periodic_finding(timeline: Sequence[WatchEvent], lang: Lang) -> Finding | None:
    drops = tunnel_drops(timeline)
    if len(drops) < MIN_PERIODIC_DROPS:
        return None
    starts = [drop.at for drop in drops]
    intervals = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    period = statistics.fmean(intervals)
    jitter = max(abs(i - period) for i in intervals)
    tolerance = max(2 * (_sample_interval_s(timeline) or 1.0), PERIOD_TOLERANCE_SHARE * period)
    if period <= 0 or jitter > tolerance:
        return None
    timer = nearest_timer(period)
    evidence: dict[str, EvidenceValue] = {
        "tunnel_drops": len(drops),
        "period_s": round(period, 1),
        "jitter_s": round(jitter, 1),
        "near_timer": timer,
        "first_drop_at": _iso(starts[0]),
    }
    hint = WATCH_RULES.text(f"timer.{timer}" if timer else "timer.none", lang)
    return _finding(
        "tunnel_drops_periodic",
        Severity.warning,
        lang,
        evidence,
        drops=len(drops),
        period=round(period),
        hint=hint,
    )


def healthy_finding(timeline: Sequence[WatchEvent], lang: Lang) -> Finding | None:
    """All samples clean on every channel that was watched: said explicitly, so "healthy" is a result, not a gap."""
    samples = ticks_of(timeline, frozenset({"small_ok", "small_lost", "small_error"}))
    if not samples:
        return None
    bad = {
        e.kind
        for e in timeline
        if e.kind.endswith(("_lost", "_error", "_too_big")) or e.kind in {"adapter_down", "adapter_missing"}
    }
    if bad:
        return None
    large = ticks_of(timeline, frozenset({"large_ok"}))
    underlay = ticks_of(timeline, frozenset({"underlay_ok"}))
    evidence: dict[str, EvidenceValue] = {
        "samples": len(samples),
        "samples_large_ok": len(large),
        "samples_underlay_ok": len(underlay),
    }
    return _finding("watch_healthy", Severity.info, lang, evidence, samples=len(samples))


def _fix(key: str, finding_id: str, lang: Lang, steps: Sequence[tuple[str, str, str | None]], **fields: object) -> Fix:
    return Fix(
        id=key.removeprefix("fix."),
        finding_ids=[finding_id],
        title=WATCH_RULES.text(f"{key}.title", lang, **fields),
        steps=[
            FixStep(platform=platform, text=WATCH_RULES.text(text_key, lang, **fields), command=command)
            for platform, text_key, command in steps
        ],
    )


def fixes_for(
    findings: Sequence[Finding], lang: Lang, *, adapter: str | None, recommended_mtu: int | None
) -> list[Fix]:
    fixes: list[Fix] = []
    ids = {finding.id for finding in findings}
    if "tunnel_blackhole_intermittent" in ids:
        name = adapter or "wg0"
        mtu = recommended_mtu
        if mtu is not None:
            steps: list[tuple[str, str, str | None]] = [
                ("any", "fix.lower_mtu.wireguard", None),
                ("linux", "fix.lower_mtu.linux", f"sudo ip link set dev {name} mtu {mtu}"),
                (
                    "windows",
                    "fix.lower_mtu.windows",
                    f'netsh interface ipv4 set subinterface "{name}" mtu={mtu} store=persistent',
                ),
                ("macos", "fix.lower_mtu.macos", f"sudo ifconfig {name} mtu {mtu}"),
                ("router", "fix.lower_mtu.router", None),
            ]
        else:
            steps = [("any", "fix.lower_mtu.measure", "vpndiag run"), ("router", "fix.lower_mtu.router", None)]
        fixes.append(_fix("fix.lower_mtu", "tunnel_blackhole_intermittent", lang, steps, mtu=mtu, adapter=name))
    if "underlay_loss_before_drop" in ids:
        steps = [("any", "fix.check_network.local", None), ("router", "fix.check_network.isp", None)]
        fixes.append(_fix("fix.check_network", "underlay_loss_before_drop", lang, steps))
    if "tunnel_drops_periodic" in ids:
        steps = [("any", "fix.keepalive.wireguard", "PersistentKeepalive = 25"), ("any", "fix.keepalive.support", None)]
        fixes.append(_fix("fix.keepalive", "tunnel_drops_periodic", lang, steps))
    return fixes


# The patterns look at every sample a run of events stands for. A real watch records at most a few hundred
# thousand (a day at the 0.2 s minimum interval is 432,000); a report claiming more - an uploaded report can claim
# anything - is not expanded, so the server's re-run of the rules stays bounded in time and memory.
MAX_TIMELINE_SAMPLES = 500_000


def samples_covered(timeline: Sequence[WatchEvent]) -> int:
    return sum(event.count for event in timeline if event.tick is not None)


def watch_findings(timeline: Sequence[WatchEvent], lang: Lang) -> list[Finding]:
    """Every pattern the timeline shows, most serious first (none for a timeline beyond what a watch records)."""
    if samples_covered(timeline) > MAX_TIMELINE_SAMPLES:
        return []
    candidates = (
        blackhole_finding(timeline, lang),
        underlay_finding(timeline, lang),
        periodic_finding(timeline, lang),
        healthy_finding(timeline, lang),
    )
    return [finding for finding in candidates if finding is not None]


def diagnose_watch(report: Report, lang: Lang | None = None) -> tuple[list[Finding], list[Fix]]:
    """The watch's findings and fixes for a report with a timeline (empty without one)."""
    language: Lang = lang or report.lang
    findings = watch_findings(report.timeline, language)
    vpn = report.vpn
    # A recommendation from the measured underlay path wins; otherwise the largest packet that still fitted through
    # the tunnel is a safe MTU (never above what came back).
    recommended = vpn.recommended_mtu if vpn and vpn.recommended_mtu else largest_passing_size(report.timeline)
    fixes = fixes_for(
        findings,
        language,
        adapter=vpn.adapter if vpn else None,
        recommended_mtu=recommended,
    )
    return findings, fixes
