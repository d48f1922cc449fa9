"""The staff API (Bearer tokens from `vpndiag staff create`): list, get, update and export reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from reports.server.accounts import Accounts, Staff
from reports.server.api_models import Problem, ReportDetail, ReportList, ReportSummary, ReviewUpdate
from reports.server.csv_export import csv_lines
from reports.server.store import ReportFilter, ReportStore, ReviewStatus

# Every staff endpoint answers 401 without a valid token; documented so clients (and schemathesis) expect it.
router = APIRouter(prefix="/api/v1", tags=["staff"], responses={401: {"model": Problem}})
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": Problem}}
# FastAPI answers 400 when a body can't be read as JSON text at all (not UTF-8), before validation.
UNREADABLE_BODY: dict[int | str, dict[str, object]] = {400: {"model": Problem}}
_bearer = HTTPBearer(auto_error=False, description="A token printed by `vpndiag staff create NAME`.")


async def current_staff(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Staff:
    accounts: Accounts = request.app.state.accounts
    member = await run_in_threadpool(accounts.staff_for_token, credentials.credentials) if credentials else None
    if member is None:
        raise HTTPException(
            401,
            "A staff token is needed: send Authorization: Bearer TOKEN (vpndiag staff create NAME prints one).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return member


StaffMember = Annotated[Staff, Depends(current_staff)]


def report_filter(
    status: ReviewStatus | None = None,
    finding: Annotated[str | None, Query(max_length=64, description="A finding id, e.g. pmtud_blackhole.")] = None,
    since: Annotated[datetime | None, Query(description="Received at or after (ISO 8601).")] = None,
    until: Annotated[datetime | None, Query(description="Received before (ISO 8601).")] = None,
    pmtu_min: Annotated[int | None, Query(ge=0, le=65535)] = None,
    pmtu_max: Annotated[int | None, Query(ge=0, le=65535)] = None,
    protocol: Annotated[str | None, Query(max_length=64)] = None,
    os: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Free text: reference, adapter, message, ...")] = None,
) -> ReportFilter:
    return ReportFilter(
        status=status,
        finding=finding or None,
        since=since,
        until=until,
        pmtu_min=pmtu_min,
        pmtu_max=pmtu_max,
        protocol=protocol or None,
        os=os or None,
        text=q or None,
    )


Filter = Annotated[ReportFilter, Depends(report_filter)]


def _store(request: Request) -> ReportStore:
    store: ReportStore = request.app.state.store
    return store


@router.get("/reports", response_model=ReportList, summary="List reports, newest first")
async def list_reports(
    request: Request,
    _staff: StaffMember,
    where: Filter,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReportList:
    result = await run_in_threadpool(_store(request).list_reports, where, page, per_page)
    return ReportList(
        items=[ReportSummary.of(row) for row in result.rows],
        total=result.total,
        total_exact=result.total_exact,
        page=result.page,
        per_page=result.per_page,
    )


@router.get(
    "/reports/export.csv",
    summary="Export the filtered reports as CSV (formula cells escaped)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
async def export_csv(request: Request, _staff: StaffMember, where: Filter) -> StreamingResponse:
    rows = _store(request).iter_reports(where)
    return StreamingResponse(
        iterate_in_threadpool(csv_lines(rows)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="vpndiag-reports.csv"'},
    )


def _not_found(key: str) -> HTTPException:
    return HTTPException(404, f"No report has the id or reference {key!r}.")


@router.get(
    "/reports/{key}", response_model=ReportDetail, summary="One report by report_id or reference", responses=NOT_FOUND
)
async def get_report(request: Request, _staff: StaffMember, key: str) -> ReportDetail:
    stored = await run_in_threadpool(_store(request).get, key)
    if stored is None:
        raise _not_found(key)
    return ReportDetail.of_stored(stored)


@router.patch(
    "/reports/{key}",
    response_model=ReportDetail,
    summary="Update status, assignee or notes",
    responses={**NOT_FOUND, **UNREADABLE_BODY},
)
async def update_report(request: Request, _staff: StaffMember, key: str, change: ReviewUpdate) -> ReportDetail:
    def apply() -> ReportDetail | None:
        stored = _store(request).update_review(key, status=change.status, assignee=change.assignee, notes=change.notes)
        return ReportDetail.of_stored(stored) if stored else None

    detail = await run_in_threadpool(apply)
    if detail is None:
        raise _not_found(key)
    return detail
