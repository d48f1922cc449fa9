"""Storage on SQLite and PostgreSQL: migrations, filters, paging, review updates, dashboard counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import update

from reports.server import store as store_module
from reports.server.db import DatabaseError, migrate
from reports.server.rows import prepare_report
from reports.server.store import ReportFilter, ReportStore, ReviewStatus
from reports.server.tables import metadata, report_findings, reports
from tests.server.conftest import make_report


def test_migrated_schema_matches_the_tables_and_migrating_again_is_a_no_op(app: FastAPI) -> None:
    engine = app.state.engine
    migrate(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def _store_with(app: FastAPI) -> ReportStore:
    store: ReportStore = app.state.store
    path_template = make_report().paths[0]
    variants = [
        ("wireguard", "windows", 1400, ["pmtud_blackhole"], "Wi-Fi"),
        ("wireguard", "macos", 1492, ["pmtud_blackhole", "tunnel_mtu_too_large"], "en0"),
        ("openvpn-udp", "linux", 1500, [], "eth0"),
        ("ikev2", "windows", None, ["icmp_blocked"], "Cellular 5G"),
    ]
    for protocol, os_name, pmtu, finding_ids, adapter in variants:
        report = make_report()
        data = report.model_dump(mode="json")
        data["vpn"]["protocol"] = protocol
        data["system"]["os"] = os_name
        data["paths"] = [path_template.model_copy(update={"pmtu": pmtu}).model_dump(mode="json")]
        data["adapters"][0]["name"] = adapter
        template = data["findings"][0]
        data["findings"] = [{**template, "id": fid} for fid in finding_ids]
        data["fixes"] = []
        store.ingest(type(report).model_validate(data), None)
    return store


def _protocols(store: ReportStore, where: ReportFilter) -> list[str | None]:
    return sorted(row.protocol or "" for row in store.list_reports(where).rows)


def test_filters(app: FastAPI) -> None:
    store = _store_with(app)
    assert store.list_reports(ReportFilter()).total == 4
    assert _protocols(store, ReportFilter(finding="pmtud_blackhole")) == ["wireguard", "wireguard"]
    assert _protocols(store, ReportFilter(finding="icmp_blocked")) == ["ikev2"]
    assert _protocols(store, ReportFilter(pmtu_min=1450)) == ["openvpn-udp", "wireguard"]
    assert _protocols(store, ReportFilter(pmtu_max=1450)) == ["wireguard"]
    assert _protocols(store, ReportFilter(protocol="ikev2")) == ["ikev2"]
    assert _protocols(store, ReportFilter(os="windows")) == ["ikev2", "wireguard"]
    assert _protocols(store, ReportFilter(text="cellular 5g")) == ["ikev2"]
    # A % in the search is a character, not a wildcard.
    assert store.list_reports(ReportFilter(text="%")).total == 0
    assert store.list_reports(ReportFilter(status=ReviewStatus.resolved)).total == 0


def test_date_range_filters_on_received_at(app: FastAPI) -> None:
    store = _store_with(app)
    old = datetime(2026, 1, 10, 12, tzinfo=UTC)
    with app.state.engine.begin() as connection:
        first_id = connection.execute(reports.select().with_only_columns(reports.c.id).limit(1)).scalar_one()
        connection.execute(update(reports).where(reports.c.id == first_id).values(received_at=old))
    window = ReportFilter(since=old - timedelta(days=1), until=old + timedelta(days=1))
    assert store.list_reports(window).total == 1
    assert store.list_reports(ReportFilter(since=old + timedelta(days=1))).total == 3


def test_paging_is_newest_first_without_gaps(app: FastAPI) -> None:
    store = app.state.store
    ingested = [store.ingest(make_report(), None).reference for _ in range(7)]
    pages = [store.list_reports(ReportFilter(), page=n, per_page=3) for n in (1, 2, 3)]
    seen = [row.reference for page in pages for row in page.rows]
    assert seen == list(reversed(ingested))
    assert pages[0].pages == 3
    assert pages[2].total == 7


def test_review_update_and_lookup_by_reference(app: FastAPI) -> None:
    store = app.state.store
    reference = store.ingest(make_report(), None).reference
    updated = store.update_review(reference.lower(), status=ReviewStatus.in_progress, assignee="bob", notes="called")
    assert updated is not None
    assert (updated.row.status, updated.row.assignee, updated.notes) == (ReviewStatus.in_progress, "bob", "called")
    cleared = store.update_review(str(updated.row.report_id), assignee="")
    assert cleared is not None
    assert cleared.row.assignee is None
    assert cleared.notes == "called"
    assert store.update_review("ZZZZ-ZZZZ", status=ReviewStatus.resolved) is None
    assert store.get("not a key") is None


def test_dashboard_counts_per_finding_per_day_and_mtu_histogram(app: FastAPI) -> None:
    store = _store_with(app)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    with app.state.engine.begin() as connection:
        connection.execute(
            update(report_findings).where(report_findings.c.finding_id == "icmp_blocked").values(received_at=yesterday)
        )
    board = store.dashboard(days=7)
    assert board.finding_counts["pmtud_blackhole"][-1] == 2
    assert board.finding_counts["icmp_blocked"][-2:] == [1, 0]
    assert sum(board.finding_counts["tunnel_mtu_too_large"]) == 1
    assert board.pmtu_histogram == [(1400, 1), (1480, 1), (1500, 1)]
    assert board.unmeasured_pmtu == 1
    assert board.status_counts == {ReviewStatus.new: 4}


def test_counting_stops_at_the_limit_and_paging_goes_on(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "COUNT_LIMIT", 4)
    store = app.state.store
    for _ in range(7):
        store.ingest(make_report(), None)
    first = store.list_reports(ReportFilter(finding="pmtud_blackhole"), page=1, per_page=3)
    assert (first.total, first.total_exact, first.has_next) == (5, False, True)
    last = store.list_reports(ReportFilter(finding="pmtud_blackhole"), page=3, per_page=3)
    assert len(last.rows) == 1
    assert (last.total, last.has_next) == (7, True)  # still a lower bound: counting stopped early
    monkeypatch.setattr(store_module, "COUNT_LIMIT", 100)
    exact = store.list_reports(ReportFilter(), page=3, per_page=3)
    assert (exact.total, exact.total_exact, exact.has_next) == (7, True, False)


def test_one_batch_stores_new_reports_once_and_answers_repeats_with_the_first_reference(app: FastAPI) -> None:
    """The group commit's few statements: a report already stored, one sent twice in the same batch and a new one."""
    store: ReportStore = app.state.store
    stored_before = make_report()
    first = store.ingest(stored_before, None)
    twice, new = make_report(), make_report()
    answers = store.ingest_many([prepare_report(r, None) for r in (twice, stored_before, twice, new)])
    assert [a.report_id for a in answers] == [twice.report_id, stored_before.report_id, twice.report_id, new.report_id]
    assert [a.created for a in answers] == [True, False, False, True]
    assert answers[1].reference == first.reference
    assert answers[0].reference == answers[2].reference != answers[3].reference
    assert store.list_reports(ReportFilter()).total == 3
    got = store.get(answers[3].reference)
    assert got is not None
    assert got.report == new
    assert store.list_reports(ReportFilter(text=answers[0].reference.lower())).total == 1


