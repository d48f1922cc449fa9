"""Retention: with `vpndiag serve --retention-days N`, reports received more than N days ago are deleted, at start
and then every hour, whatever their review status. Without the option nothing is ever deleted (SECURITY.md).

Every server process runs the purge (with --workers too): deleting what is already gone is a no-op, and one
process being down never stops it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from reports.server.store import ReportStore, utcnow

PURGE_INTERVAL_S = 3600.0
log = logging.getLogger(__name__)


def purge_expired(store: ReportStore, retention_days: int) -> int:
    """Delete the reports received more than `retention_days` days ago; how many were deleted."""
    return store.purge_received_before(utcnow() - timedelta(days=retention_days))


async def purge_periodically(store: ReportStore, retention_days: int, interval: float = PURGE_INTERVAL_S) -> None:
    """Purge now and every `interval` seconds until cancelled. A database that is down is tried again next time."""
    while True:
        try:
            deleted = await run_in_threadpool(purge_expired, store, retention_days)
        except SQLAlchemyError as exc:
            log.warning(
                "retention: the purge of reports older than %s days failed (%s); trying again later",
                retention_days,
                exc,
            )
        else:
            if deleted:
                log.warning("retention: deleted %s reports received more than %s days ago", deleted, retention_days)
        await asyncio.sleep(interval)
