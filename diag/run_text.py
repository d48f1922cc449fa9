"""`vpndiag run`'s answer for a person: the diagnosis in plain words first, then findings, then what to do, then the
main measurements."""

from __future__ import annotations

from diag.i18n.run import RUN
from reports.i18n import Lang
from reports.model import EvidenceValue, FixStep, Report
from reports.rules.summary import diagnosis_lines
from reports.rules.tunnel import protocol_name


def _evidence(evidence: dict[str, EvidenceValue]) -> str:
    return ", ".join(f"{key}={value}" for key, value in evidence.items() if value is not None)


def _grouped(steps: list[FixStep]) -> list[tuple[list[str], FixStep]]:
    """Neighbouring steps that say the same for several platforms (Android and iOS) are shown once."""
    groups: list[tuple[list[str], FixStep]] = []
    for step in steps:
        if groups and groups[-1][1].text == step.text and groups[-1][1].command == step.command:
            groups[-1][0].append(step.platform)
        else:
            groups.append(([step.platform], step))
    return groups


def render_run(report: Report, lang: Lang) -> str:
    t = RUN.text
    lines = [t("heading.diagnosis", lang), *(f"  {line}" for line in diagnosis_lines(report, lang))]
    if report.findings:
        lines += ["", t("heading.findings", lang)]
        for finding in report.findings:
            severity = t(f"severity.{finding.severity.value}", lang)
            lines.append(t("finding_line", lang, severity=severity, title=finding.title))
            lines.append(f"    {finding.detail}")
            lines.append(t("evidence_line", lang, evidence=_evidence(finding.evidence)))
    if report.fixes:
        lines += ["", t("heading.fixes", lang)]
        for number, fix in enumerate(report.fixes, start=1):
            lines.append(t("fix_line", lang, number=number, title=fix.title))
            for platforms, step in _grouped(fix.steps):
                names = t("list_separator", lang).join(t(f"platform.{p}", lang) for p in platforms)
                lines.append(t("step_line", lang, platform=names, text=step.text))
                for command_line in (step.command or "").splitlines():
                    lines.append(t("command_line", lang, command=command_line))
    if report.paths or report.vpn:
        lines += ["", t("heading.details", lang)]
    unknown = t("unknown", lang)
    for path in report.paths:
        rtt = f"{path.rtt_ms.min:.1f}/{path.rtt_ms.avg:.1f}/{path.rtt_ms.max:.1f} ms" if path.rtt_ms else unknown
        loss = f"{path.loss:.0%}" if path.loss is not None else unknown
        fields = {
            "target": path.target,
            "role": t(f"role.{path.role}", lang),
            "echo": t(f"echo.{path.icmp_echo}", lang),
            "loss": loss,
            "rtt": rtt,
        }
        if path.pmtu is not None:
            lines.append(t("path_line", lang, pmtu=path.pmtu, **fields))
        else:
            lines.append(t("path_line_unmeasured", lang, **fields))
    if report.vpn is not None:
        v = report.vpn
        lines.append(
            t(
                "vpn_line",
                lang,
                protocol=protocol_name(v.protocol) if v.protocol else unknown,
                adapter=v.adapter or unknown,
                tunnel_mtu=v.tunnel_mtu if v.tunnel_mtu is not None else unknown,
                recommended_mtu=v.recommended_mtu if v.recommended_mtu is not None else unknown,
            )
        )
    return "\n".join(lines)
