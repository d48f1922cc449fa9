"""Chart geometry for the staff pages, computed here so the templates only place numbers into inline SVG.

Only numbers and fixed words leave this module: no report string is put into an SVG attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.model import PathResult, ProbeOutcome

OUTCOME_COLOURS = {
    ProbeOutcome.ok: "#2e7d32",
    ProbeOutcome.lost: "#c62828",
    ProbeOutcome.too_big: "#ef6c00",
    ProbeOutcome.error: "#757575",
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    colour: str
    number: int
    size: int
    outcome: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ProbeChart:
    width: int
    height: int
    left: int
    bottom: float
    right: float
    top: int
    points: list[Point]
    y_ticks: list[Tick]
    pmtu_y: float | None
    pmtu: int | None


def _ticks(low: int, high: int, count: int = 5) -> list[int]:
    span = max(1, high - low)
    step = max(1, round(span / (count - 1)))
    return list(range(low, high + 1, step))


def probe_chart(path: PathResult, width: int = 640, height: int = 220) -> ProbeChart | None:
    """Each probe in the order sent (x) at its size (y), coloured by what came back; the found MTU as a line."""
    if not path.probes:
        return None
    left, top, right, bottom = 56, 12, width - 12, height - 28
    sizes = [probe.size for probe in path.probes] + ([path.pmtu] if path.pmtu else [])
    low, high = min(sizes) - 10, max(sizes) + 10
    count = len(path.probes)

    def y_of(size: int) -> float:
        return round(bottom - (size - low) / (high - low) * (bottom - top), 1)

    def x_of(index: int) -> float:
        return round(left + (index + 0.5) / count * (right - left), 1)

    points = [
        Point(x_of(n), y_of(p.size), OUTCOME_COLOURS[p.outcome], n + 1, p.size, p.outcome.value)
        for n, p in enumerate(path.probes)
    ]
    ticks = [Tick(y_of(value), str(value)) for value in _ticks(low, high)]
    return ProbeChart(
        width=width,
        height=height,
        left=left,
        bottom=bottom,
        right=right,
        top=top,
        points=points,
        y_ticks=ticks,
        pmtu_y=y_of(path.pmtu) if path.pmtu else None,
        pmtu=path.pmtu,
    )


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    peak: int


def bar_chart(values: list[tuple[str, int]], width: int = 640, height: int = 180) -> BarChart:
    """Vertical bars scaled to the largest value (histograms and counts per day)."""
    baseline = height - 22.0
    peak = max((count for _, count in values), default=0)
    slot = (width - 20) / max(1, len(values))
    bars = []
    for n, (label, count) in enumerate(values):
        bar_height = 0.0 if peak == 0 else round(count / peak * (baseline - 14), 1)
        bars.append(
            Bar(
                round(10 + n * slot + slot * 0.1, 1),
                round(baseline - bar_height, 1),
                round(slot * 0.8, 1),
                bar_height,
                label,
                count,
            )
        )
    return BarChart(width=width, height=height, baseline=baseline, bars=bars, peak=peak)


def pmtu_histogram_chart(buckets: list[tuple[int, int]], bucket_size: int) -> BarChart:
    return bar_chart([(f"{start}–{start + bucket_size - 1}", count) for start, count in buckets])


def daily_chart(days: list[date], counts: list[int]) -> BarChart:
    return bar_chart(
        [(day.strftime("%m-%d"), count) for day, count in zip(days, counts, strict=True)], width=420, height=90
    )
