"""A watch as one awaitable for a UI: the wizard's watch screen calls it with a stop event and a progress callback."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from diag.watch.fit import path_measurer
from diag.watch.report import watch_report
from diag.watch.sampler import WatchPlan, run_watch
from diag.watch.timeline import Sample
from reports.i18n import Lang
from reports.model import Report, WatchEvent

OnWatchEvents = Callable[[list[WatchEvent], Sample | None], None]
WatchRunner = Callable[[asyncio.Event, OnWatchEvents], Awaitable[Report]]


def make_watch_runner(plan: WatchPlan, *, lang: Lang) -> WatchRunner:
    """`runner(stop, on_events) -> Report`: samples until the plan's time is up or `stop` is set."""

    async def runner(stop: asyncio.Event, on_events: OnWatchEvents) -> Report:
        started_at = datetime.now(UTC)
        result = await run_watch(plan, stop=stop, on_events=on_events, measure_path_fn=path_measurer(lang))
        return watch_report(plan, result, lang=lang, vpn_server_name=plan.vpn_server, started_at=started_at)

    return runner
