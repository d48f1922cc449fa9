"""Path-MTU findings: a PMTUD black hole, ping blocked, a smaller-than-usual path MTU that works.

A black hole (RFC 2923 §2.1): packets above the path MTU are lost and the router's ICMP "fragmentation needed"
(type 3 code 4, RFC 792 / RFC 1191) or ICMPv6 "packet too big" (type 2, RFC 4443 §3.2) never arrives, so the sender
never learns to send smaller packets.
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.i18n import Catalog
from reports.model import PathResult, ProbeOutcome, Severity
from reports.rules import commands, steps
from reports.rules._model import RANK_ADVICE, RANK_NETWORK, RANK_WORKAROUND, Msg, Observation, Remedy, Step
from reports.rules.facts import Facts, largest_ok, smallest_lost_above, times_lost

# Ethernet's MTU (RFC 894); a path below it is "reduced" - normal on PPPoE, DS-Lite/MAP-E and mobile lines.
ETHERNET_MTU = 1500
# Echo loss above this makes a lost probe as likely to be random loss as a size limit: lower the confidence.
NOISY_LOSS = 0.05
# A tunnel MTU that crosses nearly every path: the IPv6 minimum link MTU (RFC 8200 §5), also Tailscale's choice.
SAFE_TEST_MTU = 1280

MESSAGES = Catalog(
    "rules.pmtu",
    {
        "en": {
            "pmtud_blackhole.title": "Large packets silently disappear on your network (a PMTUD black hole)",
            "pmtud_blackhole.detail": "Packets larger than {path_mtu} bytes sent to {target} never arrive, and no "
            "router tells your computer to send smaller ones: the “packet too big” messages (ICMP) are dropped on "
            "the way. Connections that send large packets, like a VPN, then stall and drop after a while.",
            "icmp_blocked.title": "This network blocks ping (ICMP)",
            "icmp_blocked.detail_unmeasured": "{target} did not answer any ping, so the largest packet size that "
            "gets through could not be measured. Networks that block ping often also block the messages that tell "
            "your computer to send smaller packets.",
            "icmp_blocked.detail_measured": "{target} did not answer any ping. The largest packet size was measured "
            "over UDP instead: {path_mtu} bytes.",
            "path_mtu_reduced.title": "Your connection carries packets of up to {path_mtu} bytes",
            "path_mtu_reduced.detail": "That is less than the usual 1500 bytes, which is common on PPPoE, fibre "
            "(IPoE) and mobile lines. Your network reports the limit correctly, so this alone causes no problem.",
            "fix.allow_icmp.title": "Let the “packet too big” messages through the router",
            "fix.lower_adapter_mtu.title": "Set the MTU of {adapter} to {mtu}",
            "fix.measure_over_udp.title": "Measure the packet size without ping",
            "fix.enable_tcp_mtu_probing.title": "Let Linux find the packet size for TCP by itself",
        },
        "ja": {
            "pmtud_blackhole.title": "大きなパケットが途中で消えています（PMTUDブラックホール）",
            "pmtud_blackhole.detail": "{target} へ送った{path_mtu}バイトを超えるパケットが届かず、"
            "「パケットが大きすぎる」ことを知らせるルーターからの通知（ICMP）も返ってきません。"
            "そのため、パソコンは送るサイズを自分で小さくできません。VPNのように大きなパケットを送る通信は"
            "途中で止まり、しばらくすると切断されます。",
            "icmp_blocked.title": "このネットワークではping（ICMP）が遮断されています",
            "icmp_blocked.detail_unmeasured": "{target} はpingに一度も応答しなかったため、通過できるパケットの"
            "最大サイズを測れませんでした。pingを遮断しているネットワークでは、パケットを小さくするよう伝える"
            "通知も遮断されていることがよくあります。",
            "icmp_blocked.detail_measured": "{target} はpingに一度も応答しませんでした。代わりにUDPで測ったところ、"
            "通過できるパケットの最大サイズは{path_mtu}バイトでした。",
            "path_mtu_reduced.title": "この回線で送れるパケットは最大{path_mtu}バイトです",
            "path_mtu_reduced.detail": "一般的な1500バイトより小さい値ですが、PPPoE、光回線（IPoE）、"
            "モバイル回線ではよくあることです。ネットワークがこの上限を正しく知らせているので、"
            "これだけで問題が起きることはありません。",
            "fix.allow_icmp.title": "「パケットが大きすぎる」という通知をルーターで通す",
            "fix.lower_adapter_mtu.title": "{adapter} のMTUを{mtu}にする",
            "fix.measure_over_udp.title": "pingを使わずにパケットサイズを測る",
            "fix.enable_tcp_mtu_probing.title": "TCPのパケットサイズをLinuxに自動で探させる",
        },
    },
)


def _msg(key: str, **fields: object) -> Msg:
    return Msg(MESSAGES, key, fields)


_ROLE_ORDER = {"underlay": 0, "tunnel": 1, "target": 2}


def _black_hole(path: PathResult) -> Observation | None:
    if path.pmtu is None:
        return None
    smallest_lost = smallest_lost_above(path, path.pmtu)
    router_answered = any(p.outcome == ProbeOutcome.too_big for p in path.probes)
    if path.frag_needed == "blocked":
        confidence = 0.9
    elif path.frag_needed == "unknown" and smallest_lost is not None and not router_answered:
        # Larger probes vanished and no router spoke up, but the engine did not call it: less sure.
        confidence = 0.7
    else:
        return None
    if smallest_lost == path.pmtu + 1 and times_lost(path, path.pmtu + 1) >= 2:
        confidence += 0.05  # the exact boundary was lost twice: not a random loss
    if path.loss is not None and path.loss > NOISY_LOSS:
        confidence -= 0.2
    return Observation(
        id="pmtud_blackhole",
        severity=Severity.critical if path.role in ("underlay", "tunnel") else Severity.warning,
        confidence=max(0.3, min(confidence, 0.99)),
        evidence={
            "target": path.target,
            "role": path.role,
            "path_mtu": path.pmtu,
            "largest_ok": largest_ok(path),
            "smallest_lost": smallest_lost,
            "frag_needed": path.frag_needed,
            "method": path.method,
            "probes_sent": path.probes_sent,
            "echo_loss": path.loss,
        },
        title=_msg("pmtud_blackhole.title"),
        detail=_msg("pmtud_blackhole.detail", path_mtu=path.pmtu, target=path.target),
    )


def _icmp_blocked(path: PathResult) -> Observation:
    measured = path.pmtu is not None
    return Observation(
        id="icmp_blocked",
        severity=Severity.info if measured else Severity.warning,
        # The host itself may just ignore ping; a measured UDP path proves the network is there.
        confidence=0.8,
        evidence={
            "target": path.target,
            "icmp_echo": path.icmp_echo,
            "echo_loss": path.loss,
            "path_mtu": path.pmtu,
            "method": path.method,
            "pmtu_reason": path.pmtu_reason,
        },
        title=_msg("icmp_blocked.title"),
        detail=_msg("icmp_blocked.detail_measured", target=path.target, path_mtu=path.pmtu)
        if measured
        else _msg("icmp_blocked.detail_unmeasured", target=path.target),
    )


def observe(facts: Facts) -> list[Observation]:
    found: list[Observation] = []
    paths = sorted(facts.paths, key=lambda p: _ROLE_ORDER[p.role])
    holes = [o for o in (_black_hole(p) for p in paths) if o is not None]
    if holes:
        found.append(holes[0])
    blocked = [p for p in paths if p.icmp_echo == "blocked"]
    if blocked:
        found.append(_icmp_blocked(blocked[0]))
    if not holes:
        reduced = [p for p in paths if p.pmtu is not None and p.pmtu < ETHERNET_MTU and p.frag_needed == "delivered"]
        if reduced:
            path = min(reduced, key=lambda p: p.pmtu or 0)
            found.append(
                Observation(
                    id="path_mtu_reduced",
                    severity=Severity.info,
                    confidence=0.9,
                    evidence={"target": path.target, "path_mtu": path.pmtu, "frag_needed": path.frag_needed},
                    title=_msg("path_mtu_reduced.title", path_mtu=path.pmtu),
                    detail=_msg("path_mtu_reduced.detail"),
                )
            )
    return found


def remedies(facts: Facts, found: Mapping[str, Observation]) -> list[Remedy]:
    out: list[Remedy] = []
    hole = found.get("pmtud_blackhole")
    if hole is not None:
        path_mtu = hole.evidence["path_mtu"]
        adapter = facts.default_adapter
        tunnel_up = facts.tunnel_adapter is not None and facts.tunnel_adapter.is_up
        if (
            "tunnel_mtu_too_large" not in found
            and not tunnel_up
            and hole.evidence["role"] != "tunnel"
            and isinstance(path_mtu, int)
            and adapter is not None
            and adapter.mtu is not None
            and adapter.mtu > path_mtu
        ):
            # No VPN adapter to lower: make the computer's own packets fit the path.
            out.append(
                Remedy(
                    id="lower_adapter_mtu",
                    finding_ids=("pmtud_blackhole",),
                    title=_msg("fix.lower_adapter_mtu.title", adapter=adapter.name, mtu=path_mtu),
                    steps=tuple(steps.adapter_mtu_steps(facts, adapter, path_mtu)),
                    rank=RANK_WORKAROUND,
                )
            )
        if facts.report.tcp is not None and facts.report.tcp.mtu_probing == 0 and "linux" in facts.platforms:
            # RFC 4821 packetization-layer PMTUD: Linux TCP then finds the size itself after a black hole
            # (tcp_mtu_probing = 1, ip-sysctl.rst); it helps TCP only, not the VPN's UDP.
            command = commands.sysctl_now_and_persist(
                [("net.ipv4.tcp_mtu_probing", "1")], "90-vpndiag-mtu-probing.conf"
            )
            out.append(
                Remedy(
                    id="enable_tcp_mtu_probing",
                    finding_ids=("pmtud_blackhole",),
                    title=_msg("fix.enable_tcp_mtu_probing.title"),
                    steps=(Step("linux", steps.say("linux_mtu_probing"), command),),
                    rank=RANK_WORKAROUND,
                )
            )
        out.append(
            Remedy(
                id="allow_icmp",
                finding_ids=("pmtud_blackhole",),
                title=_msg("fix.allow_icmp.title"),
                steps=tuple(steps.allow_icmp_steps()),
                rank=RANK_NETWORK,
            )
        )
    blocked = found.get("icmp_blocked")
    if blocked is not None and blocked.evidence["path_mtu"] is None:
        measure_steps = [Step("any", steps.say("measure_over_udp"))]
        if facts.tunnel_adapter is not None and facts.tunnel_adapter.is_up:
            measure_steps.append(Step("any", steps.say("try_lower_mtu_test", mtu=SAFE_TEST_MTU)))
        out.append(
            Remedy(
                id="measure_over_udp",
                finding_ids=("icmp_blocked",),
                title=_msg("fix.measure_over_udp.title"),
                steps=tuple(measure_steps),
                rank=RANK_ADVICE,
            )
        )
    return out
