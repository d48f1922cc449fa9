"""The watch timeline: samples in, a bounded list of timestamped events out. Pure: no sockets, no clock.

Every interval the sampler takes one `Sample` (the adapter's state and three echoes). Repeats coalesce: eleven
lost large probes in a row become one `large_lost` event with ``count=11`` and ``until`` set, so an hour of a steady
link is a handful of events while every change keeps its own timestamp. All channels of one sample carry the
sample's time and tick index, which lets the rules line the channels up exactly (reports/rules/watch_patterns.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from reports.model import WatchEvent

# A watch of hours with a flapping link must still fit the report (model: timeline max 10000); 1000 events is
# about 15 minutes of a link that changes state on every channel every second, and far more of anything calmer.
MAX_EVENTS = 1000

EchoChannel = Literal["small", "large", "underlay"]
ECHO_CHANNELS: tuple[EchoChannel, ...] = ("small", "large", "underlay")


class Outcome(StrEnum):
    ok = "ok"
    lost = "lost"
    too_big = "too_big"
    error = "error"


@dataclass(frozen=True)
class EchoResult:
    """One echo: what came back. ``reason`` says why for ``error`` (no route, no permission)."""

    outcome: Outcome
    rtt_ms: float | None = None
    reported_mtu: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class AdapterState:
    name: str
    is_up: bool
    mtu: int | None
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sample:
    """Everything measured in one interval. A channel that was not configured is None."""

    tick: int
    at: datetime
    adapter: AdapterState | None = None
    adapter_name: str | None = None  # the adapter being watched; adapter None with a name means it vanished
    small: EchoResult | None = None
    large: EchoResult | None = None
    large_size: int | None = None
    underlay: EchoResult | None = None


@dataclass
class _Run:
    kind: str
    at: datetime
    tick: int | None
    detail: str = ""
    value: float | None = None
    count: int = 1
    until: datetime | None = None
    rtt_total: float = 0.0
    rtt_count: int = 0

    def event(self) -> WatchEvent:
        value = self.value
        if self.rtt_count:
            value = round(self.rtt_total / self.rtt_count, 2)
        return WatchEvent(
            at=self.at,
            kind=self.kind,
            detail=self.detail,
            value=value,
            count=self.count,
            until=self.until if self.count > 1 else None,
            tick=self.tick,
        )


def _echo_detail(channel: EchoChannel, result: EchoResult, size: int | None) -> str:
    parts = []
    if channel == "large" and size is not None:
        parts.append(f"size={size}")
    if result.reported_mtu is not None:
        parts.append(f"reported_mtu={result.reported_mtu}")
    if result.outcome is Outcome.error and result.reason:
        parts.append(f"reason={result.reason}")
    return " ".join(parts)


def _adapter_detail(state: AdapterState) -> str:
    addresses = ",".join(state.addresses) or "-"
    return f"name={state.name} mtu={state.mtu if state.mtu is not None else '-'} addresses={addresses}"


@dataclass
class TimelineBuilder:
    """Feeds samples in order; `events()` is the coalesced, bounded timeline at any moment."""

    max_events: int = MAX_EVENTS
    _runs: list[_Run] = field(default_factory=list)
    _open: dict[str, _Run] = field(default_factory=dict)
    _adapter: AdapterState | None = None
    _adapter_seen: bool = False
    _dropped: int = 0
    _dropped_from: datetime | None = None

    def mark(self, kind: str, at: datetime, detail: str = "", value: float | None = None) -> WatchEvent:
        """A one-off event (watch_started, watch_stopped, adapter changes): never coalesced."""
        run = _Run(kind=kind, at=at, tick=None, detail=detail, value=value)
        self._append(run)
        return run.event()

    def add(self, sample: Sample) -> list[WatchEvent]:
        """Takes one sample; returns the events that are new (not extensions of a run), for the live view."""
        new: list[WatchEvent] = []
        new += self._adapter_events(sample)
        for channel in ECHO_CHANNELS:
            result: EchoResult | None = getattr(sample, channel)
            if result is None:
                continue
            kind = f"{channel}_{result.outcome.value}"
            detail = _echo_detail(channel, result, sample.large_size)
            value = float(sample.large_size) if channel == "large" and sample.large_size is not None else None
            run = self._open.get(channel)
            if run is not None and run.kind == kind and run.detail == detail:
                run.count += 1
                run.until = sample.at
            else:
                run = _Run(kind=kind, at=sample.at, tick=sample.tick, detail=detail, value=value)
                self._open[channel] = run
                self._append(run)
                new.append(run.event())
            # RTT of small and underlay echoes: the run's mean (large runs keep the probe size as their value).
            if result.rtt_ms is not None and channel != "large":
                run.rtt_total += result.rtt_ms
                run.rtt_count += 1
        return new

    def _adapter_events(self, sample: Sample) -> list[WatchEvent]:
        if sample.adapter_name is None and sample.adapter is None:
            return []
        state, before = sample.adapter, self._adapter
        events: list[WatchEvent] = []
        if state is None:
            if before is not None or not self._adapter_seen:
                events.append(self.mark("adapter_missing", sample.at, f"name={sample.adapter_name}"))
        elif before is None:
            events.append(self.mark("adapter_up" if state.is_up else "adapter_down", sample.at, _adapter_detail(state)))
        else:
            if state.is_up != before.is_up:
                events.append(
                    self.mark("adapter_up" if state.is_up else "adapter_down", sample.at, _adapter_detail(state))
                )
            if state.mtu != before.mtu:
                value = float(state.mtu) if state.mtu is not None else None
                events.append(
                    self.mark(
                        "adapter_mtu_changed", sample.at, f"name={state.name} from={before.mtu} to={state.mtu}", value
                    )
                )
            if set(state.addresses) != set(before.addresses):
                events.append(self.mark("adapter_address_changed", sample.at, _adapter_detail(state)))
        self._adapter = state
        self._adapter_seen = True
        return events

    def _append(self, run: _Run) -> None:
        self._runs.append(run)
        if len(self._runs) <= self.max_events:
            return
        # Drop the oldest event that is neither the watch's start (it says what was watched) nor a run still growing.
        open_runs = {id(r) for r in self._open.values()}
        for index, old in enumerate(self._runs):
            if old.kind != "watch_started" and id(old) not in open_runs:
                del self._runs[index]
                self._dropped += old.count
                if self._dropped_from is None:
                    self._dropped_from = old.at
                return

    def events(self) -> list[WatchEvent]:
        events = [run.event() for run in sorted(self._runs, key=lambda r: r.at)]
        if self._dropped and self._dropped_from is not None:
            # One event says that the oldest part was cut, so nobody reads the shortened timeline as complete.
            marker = WatchEvent(
                at=self._dropped_from, kind="timeline_truncated", detail="oldest events dropped", value=self._dropped
            )
            start = 1 if events and events[0].kind == "watch_started" else 0
            events.insert(start, marker)
        return events
