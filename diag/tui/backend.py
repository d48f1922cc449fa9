"""What the wizard calls to do real work: run the checks, redact, upload, queue, export.

The app takes a `Backend` so tests can give it a deterministic runner (recorded reports, no network); the shipped
default, `real_backend()`, binds diag.run and diag.upload, imported only when first used so the wizard starts fast.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, cast

from diag.run_options import RunOptions
from reports.i18n import Lang
from reports.model import Probe, Report

if TYPE_CHECKING:
    from diag.upload.client import UploadReceipt
    from diag.upload.outbox import Outbox
    from diag.watch.runner import WatchRunner

ExportFormat = Literal["json", "html"]


class ProgressEvent(Protocol):
    """What diag.run.Progress carries; the checks screen reads only these attributes."""

    @property
    def check(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def detail(self) -> str | None: ...
    @property
    def probe(self) -> Probe | None: ...


class Receipt(Protocol):
    """What the support server answered (diag.upload.client.UploadReceipt)."""

    @property
    def reference(self) -> str: ...


@dataclass(frozen=True)
class DetectedVpn:
    """A VPN adapter that is up on this machine, and the protocol it looks like (None when unknown)."""

    adapter: str
    protocol: str | None


@dataclass(frozen=True)
class WatchRequest:
    """What the results screen asks to watch, from the finished run (names as the customer's run knew them)."""

    target: str | None  # inside the tunnel
    vpn_server: str | None  # outside it
    adapter: str | None
    interval_s: float = 2.0
    minutes: float = 5.0  # `vpndiag watch`'s default; Esc stops earlier


RunChecks = Callable[[RunOptions, Callable[[ProgressEvent], None]], Awaitable[Report]]
DetectVpn = Callable[[], Awaitable[DetectedVpn | None]]
Queue = Callable[[Report, Lang], Path]  # keep in the outbox; raises VpndiagError when it cannot
Export = Callable[[Report, ExportFormat, Lang], str]
MakeWatch = Callable[[WatchRequest, Lang], "WatchRunner"]


class Redact(Protocol):
    """diag.upload.redact.redact: `key` is fixed per screen so the preview is exactly what is sent."""

    def __call__(self, report: Report, *, keep_public_ip: bool, keep: frozenset[str], key: bytes) -> Report: ...


class Upload(Protocol):
    """diag.upload.client.upload_report; raises diag.errors.UploadError."""

    async def __call__(
        self, report: Report, endpoint: str, *, ca_bundle: str | None, ingest_key: str | None, lang: Lang
    ) -> Receipt: ...


async def _run_checks(options: RunOptions, on_progress: Callable[[ProgressEvent], None]) -> Report:
    from diag.run import run_checks

    return await run_checks(options, on_progress)


async def _detect_vpn() -> DetectedVpn | None:
    """Local only (adapters and VPN programs), nothing goes on the network: safe before the customer presses Start."""
    from diag.checks.adapters import collect_adapters, detect_vpn_protocol, running_vpn_processes

    adapters = await asyncio.to_thread(collect_adapters)
    up = [adapter for adapter in adapters if adapter.is_vpn and adapter.is_up]
    if not up:
        return None
    processes = await asyncio.to_thread(running_vpn_processes)
    return DetectedVpn(adapter=up[0].name, protocol=detect_vpn_protocol(adapters, processes))


def _make_watch(request: WatchRequest, lang: Lang) -> WatchRunner:
    """A runner that resolves the names once (as `vpndiag watch` does), then samples until the time is up or Esc."""
    import asyncio as aio

    from diag.errors import ProbeError
    from diag.i18n.watch import WATCH
    from diag.watch.adapters import adapter_for
    from diag.watch.cli import resolve
    from diag.watch.echo import icmp_allowed
    from diag.watch.runner import OnWatchEvents, make_watch_runner
    from diag.watch.sampler import WatchPlan

    async def runner(stop: aio.Event, on_events: OnWatchEvents) -> Report:
        target = await aio.to_thread(resolve, request.target, lang) if request.target else None
        server = await aio.to_thread(resolve, request.vpn_server, lang) if request.vpn_server else None
        if not any(icmp_allowed(6 if ":" in address else 4) for address in (target, server) if address):
            raise ProbeError(WATCH.text("no_permission", lang))
        adapter = request.adapter or (await aio.to_thread(adapter_for, target) if target else None)
        plan = WatchPlan(
            interval_s=request.interval_s,
            duration_s=request.minutes * 60,
            target=target,
            vpn_server=server,
            adapter=adapter,
        )
        return await make_watch_runner(plan, lang=lang)(stop, on_events)

    return runner


def _redact(report: Report, *, keep_public_ip: bool, keep: frozenset[str], key: bytes) -> Report:
    from diag.upload.redact import redact

    return redact(report, keep_public_ip=keep_public_ip, keep=keep, key=key)


async def _upload(
    report: Report, endpoint: str, *, ca_bundle: str | None, ingest_key: str | None, lang: Lang
) -> Receipt:
    from diag.upload.client import upload_report

    return await upload_report(report, endpoint, ca_bundle=ca_bundle, ingest_key=ingest_key, lang=lang)


def _queue(report: Report, lang: Lang) -> Path:
    from diag.upload.outbox import Outbox

    return Outbox(lang=lang).add(report)


def _export(report: Report, fmt: ExportFormat, lang: Lang) -> str:
    from diag.upload.export import export_report

    return export_report(report, fmt, lang=lang)


@dataclass(frozen=True)
class PendingSummary:
    """What became of the reports that waited in the outbox after the wizard tried to send them."""

    sent: int
    kept: int  # still waiting (the server could not be reached)
    refused: int  # the server refused them, or they were unreadable: moved aside, never retried
    references: tuple[str, ...] = ()
    reason: str | None = None  # why the first kept one could not be sent


@dataclass(frozen=True)
class Backend:
    run_checks: RunChecks = _run_checks
    detect_vpn: DetectVpn = _detect_vpn
    redact: Redact = _redact
    upload: Upload = _upload
    queue: Queue = _queue
    export: Export = _export
    watch: MakeWatch = _make_watch
    save_dir: Path = field(default_factory=Path.home)
    # A fresh HMAC key per send screen: pseudonyms link nothing across reports (tests fix it).
    redaction_key: Callable[[], bytes] = field(default=lambda: secrets.token_bytes(32))
    outbox_dir: Path | None = None  # None: the user data folder (diag.upload.outbox.default_outbox_path)

    def outbox(self, lang: Lang) -> Outbox:
        from diag.upload.outbox import Outbox

        return Outbox(self.outbox_dir, lang=lang)

    def pending_count(self) -> int:
        """How many reports an earlier run could not send (a local folder listing, nothing goes on the network)."""
        return len(self.outbox("en").pending())  # listing prints nothing: the language does not matter

    async def send_pending(
        self, endpoint: str, *, ca_bundle: str | None, ingest_key: str | None, lang: Lang
    ) -> PendingSummary:
        """Send every waiting report once with `upload`, under the outbox's lock; failures stay queued."""

        async def deliver(report: Report) -> UploadReceipt:
            receipt = await self.upload(report, endpoint, ca_bundle=ca_bundle, ingest_key=ingest_key, lang=lang)
            return cast("UploadReceipt", receipt)  # the outbox reads only .reference, which every Receipt has

        results = await self.outbox(lang).send_pending(endpoint, send=deliver)
        kept = [r for r in results if r.status == "kept"]
        return PendingSummary(
            sent=sum(r.status == "sent" for r in results),
            kept=len(kept),
            refused=sum(r.status in ("rejected", "invalid") for r in results),
            references=tuple(r.reference for r in results if r.reference),
            reason=kept[0].reason if kept else None,
        )


def real_backend() -> Backend:
    return Backend()
