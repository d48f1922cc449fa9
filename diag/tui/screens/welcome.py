"""Welcome: what the check does and collects, the language, the VPN server and protocol, Start."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from diag.run_options import RunOptions
from diag.tui.backend import DetectedVpn, PendingSummary
from diag.tui.screens.base import WizardScreen
from diag.tui.widgets.title_bar import TitleBar

DETECT = "detect"
# Protocol names as diag.checks.overhead knows them; shown as their product names (not translated).
PROTOCOLS: tuple[tuple[str, str], ...] = (
    ("WireGuard", "wireguard"),
    ("OpenVPN (UDP)", "openvpn-udp"),
    ("OpenVPN (TCP)", "openvpn-tcp"),
    ("IPsec", "ipsec"),
    ("IKEv2", "ikev2"),
    ("L2TP/IPsec", "l2tp"),
    ("PPTP", "pptp"),
    ("SSTP", "sstp"),
    ("OpenConnect", "openconnect"),
)


class WelcomeScreen(WizardScreen):
    CSS_PATH = "welcome.tcss"
    AUTO_FOCUS = "#start"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "start", "Start", id="key_start")]

    def __init__(self) -> None:
        super().__init__()
        options = self.wizard.options
        servers = self.wizard.profile.vpn_servers
        known = {server.host: str(index) for index, server in enumerate(servers)}
        self.server_choice: str = known.get(options.vpn_server or "", DETECT)
        if options.vpn_server is None and servers:
            self.server_choice = "0"
        self.typed_server: str = options.vpn_server if options.vpn_server and options.vpn_server not in known else ""
        default_protocol = servers[int(self.server_choice)].protocol if self.server_choice != DETECT else None
        self.protocol: str = options.protocol or default_protocol or DETECT
        self.detected: DetectedVpn | None = None
        self.detection_done = False
        self.detection_started = False
        # Reports an earlier run could not send (issue 8: offered next time). A folder listing, nothing is sent.
        self.pending = 0
        with contextlib.suppress(OSError):
            self.pending = self.wizard.backend.pending_count()
        self.sending_pending = False
        self.outbox_messages: list[tuple[str, dict[str, object]]] = []  # catalog keys: re-rendered on F2

    def compose(self) -> ComposeResult:
        servers = self.wizard.profile.vpn_servers
        server_options = [(f"{s.name} ({s.host})", str(i)) for i, s in enumerate(servers)]
        server_options.append((self.t("server_detect"), DETECT))
        protocols = [(self.t("protocol_detect"), DETECT), *PROTOCOLS]
        if self.protocol not in {value for _, value in protocols}:
            protocols.append((self.protocol, self.protocol))
        yield TitleBar(self.wizard.title)
        with VerticalScroll(id="body"):
            yield Static(self.t("welcome_heading"), classes="heading")
            yield Static(self.t("welcome_intro"), classes="intro")
            yield Static(self.t("welcome_privacy", provider=self.wizard.profile.provider), classes="intro")
            with Horizontal(classes="row"):
                yield Label(self.t("language_label"), classes="label")
                yield Button(
                    "English", id="lang-en", compact=True, variant="primary" if self.lang == "en" else "default"
                )
                yield Button(
                    "日本語", id="lang-ja", compact=True, variant="primary" if self.lang == "ja" else "default"
                )
            with Horizontal(classes="row"):
                yield Label(self.t("server_label"), classes="label")
                yield Select(server_options, value=self.server_choice, allow_blank=False, compact=True, id="server")
            with Horizontal(classes="row"):
                yield Label(self.t("server_typed"), classes="label")
                yield Input(self.typed_server, placeholder=self.t("server_placeholder"), compact=True, id="typed")
            with Horizontal(classes="row"):
                yield Label(self.t("protocol_label"), classes="label")
                yield Select(protocols, value=self.protocol, allow_blank=False, compact=True, id="protocol")
            yield Static(self._detected_text(), id="detected")
            yield Button(self.t("start"), id="start", variant="success")
            waiting = self._outbox_widgets()
            outbox = Vertical(*waiting, id="outbox")
            outbox.display = bool(waiting)
            yield outbox
        yield Footer()

    def _outbox_widgets(self) -> list[Widget]:
        """The waiting reports and the button to send them; nothing when none wait and nothing was sent."""
        widgets: list[Widget] = []
        if self.pending and self.wizard.profile.endpoint is None:
            widgets.append(Static(self.t("outbox_waiting_no_endpoint", count=self.pending), id="outbox-waiting"))
        elif self.pending:
            button = Button(self.t("outbox_send"), id="send-pending", compact=True, disabled=self.sending_pending)
            waiting = Static(self.t("outbox_waiting", count=self.pending), id="outbox-waiting")
            widgets.append(Horizontal(waiting, button, classes="row"))
        if self.sending_pending:
            widgets.append(Static(self.t("outbox_sending"), id="outbox-status"))
        elif self.outbox_messages:
            text = "\n".join(self.t(key, **fields) for key, fields in self.outbox_messages)
            widgets.append(Static(text, id="outbox-status", markup=False))
        return widgets

    async def _refresh_outbox(self) -> None:
        box = self.query_one("#outbox", Vertical)
        await box.remove_children()
        widgets = self._outbox_widgets()
        await box.mount_all(widgets)
        box.display = bool(widgets)

    def on_mount(self) -> None:
        super().on_mount()
        if not self.detection_done and not self.detection_started:
            self.detection_started = True
            self.detect()

    @work(exclusive=True, exit_on_error=False, group="detect")
    async def detect(self) -> DetectedVpn | None:
        return await self.wizard.backend.detect_vpn()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        if event.worker.group == "pending":
            self._pending_done(event.worker)
            return
        if event.worker.group != "detect":
            return
        # A detection that failed is the same to the customer as none found: the checks say more.
        self.detected = event.worker.result if event.state is WorkerState.SUCCESS else None
        self.detection_done = True
        if self.detected and self.detected.protocol and self.protocol == DETECT:
            self.protocol = self.detected.protocol
            self.query_one("#protocol", Select).value = self.protocol
        self.query_one("#detected", Static).update(self._detected_text())

    def on_screen_resume(self) -> None:
        """Back from a run whose upload failed: that report now waits in the outbox too."""
        if self.sending_pending:
            return
        count = self.pending
        with contextlib.suppress(OSError):
            count = self.wizard.backend.pending_count()
        if count != self.pending:
            self.pending = count
            self.call_later(self._refresh_outbox)

    def action_send_pending(self) -> None:
        endpoint = self.wizard.profile.endpoint
        if endpoint is None or self.sending_pending or not self.pending:
            return
        self.save_state()
        self.sending_pending = True
        self.outbox_messages = []
        self.call_later(self._refresh_outbox)
        self.send_pending(str(endpoint).rstrip("/"))

    @work(exclusive=True, exit_on_error=False, group="pending")
    async def send_pending(self, endpoint: str) -> PendingSummary:
        profile = self.wizard.profile
        return await self.wizard.backend.send_pending(
            endpoint,
            ca_bundle=str(profile.ca_bundle) if profile.ca_bundle else None,
            ingest_key=profile.ingest_key,
            lang=self.lang,
        )

    def _pending_done(self, worker: Worker[object]) -> None:
        """Say what was sent; anything not sent stays in the outbox (the outbox itself never loses a report)."""
        self.sending_pending = False
        summary = worker.result if worker.state is WorkerState.SUCCESS else None
        messages: list[tuple[str, dict[str, object]]] = []
        if isinstance(summary, PendingSummary):
            if summary.sent:
                messages.append(("outbox_sent", {"sent": summary.sent, "references": ", ".join(summary.references)}))
            if summary.kept:
                messages.append(("outbox_kept", {"kept": summary.kept, "reason": summary.reason}))
            if summary.refused:
                messages.append(("outbox_refused", {"refused": summary.refused}))
        else:
            # The outbox lock was busy, or the folder could not be written: the sentence says which.
            messages.append(("outbox_failed", {"reason": str(worker.error)}))
        with contextlib.suppress(OSError):
            self.pending = self.wizard.backend.pending_count()
        self.outbox_messages = messages
        self.call_later(self._refresh_outbox)

    def _detected_text(self) -> str:
        if not self.detection_done:
            return self.t("detect_running")
        if self.detected is None:
            return self.t("detect_none")
        if self.detected.protocol is None:
            return self.t("detect_found_unknown", adapter=self.detected.adapter)
        name = dict((value, label) for label, value in PROTOCOLS).get(self.detected.protocol, self.detected.protocol)
        return self.t("detect_found", protocol=name, adapter=self.detected.adapter)

    def save_state(self) -> None:
        self.server_choice = str(self.query_one("#server", Select).value)
        self.typed_server = self.query_one("#typed", Input).value.strip()
        self.protocol = str(self.query_one("#protocol", Select).value)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "server" and event.value != DETECT and event.value != Select.BLANK:
            server = self.wizard.profile.vpn_servers[int(str(event.value))]
            self.query_one("#protocol", Select).value = server.protocol

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "send-pending":
            self.action_send_pending()
        elif event.button.id in ("lang-en", "lang-ja"):
            self.save_state()
            self.wizard.set_language("ja" if event.button.id == "lang-ja" else "en")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def chosen_options(self) -> RunOptions:
        """The options for this run: typed server first, then the chosen profile server, else detection."""
        self.save_state()
        options = self.wizard.options
        profile = self.wizard.profile
        targets = list(options.targets)
        vpn_server = self.typed_server or None
        if vpn_server is None and self.server_choice != DETECT:
            chosen = profile.vpn_servers[int(self.server_choice)]
            vpn_server = chosen.host
            if chosen.tunnel_target and chosen.tunnel_target not in targets:
                targets.append(chosen.tunnel_target)
        return replace(
            options,
            targets=tuple(targets),
            vpn_server=vpn_server,
            protocol=None if self.protocol == DETECT else self.protocol,
            probe_server=options.probe_server or (profile.probe_servers[0] if profile.probe_servers else None),
            mss_server=options.mss_server or profile.mss_server,
            lang=self.lang,
        )

    def action_start(self) -> None:
        self.wizard.start_checks(self.chosen_options())
