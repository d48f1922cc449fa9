"""Results: the diagnosis in plain sentences with the path MTU as a number, findings, fixes for this OS, details."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Collapsible, Footer, Static

from diag.i18n.tui import TUI
from diag.profile import Profile
from diag.summary import render_text
from diag.tui.screens.base import WizardScreen
from diag.tui.widgets.command_block import CommandBlock
from diag.tui.widgets.findings_list import SEVERITY_ORDER, FindingsList, by_severity
from diag.tui.widgets.probe_chart import ProbeChart
from diag.tui.widgets.timeline_strip import TimelineStrip
from diag.tui.widgets.title_bar import TitleBar
from reports.i18n import Lang
from reports.model import FixStep, PathResult, Report
from reports.rules import apply_rules

ROLE_ORDER = {"underlay": 0, "tunnel": 1, "target": 2}


def main_path(report: Report) -> PathResult | None:
    """The path the headline talks about: to the VPN server first, then through the tunnel, then anything."""
    if not report.paths:
        return None
    return sorted(report.paths, key=lambda p: (ROLE_ORDER[p.role], p.pmtu is None))[0]


def headline(report: Report, lang: Lang) -> str:
    """One or two sentences: the most serious finding, then the measured path MTU."""
    findings = by_severity(report.findings)
    first = findings[0].title if findings and findings[0].severity.value != "info" else TUI.text("headline_ok", lang)
    path = main_path(report)
    if path is None:
        second = TUI.text("headline_no_paths", lang)
    elif path.pmtu is not None:
        second = TUI.text("headline_pmtu", lang, target=path.target, pmtu=path.pmtu)
    else:
        second = TUI.text("headline_no_pmtu", lang, target=path.target, reason=path.pmtu_reason)
    return f"{first}\n{second}"


def steps_for_os(report: Report) -> list[tuple[str, list[FixStep]]]:
    """(fix title, steps for this machine's OS or any OS) for every fix that has such steps, the fixes for the most
    serious findings first."""
    wanted = {report.system.os, "any"}
    rank = {finding.id: SEVERITY_ORDER[finding.severity] for finding in report.findings}
    ordered = sorted(report.fixes, key=lambda fix: min(rank.get(i, len(SEVERITY_ORDER)) for i in fix.finding_ids))
    fixes = []
    for fix in ordered:
        steps = [step for step in fix.steps if step.platform in wanted]
        if steps:
            fixes.append((fix.title, steps))
    return fixes


def support_line(profile: Profile, lang: Lang) -> str | None:
    """How to reach the provider's support, from the profile; None when the profile names no contact."""
    support = profile.support
    contact = " / ".join(str(value) for value in (support.phone, support.email, support.url) if value)
    if not contact:
        return None
    if support.hours:
        contact = TUI.text("support_hours", lang, contact=contact, hours=support.hours)
    return TUI.text("support_contact", lang, provider=profile.provider, contact=contact)


class ResultsScreen(WizardScreen):
    CSS_PATH = "results.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "send", "Send", id="key_send"),
        Binding("w", "save", "Save", id="key_save"),
        Binding("d", "details", "Details", id="key_details"),
        Binding("r", "again", "Check again", id="key_again"),
        Binding("m", "watch", "Watch", id="key_watch"),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.details_open = False

    def compose(self) -> ComposeResult:
        report = self.report
        yield TitleBar(self.wizard.title)
        with VerticalScroll(id="body"):
            yield Static(headline(report, self.lang), id="headline", markup=False)
            yield Static(self.t("findings_heading"), classes="section")
            yield FindingsList(report.findings, self.lang)
            if report.timeline:
                yield Static(self.t("watch_heading"), classes="section")
                yield TimelineStrip(report.timeline, self.lang, id="timeline")
            yield Static(self.t("fixes_heading"), classes="section")
            fixes = steps_for_os(report)
            if not report.fixes:
                yield Static(self.t("no_fixes"), classes="step")
            elif not fixes:
                yield Static(self.t("no_fixes_for_os"), classes="step")
            for title, steps in fixes:
                yield Static(title, classes="fix-title", markup=False)
                for step in steps:
                    yield Static(step.text, classes="step", markup=False)
                    if step.command:
                        yield CommandBlock(step.command, self.t("copy"))
            support = support_line(self.wizard.profile, self.lang)
            if support:
                yield Static(support, id="support", markup=False)
            with Collapsible(title=self.t("details_heading"), collapsed=not self.details_open, id="details"):
                for path in report.paths:
                    if path.probes:
                        yield ProbeChart(self.lang, path.probes, classes="chart")
                yield Static(render_text(report, self.lang), markup=False, classes="measurements")
        with Horizontal(id="actions"):
            yield Button(self.t("send"), id="send", variant="primary", compact=True)
            yield Button(self.t("save"), id="save", compact=True)
            yield Button(self.t("watch"), id="watch", compact=True)
            yield Button(self.t("again"), id="again", compact=True)
        yield Footer()

    def save_state(self) -> None:
        self.details_open = not self.query_one("#details", Collapsible).collapsed
        # Findings and fixes are sentences in the report's language: diagnose again in the new one (pure, instant).
        if self.report.lang != self.lang:
            self.report = apply_rules(self.report, self.lang)
            self.wizard.report = self.report

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()
        elif event.button.id == "save":
            self.action_save()
        elif event.button.id == "again":
            self.action_again()
        elif event.button.id == "watch":
            self.action_watch()

    def action_send(self) -> None:
        self.wizard.open_send(self.report)

    def action_save(self) -> None:
        self.wizard.open_save(self.report)

    def action_watch(self) -> None:
        self.wizard.open_watch(self.report)

    def show_report(self, report: Report) -> None:
        """The same results with more in them (a watch's timeline and findings): rebuilt, details as they were."""
        self.save_state()
        self.report = report
        self.refresh(recompose=True)
        self.call_after_refresh(self._show_timeline)

    def _show_timeline(self) -> None:
        """Bring the watch's evidence into view (the headline above already names what it found)."""
        self.after_recompose()
        for strip in self.query(TimelineStrip):
            self.query_one("#body", VerticalScroll).scroll_to_widget(strip, animate=False)

    def action_again(self) -> None:
        self.wizard.back_to_welcome()

    def action_details(self) -> None:
        details = self.query_one("#details", Collapsible)
        details.collapsed = not details.collapsed
        if not details.collapsed:
            self.query_one("#body", VerticalScroll).scroll_to_widget(details, top=True)
