"""The server's own diagnosis of an uploaded report: the same rules the customer's tool ran, re-run here.

Staff see both: the customer's (what the customer was told, by the rules of the version they ran) and the server's
(the rules of this version, which may be newer).
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

from reports.model import Finding, Fix, Report
from reports.rules import diagnose


class ServerDiagnosis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: list[Finding] = Field(default_factory=list)
    fixes: list[Fix] = Field(default_factory=list)


def rediagnose(report: Report) -> ServerDiagnosis:
    """The findings and fixes this server's rules give for the report, in the report's language."""
    findings, fixes = diagnose(report, report.lang)
    return ServerDiagnosis(findings=findings, fixes=fixes)


def rediagnose_or_none(report: Report) -> ServerDiagnosis | None:
    """rediagnose(), but a rule that fails on some report costs only the server's diagnosis of it, never the upload:
    the report is stored with none (staff still see the customer's), and the failure is logged."""
    try:
        return rediagnose(report)
    except Exception:
        logging.getLogger(__name__).exception(
            "the rules failed on report %s; stored without the server's diagnosis", report.report_id
        )
        return None
