"""Labels of the plain-text report summary (`vpndiag show`)."""

from reports.i18n import Catalog

SUMMARY = Catalog(
    "summary",
    {
        "en": {
            "heading": "vpndiag report {report_id}",
            "created": "Created: {created_at} on {os} {os_version} ({arch}), tool {version}",
            "privileged": "Ran with administrator rights: {value}",
            "paths": "Paths probed",
            "path_line": "  {target} (IPv{family}, {role}): path MTU {pmtu} — {reason}",
            "path_echo": "    echo {icmp_echo}, loss {loss}, RTT {rtt}, frag-needed {frag_needed}, {probes} probes "
            "in {elapsed} ms",
            "not_measured": "not measured",
            "adapters": "Adapters",
            "adapter_line": "  {name}: {kind}, MTU {mtu}, {state}{vpn}",
            "up": "up",
            "down": "down",
            "vpn_mark": ", VPN",
            "vpn": "VPN",
            "vpn_line": "  {protocol} via {adapter}: overhead {overhead} bytes, tunnel MTU {tunnel_mtu}, "
            "recommended MTU {recommended_mtu}, MSS {recommended_mss}",
            "tcp": "TCP receive window",
            "tcp_line": "  window scaling {scaling}, max receive window {window} bytes, throughput cap {cap} Mbit/s",
            "findings": "Findings",
            "no_findings": "  No problems found.",
            "finding_line": "  [{severity}] {title}",
            "fixes": "What to do",
            "fix_line": "  {title}",
            "step_line": "    ({platform}) {text}",
            "command_line": "      $ {command}",
            "checks": "Checks that could not run",
            "check_line": "  {name}: {status} — {reason}",
            "unknown": "unknown",
        },
        "ja": {
            "heading": "vpndiag レポート {report_id}",
            "created": "作成: {created_at}（{os} {os_version}、{arch}、ツール {version}）",
            "privileged": "管理者権限で実行: {value}",
            "paths": "調べた経路",
            "path_line": "  {target}（IPv{family}、{role}）: 経路MTU {pmtu} — {reason}",
            "path_echo": "    エコー {icmp_echo}、損失 {loss}、RTT {rtt}、フラグメント要求 {frag_needed}、"
            "プローブ {probes} 個、{elapsed} ミリ秒",
            "not_measured": "測定できず",
            "adapters": "ネットワークアダプター",
            "adapter_line": "  {name}: {kind}、MTU {mtu}、{state}{vpn}",
            "up": "接続中",
            "down": "切断",
            "vpn_mark": "、VPN",
            "vpn": "VPN",
            "vpn_line": "  {protocol}（{adapter}）: オーバーヘッド {overhead} バイト、トンネルMTU {tunnel_mtu}、"
            "推奨MTU {recommended_mtu}、MSS {recommended_mss}",
            "tcp": "TCP受信ウィンドウ",
            "tcp_line": "  ウィンドウスケーリング {scaling}、最大受信ウィンドウ {window} バイト、"
            "速度の上限 {cap} Mbit/s",
            "findings": "見つかった問題",
            "no_findings": "  問題は見つかりませんでした。",
            "finding_line": "  [{severity}] {title}",
            "fixes": "対処方法",
            "fix_line": "  {title}",
            "step_line": "    （{platform}）{text}",
            "command_line": "      $ {command}",
            "checks": "実行できなかったチェック",
            "check_line": "  {name}: {status} — {reason}",
            "unknown": "不明",
        },
    },
)
