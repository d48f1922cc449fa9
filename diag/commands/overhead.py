"""`vpndiag overhead`: what a VPN protocol adds to each packet and the tunnel MTU / MSS that fit a path MTU."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        required=True,
        help="wireguard, openvpn-udp, openvpn-tcp, ipsec, ikev2, l2tp, pptp, sstp or openconnect (aliases: wg, "
        "openvpn, anyconnect ...)",
    )
    parser.add_argument("--pmtu", type=int, help="measured path MTU to the VPN server (default: assume 1500)")
    parser.add_argument("-6", dest="ipv6", action="store_true", help="the tunnel runs over IPv6 (default IPv4)")
    parser.add_argument("--cipher", help="cipher, e.g. aes-gcm, chacha20-poly1305, aes-cbc-sha1, aes-cbc-sha256")
    parser.add_argument("--transport", choices=["udp", "tcp", "esp", "gre"], help="outer transport")
    parser.add_argument("--nat-t", action="store_true", help="IPsec with NAT traversal (ESP in UDP, +8)")
    parser.add_argument("--pppoe", action="store_true", help="the underlay is PPPoE and --pmtu is Ethernet's 1500")
    parser.add_argument("--tap", action="store_true", help="OpenVPN tap (Ethernet) tunnel")
    parser.add_argument("--tunnel-mtu", type=int, help="the tunnel's current MTU, to see what it lets through")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=["en", "ja"], help="language (default: from the environment)")


def run(args: argparse.Namespace) -> int:
    from diag.checks.overhead import plan, why_text
    from diag.i18n.checks import CHECKS, PARTS
    from reports.i18n import detect_lang

    lang = args.lang or detect_lang()
    rec = plan(
        args.protocol,
        args.pmtu,
        6 if args.ipv6 else 4,
        cipher=args.cipher,
        transport=args.transport,
        nat_t=args.nat_t,
        pppoe=args.pppoe,
        tap=args.tap,
        tunnel_mtu=args.tunnel_mtu,
        assume_ethernet=True,
    )
    o = rec.overhead
    why = why_text(rec, lang)
    notes = [CHECKS.text(key, lang) for key in rec.notes]
    if args.json:
        out = {
            "protocol": o.protocol,
            "outer_family": o.outer_family,
            "cipher": o.cipher,
            "transport": o.transport,
            "overhead_bytes": o.max_bytes,
            "fixed_bytes": o.fixed_bytes,
            "padding_align": o.align,
            "padding_capped_at_tunnel_mtu": o.pad_capped_at_tunnel_mtu,
            "parts": [{"name": p.name, "bytes": p.size, "source": p.source} for p in o.parts],
            "path_mtu": rec.path_mtu,
            "path_mtu_assumed": rec.path_mtu_assumed,
            "tunnel_mtu": rec.tunnel_mtu,
            "recommended_mtu": rec.recommended_mtu,
            "recommended_mss": rec.recommended_mss,
            "recommended_mss_v6": rec.recommended_mss_v6,
            "largest_inner_now": rec.largest_inner_now,
            "why": why,
            "notes": notes,
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    t = CHECKS.text
    lines = [t("heading", lang, protocol=o.display_name, family=o.outer_family, transport=o.transport, cipher=o.cipher)]
    lines += [t("part_line", lang, size=p.size, name=PARTS.text(p.name, lang), source=p.source) for p in o.parts]
    if o.align > 1:
        key = "padding_capped_line" if o.pad_capped_at_tunnel_mtu else "padding_line"
        lines.append(t(key, lang, padding=o.align - 1, align=o.align))
    lines.append(t("total_line", lang, fixed=o.fixed_bytes, max=o.max_bytes))
    if rec.recommended_mtu is not None:
        mss_v6 = rec.recommended_mss_v6 if rec.recommended_mss_v6 is not None else "-"
        lines.append(
            t("result_line", lang, pmtu=rec.path_mtu, mtu=rec.recommended_mtu, mss=rec.recommended_mss, mss_v6=mss_v6)
        )
    else:
        lines.append(t("no_result_line", lang))
    lines.append(why)
    lines += notes
    print("\n".join(lines))
    return 0
