"""The live view and the printed timeline of `vpndiag watch`."""

from reports.i18n import Catalog

WATCH = Catalog(
    "watch",
    {
        "en": {
            "started": "Watching for {minutes} minutes, a sample every {interval} s. Press Ctrl-C to stop early.",
            "started_forever": "Watching until Ctrl-C, a sample every {interval} s.",
            "sample": "{time}  #{tick}  {adapter} | tunnel: {small} | {size} B DF: {large} | server: {underlay}",
            "adapter_state": "{name} {state} MTU {mtu}",
            "adapter_none": "adapter not watched",
            "adapter_missing": "{name} missing",
            "up": "up",
            "down": "down",
            "ok_rtt": "ok {rtt} ms",
            "ok": "ok",
            "lost": "LOST",
            "too_big": "too big (router says {mtu})",
            "too_big_local": "refused: larger than the adapter's MTU",
            "error": "error ({reason})",
            "not_sampled": "-",
            "stopped": "Stopped after {samples} samples.",
            "report_written": "Report written to {path}.",
            "timeline": "Timeline",
            "timeline_one": "  {start}  {kind}  {detail}",
            "timeline_run": "  {start} – {end}  {kind} ×{count}  {detail}",
            "no_target": "Nothing to watch: give --target (an address inside the tunnel) or --vpn-server, or a "
            "provider profile with a VPN server.",
            "unresolvable": "The host {host} could not be resolved ({reason}). Check the name, or give its address.",
            "no_permission": "ICMP sockets are not allowed for this user: run as administrator/root, or on Linux "
            "allow the group in net.ipv4.ping_group_range.",
            "cannot_write": "The report could not be written to {path} ({reason}). Choose another path.",
        },
        "ja": {
            "started": "{minutes} 分間、{interval} 秒ごとに測定します。途中で止めるには Ctrl-C を押してください。",
            "started_forever": "Ctrl-C を押すまで {interval} 秒ごとに測定します。",
            "sample": "{time}  #{tick}  {adapter} | トンネル: {small} | {size} B DF: {large} | サーバー: {underlay}",
            "adapter_state": "{name} {state} MTU {mtu}",
            "adapter_none": "アダプターは監視対象外",
            "adapter_missing": "{name} なし",
            "up": "接続中",
            "down": "切断",
            "ok_rtt": "OK {rtt} ミリ秒",
            "ok": "OK",
            "lost": "損失",
            "too_big": "大きすぎる（ルーターの通知 {mtu}）",
            "too_big_local": "送信不可: アダプターのMTUより大きい",
            "error": "エラー（{reason}）",
            "not_sampled": "-",
            "stopped": "{samples} 回測定して終了しました。",
            "report_written": "レポートを {path} に保存しました。",
            "timeline": "タイムライン",
            "timeline_one": "  {start}  {kind}  {detail}",
            "timeline_run": "  {start} – {end}  {kind} ×{count}  {detail}",
            "no_target": "監視する対象がありません。--target（トンネル内のアドレス）か --vpn-server を指定するか、"
            "VPN サーバーを含むプロバイダープロファイルを使ってください。",
            "unresolvable": "ホスト {host} の名前を解決できませんでした（{reason}）。名前を確認するか、アドレスを"
            "指定してください。",
            "no_permission": "このユーザーには ICMP ソケットが許可されていません。管理者/root として実行するか、"
            "Linux では net.ipv4.ping_group_range でグループを許可してください。",
            "cannot_write": "レポートを {path} に保存できませんでした（{reason}）。別の保存先を指定してください。",
        },
    },
)
