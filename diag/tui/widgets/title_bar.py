"""One line at the top with the provider's name. (Textual's Header races with quick screen switches.)"""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar { dock: top; width: 1fr; height: 1; content-align: center middle; background: $panel; text-style: bold; }
    """

    def __init__(self, title: str) -> None:
        super().__init__(title, markup=False)
