"""Connection quality: no connectivity at all, packet loss, high or unsteady latency."""

from __future__ import annotations

from collections.abc import Mapping

from reports.i18n import Catalog
from reports.model import PathResult, ProbeOutcome, Severity
from reports.rules import steps
from reports.rules._model import RANK_ADVICE, RANK_CAUSE, Msg, Observation, Remedy, Step
from reports.rules.facts import Facts

# What the routes check writes into Routes.reason when the OS answered and had no default route.
NO_DEFAULT_ROUTE = "no default route"
# Echo loss worth telling the customer about; a few percent already slows TCP (and TCP-based VPNs) noticeably.
LOSS_WARNING = 0.05
LOSS_CRITICAL = 0.25
# Round trips above ~250 ms make interactive use sluggish (ITU-T G.114 puts the comfortable one-way delay under
# 150 ms); a spread of 100 ms between fastest and slowest echo means an unsteady (jittery) link.
HIGH_RTT_MS = 250.0
HIGH_JITTER_MS = 100.0
# VPN protocols that carry the tunnel over TCP: loss makes them crawl (TCP over TCP; FACTS.md, SSTP).
TCP_PROTOCOLS = frozenset({"openvpn-tcp", "sstp"})

MESSAGES = Catalog(
    "rules.quality",
    {
        "en": {
            "no_connectivity.title": "Your computer cannot reach the internet",
            "no_connectivity.detail": "None of the tested addresses ({targets}) could be reached, so no other "
            "check could measure anything.",
            "no_connectivity.detail_no_route": "This computer has no route to the internet (no default gateway), "
            "and none of the tested addresses ({targets}) answered.",
            "packet_loss.title": "Packets are being lost on the way to {target}",
            "packet_loss.detail": "{loss_pct} % of the test pings to {target} were lost. Loss slows every "
            "connection down and can make the VPN reconnect.",
            "high_latency_jitter.title": "The connection to {target} is slow or unsteady",
            "high_latency_jitter.detail": "Round trips to {target} took {rtt_avg} ms on average (fastest "
            "{rtt_min} ms, slowest {rtt_max} ms). Long or very uneven delays make calls, games and remote "
            "desktops feel sluggish, and slow down downloads.",
            "fix.check_connection.title": "Check your internet connection",
            "fix.improve_connection.title": "Make the connection steadier",
        },
        "ja": {
            "no_connectivity.title": "このパソコンはインターネットにつながっていません",
            "no_connectivity.detail": "調べたアドレス（{targets}）のどれにも届かなかったため、"
            "ほかのチェックでは何も測れませんでした。",
            "no_connectivity.detail_no_route": "このパソコンにはインターネットへの経路（デフォルトゲートウェイ）が"
            "なく、調べたアドレス（{targets}）もどれも応答しませんでした。",
            "packet_loss.title": "{target} までの途中でパケットが失われています",
            "packet_loss.detail": "{target} へのテスト用pingのうち{loss_pct}%が失われました。パケットが失われると"
            "あらゆる通信が遅くなり、VPNが接続し直すこともあります。",
            "high_latency_jitter.title": "{target} との通信の応答が遅いか、不安定です",
            "high_latency_jitter.detail": "{target} との往復時間は平均{rtt_avg}ミリ秒でした（最短{rtt_min}ミリ秒、"
            "最長{rtt_max}ミリ秒）。遅延が大きかったりばらついたりすると、通話やゲーム、リモートデスクトップの"
            "反応が鈍くなり、ダウンロードも遅くなります。",
            "fix.check_connection.title": "インターネット接続を確認する",
            "fix.improve_connection.title": "接続を安定させる",
        },
    },
)


def _msg(key: str, **fields: object) -> Msg:
    return Msg(MESSAGES, key, fields)


def _unreached(path: PathResult) -> bool:
    return path.icmp_echo != "ok" and path.pmtu is None and not any(p.outcome == ProbeOutcome.ok for p in path.probes)


