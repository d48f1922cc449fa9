"""Messages of sending reports: the upload client, the outbox and `vpndiag upload`."""

from reports.i18n import Catalog

UPLOAD = Catalog(
    "upload",
    {
        "en": {
            "ca_bundle_unreadable": "The CA bundle {path} could not be read ({error}). Check the path given with "
            "--ca-bundle or in the provider profile.",
            "timeout": "The support server at {url} did not answer in time.",
            "unreachable": "The support server at {url} could not be reached ({error}).",
            "tls_failed": "The support server at {url} could not prove its identity ({error}). If your provider uses "
            "its own certificate authority, pass its CA bundle with --ca-bundle; on a hotel or café network, log in "
            "to the network first.",
            "bad_answer": "The support server at {url} answered HTTP {status} without a reference. Please tell support.",
            "busy": "The support server at {url} is busy (HTTP {status}).",
            "busy_later": "The support server at {url} asks to wait {seconds} seconds before sending again.",
            "server_error": "The support server at {url} had an internal error (HTTP {status}).",
            "too_large": "The support server refused the report because it is too large ({size} bytes compressed). "
            "Export it with `vpndiag export FILE --format html` and send the file to support by e-mail.",
            "not_allowed": "The support server at {url} did not accept this tool's key (HTTP {status}). Check the "
            "ingest key in your provider's profile.",
            "invalid": "The support server refused the report as invalid: {detail}. Update vpndiag and run the "
            "diagnosis again.",
            "refused": "The support server at {url} refused the report (HTTP {status}). Please tell support.",
            "not_redacted": "This report has not been redacted, and vpndiag sends only redacted reports. Send it with "
            "`vpndiag upload FILE`, which redacts it first.",
            "bad_endpoint": "{endpoint} is not an http:// or https:// address. Check --endpoint or the provider "
            "profile.",
            "gave_up": "The report could not be sent after {attempts} attempts: {reason}",
            "sent": "The report was sent. Your reference is {reference}; please quote it when you contact support.",
            "sent_again": "Support already had this report. Your reference is {reference}.",
            "queued": "The report could not be sent now and is kept in the outbox: {path}. Send it later with "
            "`vpndiag upload --pending`.",
            "no_endpoint": "No support server is configured. Pass --endpoint URL, or use your provider's profile "
            "(--profile PATH).",
            "public_ip_removed": "Your public IP address was removed from the report; add --include-public-ip if "
            "support asks for it.",
            "pending_none": "Nothing is waiting in the outbox ({path}).",
            "pending_sent": "{name}: sent, reference {reference}.",
            "pending_kept": "{name}: still not sent ({reason}); it stays in the outbox.",
            "pending_rejected": "{name}: the server refused it ({reason}); it was moved to {path}.",
            "pending_invalid": "{name}: not a readable report ({reason}); it was moved to {path}.",
            "pending_hint": "Reports waiting in the outbox: {count}. Send them with `vpndiag upload --pending`.",
            "outbox_busy": "Another vpndiag is sending the outbox ({path}) right now. Try again in a minute.",
            "outbox_unwritable": "The outbox {path} cannot be written ({error}). Set VPNDIAG_DATA_DIR to a folder "
            "you can write to.",
        },
        "ja": {
            "ca_bundle_unreadable": "CA バンドル {path} を読み込めませんでした（{error}）。--ca-bundle または"
            "プロバイダーのプロファイルで指定したパスを確認してください。",
            "timeout": "サポートサーバー {url} から時間内に応答がありませんでした。",
            "unreachable": "サポートサーバー {url} に接続できませんでした（{error}）。",
            "tls_failed": "サポートサーバー {url} の身元を確認できませんでした（{error}）。プロバイダーが独自の"
            "認証局を使っている場合は --ca-bundle でその CA バンドルを指定してください。ホテルやカフェのネットワーク"
            "では、先にネットワークへのログインを済ませてください。",
            "bad_answer": "サポートサーバー {url} は HTTP {status} を返しましたが、受付番号がありませんでした。"
            "サポートにお知らせください。",
            "busy": "サポートサーバー {url} が混み合っています（HTTP {status}）。",
            "busy_later": "サポートサーバー {url} から、再送まで {seconds} 秒待つよう求められました。",
            "server_error": "サポートサーバー {url} で内部エラーが発生しました（HTTP {status}）。",
            "too_large": "レポートが大きすぎるため、サポートサーバーに受け付けられませんでした（圧縮後 {size} "
            "バイト）。`vpndiag export FILE --format html` で書き出し、そのファイルをメールでサポートに送ってください。",
            "not_allowed": "サポートサーバー {url} はこのツールのキーを受け付けませんでした（HTTP {status}）。"
            "プロバイダーのプロファイルの送信キーを確認してください。",
            "invalid": "レポートが不正な形式としてサポートサーバーに拒否されました: {detail}。vpndiag を更新して"
            "もう一度診断してください。",
            "refused": "サポートサーバー {url} がレポートを拒否しました（HTTP {status}）。サポートにお知らせください。",
            "not_redacted": "このレポートは匿名化されていません。vpndiag は匿名化したレポートだけを送信します。"
            "先に匿名化を行う `vpndiag upload FILE` で送信してください。",
            "bad_endpoint": "{endpoint} は http:// または https:// のアドレスではありません。--endpoint または"
            "プロファイルを確認してください。",
            "gave_up": "{attempts} 回試しましたが、レポートを送信できませんでした: {reason}",
            "sent": "レポートを送信しました。受付番号は {reference} です。サポートへのお問い合わせの際にお伝えください。",
            "sent_again": "このレポートはすでにサポートに届いています。受付番号は {reference} です。",
            "queued": "レポートを今は送信できなかったため、送信待ちフォルダーに保存しました: {path}。後で "
            "`vpndiag upload --pending` で送信してください。",
            "no_endpoint": "サポートサーバーが設定されていません。--endpoint URL を指定するか、プロバイダーの"
            "プロファイル（--profile PATH）を使ってください。",
            "public_ip_removed": "グローバル IP アドレスはレポートから削除しました。サポートから求められた場合は "
            "--include-public-ip を付けてください。",
            "pending_none": "送信待ちのレポートはありません（{path}）。",
            "pending_sent": "{name}: 送信しました。受付番号 {reference}。",
            "pending_kept": "{name}: まだ送信できません（{reason}）。送信待ちフォルダーに残します。",
            "pending_rejected": "{name}: サーバーに拒否されました（{reason}）。{path} に移動しました。",
            "pending_invalid": "{name}: レポートとして読み込めません（{reason}）。{path} に移動しました。",
            "pending_hint": "送信待ちのレポートが {count} 件あります。`vpndiag upload --pending` で送信してください。",
            "outbox_busy": "別の vpndiag が送信待ちフォルダー（{path}）を送信中です。1 分ほどしてからもう一度"
            "お試しください。",
            "outbox_unwritable": "送信待ちフォルダー {path} に書き込めません（{error}）。書き込めるフォルダーを "
            "VPNDIAG_DATA_DIR に設定してください。",
        },
    },
)
