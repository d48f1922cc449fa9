"""The staff web UI: server-rendered pages, no JavaScript. Sessions in the database, CSRF tokens on every form.

Jinja2 autoescapes everything; every string that came in a report is untrusted and only ever rendered as text.
"""

from __future__ import annotations

import hmac
import math
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader
from markupsafe import Markup
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from reports.probe_chart import probe_chart
from reports.server.accounts import SESSION_LIFETIME, Accounts, Session
from reports.server.charts import OUTCOME_COLOURS, daily_chart, pmtu_histogram_chart
from reports.server.csv_export import csv_lines
from reports.server.ingest import client_address
from reports.server.login_throttle import LoginThrottle
from reports.server.store import PMTU_BUCKET, ReportFilter, ReportStore, ReviewStatus, StoredReport
from reports.timeline_svg import timeline_svg

router = APIRouter(prefix="/staff", include_in_schema=False)
SESSION_COOKIE = "vpndiag_session"
LOGIN_CSRF_COOKIE = "vpndiag_login_csrf"
PAGE_SIZE = 50
STATIC = Path(__file__).resolve().parent / "static"
STATUS_LABELS = {
    ReviewStatus.new: "New / 新規",
    ReviewStatus.in_progress: "In progress / 対応中",
    ReviewStatus.resolved: "Resolved / 解決済み",
}
OS_CHOICES = ("linux", "macos", "windows", "android", "ios", "other")
# The report's JSON is shown inline up to this size: real reports are tens of kilobytes, and a hostile one within
# every limit is 14 MB indented and more once its quotes are escaped. Larger ones are linked for download.
MAX_INLINE_JSON_CHARS = 512 * 1024

templates = Environment(loader=PackageLoader("reports.server", "templates"), autoescape=True)
templates.globals["STATUS_LABELS"] = STATUS_LABELS
templates.globals["OUTCOME_COLOURS"] = OUTCOME_COLOURS


def mount_static(app: FastAPI) -> None:
    app.mount("/staff/static", StaticFiles(directory=STATIC), name="staff-static")


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status_code)


def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _store(request: Request) -> ReportStore:
    store: ReportStore = request.app.state.store
    return store


async def _session(request: Request) -> Session | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    return await run_in_threadpool(_accounts(request).session, session_id)


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/staff/login?" + urlencode({"next": target}), status_code=303)


