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

# Names of the bytes a tunnel adds (`vpndiag overhead` lists them); keyed by the English name in overhead.py.
_PART_NAMES = {
    "AEAD tag": "AEAD 認証タグ",
    "AES-CBC IV": "AES-CBC 初期化ベクトル",
    "AES-CBC explicit IV": "AES-CBC 明示的初期化ベクトル",
    "AES-GCM ICV": "AES-GCM 完全性チェック値",
    "AES-GCM IV": "AES-GCM 初期化ベクトル",
    "AES-GCM explicit nonce": "AES-GCM 明示的ノンス",
    "AES-GCM tag": "AES-GCM 認証タグ",
    "CBC IV": "CBC 初期化ベクトル",
    "CBC padding length (minimum padding)": "CBC パディング長（最小パディング）",
    "CSTP header": "CSTP ヘッダー",
    "DTLS 1.2 record header": "DTLS 1.2 レコードヘッダー",
    "DTLS payload type": "DTLS ペイロード種別",
    "ESP header (SPI 4 + sequence 4)": "ESP ヘッダー（SPI 4 + シーケンス番号 4）",
    "ESP pad length 1 + next header 1": "ESP パディング長 1 + 次ヘッダー 1",
    "Enhanced GRE header (with sequence and ack)": "拡張 GRE ヘッダー（シーケンス番号と確認応答つき）",
    "Ethernet header (tap)": "イーサネットヘッダー（tap）",
    "HMAC-SHA1 MAC": "HMAC-SHA1 メッセージ認証コード",
    "HMAC-SHA1": "HMAC-SHA1",
    "HMAC-SHA1-96 ICV": "HMAC-SHA1-96 完全性チェック値",
    "HMAC-SHA256-128 ICV": "HMAC-SHA256-128 完全性チェック値",
    "IPv4 header": "IPv4 ヘッダー",
    "IPv6 header": "IPv6 ヘッダー",
    "L2TP data header (worst case)": "L2TP データヘッダー（最大）",
    "MPPE header": "MPPE ヘッダー",
    "NAT-T UDP header (port 4500)": "NAT-T UDP ヘッダー（ポート 4500）",
    "OpenVPN TCP length prefix": "OpenVPN TCP 長さフィールド",
    "OpenVPN opcode (P_DATA_V1)": "OpenVPN オペコード（P_DATA_V1）",
    "OpenVPN opcode + peer id (P_DATA_V2)": "OpenVPN オペコード + ピア ID（P_DATA_V2）",
    "OpenVPN packet id": "OpenVPN パケット ID",
    "PKCS#7 padding (minimum 1)": "PKCS#7 パディング（最小 1）",
    "PPP address + control": "PPP アドレス + 制御",
    "PPP protocol": "PPP プロトコル",
    "PPPoE + PPP header (underlay)": "PPPoE + PPP ヘッダー（下位回線）",
    "Poly1305 tag": "Poly1305 認証タグ",
    "SSTP header": "SSTP ヘッダー",
    "TCP header": "TCP ヘッダー",
    "TCP timestamps option": "TCP タイムスタンプオプション",
    "TLS 1.2 record header": "TLS 1.2 レコードヘッダー",
    "TLS 1.3 inner content type": "TLS 1.3 内部コンテンツ種別",
    "TLS 1.3 record header": "TLS 1.3 レコードヘッダー",
    "UDP header": "UDP ヘッダー",
    "WireGuard data header": "WireGuard データヘッダー",
    "inner PPP protocol (encrypted)": "内側の PPP プロトコル（暗号化）",
}

PARTS = Catalog(
    "overhead_parts",
    {"en": {name: name for name in _PART_NAMES}, "ja": _PART_NAMES},
)
