"""Every check with its live status; rows appear for checks the runner reports that were not expected."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from diag.i18n.tui import TUI
from reports.i18n import Lang

# Glyph + word: the state must read without colour too.
STATUS_GLYPHS = {
    "waiting": ("○", "dim"),
    "running": ("◐", "bold cyan"),
    "ok": ("✓", "bold green"),
    "failed": ("✗", "bold red"),
    "skipped": ("-", "dim"),
    "needs_privileges": ("!", "bold yellow"),
    "timeout": ("!", "bold yellow"),
}
FINISHED = frozenset({"ok", "failed", "skipped", "needs_privileges", "timeout"})
EXPLAINED = frozenset({"failed", "skipped", "needs_privileges", "timeout"})


def check_label(check: str, lang: Lang) -> str:
    """'pmtu:203.0.113.10' -> 'Largest packet to 203.0.113.10'; unknown names are shown as they are."""
    name, _, target = check.partition(":")
    if name == "pmtu":
        return TUI.text("check_pmtu", lang, target=target or "?")
    key = f"check_{name}"
    return TUI.text(key, lang) if key in TUI else TUI.text("check_other", lang, name=check)


@dataclass
class CheckRow:
    check: str
    status: str = "waiting"
    detail: str | None = None


class CheckList(Static):
    DEFAULT_CSS = """
    CheckList { height: auto; }
    """

    def __init__(self, lang: Lang, expected: tuple[str, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lang = lang
        self.rows: dict[str, CheckRow] = {name: CheckRow(name) for name in expected}

    def on_mount(self) -> None:
        self.update(self.render_rows())

    def set_status(self, check: str, status: str, detail: str | None) -> None:
        row = self.rows.setdefault(check, CheckRow(check))
        row.status = status
        # diag.run's details repeat the label for "running" and "ok"; the others say why, in plain words.
        row.detail = detail if status in EXPLAINED else None
        self.update(self.render_rows())

    @property
    def finished(self) -> int:
        return sum(1 for row in self.rows.values() if row.status in FINISHED)

    def render_rows(self) -> Text:
        text = Text()
        for index, row in enumerate(self.rows.values()):
            glyph, style = STATUS_GLYPHS.get(row.status, ("?", ""))
            if index:
                text.append("\n")
            text.append(f"{glyph} ", style=style)
            text.append(check_label(row.check, self.lang))
            text.append(" — ")
            status_key = f"status_{row.status}"
            text.append(TUI.text(status_key, self.lang) if status_key in TUI else row.status, style=style)
            if row.detail:
                text.append("\n    ")
                text.append(row.detail, style="dim")
        return text
