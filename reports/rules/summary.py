"""The diagnosis in one or two plain sentences, for the top of `vpndiag run`, the wizard and the staff UI."""

from __future__ import annotations

from reports.i18n import Catalog, Lang
from reports.model import PathResult, Report, Severity

MESSAGES = Catalog(
    "rules.summary",
    {
        "en": {
            "healthy": "No problems found: your connection looks healthy.",
            "healthy_partial": "No problems found in the checks that could run, but some could not (see below).",
            "nothing_probed": "No VPN server or address was given, so the connection itself was not tested.",
            "problem": "Main problem: {title}.",
            "first_fix": "What to do first: {fix}.",
            "more": "Found {count} problems in all; details and steps follow.",
            "path_mtu": "The largest packet that reaches {target} is {pmtu} bytes.",
            "path_mtu_unknown": "The largest packet size to {target} could not be measured.",
        },
        "ja": {
            "healthy": "問題は見つかりませんでした。接続は正常のようです。",
            "healthy_partial": "実行できたチェックでは問題は見つかりませんでしたが、実行できなかったチェックがあります（下記参照）。",
            "nothing_probed": "VPNサーバーも調べるアドレスも指定されていないため、接続そのものは調べていません。",
            "problem": "主な問題: {title}。",
            "first_fix": "まず行うこと: {fix}。",
            "more": "全部で{count}件の問題が見つかりました。詳しい内容と手順は以下のとおりです。",
            "path_mtu": "{target} まで届くパケットの最大サイズは{pmtu}バイトです。",
            "path_mtu_unknown": "{target} まで届くパケットの最大サイズは測れませんでした。",
        },
    },
)

_ROLE_ORDER = {"underlay": 0, "tunnel": 1, "target": 2}


def _main_path(report: Report) -> PathResult | None:
    if not report.paths:
        return None
    return sorted(report.paths, key=lambda p: (_ROLE_ORDER[p.role], p.pmtu is None))[0]


def diagnosis_lines(report: Report, lang: Lang) -> list[str]:
    """What is wrong and what to do first, then the measured path MTU as a number."""
    t = MESSAGES.text
    problems = [f for f in report.findings if f.severity != Severity.info]
    lines: list[str] = []
    if not problems:
        incomplete = any(c.status in ("failed", "timeout", "needs_privileges") for c in report.checks)
        lines.append(t("healthy_partial" if incomplete else "healthy", lang))
        if not report.paths:
            lines.append(t("nothing_probed", lang))
    else:
        top = problems[0]
        lines.append(t("problem", lang, title=top.title.rstrip("。.")))
        first_fix = next((fix for fix in report.fixes if top.id in fix.finding_ids), None)
        first_fix = first_fix or (report.fixes[0] if report.fixes else None)
        if first_fix is not None:
            lines.append(t("first_fix", lang, fix=first_fix.title.rstrip("。.")))
        if len(problems) > 1:
            lines.append(t("more", lang, count=len(problems)))
    path = _main_path(report)
    if path is not None:
        if path.pmtu is not None:
            lines.append(t("path_mtu", lang, target=path.target, pmtu=path.pmtu))
        else:
            lines.append(t("path_mtu_unknown", lang, target=path.target))
    return lines
