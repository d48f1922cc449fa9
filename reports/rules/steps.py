"""Per-platform fix steps: the sentence a person reads and the command they copy, with this report's numbers and
adapter names filled in. Families call these; they never build commands themselves."""

from __future__ import annotations

from reports.i18n import Catalog
from reports.model import Adapter, AdapterKind
from reports.rules import commands
from reports.rules._model import Msg, Step
from reports.rules.facts import Facts

STEPS = Catalog(
    "rules.steps",
    {
        "en": {
            "win_netsh_v4": "Open Command Prompt as administrator (right-click it and choose “Run as administrator”) "
            "and run this to set the IPv4 MTU of “{adapter}” to {mtu}:",
            "win_netsh_v6": "Run this too, so IPv6 uses the same MTU:",
            "win_name_unquotable": "Open Control Panel > Network Connections and note the exact name of the adapter "
            "“{adapter}”; then, as administrator, run “netsh interface ipv4 set subinterface” with that name and "
            "mtu={mtu} store=persistent.",
            "wireguard_app_config": "In the WireGuard app, edit the tunnel and add this line under [Interface], so "
            "the MTU stays {mtu} after reconnecting:",
            "wg_quick_config": "To keep the MTU at {mtu}, add this line under [Interface] in "
            "/etc/wireguard/{adapter}.conf, then restart the tunnel with wg-quick down and wg-quick up:",
            "openvpn_config": "Add these lines to your OpenVPN configuration file (.ovpn), then reconnect the VPN:",
            "mac_ifconfig_tunnel": "Open Terminal and run this. It works at once, but only until the VPN reconnects:",
            "mac_networksetup": "Open Terminal and run this to set the MTU of {adapter} to {mtu}; it is kept after "
            "a restart:",
            "linux_ip_link": "Run this to set the MTU of {adapter} to {mtu} now:",
            "linux_nmcli": "To keep it after a restart on a system with NetworkManager, run:",
            "linux_mtu_probing": "Run this so TCP connections notice lost large packets and retry with smaller ones, "
            "now and after a restart (it helps TCP, not the VPN tunnel itself):",
            "phone_mtu": "Phones and tablets (Android, iPhone, iPad) do not let you change the MTU. Send this report "
            "to support: the VPN service can give you a profile with MTU {mtu}, lower the MTU on its server, or "
            "suggest another protocol.",
            "server_mtu": "For support staff: give this customer a tunnel MTU of {mtu} (app profile: Android "
            "VpnService.Builder.setMtu, iOS NEPacketTunnelNetworkSettings.mtu; or on the VPN server), or clamp the "
            "TCP MSS to {mss} on the VPN server.",
            "router_icmp_explain": "Whoever manages the router or firewall (at home that is you; in a hotel, office "
            "or school, their network staff) should let ICMP “fragmentation needed” (type 3, code 4) and ICMPv6 "
            "“packet too big” (type 2) messages through. Without them, no device on this network can find the "
            "right packet size by itself.",
            "router_iptables": "On a Linux router that uses iptables:",
            "router_nftables": "On a Linux router that uses nftables (use your own table and chain names):",
            "router_mikrotik": "On a MikroTik router (RouterOS terminal):",
            "mss_explain": "On the router or the VPN server, lower the maximum segment size (MSS) of TCP connections "
            "to {mss} bytes for IPv4 and {mss_v6} bytes for IPv6, so TCP packets fit the path even when PMTUD "
            "fails.",
            "server_mss": "For support staff: clamp the TCP MSS to {mss} (IPv4) and {mss_v6} (IPv6) on the VPN "
            "server's tunnel interface; this helps phones and tablets too.",
            "win_autotuning": "Open Command Prompt as administrator and run this to turn the automatic tuning of the "
            "TCP receive window back on:",
            "win_registry_delete": "Then delete the old tuning values from the registry and restart the computer:",
            "mac_rfc1323": "Open Terminal and run this. If an old tuning guide added net.inet.tcp.rfc1323 to "
            "/etc/sysctl.conf, remove that line too:",
            "linux_window_scaling": "Run this to turn window scaling on now and keep it on after a restart:",
            "linux_rmem": "Run this to let the receive window grow to {size_mib} MiB, now and after a restart:",
            "mac_rcvbuf": "Open Terminal and run this to let the receive window grow to {size_mib} MiB:",
            "run_as_admin_windows": "Close vpndiag, right-click Command Prompt, choose “Run as administrator”, and "
            "run the check again:",
            "run_as_admin_posix": "Run the check again with administrator rights:",
            "linux_ping_group": "Or let ordinary users send ping and probe packets (Linux ping sockets) and run the "
            "check again without sudo:",
            "measure_over_udp": "Ask support for the address of the probe server and run the check again with "
            "--probe-server ADDRESS:PORT; it measures the packet size over UDP, without ping.",
            "try_lower_mtu_test": "Until then, as a test, set the VPN adapter's MTU to {mtu}: if the drops stop, "
            "the packet size was the problem.",
            "check_link": "Check that the cable is plugged in or that Wi-Fi is connected, then restart the router "
            "(unplug it for 30 seconds).",
            "check_other_network": "If it still fails, try another network (for example a phone's hotspot) to see "
            "whether the problem is this network.",
            "connect_vpn": "Connect the VPN in your VPN app, then run the check again so the tunnel itself can be "
            "tested.",
            "improve_link": "Use a cable instead of Wi-Fi, or move closer to the Wi-Fi router, and pause large "
            "downloads or video on other devices.",
            "choose_near_server": "Choose a VPN server closer to where you are.",
            "prefer_udp": "Your VPN runs over TCP, which slows down badly when packets are lost; choose a UDP "
            "connection (for example OpenVPN over UDP or WireGuard) if your app offers it.",
            "reconnect_vpn_route": "Disconnect and reconnect the VPN; if it happens again, reinstall the VPN app or "
            "send this report to support.",
            "add_host_route": "As an immediate repair, send traffic to the VPN server through your normal "
            "connection with this command:",
            "retry_checks": "Run the check again; if the same checks fail again, send this report to support.",
        },
        "ja": {
            "win_netsh_v4": "コマンドプロンプトを管理者として開き（右クリックして「管理者として実行」を選びます）、"
            "次のコマンドで「{adapter}」のIPv4のMTUを{mtu}にします。",
            "win_netsh_v6": "IPv6でも同じMTUになるよう、次のコマンドも実行します。",
            "win_name_unquotable": "コントロールパネルの「ネットワーク接続」でアダプター「{adapter}」の正確な名前を確認し、"
            "管理者として「netsh interface ipv4 set subinterface」をその名前と mtu={mtu} store=persistent "
            "を付けて実行します。",
            "wireguard_app_config": "WireGuardアプリでトンネルを編集し、[Interface] の下に次の行を加えます。"
            "こうすると接続し直してもMTUは{mtu}のままになります。",
            "wg_quick_config": "MTUを{mtu}のまま保つには、/etc/wireguard/{adapter}.conf の [Interface] の下に次の行を加え、"
            "wg-quick down と wg-quick up でトンネルを起動し直します。",
            "openvpn_config": "OpenVPNの設定ファイル（.ovpn）に次の行を加え、VPNを接続し直します。",
            "mac_ifconfig_tunnel": "ターミナルを開いて次のコマンドを実行します。すぐに効きますが、"
            "VPNを接続し直すと元に戻ります。",
            "mac_networksetup": "ターミナルを開き、次のコマンドで {adapter} のMTUを{mtu}にします。"
            "再起動しても設定は残ります。",
            "linux_ip_link": "次のコマンドで {adapter} のMTUをすぐに{mtu}にします。",
            "linux_nmcli": "NetworkManagerを使っている場合、再起動後も設定を残すには次のコマンドを実行します。",
            "linux_mtu_probing": "次のコマンドを実行すると、TCP接続が大きなパケットの消失に気づき、小さなパケットで"
            "送り直すようになります（再起動後も有効です。TCPには効きますが、VPNのトンネルそのものには効きません）。",
            "phone_mtu": "スマートフォンやタブレット（Android、iPhone、iPad）では、MTUを自分で変更できません。"
            "このレポートをサポートへ送ってください。VPNサービス側で、MTUを{mtu}にした接続プロファイルの用意、"
            "サーバー側でのMTUの引き下げ、別のプロトコルのご案内などの対応ができます。",
            "server_mtu": "サポート担当者向け: このお客様のトンネルMTUを{mtu}にしてください（アプリのプロファイル: "
            "Android は VpnService.Builder.setMtu、iOS は NEPacketTunnelNetworkSettings.mtu。またはVPNサーバー側）。"
            "VPNサーバーでTCPのMSSを{mss}に制限する方法もあります。",
            "router_icmp_explain": "ルーターやファイアウォールの管理者（ご自宅ならご自身、ホテル・会社・学校なら"
            "そのネットワークの担当者）に、ICMPの「フラグメント化が必要」（タイプ3、コード4）とICMPv6の"
            "「パケットが大きすぎる」（タイプ2）のメッセージを通すよう設定してもらってください。"
            "これが届かないと、このネットワークの機器はどれも適切なパケットサイズを自分で見つけられません。",
            "router_iptables": "iptables を使うLinuxルーターの場合:",
            "router_nftables": "nftables を使うLinuxルーターの場合（テーブル名とチェーン名はお使いのものに合わせます）:",
            "router_mikrotik": "MikroTikルーターの場合（RouterOSのターミナル）:",
            "mss_explain": "ルーターまたはVPNサーバーで、通過するTCP接続の最大セグメントサイズ（MSS）を"
            "IPv4では{mss}バイト、IPv6では{mss_v6}バイトに制限します。こうするとPMTUDが働かなくても"
            "TCPのパケットが経路に収まります。",
            "server_mss": "サポート担当者向け: VPNサーバーのトンネル側インターフェースで、TCPのMSSを"
            "{mss}（IPv4）と{mss_v6}（IPv6）に制限してください。スマートフォンやタブレットのお客様にも効果があります。",
            "win_autotuning": "コマンドプロンプトを管理者として開き、次のコマンドでTCP受信ウィンドウの"
            "自動調整を元に戻します。",
            "win_registry_delete": "続いて、レジストリに残っている古いチューニング値を次のコマンドで削除し、"
            "パソコンを再起動します。",
            "mac_rfc1323": "ターミナルを開いて次のコマンドを実行します。古いチューニング手順で /etc/sysctl.conf に "
            "net.inet.tcp.rfc1323 を書き込んでいた場合は、その行も削除します。",
            "linux_window_scaling": "次のコマンドでウィンドウスケーリングを有効にし、再起動後も有効のままにします。",
            "linux_rmem": "次のコマンドで、受信ウィンドウが{size_mib} MiBまで広がるようにします（再起動後も有効です）。",
            "mac_rcvbuf": "ターミナルを開き、次のコマンドで受信ウィンドウが{size_mib} MiBまで広がるようにします。",
            "run_as_admin_windows": "vpndiag を閉じ、コマンドプロンプトを右クリックして「管理者として実行」を選び、"
            "もう一度チェックを実行します。",
            "run_as_admin_posix": "管理者権限でもう一度チェックを実行します。",
            "linux_ping_group": "または、一般ユーザーでもpingや測定用のパケットを送れるようにして（Linuxのping"
            "ソケット）、sudo なしでもう一度実行します。",
            "measure_over_udp": "サポートに測定用サーバーのアドレスを問い合わせ、--probe-server アドレス:ポート を付けて"
            "もう一度チェックを実行してください。pingを使わずにUDPでパケットサイズを測れます。",
            "try_lower_mtu_test": "それまでの間、試しにVPNアダプターのMTUを{mtu}にしてみてください。"
            "切断が止まれば、パケットサイズが原因だったと分かります。",
            "check_link": "LANケーブルが挿さっているか、Wi-Fiにつながっているかを確認し、ルーターを再起動します"
            "（電源を抜いて30秒待ちます）。",
            "check_other_network": "それでもつながらない場合は、別のネットワーク（スマートフォンのテザリングなど）で"
            "試し、このネットワークに原因があるかどうかを確かめます。",
            "connect_vpn": "VPNアプリでVPNに接続してから、もう一度チェックを実行してください。"
            "トンネルそのものを調べられます。",
            "improve_link": "Wi-Fiではなく有線で接続するか、Wi-Fiルーターの近くに移動し、ほかの機器での大きな"
            "ダウンロードや動画の再生を止めてみてください。",
            "choose_near_server": "今いる場所に近いVPNサーバーを選んでください。",
            "prefer_udp": "お使いのVPNはTCPで通信しているため、パケットが失われると大きく遅くなります。"
            "アプリで選べる場合は、UDPの接続（OpenVPNのUDPやWireGuardなど）を選んでください。",
            "reconnect_vpn_route": "VPNをいったん切断して接続し直してください。再び起きる場合は、VPNアプリを"
            "入れ直すか、このレポートをサポートへ送ってください。",
            "add_host_route": "応急処置として、次のコマンドでVPNサーバー宛ての通信を通常の回線に通します。",
            "retry_checks": "もう一度チェックを実行してください。同じチェックがまた失敗する場合は、"
            "このレポートをサポートへ送ってください。",
        },
    },
)


