"""What every wizard screen shares: the app's language and backend, and re-rendering when the language changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from diag.i18n.tui import TUI
from diag.tui.translate import translate_bindings
from reports.i18n import Lang

if TYPE_CHECKING:
    from diag.tui.app import VpndiagApp


class WizardScreen(Screen[None]):
    @property
    def wizard(self) -> VpndiagApp:
        return cast("VpndiagApp", self.app)

    @property
    def lang(self) -> Lang:
        return self.wizard.lang

    def t(self, key: str, /, **fields: object) -> str:
        return TUI.text(key, self.lang, **fields)

    def on_mount(self) -> None:
        translate_bindings(self, self.lang)

    def apply_language(self) -> None:
        """Called by the app after the language changed: relabel keys and rebuild from the screen's own state."""
        self.save_state()
        translate_bindings(self, self.lang)
        self.refresh(recompose=True)
        self.call_after_refresh(self.after_recompose)

    def save_state(self) -> None:
        """Copy what the person typed or chose out of the widgets before they are rebuilt."""

    def after_recompose(self) -> None:
        """Put back what the rebuilt widgets do not take from the screen's state."""
