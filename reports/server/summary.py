"""The few facts of a report that storage indexes, so lists and filters never parse the stored JSON.

The free-text search looks at what staff type from a phone call or e-mail (reference, address, adapter, host,
ticket, message), not at finding texts: findings have their own filter, and long texts would slow every search.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import Report
from reports.server.diagnosis import ServerDiagnosis

# The length of reports.protocol in tables.py: the model allows longer names than the indexed column holds, and
# PostgreSQL refuses (does not truncate) a longer value.
PROTOCOL_COLUMN_LENGTH = 64


def storable(text: str) -> str:
    """Text a database column can hold: PostgreSQL refuses U+0000 in text (SQLite keeps it), and a report that
    can't be stored would be refused on every retry. The report's own JSON keeps it, escaped as \\u0000."""
    return text.replace("\x00", "")


@dataclass(frozen=True)
class IndexedFacts:
    os: str
    protocol: str | None
    min_pmtu: int | None
    finding_ids: tuple[str, ...]
    search_text: str


def indexed_facts(report: Report, diagnosis: ServerDiagnosis | None) -> IndexedFacts:
    """The facts; search_text leaves out the reference, which storage puts in front when it draws one."""
    # The server's findings count when it re-diagnosed: its rules are the current ones.
    findings = diagnosis.findings if diagnosis is not None else report.findings
    finding_ids = tuple(dict.fromkeys(finding.id for finding in findings))
    measured = [path.pmtu for path in report.paths if path.pmtu is not None]
    protocol = storable(report.vpn.protocol)[:PROTOCOL_COLUMN_LENGTH] if report.vpn and report.vpn.protocol else None
    words: list[str | None] = [
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
    return IndexedFacts(
        os=report.system.os,
        protocol=protocol,
        min_pmtu=min(measured) if measured else None,
        finding_ids=finding_ids,
        search_text=storable("\n".join(word for word in words if word).lower()),
    )