def say(key: str, **fields: object) -> Msg:
    return Msg(STEPS, key, fields)


def _is_wireguard(facts: Facts, adapter: Adapter) -> bool:
    return adapter.kind == AdapterKind.wireguard or (facts.protocol or "").startswith("wireguard")


def _is_openvpn(facts: Facts, adapter: Adapter) -> bool:
    return adapter.kind in (AdapterKind.openvpn_tun, AdapterKind.openvpn_tap) or (facts.protocol or "").startswith(
        "openvpn"
    )


def _windows_mtu(adapter: Adapter, mtu: int) -> list[Step]:
    v4 = commands.netsh_set_mtu(adapter.name, mtu, 4)
    if v4 is None:
        return [Step("windows", say("win_name_unquotable", adapter=adapter.name, mtu=mtu))]
    steps = [Step("windows", say("win_netsh_v4", adapter=adapter.name, mtu=mtu), v4)]
    if mtu >= commands.IPV6_MIN_MTU:
        steps.append(Step("windows", say("win_netsh_v6"), commands.netsh_set_mtu(adapter.name, mtu, 6)))
    return steps


def tunnel_mtu_steps(facts: Facts, adapter: Adapter, mtu: int, mss: int) -> list[Step]:
    """Lower a VPN adapter's MTU: the lasting setting in the VPN's own configuration, the immediate command, then
    what phones and the provider can do."""
    wireguard = _is_wireguard(facts, adapter)
    openvpn = _is_openvpn(facts, adapter)
    steps: list[Step] = []
    for platform in facts.platforms:
        if openvpn:
            config = commands.openvpn_config_lines(mtu, facts.underlay_pmtu)
            steps.append(Step(platform, say("openvpn_config"), config))
        if platform == "windows":
            if wireguard:
                line = commands.wireguard_config_line(mtu)
                steps.append(Step("windows", say("wireguard_app_config", mtu=mtu), line))
            steps += _windows_mtu(adapter, mtu)
        elif platform == "macos":
            if wireguard:
                line = commands.wireguard_config_line(mtu)
                steps.append(Step("macos", say("wireguard_app_config", mtu=mtu), line))
            steps.append(Step("macos", say("mac_ifconfig_tunnel"), commands.macos_ifconfig_mtu(adapter.name, mtu)))
        elif platform == "linux":
            steps.append(
                Step(
                    "linux",
                    say("linux_ip_link", adapter=adapter.name, mtu=mtu),
                    commands.linux_ip_link_mtu(adapter.name, mtu),
                )
            )
            if wireguard:
                line = commands.wireguard_config_line(mtu)
                steps.append(Step("linux", say("wg_quick_config", mtu=mtu, adapter=adapter.name), line))
    steps += phone_and_server_steps(mtu, mss)
    return steps


