"""Chart geometry for the staff pages, computed here so the templates only place numbers into inline SVG.

Only numbers and fixed words leave this module: no report string is put into an SVG attribute. The probe chart's
geometry is shared with the offline export (reports.probe_chart); only its colours are the staff page's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.model import ProbeOutcome

# The probe chart's dots; the legend under it (.key.ok ... in staff.css) must match.
OUTCOME_COLOURS = {
    ProbeOutcome.ok: "#2e7d32",
    ProbeOutcome.lost: "#c62828",
    ProbeOutcome.too_big: "#ef6c00",
    ProbeOutcome.error: "#757575",
}


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
