"""CSV export of report summaries, safe to open in a spreadsheet.

A cell starting with = + - @ (or a tab / carriage return) is a formula to Excel and LibreOffice; such text cells get a
leading apostrophe (OWASP, "CSV Injection"). Everything in a report is untrusted: an adapter can be named "=HYPERLINK(..)".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from reports.server.store import ReportRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = (
    "reference",
    "report_id",
    "received_at",
    "created_at",
    "status",
    "assignee",
    "os",
    "protocol",
    "min_pmtu",
    "finding_ids",
)


def escape_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cells(row: ReportRow) -> list[str]:
    values: list[object] = [
        row.reference,
        row.report_id,
        row.received_at.isoformat(),
        row.created_at.isoformat(),
        row.status.value,
        row.assignee,
        row.os,
        row.protocol,
        row.min_pmtu,
        " ".join(row.finding_ids),
    ]
    return [escape_cell(value) for value in values]


def csv_lines(rows: Iterable[ReportRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(_cells(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
