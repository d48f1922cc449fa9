from __future__ import annotations

import asyncio
import os

import pytest

from diag.watch.adapters import adapter_for, read_adapter
from diag.watch.sampler import WatchPlan, run_watch

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="ICMP sockets on loopback need root here")


async def test_loopback_watch_samples_at_its_interval_and_is_healthy() -> None:
    assert adapter_for("127.0.0.1") == "lo"
    plan = WatchPlan(interval_s=0.25, duration_s=1.0, target="127.0.0.1", vpn_server="127.0.0.1", adapter="lo")
    seen: list[str] = []
    result = await run_watch(plan, on_events=lambda events, _: seen.extend(e.kind for e in events))
    assert 3 <= result.samples <= 5
    kinds = [e.kind for e in result.events]
    assert kinds[0] == "watch_started"
    assert kinds[-1] == "watch_stopped"
    small = next(e for e in result.events if e.kind == "small_ok")
    assert small.count == result.samples
    large = next(e for e in result.events if e.kind.startswith("large_"))
    assert (large.kind, large.value) == ("large_ok", 65535.0)  # lo's MTU 65536, capped at the largest IP packet
    assert "adapter_up" in seen
    assert result.last_adapter == read_adapter("lo")


async def test_stop_ends_the_watch_after_the_current_sample() -> None:
    plan = WatchPlan(interval_s=0.2, duration_s=None, target="127.0.0.1")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, stop.set)
    result = await asyncio.wait_for(run_watch(plan, stop=stop), 5)
    assert result.interrupted
    assert result.samples >= 2
    assert result.events[-1].detail.startswith("reason=stopped")
