"""Findings about the run itself: checks that needed administrator rights, checks that failed or ran out of time.

They tell the customer and support what is missing from the report and how to get it, so an absent measurement is
never mistaken for a healthy one.
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.i18n import Catalog
from reports.model import Severity
from reports.rules import steps
from reports.rules._model import RANK_ADVICE, Msg, Observation, Remedy, Step
from reports.rules.facts import Facts

# Linux ping sockets for every group (man 7 icmp, net.ipv4.ping_group_range): lets the probes run without root.
PING_GROUP_COMMAND = 'sudo sysctl -w net.ipv4.ping_group_range="0 2147483647"'
# The name `vpndiag run` gives its resolver check (diag/run.py): names are resolved once, before the others.
DNS_CHECK = "dns"
# ... and the check at its end that the VPN adapters seen at the start are still up.
VPN_STILL_UP_CHECK = "vpn_still_up"
WATCH_COMMAND = "vpndiag watch --minutes 10"

MESSAGES = Catalog(
    "rules.checks",
    {
        "en": {
            "insufficient_privileges.title": "Some checks need administrator rights",
            "insufficient_privileges.detail": "These checks could not run without administrator rights, so their "
            "results are missing from this report: {checks}.",
            "checks_incomplete.title": "Some checks did not finish",
            "checks_incomplete.detail": "These checks failed or ran out of time, so their results are missing "
            "from this report: {checks}.",
            "fix.run_as_admin.title": "Run the check again with administrator rights",
            "fix.retry_checks.title": "Run the check again",
            "names_unresolved.title": "Host names could not be looked up (DNS)",
            "names_unresolved.detail": "Some host names could not be turned into addresses, so the paths to them "
            "were not measured: {reason}.",
            "fix.check_dns.title": "Check the name and your DNS",
            "fix.check_dns.spelling": "Check the spelling of the name (for the VPN server: as your VPN app or "
            "provider shows it).",
            "fix.check_dns.resolver": "If websites do not open by name either, your DNS server is not answering: "
            "restart your router, or reconnect to the network, then run the check again.",
            "vpn_dropped.title": "The VPN dropped during the checks",
            "vpn_dropped.detail": "The VPN was connected when the checks started but not when they ended: {reason}.",
            "fix.watch_vpn.title": "Record when the VPN drops",
            "fix.watch_vpn.step": "Reconnect the VPN, then let vpndiag watch it for ten minutes; it notes each drop "
            "and what the network did just before:",
        },
        "ja": {
            "insufficient_privileges.title": "一部のチェックには管理者権限が必要です",
            "insufficient_privileges.detail": "次のチェックは管理者権限がないと実行できないため、"
            "このレポートには結果が含まれていません: {checks}。",
            "checks_incomplete.title": "一部のチェックが完了しませんでした",
            "checks_incomplete.detail": "次のチェックは失敗したか時間切れになったため、"
            "このレポートには結果が含まれていません: {checks}。",
            "fix.run_as_admin.title": "管理者権限でもう一度チェックする",
            "fix.retry_checks.title": "もう一度チェックする",
            "names_unresolved.title": "ホスト名を調べられませんでした（DNS）",
            "names_unresolved.detail": "いくつかのホスト名をアドレスに変換できなかったため、"
            "その宛先までの経路は測定していません: {reason}。",
            "fix.check_dns.title": "名前とDNSを確認する",
            "fix.check_dns.spelling": "名前のつづりを確認してください（VPNサーバーの場合は、VPNアプリやプロバイダーの"
            "表示どおりか）。",
            "fix.check_dns.resolver": "Webサイトも名前で開けない場合は、DNSサーバーが応答していません。"
            "ルーターを再起動するか、ネットワークに接続し直してから、もう一度チェックしてください。",
            "vpn_dropped.title": "チェックの途中でVPNが切断されました",
            "vpn_dropped.detail": "チェックの開始時にはVPNに接続されていましたが、終了時には切断されていました: "
            "{reason}。",
            "fix.watch_vpn.title": "VPNが切断されるタイミングを記録する",
            "fix.watch_vpn.step": "VPNに接続し直してから、vpndiagで10分間見守ります。切断のたびに、その直前の"
            "ネットワークの様子を記録します。",
        },
    },
)


def _msg(key: str, **fields: object) -> Msg:
    return Msg(MESSAGES, key, fields)


def _names(facts: Facts, statuses: tuple[str, ...]) -> list[str]:
    return [c.name for c in facts.report.checks if c.status in statuses]


def observe(facts: Facts) -> list[Observation]:
    found: list[Observation] = []
    unprivileged = _names(facts, ("needs_privileges",))
    if unprivileged:
        checks = ", ".join(unprivileged)
        path_mtu_missing = any(name.startswith("pmtu") for name in unprivileged)
        found.append(
            Observation(
                id="insufficient_privileges",
                severity=Severity.warning if path_mtu_missing else Severity.info,
                confidence=1.0,
                evidence={
                    "checks": checks,
                    "privileged": facts.report.system.privileged,
                    "reasons": "; ".join(
                        f"{c.name}: {c.reason}" for c in facts.report.checks if c.name in unprivileged and c.reason
                    ),
                },
                title=_msg("insufficient_privileges.title"),
                detail=_msg("insufficient_privileges.detail", checks=checks),
            )
        )
    # The resolver's check has a finding of its own (and a fix that says what to do about DNS).
    unresolved = [c for c in facts.report.checks if c.name == DNS_CHECK and c.status in ("failed", "timeout")]
    if unresolved:
        found.append(
            Observation(
                id="names_unresolved",
                severity=Severity.warning,
                confidence=1.0,
                evidence={"status": unresolved[0].status, "reason": unresolved[0].reason},
                title=_msg("names_unresolved.title"),
                detail=_msg("names_unresolved.detail", reason=unresolved[0].reason or unresolved[0].status),
            )
        )
    dropped = [c for c in facts.report.checks if c.name == VPN_STILL_UP_CHECK and c.status == "failed"]
    if dropped:
        found.append(
            Observation(
                id="vpn_dropped",
                severity=Severity.warning,
                confidence=1.0,
                evidence={"reason": dropped[0].reason},
                title=_msg("vpn_dropped.title"),
                detail=_msg("vpn_dropped.detail", reason=dropped[0].reason or dropped[0].status),
            )
        )
    own_findings = (DNS_CHECK, VPN_STILL_UP_CHECK)
    incomplete = [name for name in _names(facts, ("failed", "timeout")) if name not in own_findings]
    if incomplete:
        checks = ", ".join(incomplete)
        found.append(
            Observation(
                id="checks_incomplete",
                severity=Severity.info,
                confidence=1.0,
                evidence={
                    "checks": checks,
                    "statuses": ", ".join(f"{c.name}={c.status}" for c in facts.report.checks if c.name in incomplete),
                },
                title=_msg("checks_incomplete.title"),
                detail=_msg("checks_incomplete.detail", checks=checks),
            )
        )
    return found


def remedies(facts: Facts, found: Mapping[str, Observation]) -> list[Remedy]:
    out: list[Remedy] = []
    if "insufficient_privileges" in found:
        admin: list[Step] = []
        for platform in facts.platforms:
            if platform == "windows":
                admin.append(Step("windows", steps.say("run_as_admin_windows"), "vpndiag run"))
            else:
                admin.append(Step(platform, steps.say("run_as_admin_posix"), "sudo vpndiag run"))
            if platform == "linux":
                admin.append(Step("linux", steps.say("linux_ping_group"), PING_GROUP_COMMAND))
        out.append(
            Remedy(
                id="run_as_admin",
                finding_ids=("insufficient_privileges",),
                title=_msg("fix.run_as_admin.title"),
                steps=tuple(admin),
                rank=RANK_ADVICE,
            )
        )
    if "names_unresolved" in found:
        out.append(
            Remedy(
                id="check_dns",
                finding_ids=("names_unresolved",),
                title=_msg("fix.check_dns.title"),
                steps=(Step("any", _msg("fix.check_dns.spelling")), Step("any", _msg("fix.check_dns.resolver"))),
                rank=RANK_ADVICE,
            )
        )
    if "vpn_dropped" in found:
        out.append(
            Remedy(
                id="watch_vpn",
                finding_ids=("vpn_dropped",),
                title=_msg("fix.watch_vpn.title"),
                steps=(Step("any", _msg("fix.watch_vpn.step"), WATCH_COMMAND),),
                rank=RANK_ADVICE,
            )
        )
    if "checks_incomplete" in found:
        out.append(
            Remedy(
                id="retry_checks",
                finding_ids=("checks_incomplete",),
                title=_msg("fix.retry_checks.title"),
                steps=(Step("any", steps.say("retry_checks")),),
                rank=RANK_ADVICE,
            )
        )
    return out
