"""Builds watch timelines from scripted samples, the way the sampler does (through the real TimelineBuilder)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from diag.watch.timeline import AdapterState, EchoResult, Outcome, Sample, TimelineBuilder
from reports.model import WatchEvent

START = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
OK = EchoResult(Outcome.ok, rtt_ms=12.0)
LOST = EchoResult(Outcome.lost)
WG0 = AdapterState(name="wg0", is_up=True, mtu=1420, addresses=("10.66.0.2",))

# One script line per sample: (small, large, underlay) outcomes.
Script = Callable[[int], tuple[EchoResult, EchoResult, EchoResult]]


def build(script: Script, samples: int, *, interval_s: float = 1.0, max_events: int = 1000) -> list[WatchEvent]:
    builder = TimelineBuilder(max_events=max_events)
    builder.mark("watch_started", START, f"interval={interval_s} size=1420")
    for tick in range(samples):
        small, large, underlay = script(tick)
        at = START + timedelta(seconds=tick * interval_s)
        builder.add(
            Sample(
                tick=tick,
                at=at,
                adapter=WG0,
                adapter_name="wg0",
                small=small,
                large=large,
                large_size=1420,
                underlay=underlay,
            )
        )
    builder.mark("watch_stopped", START + timedelta(seconds=samples * interval_s), "reason=finished")
    return builder.events()
