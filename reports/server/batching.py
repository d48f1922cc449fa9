"""Group commit for uploads: reports arriving while a commit is under way are stored together in the next one.

A lone upload is stored at once (no waiting for company); under load one commit serves many uploads, which is what
lets one SQLite file take hundreds of reports a second. Every upload is answered only after its commit. Reports come
already turned into rows (rows.py), so a batch holds the database's write lock only for its few statements.

SQLite batches are written on the event loop itself: a local file takes a few milliseconds a batch, and handing each
batch to a thread cost more than that, in GIL hand-offs with the CPU-bound request handlers (bench/ingest.py: p99
99 ms with the thread, 83 ms without, medians of 4 runs). PostgreSQL is across a network: its batches go to a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from reports.server.rows import PreparedReport
from reports.server.store import Ingested, ReportStore

# Enough to amortize a commit; small enough that one batch's transaction stays short.
MAX_BATCH = 64

T = TypeVar("T")


class IngestBatcher:
    def __init__(self, store: ReportStore, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.max_batch = max_batch
        self.on_loop = store.engine.dialect.name == "sqlite"
        self._pending: list[tuple[PreparedReport, asyncio.Future[Ingested]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, report: PreparedReport) -> Ingested:
        future: asyncio.Future[Ingested] = asyncio.get_running_loop().create_future()
        self._pending.append((report, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            reports = [report for report, _ in batch]
            try:
                results: list[Ingested | BaseException] = list(await self._run(self.store.ingest_many, reports))
            except Exception:
                # One bad report must not fail the others: store them one by one to find it.
                results = await self._run(self._store_alone, reports)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the client went away; the report is stored all the same
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
            if self.on_loop:
                await asyncio.sleep(0)  # let the answers go out before the next batch

    async def _run(self, write: Callable[[list[PreparedReport]], T], reports: list[PreparedReport]) -> T:
        if self.on_loop:
            return write(reports)
        return await run_in_threadpool(write, reports)

    def _store_alone(self, reports: list[PreparedReport]) -> list[Ingested | BaseException]:
        results: list[Ingested | BaseException] = []
        for report in reports:
            try:
                results.append(self.store.ingest_many([report])[0])
            except Exception as exc:
                results.append(exc)
        return results
