"""Sentences of the path-MTU engine: `pmtu_reason` in reports and the answer of `vpndiag pmtu`."""

from reports.i18n import Catalog

PROBE = Catalog(
    "probe",
    {
        "en": {
            # pmtu_reason: how the MTU was found, or why it is null.
            "reason_report": "A router reported a next-hop MTU of {pmtu} bytes and a {pmtu}-byte probe confirmed it.",
            "reason_too_big": "Packets of {pmtu} bytes got through and {next} bytes was refused as too big.",
            "reason_black_hole": "Packets of {pmtu} bytes got through; {next}-byte packets vanished {losses} times "
            "with no 'fragmentation needed' message coming back.",
            "reason_ceiling": "Every size up to {pmtu} bytes, the largest this computer's interface sends, got "
            "through.",
            "reason_gave_up": "Packets of {pmtu} bytes got through, but the search reached its limit ({probes} "
            "probes, {seconds} s) before it was exact, so the path MTU is at least {pmtu} bytes.",
            "reason_gave_up_nothing": "The search reached its limit ({probes} probes, {seconds} s) before any "
            "probe came back.",
            "reason_nothing_passed": "No Don't-Fragment probe came back, not even one of {floor} bytes.",
            "reason_echo_blocked": "ICMP echo gets no answer on this path and no probe server is configured, so "
            "the path MTU could not be measured; give a probe server (--probe-server HOST:PORT) to measure it over "
            "UDP.",
            "reason_echo_blocked_icmp": "ICMP echo gets no answer on this path, so ICMP probes cannot measure the "
            "path MTU; measure it over UDP with a probe server (--method udp --probe-server HOST:PORT).",
            "reason_unreachable": "{target} is unreachable from here (no route, or an ICMP unreachable came back).",
            "reason_unresolved": "The name {target} could not be resolved; check the spelling and the DNS settings.",
            "reason_no_icmp": "This computer allows neither raw nor unprivileged ICMP sockets and has no usable "
            "ping command; run vpndiag as administrator (root).",
            "reason_no_probe_server": "UDP probing needs a probe server; give one with --probe-server HOST:PORT.",
            "reason_udp_silent": "The probe server {server} did not answer small UDP probes; check that it runs "
            "(vpndiag serve --udp-port N) and that UDP to it is allowed.",
            "reason_socket_error": "The probe could not be sent: {error}.",
            "via_udp": "{reason} (UDP probes to {server})",
            # `vpndiag pmtu` answers.
            "answer": "The path MTU to {target} ({address}) is {pmtu} bytes, found with {method} probes in {elapsed} "
            "ms ({probes} probes).",
            "answer_at_least": "The path MTU to {target} ({address}) is at least {pmtu} bytes ({method} probes, "
            "{elapsed} ms, {probes} probes); the search stopped at its limit before it was exact.",
            "pmtud_works": "Path MTU discovery works here: routers' 'fragmentation needed' messages reach this "
            "computer (reported MTU {reported} bytes).",
            "pmtud_black_hole": "This path is a PMTUD black hole: packets over {pmtu} bytes vanish without a "
            "'fragmentation needed' message, so connections that send full-size packets stall. Set the VPN "
            "tunnel's MTU to fit {pmtu} bytes, or have the network allow ICMP 'fragmentation needed'.",
            "pmtud_not_needed": "Nothing on this path is smaller than this computer's interface, so it needs no "
            "'fragmentation needed' messages.",
            "pmtud_unknown": "Whether routers' 'fragmentation needed' messages reach this computer is unknown.",
            "not_measured": "The path MTU to {target} could not be measured. {reason}",
            "echo_line": "ICMP echo: {status}, loss {loss} %, RTT {rtt_min}/{rtt_avg}/{rtt_max} ms.",
            "echo_line_silent": "ICMP echo: {status}.",
            "echo_ok": "answered",
            "echo_blocked": "no answer",
            "echo_unreachable": "unreachable",
            # Errors about the input (ProbeError).
            "error_bad_target": "'{target}' is not an IP address or a host name; give one like 203.0.113.10 or "
            "vpn.example.net.",
            "error_bad_probe_server": "The probe server '{server}' is not HOST:PORT; give it like "
            "203.0.113.10:4821 or [2001:db8::1]:4821.",
            "error_family": "{target} is an IPv{actual} address, but IPv{wanted} was asked for; drop -{wanted} or "
            "give an IPv{wanted} address.",
            "error_limits": "--max-probes must be at least 1 and --max-time more than 0 seconds.",
        },
        "ja": {
            "reason_report": "ルーターがネクストホップ MTU {pmtu} バイトを通知し、{pmtu} バイトのプローブで確認しました。",
            "reason_too_big": "{pmtu} バイトのパケットは届き、{next} バイトは大きすぎるとして拒否されました。",
            "reason_black_hole": "{pmtu} バイトのパケットは届きましたが、{next} バイトのパケットは {losses} 回とも"
            "消え、「フラグメンテーションが必要」のメッセージも返ってきませんでした。",
            "reason_ceiling": "このコンピューターのインターフェイスが送れる最大の {pmtu} バイトまで、すべてのサイズが"
            "届きました。",
            "reason_gave_up": "{pmtu} バイトのパケットは届きましたが、正確な値が決まる前に探索の上限（{probes} 個の"
            "プローブ、{seconds} 秒）に達しました。経路 MTU は少なくとも {pmtu} バイトです。",
            "reason_gave_up_nothing": "プローブが一つも返ってこないうちに探索の上限（{probes} 個のプローブ、"
            "{seconds} 秒）に達しました。",
            "reason_nothing_passed": "DF（フラグメント禁止）付きのプローブが一つも返ってきませんでした。"
            "{floor} バイトのものも届きませんでした。",
            "reason_echo_blocked": "この経路では ICMP エコーに応答がなく、プローブサーバーも設定されていないため、"
            "経路 MTU を測定できませんでした。UDP で測定するにはプローブサーバーを指定してください"
            "（--probe-server HOST:PORT）。",
            "reason_echo_blocked_icmp": "この経路では ICMP エコーに応答がないため、ICMP のプローブでは経路 MTU を"
            "測定できません。プローブサーバーを使って UDP で測定してください（--method udp --probe-server "
            "HOST:PORT）。",
            "reason_unreachable": "{target} にはここから到達できません（経路がないか、ICMP 到達不能が返ってきました）。",
            "reason_unresolved": "名前 {target} を解決できませんでした。綴りと DNS の設定を確認してください。",
            "reason_no_icmp": "このコンピューターでは raw ソケットも非特権 ICMP ソケットも使えず、使える ping "
            "コマンドもありません。vpndiag を管理者（root）として実行してください。",
            "reason_no_probe_server": "UDP での測定にはプローブサーバーが必要です。--probe-server HOST:PORT で"
            "指定してください。",
            "reason_udp_silent": "プローブサーバー {server} が小さな UDP プローブに応答しませんでした。サーバーが"
            "動いているか（vpndiag serve --udp-port N）、そこへの UDP が許可されているか確認してください。",
            "reason_socket_error": "プローブを送信できませんでした: {error}。",
            "via_udp": "{reason}（{server} への UDP プローブ）",
            "answer": "{target}（{address}）への経路 MTU は {pmtu} バイトです。{method} のプローブ {probes} 個、"
            "{elapsed} ミリ秒で求めました。",
            "answer_at_least": "{target}（{address}）への経路 MTU は少なくとも {pmtu} バイトです（{method} の"
            "プローブ {probes} 個、{elapsed} ミリ秒）。正確な値が決まる前に探索の上限に達しました。",
            "pmtud_works": "この経路では経路 MTU 探索が機能しています。ルーターからの「フラグメンテーションが必要」"
            "のメッセージがこのコンピューターに届いています（通知された MTU {reported} バイト）。",
            "pmtud_black_hole": "この経路は PMTUD ブラックホールです。{pmtu} バイトを超えるパケットは「フラグメン"
            "テーションが必要」のメッセージもなく消えるため、大きなパケットを送る接続が止まります。VPN トンネルの "
            "MTU を {pmtu} バイトに収まるよう設定するか、ネットワークで ICMP「フラグメンテーションが必要」を"
            "許可してください。",
            "pmtud_not_needed": "この経路にはこのコンピューターのインターフェイスより小さい区間がないため、"
            "「フラグメンテーションが必要」のメッセージは必要ありません。",
            "pmtud_unknown": "ルーターからの「フラグメンテーションが必要」のメッセージが届くかどうかは不明です。",
            "not_measured": "{target} への経路 MTU を測定できませんでした。{reason}",
            "echo_line": "ICMP エコー: {status}、損失 {loss} %、RTT {rtt_min}/{rtt_avg}/{rtt_max} ミリ秒。",
            "echo_line_silent": "ICMP エコー: {status}。",
            "echo_ok": "応答あり",
            "echo_blocked": "応答なし",
            "echo_unreachable": "到達不能",
            "error_bad_target": "「{target}」は IP アドレスでもホスト名でもありません。203.0.113.10 や "
            "vpn.example.net のように指定してください。",
            "error_bad_probe_server": "プローブサーバー「{server}」が HOST:PORT の形ではありません。"
            "203.0.113.10:4821 や [2001:db8::1]:4821 のように指定してください。",
            "error_family": "{target} は IPv{actual} のアドレスですが、IPv{wanted} が指定されました。-{wanted} を"
            "外すか、IPv{wanted} のアドレスを指定してください。",
            "error_limits": "--max-probes は 1 以上、--max-time は 0 秒より大きくしてください。",
        },
    },
)