def phone_and_server_steps(mtu: int, mss: int) -> list[Step]:
    return [
        Step("android", say("phone_mtu", mtu=mtu)),
        Step("ios", say("phone_mtu", mtu=mtu)),
        Step("server", say("server_mtu", mtu=mtu, mss=mss)),
    ]


def adapter_mtu_steps(facts: Facts, adapter: Adapter, mtu: int) -> list[Step]:
    """Lower a physical adapter's MTU (when no VPN adapter is there to lower)."""
    steps: list[Step] = []
    for platform in facts.platforms:
        if platform == "windows":
            steps += _windows_mtu(adapter, mtu)
        elif platform == "macos":
            command = commands.macos_networksetup_mtu(adapter.name, mtu)
            steps.append(Step("macos", say("mac_networksetup", adapter=adapter.name, mtu=mtu), command))
        elif platform == "linux":
            steps.append(
                Step(
                    "linux",
                    say("linux_ip_link", adapter=adapter.name, mtu=mtu),
                    commands.linux_ip_link_mtu(adapter.name, mtu),
                )
            )
            wifi = adapter.kind == AdapterKind.wifi
            steps.append(Step("linux", say("linux_nmcli"), commands.linux_nmcli_mtu(adapter.name, mtu, wifi)))
    return steps


def allow_icmp_steps() -> list[Step]:
    return [
        Step("router", say("router_icmp_explain")),
        Step("router", say("router_iptables"), commands.allow_icmp_iptables()),
        Step("router", say("router_nftables"), commands.allow_icmp_nftables()),
        Step("router", say("router_mikrotik"), commands.allow_icmp_mikrotik()),
    ]


def clamp_mss_steps(mss: int, mss_v6: int) -> list[Step]:
    return [
        Step("router", say("mss_explain", mss=mss, mss_v6=mss_v6)),
        Step("router", say("router_iptables"), commands.clamp_mss_iptables(mss, mss_v6)),
        Step("router", say("router_nftables"), commands.clamp_mss_nftables(mss, mss_v6)),
        Step("router", say("router_mikrotik"), commands.clamp_mss_mikrotik(mss, mss_v6)),
        Step("server", say("server_mss", mss=mss, mss_v6=mss_v6)),
    ]
