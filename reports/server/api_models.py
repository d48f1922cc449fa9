"""The shapes the HTTP API answers with; FastAPI turns them into the OpenAPI document."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from reports.model import Report
from reports.server.diagnosis import ServerDiagnosis
from reports.server.store import ReportRow, ReviewStatus, StoredReport


class IngestAnswer(BaseModel):
    report_id: uuid.UUID
    reference: str = Field(
        description="Short code the customer reads to support over the phone.", examples=["K7M2-QX9D"]
    )


class Problem(BaseModel):
    detail: str


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where in the report: field names and list positions.")
    msg: str
    type: str


class ValidationProblem(BaseModel):
    detail: list[FieldError]


class ReportSummary(BaseModel):
    report_id: uuid.UUID
    reference: str
    received_at: datetime
    created_at: datetime
    updated_at: datetime
    status: ReviewStatus
    assignee: str | None
    os: str
    protocol: str | None
    min_pmtu: int | None = Field(description="Smallest measured path MTU of the report, null when none was measured.")
    finding_ids: list[str]

    @classmethod
    def of(cls, row: ReportRow) -> ReportSummary:
        return cls(
            report_id=row.report_id,
            reference=row.reference,
            received_at=row.received_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            status=row.status,
            assignee=row.assignee,
            os=row.os,
            protocol=row.protocol,
            min_pmtu=row.min_pmtu,
            finding_ids=list(row.finding_ids),
        )


class ReportList(BaseModel):
    items: list[ReportSummary]
    total: int = Field(description="Reports that match; a lower bound when total_exact is false.")
    total_exact: bool = Field(description="False when more than 1,000 matched a filter and counting stopped there.")
    page: int
    per_page: int


class ReportDetail(ReportSummary):
    notes: str
    report: Report = Field(description="The report as the customer's tool sent it, with the customer's diagnosis.")
    server_diagnosis: ServerDiagnosis | None = Field(
        description="The server's rules re-run on the report; null when the server has no rules to run."
    )

    @classmethod
    def of_stored(cls, stored: StoredReport) -> ReportDetail:
        summary = ReportSummary.of(stored.row)
        return cls(
            **summary.model_dump(),
            notes=stored.notes,
            report=stored.report,
            server_diagnosis=stored.server_diagnosis,
        )


class ReviewUpdate(BaseModel):
    status: ReviewStatus | None = None
    assignee: str | None = Field(None, max_length=128, description='Who handles it; "" clears it.')
    notes: str | None = Field(None, max_length=20_000)
