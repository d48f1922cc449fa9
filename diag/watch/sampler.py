"""The watch loop: every interval, one sample of the adapter and three echoes, fed to the timeline.

The plan is data (what to probe, how often, for how long); the echo and adapter functions are passed in, so the
loop runs the same against real sockets and in tests against scripted ones. It ends when the time is up or when
`stop` is set (Ctrl-C, the wizard's stop button), always after a complete sample.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from diag.watch.adapters import read_adapter
from diag.watch.echo import SMALL_SIZE_V4, SMALL_SIZE_V6, Echo, echo
from diag.watch.fit import MeasurePath, fit_detail, path_measurer
from diag.watch.timeline import AdapterState, EchoResult, Outcome, Sample, TimelineBuilder
from reports.model import PathResult, WatchEvent

# An echo that has not come back after a second is lost for the watch's purposes (RTTs through a VPN are tens to
# hundreds of milliseconds); with short intervals the wait shrinks so samples keep their pace.
ECHO_TIMEOUT_S = 1.0
ECHO_TIMEOUT_SHARE_OF_INTERVAL = 0.8
MIN_INTERVAL_S = 0.2
# The largest IP packet (16-bit total length, RFC 791); loopback's MTU of 65536 is one more.
MAX_IP_PACKET = 65535


@dataclass(frozen=True)
class WatchPlan:
    """What to watch. Addresses are already resolved; a None channel is not sampled."""

    interval_s: float = 2.0
    duration_s: float | None = 300.0  # None: until stopped
    target: str | None = None  # an address inside the tunnel
    vpn_server: str | None = None  # the VPN server's underlay address
    adapter: str | None = None  # the tunnel adapter's name
    tunnel_mtu: int | None = None  # size of the DF probe; None: the adapter's MTU at each sample
    measure_fit: bool = True  # after a black hole: search the largest packet that still fits through the tunnel

    def echo_timeout_s(self) -> float:
        return min(ECHO_TIMEOUT_S, ECHO_TIMEOUT_SHARE_OF_INTERVAL * self.interval_s)

    def started_detail(self) -> str:
        parts = [f"interval={self.interval_s:g}"]
        for key, value in (
            ("target", self.target),
            ("vpn_server", self.vpn_server),
            ("adapter", self.adapter),
            ("size", self.tunnel_mtu),
        ):
            if value is not None:
                parts.append(f"{key}={value}")
        return " ".join(parts)


@dataclass(frozen=True)
class WatchResult:
    events: list[WatchEvent]
    samples: int
    interrupted: bool
    last_adapter: AdapterState | None
    paths: list[PathResult] = field(default_factory=list)  # the tunnel path measured after a black hole


def _small_size(address: str) -> int:
    return SMALL_SIZE_V6 if ":" in address else SMALL_SIZE_V4


async def take_sample(
    plan: WatchPlan,
    tick: int,
    *,
    echo_fn: Echo,
    read_adapter_fn: Callable[[str], AdapterState | None],
    now: Callable[[], datetime],
) -> Sample:
    at = now()
    adapter = read_adapter_fn(plan.adapter) if plan.adapter else None
    large_size = plan.tunnel_mtu or (adapter.mtu if adapter else None)
    if large_size is not None:
        large_size = min(large_size, MAX_IP_PACKET)
    timeout = plan.echo_timeout_s()

    async def nothing() -> None:
        return None

    small = large = underlay = None
    target, server = plan.target, plan.vpn_server
    jobs: list[Awaitable[EchoResult | None]] = [
        echo_fn(target, _small_size(target), dont_fragment=True, wait_s=timeout) if target else nothing(),
        echo_fn(target, large_size, dont_fragment=True, wait_s=timeout) if target and large_size else nothing(),
        echo_fn(server, _small_size(server), dont_fragment=True, wait_s=timeout) if server else nothing(),
    ]
    small, large, underlay = await asyncio.gather(*jobs)
    return Sample(
        tick=tick,
        at=at,
        adapter=adapter,
        adapter_name=plan.adapter,
        small=small,
        large=large,
        large_size=large_size if large is not None else None,
        underlay=underlay,
    )


def _small_passed_large_vanished(sample: Sample) -> bool:
    return (
        sample.small is not None
        and sample.small.outcome is Outcome.ok
        and sample.large is not None
        and sample.large.outcome is Outcome.lost
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def run_watch(
    plan: WatchPlan,
    *,
    stop: asyncio.Event | None = None,
    on_events: Callable[[list[WatchEvent], Sample | None], None] | None = None,
    echo_fn: Echo = echo,
    read_adapter_fn: Callable[[str], AdapterState | None] = read_adapter,
    now: Callable[[], datetime] = _utc_now,
    builder: TimelineBuilder | None = None,
    measure_path_fn: MeasurePath | None = None,
) -> WatchResult:
    """Samples until the plan's duration is over or `stop` is set; returns the timeline. Cancelling the task also
    ends the watch, but then nothing is returned: use `stop` to keep the result."""
    if plan.interval_s < MIN_INTERVAL_S:
        raise ValueError(f"interval must be at least {MIN_INTERVAL_S} s")
    stop = stop or asyncio.Event()
    timeline = builder or TimelineBuilder()
    loop = asyncio.get_running_loop()
    first = timeline.mark("watch_started", now(), plan.started_detail())
    if on_events:
        on_events([first], None)
    started = loop.time()
    tick = 0
    last_adapter: AdapterState | None = None
    black_hole_size: int | None = None  # a probe size that vanished while small echoes came back
    while not stop.is_set():
        if plan.duration_s is not None and loop.time() - started >= plan.duration_s:
            break
        sample = await take_sample(plan, tick, echo_fn=echo_fn, read_adapter_fn=read_adapter_fn, now=now)
        last_adapter = sample.adapter or last_adapter
        if _small_passed_large_vanished(sample):
            black_hole_size = sample.large_size
        new = timeline.add(sample)
        if on_events:
            on_events(new, sample)
        tick += 1
        # Samples keep their pace: the next one is due at start + tick * interval, however long this one took.
        due = started + tick * plan.interval_s
        if plan.duration_s is not None:
            due = min(due, started + plan.duration_s)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, due - loop.time()))
    interrupted = stop.is_set()
    paths: list[PathResult] = []
    if plan.measure_fit and plan.target and black_hole_size:
        measure = measure_path_fn or path_measurer()
        jobs = [measure(plan.target, "tunnel")]
        if plan.vpn_server:
            jobs.append(measure(plan.vpn_server, "underlay"))
        paths = list(await asyncio.gather(*jobs))
        tunnel = paths[0]
        value = float(tunnel.pmtu) if tunnel.pmtu is not None else None
        marker = timeline.mark("tunnel_fit", now(), fit_detail(tunnel, black_hole_size), value)
        if on_events:
            on_events([marker], None)
    last = timeline.mark("watch_stopped", now(), f"reason={'stopped' if interrupted else 'finished'} samples={tick}")
    if on_events:
        on_events([last], None)
    return WatchResult(
        events=timeline.events(), samples=tick, interrupted=interrupted, last_adapter=last_adapter, paths=paths
    )
