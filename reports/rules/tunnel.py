"""VPN tunnel findings: the tunnel MTU does not fit the path, TCP MSS not clamped, the VPN is not connected, and
the VPN server's own traffic routed into the tunnel.

Every tunnel packet leaves as inner packet + the protocol's overhead (WireGuard over IPv4: 60 bytes, WireGuard
paper §5.4.6; table in shared/reference/FACTS.md). When the tunnel MTU + overhead exceeds the underlay path MTU, the
largest inner packets cannot cross the path; with a black hole nothing tells the sender.
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.i18n import Catalog
from reports.model import Severity
from reports.rules import commands, steps
from reports.rules._model import RANK_CAUSE, RANK_WORKAROUND, Msg, Observation, Remedy, Step
from reports.rules.facts import Facts, is_ip_address

# MSS = MTU - 40 for IPv4 (IP 20 + TCP 20) and - 60 for IPv6 (RFC 879; RFC 9293 §3.7.1).
IPV4_TCP_HEADERS = 40
IPV6_TCP_HEADERS = 60
# Every IPv4 link must carry 68 bytes (RFC 791); a recommendation below it means the figures are wrong.
IPV4_MIN_MTU = 68

MESSAGES = Catalog(
    "rules.tunnel",
    {
        "en": {
            "tunnel_mtu_too_large.title": "The VPN's packet size (MTU) is too large for your connection",
            "tunnel_mtu_too_large.detail": "The VPN adapter {adapter} sends packets of up to {tunnel_mtu} bytes, and "
            "{protocol} adds {overhead} bytes to each, so they leave your computer as packets of up to "
            "{outer_size} bytes. Your connection to the VPN server carries only {path_mtu} bytes, so the largest "
            "packets are lost. With an MTU of {recommended_mtu} they fit.",
            "tunnel_mtu_too_large.detail_inner": "The VPN adapter {adapter} allows packets of up to {tunnel_mtu} "
            "bytes, but through the VPN only packets of up to {inner_pmtu} bytes arrive; larger ones are lost. "
            "With an MTU of {recommended_mtu} they fit.",
            "mss_not_clamped.title": "TCP connections use packets too large for the path",
            "mss_not_clamped.detail": "Your computer's TCP connections start with a segment size (MSS) of {mss} "
            "bytes, which makes packets of {packet_size} bytes, and nothing on the way lowers it, but the path "
            "carries only {path_mtu} bytes. Web pages and downloads can hang when the network does not report the "
            "limit.",
            "vpn_not_connected.title": "The VPN is not connected",
            "vpn_not_connected.detail": "No active VPN adapter was found on this computer, so only your normal "
            "internet connection was tested, not the VPN tunnel.",
            "vpn_server_via_tunnel.title": "Traffic to the VPN server goes into the VPN itself",
            "vpn_server_via_tunnel.detail": "The route to the VPN server {server} leaves through the VPN adapter "
            "{interface}. The tunnel would have to carry its own packets, so it stalls and drops.",
            "fix.lower_tunnel_mtu.title": "Set the MTU of the VPN adapter {adapter} to {mtu}",
            "fix.clamp_mss.title": "Limit the TCP segment size (MSS) to {mss} on the router or VPN server",
            "fix.connect_vpn.title": "Connect the VPN and check again",
            "fix.route_vpn_server.title": "Send traffic to the VPN server outside the VPN",
        },
        "ja": {
            "tunnel_mtu_too_large.title": "VPNのパケットサイズ（MTU）が回線に対して大きすぎます",
            "tunnel_mtu_too_large.detail": "VPNアダプター {adapter} は最大{tunnel_mtu}バイトのパケットを送り、"
            "{protocol} がそれぞれに{overhead}バイトを加えるため、パソコンからは最大{outer_size}バイトの"
            "パケットとして送り出されます。ところがVPNサーバーまでの回線は{path_mtu}バイトまでしか通さないため、"
            "大きなパケットが失われます。MTUを{recommended_mtu}にすれば収まります。",
            "tunnel_mtu_too_large.detail_inner": "VPNアダプター {adapter} は最大{tunnel_mtu}バイトのパケットを"
            "許可していますが、VPNの中を通って届くのは{inner_pmtu}バイトまでで、それより大きいパケットは"
            "失われます。MTUを{recommended_mtu}にすれば収まります。",
            "mss_not_clamped.title": "TCP通信が経路に対して大きすぎるパケットを使っています",
            "mss_not_clamped.detail": "このパソコンのTCP接続は最大セグメントサイズ（MSS）{mss}バイト、"
            "つまり{packet_size}バイトのパケットで始まり、途中でも小さく調整されていません。しかし経路は"
            "{path_mtu}バイトまでしか通しません。ネットワークがこの上限を知らせない場合、Webページや"
            "ダウンロードが途中で止まることがあります。",
            "vpn_not_connected.title": "VPNに接続されていません",
            "vpn_not_connected.detail": "このパソコンで動作中のVPNアダプターが見つからなかったため、"
            "VPNのトンネルではなく、通常のインターネット接続だけを調べました。",
            "vpn_server_via_tunnel.title": "VPNサーバー宛ての通信がVPNの中に送られています",
            "vpn_server_via_tunnel.detail": "VPNサーバー {server} への経路がVPNアダプター {interface} を"
            "通っています。トンネルが自分自身のパケットを運ぶことになるため、通信が止まり切断されます。",
            "fix.lower_tunnel_mtu.title": "VPNアダプター {adapter} のMTUを{mtu}にする",
            "fix.clamp_mss.title": "ルーターまたはVPNサーバーでTCPのMSSを{mss}に制限する",
            "fix.connect_vpn.title": "VPNに接続してからもう一度調べる",
            "fix.route_vpn_server.title": "VPNサーバー宛ての通信をVPNの外に通す",
        },
    },
)


def _msg(key: str, **fields: object) -> Msg:
    return Msg(MESSAGES, key, fields)


# How the protocols are written for people (product names are the same in English and Japanese).
PROTOCOL_NAMES = {
    "wireguard": "WireGuard",
    "openvpn-udp": "OpenVPN (UDP)",
    "openvpn-tcp": "OpenVPN (TCP)",
    "ipsec": "IPsec",
    "ikev2": "IKEv2",
    "l2tp": "L2TP/IPsec",
    "pptp": "PPTP",
    "sstp": "SSTP",
    "openconnect": "OpenConnect",
}


def protocol_name(protocol: str | None) -> str:
    if protocol is None:
        return "VPN"
    return PROTOCOL_NAMES.get(protocol, protocol)


def _tunnel_mtu_too_large(facts: Facts) -> Observation | None:
    adapter = facts.tunnel_adapter
    if adapter is None or facts.tunnel_mtu is None:
        return None
    inner = facts.tunnel
    inner_pmtu = inner.pmtu if inner is not None and not inner.gave_up else None
    underlay = facts.underlay
    frag = underlay.frag_needed if underlay is not None else "unknown"
    severity = Severity.warning if frag == "delivered" else Severity.critical
    if facts.underlay_pmtu is not None and facts.overhead is not None:
        outer_size = facts.tunnel_mtu + facts.overhead
        if outer_size <= facts.underlay_pmtu:
            return None
        recommended = facts.vpn.recommended_mtu if facts.vpn and facts.vpn.recommended_mtu else None
        recommended = recommended or facts.underlay_pmtu - facts.overhead
        if recommended < IPV4_MIN_MTU:
            return None  # figures no real path produces: nothing sensible to recommend
        confidence = 0.75 if underlay is not None and underlay.gave_up else 0.95
        if inner_pmtu is not None and inner_pmtu < facts.tunnel_mtu:
            confidence = 0.98  # large packets were also seen to vanish inside the tunnel
        return Observation(
            id="tunnel_mtu_too_large",
            severity=severity,
            confidence=confidence,
            evidence={
                "adapter": adapter.name,
                "adapter_mtu": facts.tunnel_mtu,
                "protocol": facts.protocol,
                "overhead": facts.overhead,
                "outer_size": outer_size,
                "path_mtu": facts.underlay_pmtu,
                "inner_pmtu": inner_pmtu,
                "recommended_mtu": recommended,
            },
            title=_msg("tunnel_mtu_too_large.title"),
            detail=_msg(
                "tunnel_mtu_too_large.detail",
                adapter=adapter.name,
                tunnel_mtu=facts.tunnel_mtu,
                protocol=protocol_name(facts.protocol),
                overhead=facts.overhead,
                outer_size=outer_size,
                path_mtu=facts.underlay_pmtu,
                recommended_mtu=recommended,
            ),
        )
    if inner_pmtu is not None and inner_pmtu < facts.tunnel_mtu:
        # No underlay figure or overhead: the largest inner packet that arrived is a safe (maybe low) tunnel MTU.
        return Observation(
            id="tunnel_mtu_too_large",
            severity=severity,
            confidence=0.75,
            evidence={
                "adapter": adapter.name,
                "adapter_mtu": facts.tunnel_mtu,
                "protocol": facts.protocol,
                "inner_pmtu": inner_pmtu,
                "recommended_mtu": inner_pmtu,
            },
            title=_msg("tunnel_mtu_too_large.title"),
            detail=_msg(
                "tunnel_mtu_too_large.detail_inner",
                adapter=adapter.name,
                tunnel_mtu=facts.tunnel_mtu,
                inner_pmtu=inner_pmtu,
                recommended_mtu=inner_pmtu,
            ),
        )
    return None


def _path_limit(facts: Facts) -> int | None:
    """The largest packet TCP may use here: the recommended tunnel MTU, else the smallest measured path MTU."""
    if facts.vpn is not None and facts.vpn.recommended_mtu is not None:
        return facts.vpn.recommended_mtu
    measured = [p.pmtu for p in facts.paths if p.pmtu is not None and not p.gave_up]
    return min(measured) if measured else None


def _mss_not_clamped(facts: Facts) -> Observation | None:
    tcp = facts.report.tcp
    mss = tcp.mss if tcp is not None else None
    if mss is None or mss.clamped is not False:
        return None
    seen = mss.server_seen_mss or mss.sent_mss
    limit = _path_limit(facts)
    if seen is None or limit is None or seen + IPV4_TCP_HEADERS <= limit:
        return None
    return Observation(
        id="mss_not_clamped",
        severity=Severity.warning,
        confidence=0.85,
        evidence={
            "mss": seen,
            "packet_size": seen + IPV4_TCP_HEADERS,
            "path_mtu": limit,
            "clamped": False,
            "recommended_mss": limit - IPV4_TCP_HEADERS,
        },
        title=_msg("mss_not_clamped.title"),
        detail=_msg("mss_not_clamped.detail", mss=seen, packet_size=seen + IPV4_TCP_HEADERS, path_mtu=limit),
    )


def _vpn_not_connected(facts: Facts) -> Observation | None:
    adapters_ok = facts.report.adapters or ("adapters" in facts.checks and facts.checks["adapters"].status == "ok")
    if not facts.vpn_checked or not adapters_ok:
        return None
    if any(a.is_vpn and a.is_up for a in facts.report.adapters):
        return None
    return Observation(
        id="vpn_not_connected",
        severity=Severity.warning,
        # A VPN whose adapter no pattern recognises would look the same.
        confidence=0.8,
        evidence={
            "protocol": facts.protocol,
            "vpn_server": facts.vpn.server if facts.vpn else None,
            "adapters_seen": len(facts.report.adapters),
            "vpn_adapters_up": 0,
        },
        title=_msg("vpn_not_connected.title"),
        detail=_msg("vpn_not_connected.detail"),
    )


def _vpn_server_via_tunnel(facts: Facts) -> Observation | None:
    routes = facts.report.routes
    route = routes.vpn_server if routes is not None else None
    if route is None or route.via_tunnel is not True:
        return None
    return Observation(
        id="vpn_server_via_tunnel",
        severity=Severity.critical,
        confidence=0.9,
        evidence={"server": route.destination, "interface": route.interface, "via_tunnel": True},
        title=_msg("vpn_server_via_tunnel.title"),
        detail=_msg("vpn_server_via_tunnel.detail", server=route.destination, interface=route.interface or "?"),
    )


def observe(facts: Facts) -> list[Observation]:
    rules = (_vpn_not_connected, _vpn_server_via_tunnel, _tunnel_mtu_too_large, _mss_not_clamped)
    return [o for o in (rule(facts) for rule in rules) if o is not None]


def _mss_for(facts: Facts, mtu: int) -> tuple[int, int]:
    vpn = facts.vpn
    if vpn is not None and vpn.recommended_mtu == mtu and vpn.recommended_mss and vpn.recommended_mss_v6:
        return vpn.recommended_mss, vpn.recommended_mss_v6
    return mtu - IPV4_TCP_HEADERS, mtu - IPV6_TCP_HEADERS


def remedies(facts: Facts, found: Mapping[str, Observation]) -> list[Remedy]:
    out: list[Remedy] = []
    if "vpn_not_connected" in found:
        out.append(
            Remedy(
                id="connect_vpn",
                finding_ids=("vpn_not_connected",),
                title=_msg("fix.connect_vpn.title"),
                steps=(Step("any", steps.say("connect_vpn")),),
                rank=RANK_CAUSE,
            )
        )
    loop = found.get("vpn_server_via_tunnel")
    if loop is not None:
        out.append(_route_fix(facts))
    too_large = found.get("tunnel_mtu_too_large")
    adapter = facts.tunnel_adapter
    if too_large is not None and adapter is not None:
        mtu = too_large.evidence["recommended_mtu"]
        assert isinstance(mtu, int)
        mss, _ = _mss_for(facts, mtu)
        ids = ("tunnel_mtu_too_large", "pmtud_blackhole") if "pmtud_blackhole" in found else ("tunnel_mtu_too_large",)
        out.append(
            Remedy(
                id="lower_tunnel_mtu",
                finding_ids=ids,
                title=_msg("fix.lower_tunnel_mtu.title", adapter=adapter.name, mtu=mtu),
                steps=tuple(steps.tunnel_mtu_steps(facts, adapter, mtu, mss)),
                rank=RANK_CAUSE,
            )
        )
    clamp = found.get("mss_not_clamped")
    if clamp is not None:
        limit = clamp.evidence["path_mtu"]
        assert isinstance(limit, int)
        mss, mss_v6 = _mss_for(facts, limit)
        ids = ("mss_not_clamped", "pmtud_blackhole") if "pmtud_blackhole" in found else ("mss_not_clamped",)
        out.append(
            Remedy(
                id="clamp_mss",
                finding_ids=ids,
                title=_msg("fix.clamp_mss.title", mss=mss),
                steps=tuple(steps.clamp_mss_steps(mss, mss_v6)),
                rank=RANK_WORKAROUND,
            )
        )
    return out


def _route_fix(facts: Facts) -> Remedy:
    route_steps = [Step("any", steps.say("reconnect_vpn_route"))]
    routes = facts.report.routes
    server = routes.vpn_server.destination if routes and routes.vpn_server else None
    gateway = routes.default_gateway if routes else None
    if routes is not None and server and gateway and is_ip_address(server) and is_ip_address(gateway):
        family = 6 if ":" in server else 4
        for platform in facts.platforms:
            command = commands.host_route(platform, server, gateway, routes.default_interface, family)
            if command is not None:
                route_steps.append(Step(platform, steps.say("add_host_route"), command))
    return Remedy(
        id="route_vpn_server",
        finding_ids=("vpn_server_via_tunnel",),
        title=_msg("fix.route_vpn_server.title"),
        steps=tuple(route_steps),
        rank=RANK_CAUSE,
    )
