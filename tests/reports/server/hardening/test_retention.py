"""`vpndiag serve --retention-days N` (issue 10, SECURITY.md): reports received more than N days ago are deleted
with everything stored about them; newer ones are untouched. On SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from reports.server.db import open_engine
from reports.server.retention import purge_expired
from reports.server.store import ReportStore, utcnow
from reports.server.tables import report_bodies, report_findings, reports
from tests.conftest import run_vpndiag
from tests.reports.server.hardening.conftest import ServeProcess, create_staff
from tests.server.conftest import make_report


def _backdate(store: ReportStore, report_ids: list[str], days: float) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            update(reports)
            .where(reports.c.report_id.in_(report_ids))
            .values(received_at=utcnow() - timedelta(days=days))
        )


def _counts(store: ReportStore) -> tuple[int, int, int]:
    with store.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (reports, report_bodies, report_findings)
        )


def test_purge_deletes_only_what_is_older_than_the_retention(make_app: Callable[..., FastAPI]) -> None:
    store: ReportStore = make_app().state.store
    old = [store.ingest(make_report(), None) for _ in range(3)]
    kept = [store.ingest(make_report(), None) for _ in range(2)]
    _backdate(store, [str(ingested.report_id) for ingested in old], days=31)
    _backdate(store, [str(kept[0].report_id)], days=29)
    rows, bodies, findings = _counts(store)
    assert (rows, bodies) == (5, 5)
    assert findings > 0

    assert purge_expired(store, retention_days=30) == 3
    assert purge_expired(store, retention_days=30) == 0  # idempotent: every process may run it
    assert all(store.get(str(ingested.report_id)) is None for ingested in old)
    assert all(store.get(ingested.reference) is not None for ingested in kept)
    rows, bodies, findings = _counts(store)
    assert (rows, bodies) == (2, 2)
    assert findings == 2 * len(make_report().findings)  # no orphaned index rows of the deleted reports


def test_serve_purges_at_start_when_asked(tmp_path: Path) -> None:
    """The command line end to end (SQLite; the purge itself is tested on both databases above)."""
    db_url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    token = create_staff(db_url)
    auth = {"Authorization": f"Bearer {token}"}
    old, new = make_report(), make_report()
    keeping = ServeProcess(db_url, tmp_path / "keeping.log", "--rate-limit", "0")
    keeping.start()
    try:
        for report in (old, new):
            uploaded = httpx.post(f"{keeping.base}/api/v1/reports", content=report.model_dump_json(), timeout=10)
            assert uploaded.status_code == 201
        engine = open_engine(db_url)
        try:
            _backdate(ReportStore(engine), [str(old.report_id)], days=8)
        finally:
            engine.dispose()
    finally:
        keeping.stop()
    assert "deleted" not in keeping.log.read_text()  # without the option nothing is deleted

    purging = ServeProcess(db_url, tmp_path / "purging.log", "--rate-limit", "0", "--retention-days", "7")
    purging.start()
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if httpx.get(f"{purging.base}/api/v1/reports/{old.report_id}", headers=auth).status_code == 404:
                break
            time.sleep(0.1)
        assert httpx.get(f"{purging.base}/api/v1/reports/{old.report_id}", headers=auth).status_code == 404
        assert httpx.get(f"{purging.base}/api/v1/reports/{new.report_id}", headers=auth).status_code == 200
    finally:
        purging.stop()
    assert "deleted 1 reports received more than 7 days ago" in purging.log.read_text()


def test_a_retention_of_no_days_is_a_sentence() -> None:
    answer = run_vpndiag("serve", "--retention-days", "0")
    assert answer.returncode == 2
    assert "--retention-days needs a number of days" in answer.stderr
    assert "Traceback" not in answer.stderr
