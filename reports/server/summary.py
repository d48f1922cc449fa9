"""The few facts of a report that storage indexes, so lists and filters never parse the stored JSON."""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import Report
from reports.server.diagnosis import ServerDiagnosis


@dataclass(frozen=True)
class IndexedFacts:
    os: str
    protocol: str | None
    min_pmtu: int | None
    finding_ids: tuple[str, ...]
    search_text: str


def indexed_facts(report: Report, diagnosis: ServerDiagnosis | None, reference: str) -> IndexedFacts:
    # The server's findings count when it re-diagnosed: its rules are the current ones.
    findings = diagnosis.findings if diagnosis is not None else report.findings
    finding_ids = tuple(dict.fromkeys(finding.id for finding in findings))
    measured = [path.pmtu for path in report.paths if path.pmtu is not None]
    protocol = report.vpn.protocol if report.vpn is not None else None
    words: list[str | None] = [
        reference,
        str(report.report_id),
        report.system.os,
        report.system.os_version,
        report.system.hostname,
        protocol,
        report.vpn.server if report.vpn else None,
        report.privacy.contact_email,
        report.privacy.ticket,
        report.privacy.message,
    ]
    words += [adapter.name for adapter in report.adapters]
    words += [adapter.description for adapter in report.adapters]
    words += [path.target for path in report.paths]
    words += [finding.id for finding in findings]
    words += [finding.title for finding in [*report.findings, *(diagnosis.findings if diagnosis else [])]]
    return IndexedFacts(
        os=report.system.os,
        protocol=protocol,
        min_pmtu=min(measured) if measured else None,
        finding_ids=finding_ids,
        search_text="\n".join(word for word in words if word).lower(),
    )
