"""Findings, most serious first, each with a severity word (not only a colour)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import Static

from diag.i18n.tui import TUI
from reports.i18n import Lang
from reports.model import Finding, Severity

SEVERITY_ORDER = {Severity.critical: 0, Severity.warning: 1, Severity.info: 2}
SEVERITY_STYLE = {Severity.critical: "bold red", Severity.warning: "bold yellow", Severity.info: "bold blue"}


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], -f.confidence))


def render_findings(findings: Iterable[Finding], lang: Lang) -> Text:
    ordered = by_severity(findings)
    if not ordered:
        return Text(TUI.text("no_findings", lang))
    text = Text()
    for index, finding in enumerate(ordered):
        if index:
            text.append("\n")
        text.append(
            f"[{TUI.text(f'severity_{finding.severity.value}', lang)}] ", style=SEVERITY_STYLE[finding.severity]
        )
        text.append(finding.title, style="bold")
        text.append("\n")
        text.append(finding.detail)
    return text


class FindingsList(Static):
    DEFAULT_CSS = """
    FindingsList { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self, findings: Iterable[Finding], lang: Lang) -> None:
        super().__init__(render_findings(findings, lang))
