"""The reference code the customer reads to support: big, spaced out, and copyable."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from diag.tui.widgets.command_block import CommandBlock


def spaced(code: str) -> str:
    """'ABCD-2345' -> 'A B C D - 2 3 4 5': easier to read aloud letter by letter."""
    return " ".join(code)


class ReferenceCode(Horizontal):
    DEFAULT_CSS = """
    ReferenceCode { height: auto; margin: 1 0; }
    ReferenceCode > .code {
        width: auto; padding: 1 4; border: heavy $accent; text-style: bold; color: $text; background: $boost;
    }
    ReferenceCode > Button { margin: 2 0 0 2; }
    """

    def __init__(self, code: str, copy_label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code = code
        self.copy_label = copy_label

    def compose(self) -> ComposeResult:
        yield Static(spaced(self.code), classes="code", markup=False)
        yield Button(self.copy_label, compact=True, classes="copy")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(CommandBlock.CopyRequested(self.code))
