"""Crash-safe storage (issue 10): `vpndiag serve` is killed with SIGKILL while customers' tools upload reports
concurrently, then started again on the same port. Every report the server acknowledged is stored intact, and the
upload client's retries (diag/upload/client.py) store nothing twice. On SQLite with one server process, and on
PostgreSQL (the several-instances set-up) with `--workers 2`, every process killed at once.
"""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select

from diag.upload.client import RetryPolicy, UploadReceipt, upload_report
from reports.model import Report
from reports.server.db import open_engine
from reports.server.tables import report_bodies, reports
from tests.conftest import EXAMPLES, count_figure
from tests.reports.server.hardening.conftest import ServeProcess, create_staff

UPLOADS = 120
CONCURRENT_CLIENTS = 16
# Kill the server when this share of the uploads has been acknowledged (and once more after the last answer).
KILL_AT = (0.3, 0.7)
# Every Nth report is sent by two clients at once (a customer's tool retrying while the first try is in flight).
TWICE_EVERY = 6
# Short waits so a restart is ridden out quickly; enough attempts to cover a slow restart on a busy machine.
RETRY = RetryPolicy(attempts=120, initial_wait=0.05, max_wait=0.5, jitter=0.1)
EXAMPLE_NAMES = ("blackhole", "healthy", "icmp-blocked")


def customer_report(number: int) -> Report:
    """A distinct, redacted report as a customer's tool would send it (some non-ASCII text to round-trip)."""
    data: dict[str, Any] = copy.deepcopy(
        json.loads((EXAMPLES / f"{EXAMPLE_NAMES[number % len(EXAMPLE_NAMES)]}.json").read_text())
    )
    data["report_id"] = str(uuid.uuid4())
    data["privacy"] = {
        "consent": True,
        "redacted": True,
        "message": f"アップロード {number}: it drops after a few minutes ✓",
        "ticket": f"T-{number}",
    }
    return Report.model_validate(data)


@dataclass
class Load:
    sent: dict[str, Report] = field(default_factory=dict)
    # every receipt per report_id: two for the reports sent twice
    acknowledged: dict[str, list[UploadReceipt]] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    kills: int = 0
    # set when the share of KILL_AT at the same index has been acknowledged (all set when the uploads end)
    milestones: list[asyncio.Event] = field(default_factory=lambda: [asyncio.Event() for _ in KILL_AT])

    @property
    def acknowledged_reports(self) -> int:
        return len(self.acknowledged)


async def upload_all(server: ServeProcess, load: Load) -> None:
    slots = asyncio.Semaphore(CONCURRENT_CLIENTS)

    async def send(report: Report) -> None:
        async with slots:
            try:
                receipt = await upload_report(report, server.base, timeout=10, retry=RETRY)
            except Exception as exc:  # the client gave up: recorded, and the test fails on it below
                load.failed.append(repr(exc))
                return
        load.acknowledged.setdefault(receipt.report_id, []).append(receipt)
        for share, milestone in zip(KILL_AT, load.milestones, strict=True):
            if load.acknowledged_reports >= share * UPLOADS:
                milestone.set()

    uploads = []
    for number in range(UPLOADS):
        report = customer_report(number)
        load.sent[str(report.report_id)] = report
        uploads.append(send(report))
        if number % TWICE_EVERY == 0:
            uploads.append(send(report))
    try:
        await asyncio.gather(*uploads)
    finally:
        for milestone in load.milestones:
            milestone.set()


async def kill_during_load(server: ServeProcess, load: Load, uploading: asyncio.Task[None]) -> None:
    for milestone in load.milestones:
        await milestone.wait()
        if uploading.done():
            return
        server.kill9()
        load.kills += 1
        await asyncio.to_thread(server.start)


def stored_report(client: httpx.Client, base: str, token: str, report_id: str) -> dict[str, Any] | None:
    answer = client.get(f"{base}/api/v1/reports/{report_id}", headers={"Authorization": f"Bearer {token}"})
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    detail: dict[str, Any] = answer.json()
    return detail


def database_counts(db_url: str) -> tuple[int, int, int]:
    """(rows, distinct report_ids, rows with a stored body) straight from the database."""
    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(func.count()).select_from(reports)).scalar_one()
            distinct = connection.execute(select(func.count(func.distinct(reports.c.report_id)))).scalar_one()
            bodies = connection.execute(
                select(func.count()).select_from(reports.join(report_bodies, report_bodies.c.report_pk == reports.c.id))
            ).scalar_one()
    finally:
        engine.dispose()
    return int(rows), int(distinct), int(bodies)


async def test_kill_9_mid_load_loses_no_acknowledged_report_and_stores_none_twice(
    db_url: str, serve_process: Callable[..., ServeProcess]
) -> None:
    token = create_staff(db_url)
    workers = "1" if db_url.startswith("sqlite") else "2"
    server = serve_process("--rate-limit", "0", "--workers", workers)
    await asyncio.to_thread(server.start)
    load = Load()
    uploading = asyncio.create_task(upload_all(server, load))
    await kill_during_load(server, load, uploading)
    await uploading
    # And once more at rest, after the last answer: nothing acknowledged may live only in memory.
    server.kill9()
    load.kills += 1
    await asyncio.to_thread(server.start)

    assert load.kills == len(KILL_AT) + 1, "the load ended before every planned kill"
    assert load.failed == [], f"uploads the client gave up on: {load.failed[:3]}"
    lost, damaged = [], []
    with httpx.Client(timeout=30) as client:
        for report_id, receipts in load.acknowledged.items():
            detail = stored_report(client, server.base, token, report_id)
            if detail is None or {receipt.reference for receipt in receipts} != {detail["reference"]}:
                lost.append(report_id)
            # Intact: the stored report is, field for field, the JSON the customer's tool sent.
            elif detail["report"] != json.loads(load.sent[report_id].model_dump_json()):
                damaged.append(report_id)
    rows, distinct, bodies = database_counts(db_url)
    count_figure("faults injected: server kill -9", load.kills)
    count_figure("reports acknowledged", load.acknowledged_reports)
    count_figure("reports lost", len(lost) + len(damaged))
    count_figure(
        "uploads answered from storage (retry or duplicate)",
        sum(not receipt.created for receipts in load.acknowledged.values() for receipt in receipts),
    )
    assert lost == []
    assert damaged == []
    assert load.acknowledged_reports == UPLOADS
    # No duplicates: one row per report, every row with its body (the two inserts commit together).
    assert (rows, distinct, bodies) == (UPLOADS, UPLOADS, UPLOADS)
    # A report sent twice was answered twice with one reference, and only one answer said "new".
    for report_id in list(load.sent)[::TWICE_EVERY]:
        receipts = load.acknowledged[report_id]
        assert len(receipts) == 2
        assert sum(receipt.created for receipt in receipts) <= 1
