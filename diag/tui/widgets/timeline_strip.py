"""A finished watch's timeline as the watch screen drew it live: one row per echo channel, one cell per sample.

The report keeps runs of equal samples (kind, tick, count); they are laid out again by tick. When there are more
samples than columns, each column stands for several and shows the worst of them, so a short loss never vanishes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from diag.i18n.watch import WATCH
from diag.tui.screens.watch import CELLS, LABEL_WIDTH, row_label
from diag.watch.timeline import Outcome
from reports.i18n import Lang
from reports.model import WatchEvent

ROWS = ("small", "large", "underlay")
# Which outcome a merged column shows: the one that tells the customer most.
WORST_FIRST = (Outcome.lost, Outcome.too_big, Outcome.error, Outcome.ok)


def channel_cells(events: Sequence[WatchEvent]) -> dict[str, list[Outcome | None]]:
    """Per channel, the outcome of every sample by tick (None: that channel was not sampled then)."""
    samples = max((e.tick + e.count for e in events if e.tick is not None), default=0)
    cells: dict[str, list[Outcome | None]] = {row: [None] * samples for row in ROWS}
    for event in events:
        row, _, state = event.kind.partition("_")
        if event.tick is None or row not in cells:
            continue
        try:
            outcome = Outcome(state)
        except ValueError:
            continue
        for tick in range(event.tick, event.tick + event.count):
            cells[row][tick] = outcome
    return cells


def timeline_text(events: Sequence[WatchEvent], lang: Lang, width: int) -> Text:
    cells = channel_cells(events)
    labels = WATCH.text("tui_rows", lang).split("|")
    samples = len(cells[ROWS[0]])
    per_column = max(1, math.ceil(samples / max(1, width - LABEL_WIDTH)))
    text = Text()
    for row, label in zip(ROWS, labels, strict=True):
        text.append(row_label(label), style="bold")
        for start in range(0, samples, per_column):
            seen = {o for o in cells[row][start : start + per_column] if o is not None}
            worst = next((o for o in WORST_FIRST if o in seen), None)
            glyph, style = CELLS[worst] if worst is not None else ("·", "grey35")
            text.append(glyph, style=style)
        text.append("\n")
    return text


class TimelineStrip(Static):
    def __init__(self, events: Sequence[WatchEvent], lang: Lang, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.events = list(events)
        self.lang = lang

    def on_mount(self) -> None:
        self.on_resize()

    def on_resize(self) -> None:
        self.update(timeline_text(self.events, self.lang, self.content_size.width or 80))
