"""Watch: the tunnel sampled over time, drawn as a strip chart while it runs; Esc stops and keeps the report.

Self-contained: the screen gets a runner (diag.watch.runner.make_watch_runner) and its language, runs it in a
worker, and dismisses with the finished Report (or None when the runner failed) after Enter.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import ClassVar

from rich.cells import set_cell_size
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from diag.i18n.watch import WATCH
from diag.tui.translate import translate_bindings
from diag.watch.render import sample_line
from diag.watch.runner import WatchRunner
from diag.watch.timeline import EchoResult, Outcome, Sample
from reports.errors import VpndiagError
from reports.i18n import Lang
from reports.model import Report, WatchEvent

# How many samples the strip chart keeps: more than fit an 80-column terminal, so wide terminals show more.
STRIP_SAMPLES = 240
LABEL_WIDTH = 14
# One cell per sample; the glyph differs as well as the colour, so the chart reads without colour too.
CELLS = {
    Outcome.ok: ("█", "green"),
    Outcome.lost: ("×", "bold red"),
    Outcome.too_big: ("▲", "dark_orange"),
    Outcome.error: ("?", "grey50"),
}


def row_label(label: str) -> str:
    """`label` cut or padded to LABEL_WIDTH terminal cells (Japanese characters take two), so the rows line up."""
    return set_cell_size(label, LABEL_WIDTH - 1) + " "


def strip_text(samples: list[Sample], labels: tuple[str, str, str], width: int) -> Text:
    """The three echo channels, newest sample on the right, as many as fit `width` cells."""
    columns = max(1, width - LABEL_WIDTH)
    shown = samples[-columns:]
    text = Text()
    for row, label in zip(("small", "large", "underlay"), labels, strict=True):
        text.append(row_label(label), style="bold")
        for sample in shown:
            result: EchoResult | None = getattr(sample, row)
            glyph, style = CELLS[result.outcome] if result is not None else ("·", "grey35")
            text.append(glyph, style=style)
        text.append("\n")
    return text


class WatchStrip(Static):
    """The strip chart; the screen hands it the samples."""

    def __init__(self, lang: Lang, **kwargs: object) -> None:
        super().__init__("", **kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.samples: list[Sample] = []

    def show(self, samples: list[Sample]) -> None:
        self.samples = samples
        self.refresh_chart()

    def refresh_chart(self) -> None:
        labels = tuple(WATCH.text("tui_rows", self.lang).split("|"))
        self.update(strip_text(self.samples, (labels[0], labels[1], labels[2]), self.content_size.width or 80))

    def on_resize(self) -> None:
        self.refresh_chart()


class WatchScreen(Screen[Report | None]):
    CSS_PATH = "watch.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop", id="key_stop"),
        Binding("enter", "done", "Continue", id="key_done", show=False),
    ]

    class SampleTaken(Message):
        def __init__(self, events: list[WatchEvent], sample: Sample | None) -> None:
            super().__init__()
            self.events = events
            self.sample = sample

    class Finished(Message):
        """Posted when the watch ended; `report` is None when it could not run."""

        def __init__(self, report: Report | None) -> None:
            super().__init__()
            self.report = report

    def __init__(self, runner: WatchRunner, *, lang: Lang = "en", interval_s: float = 2.0) -> None:
        super().__init__()
        self.runner = runner
        self.lang = lang
        self.interval_s = interval_s
        self.stop_event = asyncio.Event()
        self.samples: deque[Sample] = deque(maxlen=STRIP_SAMPLES)
        self.report: Report | None = None
        self.failure: str | None = None  # why the watch could not run
        self.finished = False

    def compose(self) -> ComposeResult:
        t = WATCH.text
        with VerticalScroll(id="body"):
            yield Static(t("tui_heading", self.lang), classes="heading")
            yield Static(t("tui_hint", self.lang, interval=f"{self.interval_s:g}"), classes="hint")
            yield WatchStrip(self.lang, id="strip")
            yield Static(t("tui_waiting", self.lang), id="latest")
            yield Static("", id="result")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)  # footer labels from the wizard's catalog (key_stop, key_done)
        self.run_watch()

    def set_language(self, lang: Lang) -> None:
        """The wizard's F2: relabel everything in place; the watch itself goes on."""
        self.lang = lang
        translate_bindings(self, lang)
        self.query_one(".heading", Static).update(WATCH.text("tui_heading", lang))
        self.query_one(".hint", Static).update(WATCH.text("tui_hint", lang, interval=f"{self.interval_s:g}"))
        strip = self.query_one(WatchStrip)
        strip.lang = lang
        strip.refresh_chart()
        latest = sample_line(self.samples[-1], lang) if self.samples else WATCH.text("tui_waiting", lang)
        if self.stop_event.is_set() and not self.finished:
            latest = WATCH.text("tui_stopping", lang)
        self.query_one("#latest", Static).update(latest)
        if self.finished:
            self.query_one("#result", Static).update(self._result_text())

    def _result_text(self) -> str:
        if self.failure is not None:
            return WATCH.text("tui_failed", self.lang, reason=self.failure)
        report = self.report
        assert report is not None
        samples = max((e.tick + e.count for e in report.timeline if e.tick is not None), default=0)
        lines = [WATCH.text("tui_finished", self.lang, samples=samples)]
        lines += [
            WATCH.text("tui_finding", self.lang, severity=f.severity.value, title=f.title) for f in report.findings
        ] or [WATCH.text("tui_no_findings", self.lang)]
        return "\n".join(lines)

    @work(exclusive=True, exit_on_error=False, group="watch")
    async def run_watch(self) -> Report:
        return await self.runner(self.stop_event, self._on_events)

    def _on_events(self, events: list[WatchEvent], sample: Sample | None) -> None:
        self.post_message(self.SampleTaken(events, sample))

    def on_watch_screen_sample_taken(self, message: SampleTaken) -> None:
        if message.sample is None:
            return
        self.samples.append(message.sample)
        self.query_one(WatchStrip).show(list(self.samples))
        self.query_one("#latest", Static).update(sample_line(message.sample, self.lang))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "watch":
            return
        result = self.query_one("#result", Static)
        if event.state is WorkerState.SUCCESS:
            report = event.worker.result
            assert isinstance(report, Report)
            self.report = report
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            self.failure = str(error) if isinstance(error, VpndiagError) else type(error).__name__
        else:
            return
        self.finished = True
        result.update(self._result_text())
        self.post_message(self.Finished(self.report))

    def action_stop(self) -> None:
        if self.finished:
            self.dismiss(self.report)
            return
        self.stop_event.set()
        self.query_one("#latest", Static).update(WATCH.text("tui_stopping", self.lang))

    def action_done(self) -> None:
        if self.finished:
            self.dismiss(self.report)