def test_a_drawn_reference_that_is_taken_is_drawn_again(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    store: ReportStore = app.state.store
    taken = store.ingest(make_report(), None).reference
    draws = iter([taken, taken, "WXYZ-2345"])
    monkeypatch.setattr(store_module, "new_reference", lambda: next(draws))
    report = make_report()
    answer = store.ingest(report, None)
    assert (answer.reference, answer.created) == ("WXYZ-2345", True)
    stored = store.get("WXYZ-2345")
    assert stored is not None
    assert stored.report.report_id == report.report_id
    monkeypatch.setattr(store_module, "new_reference", lambda: taken)
    with pytest.raises(DatabaseError, match="free reference"):
        store.ingest(make_report(), None)
    assert store.list_reports(ReportFilter()).total == 2


def test_a_text_search_lists_newest_first_and_pages_without_gaps(app: FastAPI) -> None:
    store: ReportStore = app.state.store
    matching = []
    for n in range(7):
        report = make_report()
        data = report.model_dump(mode="json")
        data["adapters"][0]["name"] = f"Hotel Wi-Fi {n}" if n % 2 == 0 else f"Office LAN {n}"
        matching.append(store.ingest(type(report).model_validate(data), None).reference if n % 2 == 0 else None)
    newest_first = [reference for reference in reversed(matching) if reference is not None]
    pages = [store.list_reports(ReportFilter(text="hotel wi-fi"), page=n, per_page=3) for n in (1, 2)]
    assert [row.reference for page in pages for row in page.rows] == newest_first
    assert (pages[0].total, pages[0].total_exact, pages[1].has_next) == (4, True, False)
