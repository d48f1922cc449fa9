"""Sentences of the system checks (overhead calculator, `vpndiag overhead`, reasons a check could not read)."""

from reports.i18n import Catalog

CHECKS = Catalog(
    "checks",
    {
        "en": {
            "why_fits": "{protocol} adds up to {overhead} bytes to each packet, so on a path MTU of {pmtu} the "
            "tunnel MTU should be {mtu} (TCP MSS {mss} for IPv4, {mss_v6} for IPv6).",
            "why_assumed": "{protocol} adds up to {overhead} bytes to each packet; no path MTU was given, so "
            "assuming a standard Ethernet path of {pmtu} bytes the tunnel MTU should be {mtu} (TCP MSS {mss} for "
            "IPv4, {mss_v6} for IPv6).",
            "why_fits_now": "{protocol} adds up to {overhead} bytes to each packet; the tunnel MTU of {tunnel_mtu} "
            "fits the path MTU of {pmtu} (the largest that fits is {mtu}, TCP MSS {mss} for IPv4, {mss_v6} for "
            "IPv6).",
            "why_too_big": "{protocol} adds up to {overhead} bytes to each packet, so on a path MTU of {pmtu} the "
            "tunnel MTU should be {mtu}, but it is {tunnel_mtu}: inner packets above {largest} bytes are lost.",
            "why_padded_too_big": "{protocol} adds {overhead} bytes and pads each packet to a multiple of 16 bytes, "
            "so on a path MTU of {pmtu} the tunnel MTU should be {mtu}, but it is {tunnel_mtu}: inner packets above "
            "{largest} bytes are lost.",
            "why_no_pmtu": "{protocol} adds up to {overhead} bytes to each packet; the path MTU to the VPN server "
            "was not measured, so no tunnel MTU can be recommended yet.",
            "note_tcp": "Over TCP the outer connection splits oversized packets itself; this MTU avoids the "
            "splitting, and TCP inside TCP still stalls when packets are lost.",
            "note_no_ipv6": "This tunnel MTU is below 1280 bytes, the IPv6 minimum, so IPv6 cannot run inside "
            "the tunnel.",
            "heading": "{protocol} over IPv{family} ({transport}, {cipher})",
            "part_line": "  {size:>4}  {name}  [{source}]",
            "padding_line": "  +0..{padding}  padding to a multiple of {align} bytes",
            "padding_capped_line": "  +0..{padding}  padding to a multiple of {align} bytes, never beyond the "
            "tunnel MTU",
            "total_line": "  overhead {fixed} bytes (at most {max} with padding)",
            "result_line": "path MTU {pmtu}: tunnel MTU {mtu}, MSS {mss} (IPv4) / {mss_v6} (IPv6)",
            "no_result_line": "path MTU not given: no tunnel MTU",
        },
        "ja": {
            "why_fits": "{protocol} は各パケットに最大 {overhead} バイトを追加するため、経路MTU {pmtu} では"
            "トンネルMTUを {mtu} にしてください（TCP MSS は IPv4 で {mss}、IPv6 で {mss_v6}）。",
            "why_assumed": "{protocol} は各パケットに最大 {overhead} バイトを追加します。経路MTUが指定されて"
            "いないため標準的なイーサネットの {pmtu} バイトと仮定すると、トンネルMTUは {mtu} です（TCP MSS は "
            "IPv4 で {mss}、IPv6 で {mss_v6}）。",
            "why_fits_now": "{protocol} は各パケットに最大 {overhead} バイトを追加します。トンネルMTU "
            "{tunnel_mtu} は経路MTU {pmtu} に収まっています（収まる最大値は {mtu}、TCP MSS は IPv4 で {mss}、"
            "IPv6 で {mss_v6}）。",
            "why_too_big": "{protocol} は各パケットに最大 {overhead} バイトを追加するため、経路MTU {pmtu} では"
            "トンネルMTUを {mtu} にすべきですが、現在は {tunnel_mtu} です。{largest} バイトを超える内側の"
            "パケットは失われます。",
            "why_padded_too_big": "{protocol} は {overhead} バイトを追加し、各パケットを16バイトの倍数に"
            "パディングするため、経路MTU {pmtu} ではトンネルMTUを {mtu} にすべきですが、現在は {tunnel_mtu} "
            "です。{largest} バイトを超える内側のパケットは失われます。",
            "why_no_pmtu": "{protocol} は各パケットに最大 {overhead} バイトを追加します。VPNサーバーまでの"
            "経路MTUを測定できなかったため、推奨トンネルMTUはまだ出せません。",
            "note_tcp": "TCP の場合は外側の接続が大きすぎるパケットを自ら分割します。このMTUは分割を避ける"
            "ためのもので、パケットが失われると TCP の中の TCP は依然として停滞します。",
            "note_no_ipv6": "このトンネルMTUは IPv6 の最小値 1280 バイトを下回るため、トンネル内で IPv6 は使えません。",
            "heading": "{protocol}（IPv{family} 経由、{transport}、{cipher}）",
            "part_line": "  {size:>4}  {name}  [{source}]",
            "padding_line": "  +0..{padding}  {align} バイトの倍数へのパディング",
            "padding_capped_line": "  +0..{padding}  {align} バイトの倍数へのパディング（トンネルMTUを超えない）",
            "total_line": "  オーバーヘッド {fixed} バイト（パディング込みで最大 {max}）",
            "result_line": "経路MTU {pmtu}: トンネルMTU {mtu}、MSS {mss}（IPv4）/ {mss_v6}（IPv6）",
            "no_result_line": "経路MTUの指定なし: トンネルMTUは出せません",
        },
    },
)
