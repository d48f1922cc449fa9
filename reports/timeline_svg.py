"""The watch timeline as a small strip chart: self-contained inline SVG for the HTML export and the staff UI.

One row per channel (adapter, small pings through the tunnel, DF probes at the tunnel MTU, pings to the VPN server);
time runs left to right; every run of equal samples is one bar, coloured by its outcome and labelled with a tooltip.
No scripts, no external references, every text escaped: the staff UI shows reports that came from the internet.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from reports.i18n import Catalog, Lang
from reports.model import WatchEvent

LABELS = Catalog(
    "timeline_svg",
    {
        "en": {
            "row.adapter": "Adapter",
            "row.small": "Tunnel ping",
            "row.large": "Full-size probe",
            "row.underlay": "Server ping",
            "caption": "Watch timeline from {start} to {end} (UTC)",
            "empty": "No samples were taken.",
            "tooltip": "{kind} ×{count}, {start} – {end} {detail}",
        },
        "ja": {
            "row.adapter": "アダプター",
            "row.small": "トンネル ping",
            "row.large": "最大サイズのプローブ",
            "row.underlay": "サーバー ping",
            "caption": "監視タイムライン {start} – {end}（UTC）",
            "empty": "測定は行われませんでした。",
            "tooltip": "{kind} ×{count}、{start} – {end} {detail}",
        },
    },
)

ROWS: tuple[str, ...] = ("adapter", "small", "large", "underlay")
# Outcome colours; the tooltip carries the same information as text.
COLOURS = {
    "ok": "#2e7d32",
    "up": "#2e7d32",
    "lost": "#c62828",
    "down": "#c62828",
    "too_big": "#ef6c00",
    "error": "#757575",
    "missing": "#757575",
}
LABEL_WIDTH = 130
ROW_HEIGHT = 18
ROW_GAP = 6
CAPTION_HEIGHT = 20


def _channel_and_state(kind: str) -> tuple[str, str] | None:
    for row in ROWS:
        prefix = f"{row}_"
        if kind.startswith(prefix):
            state = kind[len(prefix) :]
            return (row, state) if state in COLOURS else None
    return None


def _sample_interval_s(events: Sequence[WatchEvent]) -> float:
    for event in events:
        if event.kind == "watch_started":
            for part in event.detail.split():
                if part.startswith("interval="):
                    try:
                        return max(0.0, float(part.removeprefix("interval=")))
                    except ValueError:
                        break
    return 1.0


def _bars(
    events: Sequence[WatchEvent], end: datetime, interval_s: float, lang: Lang
) -> list[tuple[str, str, float, float, str]]:
    """(row, state, start s, end s, tooltip) per bar, times relative to the first event."""
    origin = events[0].at
    bars: list[tuple[str, str, float, float, str]] = []
    adapter_open: tuple[str, float, WatchEvent] | None = None
    for event in events:
        parsed = _channel_and_state(event.kind)
        if parsed is None:
            continue
        row, state = parsed
        start = (event.at - origin).total_seconds()
        if row == "adapter":
            # Adapter events are changes: a state lasts until the next change or the end of the watch.
            if state not in ("up", "down", "missing"):
                continue
            if adapter_open is not None:
                bars.append(
                    ("adapter", adapter_open[0], adapter_open[1], start, _tooltip(adapter_open[2], event.at, lang))
                )
            adapter_open = (state, start, event)
            continue
        last = event.until or event.at
        stop = (last - origin).total_seconds() + interval_s
        bars.append((row, state, start, stop, _tooltip(event, last, lang)))
    if adapter_open is not None:
        stop = (end - origin).total_seconds()
        bars.append(("adapter", adapter_open[0], adapter_open[1], stop, _tooltip(adapter_open[2], end, lang)))
    return bars


def _tooltip(event: WatchEvent, last: datetime, lang: Lang) -> str:
    return LABELS.text(
        "tooltip",
        lang,
        kind=event.kind,
        count=event.count,
        start=event.at.strftime("%H:%M:%S"),
        end=last.strftime("%H:%M:%S"),
        detail=event.detail,
    ).strip()


def timeline_svg(events: Sequence[WatchEvent], *, lang: Lang = "en", width: int = 720) -> str:
    """An inline SVG strip chart of a watch timeline (escaped, no external references)."""
    height = CAPTION_HEIGHT + len(ROWS) * (ROW_HEIGHT + ROW_GAP)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="vpndiag-timeline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="11">'
    )
    if not events:
        return f'{head}<text x="4" y="14">{escape(LABELS.text("empty", lang))}</text></svg>'
    ordered = sorted(events, key=lambda e: e.at)
    end = max((e.until or e.at) for e in ordered)
    interval_s = _sample_interval_s(ordered)
    bars = _bars(ordered, end, interval_s, lang)
    span = max((stop for *_, stop, _ in bars), default=0.0)
    span = max(span, (end - ordered[0].at).total_seconds(), 1e-9)
    scale = (width - LABEL_WIDTH - 4) / span
    caption = LABELS.text("caption", lang, start=ordered[0].at.strftime("%H:%M:%S"), end=end.strftime("%H:%M:%S"))
    parts = [head, f"<title>{escape(caption)}</title>", f'<text x="4" y="13">{escape(caption)}</text>']
    for index, row in enumerate(ROWS):
        y = CAPTION_HEIGHT + index * (ROW_HEIGHT + ROW_GAP)
        label = escape(LABELS.text(f"row.{row}", lang))
        parts.append(f'<text x="4" y="{y + ROW_HEIGHT - 5}">{label}</text>')
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width - LABEL_WIDTH - 4}" height="{ROW_HEIGHT}" fill="#eeeeee"/>'
        )
    for row, state, start, stop, tooltip in bars:
        y = CAPTION_HEIGHT + ROWS.index(row) * (ROW_HEIGHT + ROW_GAP)
        x = LABEL_WIDTH + start * scale
        bar_width = max(1.0, (stop - start) * scale)
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{bar_width:.1f}" height="{ROW_HEIGHT}" fill="{COLOURS[state]}" '
            f'data-kind="{escape(row + "_" + state)}"><title>{escape(tooltip)}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)
