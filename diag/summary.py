"""A report as plain text for the terminal (`vpndiag show`)."""

from __future__ import annotations

from diag.i18n.summary import SUMMARY
from reports.i18n import Lang
from reports.model import Report


def _value(value: object, lang: Lang) -> str:
    return SUMMARY.text("unknown", lang) if value is None else str(value)


def render_text(report: Report, lang: Lang) -> str:
    t = SUMMARY.text
    s = report.system
    lines = [
        t("heading", lang, report_id=report.report_id),
        t(
            "created",
            lang,
            created_at=report.created_at.isoformat(timespec="seconds"),
            os=s.os,
            os_version=s.os_version,
            arch=s.arch,
            version=report.tool.version,
        ),
        t("privileged", lang, value=s.privileged),
        "",
        t("findings", lang),
    ]
    if not report.findings:
        lines.append(t("no_findings", lang))
    order = {"critical": 0, "warning": 1, "info": 2}
    for finding in sorted(report.findings, key=lambda f: order[f.severity.value]):
        lines.append(t("finding_line", lang, severity=finding.severity.value, title=finding.title))
    if report.fixes:
        lines += ["", t("fixes", lang)]
        for fix in report.fixes:
            lines.append(t("fix_line", lang, title=fix.title))
            for step in fix.steps:
                lines.append(t("step_line", lang, platform=step.platform, text=step.text))
                if step.command:
                    lines.append(t("command_line", lang, command=step.command))
    if report.paths:
        lines += ["", t("paths", lang)]
        for path in report.paths:
            pmtu = path.pmtu if path.pmtu is not None else t("not_measured", lang)
            lines.append(
                t(
                    "path_line",
                    lang,
                    target=path.target,
                    family=path.family,
                    role=path.role,
                    pmtu=pmtu,
                    reason=path.pmtu_reason,
                )
            )
            rtt = f"{path.rtt_ms.min:.1f}/{path.rtt_ms.avg:.1f}/{path.rtt_ms.max:.1f} ms" if path.rtt_ms else None
            loss = f"{path.loss:.0%}" if path.loss is not None else None
            lines.append(
                t(
                    "path_echo",
                    lang,
                    icmp_echo=path.icmp_echo,
                    loss=_value(loss, lang),
                    rtt=_value(rtt, lang),
                    frag_needed=path.frag_needed,
                    probes=path.probes_sent,
                    elapsed=round(path.elapsed_ms),
                )
            )
    if report.vpn:
        v = report.vpn
        lines += ["", t("vpn", lang)]
        lines.append(
            t(
                "vpn_line",
                lang,
                protocol=_value(v.protocol, lang),
                adapter=_value(v.adapter, lang),
                overhead=_value(v.overhead_bytes, lang),
                tunnel_mtu=_value(v.tunnel_mtu, lang),
                recommended_mtu=_value(v.recommended_mtu, lang),
                recommended_mss=_value(v.recommended_mss, lang),
            )
        )
    if report.adapters:
        lines += ["", t("adapters", lang)]
        for a in report.adapters:
            lines.append(
                t(
                    "adapter_line",
                    lang,
                    name=a.name,
                    kind=a.kind.value,
                    mtu=_value(a.mtu, lang),
                    state=t("up" if a.is_up else "down", lang),
                    vpn=t("vpn_mark", lang) if a.is_vpn else "",
                )
            )
    if report.tcp:
        cap = f"{report.tcp.throughput_cap_mbps:.1f}" if report.tcp.throughput_cap_mbps is not None else None
        lines += ["", t("tcp", lang)]
        lines.append(
            t(
                "tcp_line",
                lang,
                scaling=_value(report.tcp.window_scaling, lang),
                window=_value(report.tcp.max_receive_window, lang),
                cap=_value(cap, lang),
            )
        )
    failed = [c for c in report.checks if c.status != "ok"]
    if failed:
        lines += ["", t("checks", lang)]
        for c in failed:
            lines.append(t("check_line", lang, name=c.name, status=c.status, reason=_value(c.reason, lang)))
    if report.timeline:
        from diag.watch.render import timeline_lines

        lines += ["", *timeline_lines(report.timeline, lang)]
    return "\n".join(lines)
