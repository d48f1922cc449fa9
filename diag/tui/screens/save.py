"""Save: export the report to JSON or HTML at a path the customer chooses."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, Label, RadioButton, RadioSet, Static

from diag.tui.backend import ExportFormat
from diag.tui.screens.base import WizardScreen
from diag.tui.widgets.title_bar import TitleBar
from diag.upload.export import default_file_name
from diag.upload.redact import keep_from_collection
from reports.errors import VpndiagError
from reports.model import Report

FORMATS: tuple[ExportFormat, ...] = ("json", "html")


def default_path(directory: Path, report: Report, fmt: ExportFormat) -> Path:
    return directory / default_file_name(report, fmt)


class SaveScreen(WizardScreen):
    CSS_PATH = "save.tcss"
    AUTO_FOCUS = "#save"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", id="key_back")]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.fmt: ExportFormat = "html"
        self.path = str(default_path(self.wizard.backend.save_dir, report, self.fmt))
        self.hide_private = True
        self.status: str | None = None
        self.failed = False

    def compose(self) -> ComposeResult:
        yield TitleBar(self.wizard.title)
        with VerticalScroll(id="body"):
            yield Static(self.t("save_heading"), classes="heading")
            yield Label(self.t("save_format"))
            with RadioSet(id="format", compact=True):
                for fmt in FORMATS:
                    yield RadioButton(self.t(f"format_{fmt}"), value=fmt == self.fmt, id=f"format-{fmt}")
            yield Label(self.t("save_path"))
            yield Input(self.path, id="path", compact=True)
            yield Checkbox(self.t("save_redact"), self.hide_private, id="redact", compact=True)
            yield Button(self.t("save_button"), id="save", variant="primary")
            yield Static(self.status or "", id="status", classes="problem" if self.failed else "")
        yield Footer()

    def save_state(self) -> None:
        self.path = self.query_one("#path", Input).value.strip()
        self.hide_private = self.query_one("#redact", Checkbox).value

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        fmt: ExportFormat = "json" if event.pressed.id == "format-json" else "html"
        if fmt == self.fmt:
            return
        self.fmt = fmt
        path_input = self.query_one("#path", Input)
        path = Path(path_input.value.strip() or default_path(self.wizard.backend.save_dir, self.report, fmt))
        path_input.value = str(path.with_suffix(f".{fmt}"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        self.save_state()
        path = Path(self.path).expanduser()
        report = self.report
        if self.hide_private:
            keep, keep_public_ip = keep_from_collection(self.wizard.profile.collection, customer_allows_public_ip=False)
            key = self.wizard.backend.redaction_key()
            report = self.wizard.backend.redact(report, keep_public_ip=keep_public_ip, keep=keep, key=key)
        try:
            text = self.wizard.backend.export(report, self.fmt, self.lang)
            path.write_text(text, encoding="utf-8")
        except (OSError, VpndiagError) as exc:
            self._set_status(
                self.t("save_failed", path=str(path), error=getattr(exc, "strerror", None) or str(exc)), failed=True
            )
            return
        self._set_status(self.t("saved", path=str(path)), failed=False)

    def _set_status(self, text: str, *, failed: bool) -> None:
        self.status = text
        self.failed = failed
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(failed, "problem")

    def action_back(self) -> None:
        self.app.pop_screen()
