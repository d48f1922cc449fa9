"""Where a path's probes go in a chart: sizes in the order sent (x) against size (y), the path MTU as a line.

Geometry only, in SVG user units: numbers and outcomes, no words, no colours, no markup. The offline export adds its
translated words and the staff page its colours, each in its own template, so both draw a search the same way and
nothing here can carry a report's text into an SVG attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from reports.model import PathResult, Probe, ProbeOutcome

# Probes drawn (and listed) per path. A real path-MTU search sends under 100; the model allows 4096, and drawing every
# probe of a hostile report cost seconds and tens of megabytes per page. The rest stay in the report's JSON.
MAX_DRAWN_PROBES = 300
# Headroom above and below the sizes so marks never sit on the frame.
_Y_MARGIN_BYTES = 20
# Steps a reader counts in without effort; the largest covers the whole 0-65535 range of a size.
_NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000)
# More intervals than this along an axis crowd their labels at the page widths the SVG is shown at.
_MAX_TICK_INTERVALS = 6


@dataclass(frozen=True)
class ProbeMark:
    number: int  # 1 for the first probe sent
    x: float
    y: float
    size: int
    outcome: ProbeOutcome


@dataclass(frozen=True)
class Tick:
    at: float  # x for a tick on the x axis, y for one on the y axis
    value: int


@dataclass(frozen=True)
class ProbeChart:
    """One path's probes placed in a `width` × `height` SVG; marks and ticks lie inside the plot frame."""

    # Every chart has the same frame, in SVG user units: the SVG scales to the page width, and the margins around
    # the plot hold the tick labels and the axis titles.
    width: ClassVar[int] = 640
    height: ClassVar[int] = 260
    left: ClassVar[float] = 64.0
    top: ClassVar[float] = 16.0
    right: ClassVar[float] = 640 - 16.0
    bottom: ClassVar[float] = 260 - 44.0

    marks: list[ProbeMark]
    y_ticks: list[Tick]  # sizes in bytes, ascending
    x_ticks: list[Tick]  # probe numbers, ascending
    pmtu_y: float | None  # None when no path MTU was found
    not_drawn: int  # probes past MAX_DRAWN_PROBES, left out of the chart


def drawn_probes(path: PathResult) -> tuple[list[Probe], int]:
    """The probes a page shows (the first MAX_DRAWN_PROBES, in the order sent) and how many it leaves out."""
    return path.probes[:MAX_DRAWN_PROBES], max(0, len(path.probes) - MAX_DRAWN_PROBES)


def _nice_step(span: float) -> int:
    """The smallest nice step that cuts `span` into at most _MAX_TICK_INTERVALS pieces."""
    for step in _NICE_STEPS:
        if span / step <= _MAX_TICK_INTERVALS:
            return step
    return _NICE_STEPS[-1]


def probe_chart(path: PathResult) -> ProbeChart | None:
    """The search narrowing, as a picture of its first MAX_DRAWN_PROBES probes; None when there are none."""
    probes, not_drawn = drawn_probes(path)
    if not probes:
        return None
    sizes = [p.size for p in probes] + ([path.pmtu] if path.pmtu is not None else [])
    low = max(0, min(sizes) - _Y_MARGIN_BYTES)
    high = max(sizes) + _Y_MARGIN_BYTES
    left, top, right, bottom = ProbeChart.left, ProbeChart.top, ProbeChart.right, ProbeChart.bottom
    count = len(probes)

    def x_of(number: int) -> float:
        return round(left + (right - left) * (number - 0.5) / count, 1)

    def y_of(size: int) -> float:
        return round(bottom - (bottom - top) * (size - low) / (high - low), 1)

    marks = [
        ProbeMark(number=number, x=x_of(number), y=y_of(probe.size), size=probe.size, outcome=probe.outcome)
        for number, probe in enumerate(probes, start=1)
    ]
    y_step = _nice_step(high - low)
    first = -(-low // y_step) * y_step  # the first multiple of the step at or above `low`
    x_step = _nice_step(count)
    return ProbeChart(
        marks=marks,
        y_ticks=[Tick(y_of(size), size) for size in range(first, high + 1, y_step)],
        x_ticks=[Tick(x_of(n), n) for n in range(1, count + 1) if n == 1 or n % x_step == 0],
        pmtu_y=y_of(path.pmtu) if path.pmtu is not None else None,
        not_drawn=not_drawn,
    )
