"""The path-MTU search drawn as bars: one per DF probe, its length the packet size, its shade what came back.

Probes arrive one by one while the search runs (the checks screen feeds them in), so the customer watches the
window between "got through" and "lost" narrow to the answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from diag.i18n.tui import TUI
from reports.i18n import Lang
from reports.model import Probe, ProbeOutcome

# One glyph per outcome so the chart reads the same without colour (NO_COLOR, screen readers, phone calls).
GLYPHS = {
    ProbeOutcome.ok: ("█", "green"),
    ProbeOutcome.lost: ("░", "red"),
    ProbeOutcome.too_big: ("▒", "yellow"),
    ProbeOutcome.error: ("?", "magenta"),
}
LABEL_WIDTH = 6  # "65535 " fits


def search_window(probes: Iterable[Probe]) -> tuple[int | None, int | None]:
    """(largest size that got through, smallest larger size that did not) — the interval the answer lies in."""
    probes = list(probes)
    ok_sizes = [p.size for p in probes if p.outcome is ProbeOutcome.ok]
    largest_ok = max(ok_sizes) if ok_sizes else None
    failed = [p.size for p in probes if p.outcome in (ProbeOutcome.lost, ProbeOutcome.too_big)]
    if largest_ok is not None:
        failed = [size for size in failed if size > largest_ok]
    return largest_ok, (min(failed) if failed else None)


class ProbeChart(Widget):
    """Bars for the probes of one path-MTU search; `max_rows` keeps only the latest ones (checks screen)."""

    DEFAULT_CSS = """
    ProbeChart { height: auto; }
    """

    def __init__(
        self,
        lang: Lang,
        probes: Iterable[Probe] = (),
        *,
        max_rows: int | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.lang = lang
        # A list is kept, not copied: the checks screen owns it, so a rebuilt chart (language switch) shows the same.
        self.probes: list[Probe] = probes if isinstance(probes, list) else list(probes)
        self.max_rows = max_rows

    def add_probe(self, probe: Probe) -> None:
        self.probes.append(probe)
        self.refresh(layout=True)

    def reset(self) -> None:
        self.probes.clear()
        self.refresh(layout=True)

    def summary(self) -> str:
        largest_ok, smallest_lost = search_window(self.probes)
        if largest_ok is not None and smallest_lost is not None:
            return TUI.text("chart_window", self.lang, largest_ok=largest_ok, smallest_lost=smallest_lost)
        if largest_ok is not None:
            return TUI.text("chart_ok_only", self.lang, largest_ok=largest_ok)
        if smallest_lost is not None:
            return TUI.text("chart_lost_only", self.lang, smallest_lost=smallest_lost)
        return TUI.text("chart_empty", self.lang)

    def _shown(self) -> list[Probe]:
        if self.max_rows is None:
            return self.probes
        return self.probes[-self.max_rows :]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        rows = len(self._shown())
        return 1 + rows + (1 if rows else 0)

    def render(self) -> Text:
        text = Text(self.summary(), style="bold")
        shown = self._shown()
        if not shown:
            return text
        sizes = [p.size for p in self.probes]
        # Bars start a little below the smallest size so the smallest probe still has a visible bar.
        low = max(0, min(sizes) - 40)
        high = max(sizes)
        bar_room = max(4, self.size.width - LABEL_WIDTH - 1)
        for probe in shown:
            glyph, colour = GLYPHS[probe.outcome]
            length = max(1, round((probe.size - low) / max(1, high - low) * bar_room))
            text.append("\n")
            text.append(f"{probe.size:>5} ")
            text.append(glyph * length, style=colour)
        text.append("\n")
        text.append(TUI.text("chart_legend", self.lang), style="dim")
        return text
