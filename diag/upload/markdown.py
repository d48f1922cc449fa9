"""The Markdown export: the same sections as the HTML, for a ticket system or an e-mail body."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from reports.i18n import Lang
from reports.model import Report
from reports.probe_chart import drawn_probes

Escape = Callable[[object], str]


def _row(cells: list[object], esc: Escape) -> str:
    return "| " + " | ".join(esc(c) for c in cells) + " |"


def _table(header: list[str], rows: list[list[object]], esc: Escape) -> Iterator[str]:
    yield _row(list(header), esc)
    yield "|" + "---|" * len(header)
    for row in rows:
        yield _row(row, esc)
    yield ""


def markdown_lines(report: Report, lang: Lang, t: Callable[..., str], esc: Escape) -> Iterator[str]:
    def value(v: object) -> object:
        if v is None:
            return t("unknown")
        if isinstance(v, bool):
            return t("yes") if v else t("no")
        return v

    s = report.system
    yield f"# {esc(t('title'))}"
    yield ""
    yield f"- {esc(t('report_id'))}: {esc(report.report_id)}"
    yield f"- {esc(t('created'))}: {esc(report.created_at.isoformat(timespec='seconds'))}"
    yield (
        f"- {esc(t('system'))}: "
        f"{esc(t('system_line', os=s.os, os_version=s.os_version, arch=s.arch, version=report.tool.version))}"
    )
    yield f"- {esc(t('privileged'))}: {esc(value(s.privileged))}"
    yield ""
    yield f"## {esc(t('diagnosis'))}"
    yield ""
    order = {"critical": 0, "warning": 1, "info": 2}
    if not report.findings:
        yield esc(t("no_findings"))
        yield ""
    for finding in sorted(report.findings, key=lambda f: order[f.severity.value]):
        yield f"### [{esc(finding.severity.value)}] {esc(finding.title)}"
        yield ""
        yield esc(finding.detail)
        yield ""
        evidence = ", ".join(f"{esc(k)} = {esc(value(v))}" for k, v in finding.evidence.items())
        yield f"{esc(t('evidence'))}: {evidence}; {esc(t('confidence', percent=round(finding.confidence * 100)))}"
        yield ""
    if report.fixes:
        yield f"## {esc(t('fixes'))}"
        yield ""
        for fix in report.fixes:
            yield f"### {esc(fix.title)}"
            yield ""
            for step in fix.steps:
                yield f"- ({esc(step.platform)}) {esc(step.text)}"
                if step.command:
                    fence = "````" if "```" in step.command else "```"
                    yield ""
                    yield f"  {fence}"
                    for line in step.command.splitlines():
                        yield f"  {line}"
                    yield f"  {fence}"
            yield ""
    if report.paths:
        yield f"## {esc(t('paths'))}"
        yield ""
        header = [t(k) for k in ("target", "family", "role", "pmtu", "method", "echo", "loss", "frag_needed", "probes")]
        rows: list[list[object]] = []
        for p in report.paths:
            pmtu = p.pmtu if p.pmtu is not None else t("not_measured")
            loss = f"{p.loss:.0%}" if p.loss is not None else None
            rows.append(
                [p.target, f"IPv{p.family}", p.role, pmtu, p.method, p.icmp_echo, value(loss), p.frag_needed,
                 p.probes_sent]
            )  # fmt: skip
        yield from _table(header, rows, esc)
        for p in report.paths:
            if p.pmtu_reason:
                yield f"- {esc(p.target)}: {esc(p.pmtu_reason)}"
            probes, not_shown = drawn_probes(p)
            if probes:
                sizes = ", ".join(f"{pr.size} {t('outcome_' + pr.outcome.value)}" for pr in probes)
                yield f"  - {esc(t('chart_title', target=p.target))}: {esc(sizes)}"
            if not_shown:
                yield f"  - {esc(t('probes_not_shown', count=not_shown))}"
        yield ""
    if report.vpn:
        v = report.vpn
        yield f"## {esc(t('vpn'))}"
        yield ""
        mss = f"{value(v.recommended_mss)} / {value(v.recommended_mss_v6)}"
        items = [
            ("protocol", v.protocol),
            ("server", v.server),
            ("adapter", v.adapter),
            ("overhead", v.overhead_bytes),
            ("tunnel_mtu", v.tunnel_mtu),
            ("underlay_pmtu", v.underlay_pmtu),
            ("recommended_mtu", v.recommended_mtu),
            ("recommended_mss", mss),
            ("why", v.why),
        ]
        for key, item in items:
            yield f"- {esc(t(key))}: {esc(value(item))}"
        yield ""
    if report.adapters:
        yield f"## {esc(t('adapters'))}"
        yield ""
        header = [t(k) for k in ("name", "kind", "mtu", "state", "addresses")]
        rows = [
            [a.name, a.kind.value, value(a.mtu), t("up") if a.is_up else t("down"),
             ", ".join(f"{ip.address} ({ip.scope or t('unknown')})" for ip in a.addresses)]
            for a in report.adapters
        ]  # fmt: skip
        yield from _table(header, rows, esc)
    if report.tcp:
        yield f"## {esc(t('tcp'))}"
        yield ""
        yield f"- {esc(t('window_scaling'))}: {esc(value(report.tcp.window_scaling))}"
        yield f"- {esc(t('max_receive_window'))}: {esc(value(report.tcp.max_receive_window))}"
        cap = f"{report.tcp.throughput_cap_mbps:.1f}" if report.tcp.throughput_cap_mbps is not None else None
        yield f"- {esc(t('throughput_cap'))}: {esc(value(cap))}"
        yield ""
    if report.checks:
        yield f"## {esc(t('checks'))}"
        yield ""
        rows = [[c.name, c.status, value(c.reason)] for c in report.checks]
        yield from _table([t("check"), t("status"), t("reason")], rows, esc)
    if report.timeline:
        from diag.watch.render import timeline_lines

        yield f"## {esc(t('timeline_heading'))}"
        yield ""
        yield from (f"- {esc(line.strip())}" for line in timeline_lines(report.timeline, lang)[1:])
        yield ""
    yield f"## {esc(t('privacy'))}"
    yield ""
    if report.privacy.redacted:
        counts = ", ".join(f"{k} {n}" for k, n in sorted(report.privacy.redaction_counts.items())) or "0"
        yield esc(t("redacted", counts=counts))
    else:
        yield esc(t("not_redacted"))
    if report.privacy.public_ip_included:
        yield ""
        yield esc(t("public_ip_included"))
    yield ""
    yield f"_{esc(t('footer', version=report.tool.version))}_"
