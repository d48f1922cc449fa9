"""Checks: every check with a live status, the path-MTU search narrowing, Esc to stop.

The run happens in a Textual worker on the app's event loop; the runner's progress callback only posts messages,
so the screen redraws between probes and never freezes.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from diag.run_options import RunOptions
from diag.tui.backend import ProgressEvent
from diag.tui.screens.base import WizardScreen
from diag.tui.widgets.check_list import FINISHED, CheckList, CheckRow, check_label
from diag.tui.widgets.probe_chart import ProbeChart
from diag.tui.widgets.title_bar import TitleBar
from reports.errors import VpndiagError
from reports.model import Probe, Report

CHART_ROWS = 5  # the latest probes; enough to see the window narrow at 80x24


def expected_checks(options: RunOptions) -> tuple[str, ...]:
    """The checks diag.run always reports, listed as 'waiting' before the first progress arrives."""
    names = ["adapters", "routes", "tcp"]
    if options.mss_server:
        names.append("mss")
    names.append("overhead")
    return tuple(names)


class ChecksScreen(WizardScreen):
    CSS_PATH = "checks.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Stop", id="key_cancel")]

    class ProgressReceived(Message):
        def __init__(self, event: ProgressEvent) -> None:
            super().__init__()
            self.event = event

    def __init__(self, options: RunOptions) -> None:
        super().__init__()
        self.options = options
        self.rows: dict[str, CheckRow] = {name: CheckRow(name) for name in expected_checks(options)}
        self.searches: dict[str, list[Probe]] = {}  # probes by check ("pmtu:<target>"), in arrival order
        self.chart_check: str | None = None
        self.probes: list[Probe] = []  # what the chart shows: a copy of one search
        self.message: str | None = None
        self.report: Report | None = None
        self.run_started = False

    def compose(self) -> ComposeResult:
        yield TitleBar(self.wizard.title)
        with VerticalScroll(id="body"):
            yield Static(self.t("checks_heading"), classes="heading")
            yield Static(self.t("checks_hint"), classes="hint")
            yield ProgressBar(total=len(self.rows), show_eta=False, id="progress")
            check_list = CheckList(self.lang, id="check-list")
            check_list.rows = self.rows
            yield check_list
            chart = ProbeChart(self.lang, self.probes, max_rows=CHART_ROWS, id="chart")
            if self.chart_check:
                chart.border_title = check_label(self.chart_check, self.lang)
            yield chart
            yield Static(self.message or "", id="message")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self._update_progress()
        # A flag, not `self.workers`: that is the app's whole worker manager, so another screen's worker (the
        # welcome screen's VPN detection still finishing) would keep the run from ever starting.
        if self.report is None and not self.run_started:
            self.run_started = True
            self.run_checks()

    def after_recompose(self) -> None:
        self._update_progress()

    @work(exclusive=True, exit_on_error=False, group="checks")
    async def run_checks(self) -> Report:
        return await self.wizard.backend.run_checks(self.options, self._on_progress)

    def _on_progress(self, event: ProgressEvent) -> None:
        # May be called from the runner's own threads: post_message is thread-safe, widget calls are not.
        self.post_message(self.ProgressReceived(event))

    def on_checks_screen_progress_received(self, message: ProgressReceived) -> None:
        event = message.event
        check_list = self.query_one(CheckList)
        check_list.set_status(event.check, event.status, event.detail)
        if event.probe is not None:
            self.searches.setdefault(event.check, []).append(event.probe)
        self._show_search()
        self._update_progress()

    def _show_search(self) -> None:
        """Paths are probed at the same time: the chart follows one search until it ends, then a running one."""
        current = self.rows.get(self.chart_check or "")
        if current is not None and current.status == "running":
            chosen: str | None = current.check
        else:
            running = [check for check in self.searches if check in self.rows and self.rows[check].status == "running"]
            chosen = running[0] if running else self.chart_check or next(iter(self.searches), None)
        if chosen is None:
            return
        chart = self.query_one(ProbeChart)
        if chosen != self.chart_check:
            self.chart_check = chosen
            chart.border_title = check_label(chosen, self.lang)
        self.probes[:] = self.searches[chosen]
        chart.refresh(layout=True)

    def _update_progress(self) -> None:
        progress = self.query_one("#progress", ProgressBar)
        finished = sum(1 for row in self.rows.values() if row.status in FINISHED)
        progress.update(total=len(self.rows), progress=finished)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "checks":
            return
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Report):
            self.report = event.worker.result
            self._settle_rows(self.report)
            self.wizard.show_results(self.report)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, VpndiagError):
                self._show_message(self.t("checks_failed", error=str(error)))
            else:
                self._show_message(self.t("checks_crashed", error=f"{type(error).__name__}: {error}"))

    def _settle_rows(self, report: Report) -> None:
        """Rows the runner never reported take their status from the finished report."""
        statuses = {check.name: check for check in report.checks}
        for row in self.rows.values():
            if row.status not in FINISHED:
                status = statuses.get(row.check)
                row.status = status.status if status else "skipped"
                row.detail = status.reason if status else None

    def _show_message(self, text: str) -> None:
        self.message = text
        self.query_one("#message", Static).update(text)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "checks")
        self.wizard.checks_cancelled()
