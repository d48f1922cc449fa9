"""A report as the database rows it becomes, built before storage takes its write lock.

Serializing the report and the server's diagnosis and picking out the indexed facts is most of the CPU that storing
costs; doing it in the upload's own request keeps the group commit (batching.py) down to the inserts themselves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from reports.model import Report
from reports.server.diagnosis import ServerDiagnosis
from reports.server.summary import IndexedFacts, indexed_facts


@dataclass(frozen=True)
class PreparedReport:
    report_id: uuid.UUID
    created_at: datetime
    lang: str
    # Its search_text leaves out the reference, which is drawn at insert time (a taken one is drawn again).
    facts: IndexedFacts
    report_json: str
    server_diagnosis_json: str | None


def prepare_report(report: Report, diagnosis: ServerDiagnosis | None, sent_json: str | None = None) -> PreparedReport:
    """The rows of `report`. `sent_json` is the JSON it was validated from, kept as the customer's tool sent it
    (no second serialization); without it the report is serialized."""
    return PreparedReport(
        report_id=report.report_id,
        created_at=report.created_at,
        lang=report.lang,
        facts=indexed_facts(report, diagnosis),
        report_json=sent_json if sent_json is not None else report.model_dump_json(),
        server_diagnosis_json=diagnosis.model_dump_json() if diagnosis is not None else None,
    )
