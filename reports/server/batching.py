"""Group commit for uploads: reports arriving while a commit is under way are stored together in the next one.

A lone upload is stored at once (no waiting for company); under load one commit serves many uploads, which is what
lets one SQLite file take hundreds of reports a second. Every upload is answered only after its commit.
"""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool

from reports.model import Report
from reports.server.diagnosis import rediagnose_or_none
from reports.server.store import Ingested, ReportStore

# Enough to amortize a commit; small enough that one batch's transaction stays short.
MAX_BATCH = 64


class IngestBatcher:
    def __init__(self, store: ReportStore, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.max_batch = max_batch
        self._pending: list[tuple[Report, asyncio.Future[Ingested]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, report: Report) -> Ingested:
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
                results: list[Ingested | BaseException] = list(await run_in_threadpool(self._store_together, reports))
            except Exception:
                # One bad report must not fail the others: store them one by one to find it.
                results = await run_in_threadpool(self._store_alone, reports)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():  # the client went away; the report is stored all the same
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    def _store_together(self, reports: list[Report]) -> list[Ingested]:
        return self.store.ingest_many([(report, rediagnose_or_none(report)) for report in reports])

    def _store_alone(self, reports: list[Report]) -> list[Ingested | BaseException]:
        results: list[Ingested | BaseException] = []
        for report in reports:
            try:
                results.append(self.store.ingest(report, rediagnose_or_none(report)))
            except Exception as exc:
                results.append(exc)
        return results
