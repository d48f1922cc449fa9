"""A command the customer (or support on the phone) copies: shown large, with a Copy button."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static


class CommandBlock(Horizontal):
    """Posts `CommandBlock.CopyRequested` upward; the app owns the clipboard."""

    DEFAULT_CSS = """
    CommandBlock { height: auto; margin: 0 0 1 2; }
    CommandBlock > .command { width: 1fr; padding: 0 1; background: $boost; text-style: bold; }
    CommandBlock > Button { margin-left: 1; }
    """

    class CopyRequested(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, command: str, copy_label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.command = command
        self.copy_label = copy_label

    def compose(self) -> ComposeResult:
        yield Static(self.command, classes="command", markup=False)
        yield Button(self.copy_label, compact=True, classes="copy")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.CopyRequested(self.command))
