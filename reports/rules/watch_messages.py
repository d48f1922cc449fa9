"""Titles, details and fix steps of the watch findings (reports/rules/watch_patterns.py), English and Japanese."""

from reports.i18n import Catalog

WATCH_RULES = Catalog(
    "watch_rules",
    {
        "en": {
            "tunnel_blackhole_intermittent.title": "Large packets vanish inside the tunnel while small ones pass",
            "tunnel_blackhole_intermittent.detail": "In {lost} of {samples} samples small pings through the tunnel "
            "came back but the {size}-byte probe at the tunnel MTU did not, and no router said it was too big "
            "(between {first_at} and {last_at}). The tunnel's packets are too large for the network under it and "
            "the error messages that would tell the computer so are lost: a path-MTU black hole. Web pages and "
            "downloads stall while ping still works.",
            "tunnel_blackhole_intermittent.fit": "The largest packet that still came back through the tunnel was "
            "{largest} bytes.",
            "underlay_loss_before_drop.title": "The connection to the VPN server failed before the tunnel dropped",
            "underlay_loss_before_drop.detail": "{explained} of {drops} tunnel drops began while pings to the VPN "
            "server outside the tunnel were also being lost (first drop at {first_drop_at}). The local network or "
            "the internet connection failed first; the VPN only lost its way through it.",
            "tunnel_drops_periodic.title": "The tunnel drops at a regular period",
            "tunnel_drops_periodic.detail": "The tunnel dropped {drops} times, about every {period} seconds. A "
            "drop on a fixed schedule points to a timer, not to chance: {hint}",
            "timer.nat_udp_timeout_30s": "30 seconds is a common idle timeout of home routers for UDP; a keepalive "
            "shorter than that keeps the mapping open.",
            "timer.nat_udp_timeout_60s": "60 seconds is a common idle timeout of routers for UDP; a keepalive "
            "shorter than that keeps the mapping open.",
            "timer.wireguard_rekey_120s": "120 seconds is WireGuard's re-key interval; the new handshake is not "
            "getting through.",
            "timer.openvpn_reneg_3600s": "3600 seconds is OpenVPN's default renegotiation interval (reneg-sec); "
            "the renegotiation is failing.",
            "timer.none": "compare the period with the VPN's keepalive and re-key settings and the router's UDP "
            "timeout.",
            "watch_healthy.title": "The tunnel stayed healthy for the whole watch",
            "watch_healthy.detail": "All {samples} samples passed: small pings and full-size probes through the "
            "tunnel and pings to the VPN server came back, and the adapter stayed up.",
            "fix.lower_mtu.title": "Lower the tunnel MTU so full-size packets fit the path",
            "fix.lower_mtu.wireguard": "In the WireGuard configuration, set MTU = {mtu} in the [Interface] section "
            "and reconnect.",
            "fix.lower_mtu.linux": "Or set it on the running adapter {adapter}:",
            "fix.lower_mtu.windows": "Or set it on the running adapter {adapter} (as administrator):",
            "fix.lower_mtu.macos": "Or set it on the running adapter {adapter}:",
            "fix.lower_mtu.router": 'The lasting fix is on the network: let ICMP "fragmentation needed" / '
            '"packet too big" messages through the router or firewall.',
            "fix.lower_mtu.measure": "Measure the path to the VPN server to get the right MTU: run the full check.",
            "fix.check_network.title": "Check the local network and the internet connection, not the VPN",
            "fix.check_network.local": "Move closer to the Wi-Fi access point or use a cable, then watch again; if "
            "the drops stay, restart the router.",
            "fix.check_network.isp": "If the connection to the VPN server keeps failing on a cable, ask the internet "
            "provider about packet loss, with this report.",
            "fix.keepalive.title": "Keep the tunnel alive across the router's timeouts",
            "fix.keepalive.wireguard": "For WireGuard, add a keepalive to the [Peer] section:",
            "fix.keepalive.support": "Send this report to support: the period tells them which timer to change.",
        },
        "ja": {
            "tunnel_blackhole_intermittent.title": "トンネル内で小さなパケットは届くのに大きなパケットが消えています",
            "tunnel_blackhole_intermittent.detail": "{samples} 回の測定のうち {lost} 回で、トンネル経由の小さな ping "
            "は返ってきたのに、トンネルMTUの {size} バイトのプローブは返らず、大きすぎるという通知もありませんでした"
            "（{first_at} から {last_at}）。トンネルのパケットが下の回線には大きすぎ、それを知らせるエラーメッセージも"
            "失われています（経路MTUのブラックホール）。ping は通るのに、Web ページやダウンロードが止まります。",
            "tunnel_blackhole_intermittent.fit": "トンネルを通って返ってきた最大のパケットは {largest} バイトでした。",
            "underlay_loss_before_drop.title": "トンネルが切れる前に VPN サーバーへの通信が失われていました",
            "underlay_loss_before_drop.detail": "トンネルの切断 {drops} 回のうち {explained} 回は、トンネル外での "
            "VPN サーバーへの ping も失われている最中に始まりました（最初の切断 {first_drop_at}）。先に手元のネット"
            "ワークかインターネット回線が途切れ、VPN はその影響を受けただけです。",
            "tunnel_drops_periodic.title": "トンネルが一定の間隔で切れています",
            "tunnel_drops_periodic.detail": "トンネルは {drops} 回、約 {period} 秒ごとに切れました。決まった間隔"
            "の切断は偶然ではなくタイマーが原因です。{hint}",
            "timer.nat_udp_timeout_30s": "30 秒は家庭用ルーターの UDP 無通信タイムアウトによくある値です。それより"
            "短いキープアライブで対応付けを保てます。",
            "timer.nat_udp_timeout_60s": "60 秒はルーターの UDP 無通信タイムアウトによくある値です。それより短い"
            "キープアライブで対応付けを保てます。",
            "timer.wireguard_rekey_120s": "120 秒は WireGuard の鍵更新の間隔です。新しいハンドシェイクが届いて"
            "いません。",
            "timer.openvpn_reneg_3600s": "3600 秒は OpenVPN の既定の再ネゴシエーション間隔（reneg-sec）です。"
            "再ネゴシエーションが失敗しています。",
            "timer.none": "VPN のキープアライブと鍵更新の設定、ルーターの UDP タイムアウトとこの間隔を比べてください。",
            "watch_healthy.title": "監視中、トンネルはずっと正常でした",
            "watch_healthy.detail": "{samples} 回の測定すべてで、トンネル経由の小さな ping と最大サイズのプローブ、"
            "VPN サーバーへの ping が返り、アダプターも接続されたままでした。",
            "fix.lower_mtu.title": "最大サイズのパケットが経路に収まるようトンネルMTUを下げる",
            "fix.lower_mtu.wireguard": "WireGuard の設定の [Interface] セクションに MTU = {mtu} と書き、"
            "接続し直してください。",
            "fix.lower_mtu.linux": "または、動作中のアダプター {adapter} に設定します。",
            "fix.lower_mtu.windows": "または、動作中のアダプター {adapter} に設定します（管理者として実行）。",
            "fix.lower_mtu.macos": "または、動作中のアダプター {adapter} に設定します。",
            "fix.lower_mtu.router": "根本的な対策はネットワーク側です。ルーターやファイアウォールで ICMP の"
            "「フラグメント化が必要」「パケットが大きすぎる」メッセージを通してください。",
            "fix.lower_mtu.measure": "正しい MTU を知るには、VPN サーバーまでの経路を測定してください（全体の"
            "チェックを実行）。",
            "fix.check_network.title": "VPN ではなく手元のネットワークとインターネット回線を確認する",
            "fix.check_network.local": "Wi-Fi のアクセスポイントに近づくかケーブルで接続して、もう一度監視して"
            "ください。切断が続く場合はルーターを再起動してください。",
            "fix.check_network.isp": "ケーブル接続でも VPN サーバーへの通信が途切れる場合は、このレポートを添えて"
            "インターネット事業者にパケット損失について問い合わせてください。",
            "fix.keepalive.title": "ルーターのタイムアウトでトンネルが切れないよう通信を保つ",
            "fix.keepalive.wireguard": "WireGuard の場合、[Peer] セクションにキープアライブを追加します。",
            "fix.keepalive.support": "このレポートをサポートに送ってください。間隔から、どのタイマーを変えるべきか"
            "が分かります。",
        },
    },
)
