"""The wizard's App: navigation between screens, global keys, language, dark/light. Screens do the rest."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from diag.i18n.tui import TUI
from diag.profile import Profile
from diag.run_options import RunOptions
from diag.tui.backend import Backend, real_backend
from diag.tui.screens.base import WizardScreen
from diag.tui.translate import translate_bindings
from diag.tui.widgets.command_block import CommandBlock
from reports.i18n import Lang
from reports.model import Report

DARK = "textual-dark"
LIGHT = "textual-light"


class VpndiagApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="key_quit", priority=True),
        Binding("f2", "toggle_language", "日本語", id="key_language"),
        Binding("f3", "toggle_theme", "Dark/light", id="key_theme", show=False),
    ]

    def __init__(
        self,
        *,
        profile: Profile,
        options: RunOptions | None = None,
        backend: Backend | None = None,
        lang: Lang = "en",
        dark: bool = True,
    ) -> None:
        super().__init__()
        self.profile = profile
        self.options = options or RunOptions(lang=lang)
        self.backend = backend or real_backend()
        self.lang: Lang = lang
        self.theme = DARK if dark else LIGHT
        self.report: Report | None = None

    def on_mount(self) -> None:
        self._apply_title()
        translate_bindings(self, self.lang)
        from diag.tui.screens.welcome import WelcomeScreen

        self.push_screen(WelcomeScreen())

    def _apply_title(self) -> None:
        self.title = TUI.text("app_title", self.lang, provider=self.profile.provider)

    # language and theme

    def set_language(self, lang: Lang) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        self._apply_title()
        translate_bindings(self, lang)
        from diag.tui.screens.watch import WatchScreen

        for screen in self.screen_stack:
            if isinstance(screen, WizardScreen):
                screen.apply_language()
            elif isinstance(screen, WatchScreen):
                screen.set_language(lang)

    def action_toggle_language(self) -> None:
        self.set_language("en" if self.lang == "ja" else "ja")

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            TUI.text("cmd_language", self.lang), TUI.text("cmd_language_help", self.lang), self.action_toggle_language
        )
        yield SystemCommand(
            TUI.text("cmd_theme", self.lang), TUI.text("cmd_theme_help", self.lang), self.action_toggle_theme
        )

    # navigation

    def start_checks(self, options: RunOptions) -> None:
        from diag.tui.screens.checks import ChecksScreen

        self.options = options
        self.push_screen(ChecksScreen(options))

    def checks_cancelled(self) -> None:
        self.pop_screen()
        self.notify(TUI.text("checks_cancelled", self.lang))

    def show_results(self, report: Report) -> None:
        from diag.tui.screens.results import ResultsScreen

        self.report = report
        self.switch_screen(ResultsScreen(report))

    def open_send(self, report: Report) -> None:
        from diag.tui.screens.send import SendScreen

        self.push_screen(SendScreen(report))

    def open_save(self, report: Report) -> None:
        from diag.tui.screens.save import SaveScreen

        self.push_screen(SaveScreen(report))

    def open_watch(self, report: Report) -> None:
        """Watch the connection for a few minutes, pre-filled from `report`; its findings join the results."""
        from diag.tui.screens.watch import WatchScreen
        from diag.tui.watching import watch_request, with_watch

        request = watch_request(report, self.options)
        if request is None:
            self.notify(TUI.text("watch_no_target", self.lang), severity="warning")
            return

        def watched(result: Report | None) -> None:
            # None: the watch could not run, and its screen said why.
            from diag.tui.screens.results import ResultsScreen

            if result is None or not isinstance(self.screen, ResultsScreen):
                return
            self.report = with_watch(self.screen.report, result, self.lang)
            self.screen.show_report(self.report)

        screen = WatchScreen(self.backend.watch(request, self.lang), lang=self.lang, interval_s=request.interval_s)
        self.push_screen(screen, watched)

    def back_to_welcome(self) -> None:
        self.pop_screen()

    # clipboard: widgets ask, the app owns it

    def on_command_block_copy_requested(self, message: CommandBlock.CopyRequested) -> None:
        self.copy_to_clipboard(message.text)
        self.notify(TUI.text("copied", self.lang))