def _no_connectivity(facts: Facts) -> Observation | None:
    paths = facts.paths
    if not paths:
        return None
    routes = facts.report.routes
    # No default route is known only when the lookup worked: no reason at all, or the routes check's own words for
    # an empty answer (diag/checks/routes.py), beside others such as the server lookup's "Network is unreachable".
    no_route = (
        routes is not None
        and routes.default_interface is None
        and (routes.reason is None or NO_DEFAULT_ROUTE in routes.reason.split("; "))
    )
    all_unreachable = all(p.icmp_echo == "unreachable" and p.pmtu is None for p in paths)
    if not all_unreachable and not (no_route and all(_unreached(p) for p in paths)):
        return None
    targets = ", ".join(p.target for p in paths)
    return Observation(
        id="no_connectivity",
        severity=Severity.critical,
        confidence=0.9,
        evidence={
            "targets": targets,
            "paths_tested": len(paths),
            "paths_unreachable": sum(1 for p in paths if p.icmp_echo == "unreachable"),
            "default_route": not no_route if routes is not None else None,
        },
        title=_msg("no_connectivity.title"),
        detail=_msg("no_connectivity.detail_no_route" if no_route else "no_connectivity.detail", targets=targets),
    )


def _packet_loss(facts: Facts) -> Observation | None:
    lossy = [p for p in facts.paths if p.icmp_echo == "ok" and p.loss is not None and p.loss >= LOSS_WARNING]
    if not lossy:
        return None
    path = max(lossy, key=lambda p: p.loss or 0)
    loss = path.loss or 0.0
    return Observation(
        id="packet_loss",
        severity=Severity.critical if loss >= LOSS_CRITICAL else Severity.warning,
        # A handful of echoes is a small sample.
        confidence=0.7,
        evidence={"target": path.target, "role": path.role, "loss": loss},
        title=_msg("packet_loss.title", target=path.target),
        detail=_msg("packet_loss.detail", target=path.target, loss_pct=round(loss * 100)),
    )


def _high_latency_jitter(facts: Facts) -> Observation | None:
    slow = [
        p
        for p in facts.paths
        if p.rtt_ms is not None and (p.rtt_ms.avg >= HIGH_RTT_MS or p.rtt_ms.max - p.rtt_ms.min >= HIGH_JITTER_MS)
    ]
    if not slow:
        return None
    path = max(slow, key=lambda p: p.rtt_ms.avg if p.rtt_ms else 0)
    rtt = path.rtt_ms
    assert rtt is not None
    return Observation(
        id="high_latency_jitter",
        severity=Severity.warning if rtt.avg >= 2 * HIGH_RTT_MS else Severity.info,
        confidence=0.7,
        evidence={
            "target": path.target,
            "rtt_min_ms": rtt.min,
            "rtt_avg_ms": rtt.avg,
            "rtt_max_ms": rtt.max,
            "jitter_ms": round(rtt.max - rtt.min, 1),
        },
        title=_msg("high_latency_jitter.title", target=path.target),
        detail=_msg(
            "high_latency_jitter.detail",
            target=path.target,
            rtt_avg=round(rtt.avg),
            rtt_min=round(rtt.min),
            rtt_max=round(rtt.max),
        ),
    )


def observe(facts: Facts) -> list[Observation]:
    rules = (_no_connectivity, _packet_loss, _high_latency_jitter)
    return [o for o in (rule(facts) for rule in rules) if o is not None]


def remedies(facts: Facts, found: Mapping[str, Observation]) -> list[Remedy]:
    out: list[Remedy] = []
    if "no_connectivity" in found:
        out.append(
            Remedy(
                id="check_connection",
                finding_ids=("no_connectivity",),
                title=_msg("fix.check_connection.title"),
                steps=(Step("any", steps.say("check_link")), Step("any", steps.say("check_other_network"))),
                rank=RANK_CAUSE,
            )
        )
    ids = tuple(i for i in ("packet_loss", "high_latency_jitter") if i in found)
    if ids:
        advice = [Step("any", steps.say("improve_link")), Step("any", steps.say("choose_near_server"))]
        if facts.protocol in TCP_PROTOCOLS:
            advice.append(Step("any", steps.say("prefer_udp")))
        out.append(
            Remedy(
                id="improve_connection",
                finding_ids=ids,
                title=_msg("fix.improve_connection.title"),
                steps=tuple(advice),
                rank=RANK_ADVICE,
            )
        )
    return out
