"""Send: exactly what will be sent (redacted), consent, optional contact details, upload, the reference code.

Nothing leaves the machine before the consent box is ticked and Send pressed. When the upload fails, the report goes
into the outbox and the screen says where.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Input, ProgressBar, Static, TextArea
from textual.worker import Worker, WorkerState

from diag.i18n.tui import TUI
from diag.tui.screens.base import WizardScreen
from diag.tui.widgets.reference_code import ReferenceCode
from diag.tui.widgets.title_bar import TitleBar
from diag.upload.redact import keep_from_collection
from reports.errors import VpndiagError
from reports.i18n import Lang
from reports.model import Report

# What the redaction counts are called (diag.upload.redact's Kind); a kind added there is shown by its key until named here.
KIND_NAMES: dict[Lang, dict[str, str]] = {
    "en": {
        "ipv4": "IPv4 addresses",
        "ipv6": "IPv6 addresses",
        "hostname": "host names",
        "mac": "hardware addresses",
        "user": "user names",
        "wifi": "Wi-Fi names",
        "adapter": "adapter names",
    },
    "ja": {
        "ipv4": "IPv4アドレス",
        "ipv6": "IPv6アドレス",
        "hostname": "ホスト名",
        "mac": "ハードウェアアドレス",
        "user": "ユーザー名",
        "wifi": "Wi-Fi名",
        "adapter": "アダプター名",
    },
}


def redaction_summary(counts: dict[str, int], lang: Lang) -> str:
    shown = [(kind, count) for kind, count in sorted(counts.items()) if count]
    if not shown:
        return TUI.text("redactions_none", lang)
    parts = [
        TUI.text("redaction_count", lang, kind=KIND_NAMES[lang].get(kind, kind), count=count) for kind, count in shown
    ]
    return TUI.text("redactions", lang, counts=TUI.text("redaction_separator", lang).join(parts))


class SendScreen(WizardScreen):
    CSS_PATH = "send.tcss"
    AUTO_FOCUS = "#consent"  # Space agrees, Tab then Enter sends: the keys support can dictate on the phone
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", id="key_back")]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        collection = self.wizard.profile.collection.public_ip
        self.ask_public_ip = collection == "ask"
        self.keep_public_ip = collection == "always"
        self.consent = False
        self.email = ""
        self.ticket = ""
        self.note = ""
        self.status: str | None = None
        self.reference: str | None = None
        self.sending = False
        self.redaction_key = self.wizard.backend.redaction_key()

    def outgoing(self, *, consent: bool = True) -> Report:
        """The report exactly as it would be sent now."""
        keep, keep_public_ip = keep_from_collection(
            self.wizard.profile.collection, customer_allows_public_ip=self.keep_public_ip
        )
        redacted = self.wizard.backend.redact(
            self.report, keep_public_ip=keep_public_ip, keep=keep, key=self.redaction_key
        )
        privacy = redacted.privacy.model_copy(
            update={
                "consent": consent,
                "contact_email": self.email or None,
                "ticket": self.ticket or None,
                "message": self.note or None,
            }
        )
        return redacted.model_copy(update={"privacy": privacy})

    def compose(self) -> ComposeResult:
        profile = self.wizard.profile
        outgoing = self.outgoing()
        can_send = profile.endpoint is not None
        yield TitleBar(self.wizard.title)
        with VerticalScroll(id="body"):
            yield Static(self.t("send_heading", provider=profile.provider), classes="heading")
            if not can_send:
                yield Static(self.t("no_endpoint", provider=profile.provider), id="status", classes="problem")
            yield Static(self.t("send_intro"))
            yield Static(redaction_summary(outgoing.privacy.redaction_counts, self.lang), id="redactions")
            yield TextArea(outgoing.model_dump_json(indent=2), read_only=True, id="preview", soft_wrap=False)
            if self.ask_public_ip:
                yield Checkbox(self.t("keep_public_ip"), self.keep_public_ip, id="keep-public-ip", compact=True)
            yield Input(self.email, placeholder=self.t("email_placeholder"), id="email", compact=True)
            yield Input(self.ticket, placeholder=self.t("ticket_placeholder"), id="ticket", compact=True)
            yield Input(self.note, placeholder=self.t("message_placeholder"), id="note", compact=True)
            yield Checkbox(
                self.t("consent", provider=profile.provider), self.consent, id="consent", disabled=not can_send
            )
            yield Button(self.t("send_button"), id="send", variant="primary", disabled=not (can_send and self.consent))
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="progress")
            if can_send:
                yield Static(self.status or "", id="status", classes="problem" if self.status else "")
            if self.reference:
                yield ReferenceCode(self.reference, self.t("copy"), id="reference")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#progress", ProgressBar).display = self.sending

    def save_state(self) -> None:
        self.email = self.query_one("#email", Input).value.strip()
        self.ticket = self.query_one("#ticket", Input).value.strip()
        self.note = self.query_one("#note", Input).value.strip()
        self.consent = self.query_one("#consent", Checkbox).value

    def _refresh_preview(self) -> None:
        outgoing = self.outgoing()
        self.query_one("#preview", TextArea).load_text(outgoing.model_dump_json(indent=2))
        self.query_one("#redactions", Static).update(redaction_summary(outgoing.privacy.redaction_counts, self.lang))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "keep-public-ip":
            self.keep_public_ip = event.value
            self._refresh_preview()
        elif event.checkbox.id == "consent":
            self.consent = event.value
            self.query_one("#send", Button).disabled = not event.value or self.sending or self.reference is not None

    def on_input_changed(self, event: Input.Changed) -> None:
        self.save_state()
        self._refresh_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "send":
            self.action_send()

    def action_send(self) -> None:
        self.save_state()
        endpoint = self.wizard.profile.endpoint
        if endpoint is None or self.sending or self.reference is not None:
            return
        if not self.consent:
            self._set_status(self.t("need_consent"))
            return
        self.sending = True
        self.query_one("#send", Button).disabled = True
        self.query_one("#progress", ProgressBar).display = True
        self._set_status(self.t("sending"), problem=False)
        self.upload(self.outgoing(consent=True), str(endpoint).rstrip("/"))

    @work(exclusive=True, exit_on_error=False, group="upload")
    async def upload(self, report: Report, endpoint: str) -> str:
        profile = self.wizard.profile
        receipt = await self.wizard.backend.upload(
            report,
            endpoint,
            ca_bundle=str(profile.ca_bundle) if profile.ca_bundle else None,
            ingest_key=profile.ingest_key,
            lang=self.lang,
        )
        return receipt.reference

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "upload" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.sending = False
        self.query_one("#progress", ProgressBar).display = False
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, str):
            self.reference = event.worker.result
            self._set_status(self.t("sent"), problem=False)
            self.query_one("#body", VerticalScroll).mount(ReferenceCode(self.reference, self.t("copy"), id="reference"))
            self.call_after_refresh(self.query_one("#body", VerticalScroll).scroll_end, animate=False)
            return
        self._queue(str(event.worker.error))

    def _queue(self, error: str) -> None:
        """The upload failed: keep the consented report in the outbox so it is sent next time."""
        try:
            path = self.wizard.backend.queue(self.outgoing(consent=True), self.lang)
        except (VpndiagError, OSError) as exc:
            self._set_status(self.t("queue_failed", error=error, queue_error=str(exc)))
            self.query_one("#send", Button).disabled = False
            return
        self._set_status(self.t("queued", error=error, path=str(path)))

    def _set_status(self, text: str, *, problem: bool = True) -> None:
        self.status = text
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(problem, "problem")

    def action_back(self) -> None:
        if not self.sending:
            self.app.pop_screen()