def _safe_next(target: str | None) -> str:
    # Only our own pages: "//host" or "https://host" would send a freshly logged-in person elsewhere.
    if target and target.startswith("/staff/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff/reports"


def _csrf_ok(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def _forbidden() -> HTMLResponse:
    return render(
        "message.html",
        403,
        title="Form expired",
        message="The form expired or did not come from this site. Go back, reload the page and try again.",
    )


@router.get("/login")
async def login_page(request: Request, next: str | None = None) -> Response:
    if await _session(request):
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_form(request, _safe_next(next))


def _login_form(request: Request, next_page: str, error: str | None = None, status_code: int = 200) -> Response:
    # Before a session exists, the login form is protected by a double-submit cookie.
    csrf_token = secrets.token_urlsafe(32)
    response = render("login.html", status_code, csrf_token=csrf_token, next=next_page, error=error)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf_token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/staff/login",
    )
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    next_page = _safe_next(str(form.get("next", "")))
    if not _csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf_token")):
        return _login_form(request, next_page, "The login form expired; please try again.", 403)
    name, password = str(form.get("name", "")), str(form.get("password", ""))
    throttle: LoginThrottle = request.app.state.login_throttle
    wait = await run_in_threadpool(throttle.start_attempt, name, client_address(request))
    if wait:
        return _too_many_failures(request, next_page, wait)
    accounts = _accounts(request)
    member = await run_in_threadpool(accounts.check_password, name, password)
    if member is None:
        return _login_form(request, next_page, "Wrong name or password. / 名前またはパスワードが違います。", 401)
    await run_in_threadpool(throttle.succeeded, name)
    session_id, _ = await run_in_threadpool(accounts.start_session, member)
    response = RedirectResponse(next_page, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/staff",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff/login")
    return response


def _too_many_failures(request: Request, next_page: str, wait_seconds: int) -> Response:
    # The same answer for every name, known or not, and no password is checked.
    minutes = math.ceil(wait_seconds / 60)
    error = (
        f"Too many failed logins for this name or from this address; try again in {minutes} min. "
        f"/ ログインの失敗が多すぎます。{minutes} 分後にもう一度お試しください。"
    )
    response = _login_form(request, next_page, error, 429)
    response.headers["Retry-After"] = str(wait_seconds)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = await _session(request)
    form = await request.form()
    if session is None:
        return RedirectResponse("/staff/login", status_code=303)
    if not _csrf_ok(session.csrf_token, form.get("csrf_token")):
        return _forbidden()
    await run_in_threadpool(_accounts(request).end_session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/staff")
    return response


@router.get("")
@router.get("/")
async def staff_home() -> RedirectResponse:
    return RedirectResponse("/staff/reports", status_code=303)


def _int_or_none(value: str | None, problems: list[str], label: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        problems.append(f"{label} must be a whole number; it was ignored.")
        return None


def _mtu_or_none(value: str | None, problems: list[str], label: str) -> int | None:
    # A number no column can compare with would be a database error, not "no match".
    number = _int_or_none(value, problems, label)
    if number is not None and not 0 <= number <= 65535:
        problems.append(f"{label} must be from 0 to 65535; it was ignored.")
        return None
    return number


def _date_or_none(value: str | None, problems: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{label} must be a date like 2026-11-26; it was ignored.")
        return None


def _filter_from_query(params: dict[str, str]) -> tuple[ReportFilter, list[str]]:
    problems: list[str] = []
    status = params.get("status") or ""
    since = _date_or_none(params.get("since"), problems, "From")
    until = _date_or_none(params.get("until"), problems, "To")
    return (
        ReportFilter(
            status=ReviewStatus(status) if status in ReviewStatus.__members__ else None,
            finding=(params.get("finding") or "").strip()[:64] or None,
            since=datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None,
            # "To" is inclusive for a person: everything received on that day.
            until=datetime(until.year, until.month, until.day, tzinfo=UTC) + timedelta(days=1) if until else None,
            pmtu_min=_mtu_or_none(params.get("pmtu_min"), problems, "Path MTU from"),
            pmtu_max=_mtu_or_none(params.get("pmtu_max"), problems, "Path MTU to"),
            protocol=(params.get("protocol") or "").strip()[:64] or None,
            os=params.get("os") if params.get("os") in OS_CHOICES else None,
            text=(params.get("q") or "").strip()[:200] or None,
        ),
        problems,
    )


FILTER_KEYS = ("status", "finding", "since", "until", "pmtu_min", "pmtu_max", "protocol", "os", "q")


@router.get("/reports")
async def report_list(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login(request)
    params = {key: request.query_params.get(key, "") for key in FILTER_KEYS}
    where, problems = _filter_from_query(params)
    page_number = _int_or_none(request.query_params.get("page"), problems, "Page") or 1
    page = await run_in_threadpool(_store(request).list_reports, where, page_number, PAGE_SIZE)
    kept = {key: value for key, value in params.items() if value}

    def page_link(number: int) -> str:
        return "/staff/reports?" + urlencode({**kept, "page": number})

    return render(
        "list.html",
        session=session,
        page=page,
        params=params,
        problems=problems,
        statuses=list(ReviewStatus),
        os_choices=OS_CHOICES,
        previous_link=page_link(page.page - 1) if page.page > 1 else None,
        next_link=page_link(page.page + 1) if page.has_next else None,
        export_link="/staff/reports/export.csv?" + urlencode(kept),
    )


@router.get("/reports/export.csv")
async def report_export(request: Request) -> Response:
    if await _session(request) is None:
        return _to_login(request)
    where, _ = _filter_from_query({key: request.query_params.get(key, "") for key in FILTER_KEYS})
    return StreamingResponse(
        iterate_in_threadpool(csv_lines(_store(request).iter_reports(where))),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="vpndiag-reports.csv"'},
    )


async def _report_or_answer(request: Request, key: str) -> tuple[Session, StoredReport] | Response:
    """The logged-in person and the report `key` names, or the answer when there is no session or no such report."""
    session = await _session(request)
    if session is None:
        return _to_login(request)
    stored = await run_in_threadpool(_store(request).get, key)
    if stored is None:
        return render(
            "message.html",
            404,
            session=session,
            title="Not found",
            message="No report has this id or reference. Check the code the customer read out.",
        )
    return session, stored


@router.get("/reports/{key}/report.json")
async def report_json_download(request: Request, key: str) -> Response:
    found = await _report_or_answer(request, key)
    if isinstance(found, Response):
        return found
    _, stored = found
    return Response(
        stored.report.model_dump_json(indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="vpndiag-{stored.row.report_id}.json"'},
    )


@router.get("/reports/{key}")
async def report_page(request: Request, key: str) -> Response:
    found = await _report_or_answer(request, key)
    if isinstance(found, Response):
        return found
    session, stored = found
    charts = [probe_chart(path) for path in stored.report.paths]
    report_json = stored.report.model_dump_json(indent=2)
    # timeline_svg escapes every string of the report itself; Markup keeps autoescape from escaping the SVG tags.
    timeline = Markup(timeline_svg(stored.report.timeline, lang="en")) if stored.report.timeline else None  # noqa: S704
    return render(
        "report.html",
        session=session,
        stored=stored,
        row=stored.row,
        report=stored.report,
        charts=charts,
        timeline=timeline,
        statuses=list(ReviewStatus),
        saved=request.query_params.get("saved") == "1",
        report_json=report_json if len(report_json) <= MAX_INLINE_JSON_CHARS else None,
        report_json_chars=len(report_json),
    )


@router.post("/reports/{key}/review")
async def report_review(request: Request, key: str) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login(request)
    form = await request.form()
    if not _csrf_ok(session.csrf_token, form.get("csrf_token")):
        return _forbidden()
    status_value = str(form.get("status", ""))
    status = ReviewStatus(status_value) if status_value in ReviewStatus.__members__ else None
    assignee = form.get("assignee")
    notes = form.get("notes")
    stored = await run_in_threadpool(
        lambda: _store(request).update_review(
            key,
            status=status,
            assignee=str(assignee)[:128] if assignee is not None else None,
            notes=str(notes)[:20_000] if notes is not None else None,
        )
    )
    if stored is None:
        return render(
            "message.html", 404, session=session, title="Not found", message="No report has this id or reference."
        )
    return RedirectResponse(f"/staff/reports/{stored.row.reference}?saved=1", status_code=303)


@router.get("/dashboard")
async def dashboard(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login(request)
    board = await run_in_threadpool(_store(request).dashboard)
    return render(
        "dashboard.html",
        session=session,
        board=board,
        finding_charts={fid: daily_chart(board.days, counts) for fid, counts in board.finding_counts.items()},
        histogram=pmtu_histogram_chart(board.pmtu_histogram, PMTU_BUCKET),
        bucket=PMTU_BUCKET,
    )
