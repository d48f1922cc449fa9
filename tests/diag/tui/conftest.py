"""The wizard under test: a real App with a deterministic runner that replays recorded reports.

The runner is the only test double: it stands in for the network (probes) by replaying the probes of a recorded
report (schema/examples) as progress events, in the order a real run sends them, then returns that report.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from diag.profile import Profile
from diag.tui.app import VpndiagApp
from diag.tui.backend import Backend, ProgressEvent, WizardOptions
from reports.i18n import Lang
from reports.load import load_report
from reports.model import Privacy, Probe, Report
from tests.conftest import EXAMPLES


@dataclass(frozen=True)
class RecordedProgress:
    check: str
    status: str
    detail: str | None = None
    probe: Probe | None = None


@dataclass
class RecordedRunner:
    """Replays `report`'s checks and probes; with `hold_after` probes sent, waits until released (or cancelled)."""

    report: Report
    hold_after: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    seen_options: list[WizardOptions] = field(default_factory=list)
    cancelled: bool = False
    finished: bool = False

    async def __call__(self, options: WizardOptions, on_progress: Callable[[ProgressEvent], None]) -> Report:
        self.seen_options.append(options)
        try:
            return await self._replay(options, on_progress)
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    async def _replay(self, options: WizardOptions, on_progress: Callable[[ProgressEvent], None]) -> Report:
        sent = 0
        for name in ("adapters", "routes"):
            on_progress(RecordedProgress(name, "running"))
            await asyncio.sleep(0)
            on_progress(RecordedProgress(name, "ok"))
        for path in self.report.paths:
            check = f"pmtu:{path.target}"
            on_progress(RecordedProgress(check, "running"))
            for probe in path.probes:
                if self.hold_after is not None and sent == self.hold_after:
                    await self.release.wait()
                on_progress(RecordedProgress(check, "running", probe=probe))
                sent += 1
                await asyncio.sleep(0)
            on_progress(RecordedProgress(check, "ok" if path.pmtu else "failed", path.pmtu_reason or None))
        for status in self.report.checks:
            if status.name not in ("adapters", "routes", "pmtu"):
                on_progress(RecordedProgress(status.name, status.status, status.reason))
        for name in ("tcp", "overhead"):
            on_progress(RecordedProgress(name, "ok"))
        self.finished = True
        # A fresh run: nothing consented or redacted yet.
        return self.report.model_copy(update={"lang": options.lang, "privacy": Privacy()})


def example(name: str) -> Report:
    return load_report(EXAMPLES / f"{name}.json")


def lab_profile(**overrides: object) -> Profile:
    data: dict[str, object] = {
        "provider": "Example VPN",
        "support": {"email": "support@vpn.invalid"},
        "vpn_servers": [{"name": "Tokyo 1", "host": "203.0.113.10", "protocol": "wireguard"}],
    }
    data.update(overrides)
    return Profile.model_validate(data)


def make_app(
    runner: RecordedRunner,
    *,
    lang: Lang = "en",
    profile: Profile | None = None,
    save_dir: Path | None = None,
    **backend: object,
) -> VpndiagApp:
    parts: dict[str, object] = {"run_checks": runner, **backend}
    if save_dir is not None:
        parts["save_dir"] = save_dir
    return VpndiagApp(profile=profile or lab_profile(), backend=Backend(**parts), lang=lang)  # type: ignore[arg-type]


@pytest.fixture
def blackhole_runner() -> RecordedRunner:
    return RecordedRunner(example("blackhole"))


async def wait_for(pilot: object, predicate: Callable[[], bool], limit_s: float = 10.0) -> None:
    """Let the app run until `predicate()` holds; fail after `limit_s` seconds instead of hanging."""
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        await pilot.pause(0.02)


def upload_parts(outbox_dir: Path) -> dict[str, object]:
    """The real redact / upload / outbox / export of diag.upload, with the outbox in a test directory."""
    try:
        from diag.upload.client import upload_report
        from diag.upload.export import export_report
        from diag.upload.outbox import Outbox
        from diag.upload.redact import redact
    except ImportError:  # INTERIM until the upload branch lands
        return _interim(outbox_dir)

    async def upload(report: Report, endpoint: str, ca_bundle: Path | None) -> object:
        return await upload_report(report, endpoint, timeout=5)

    return {
        "redact": lambda report, keep: redact(report, keep_public_ip=keep),
        "upload": upload,
        "queue": Outbox(outbox_dir).add,
        "export": export_report,
    }


def _interim(outbox_dir: Path) -> dict[str, object]:
    import httpx

    from reports.errors import VpndiagError

    def redact(report: Report, keep: bool) -> Report:
        return report.model_copy(update={"privacy": Privacy(redacted=True, redaction_counts={"ipv4": 2})})

    async def upload(report: Report, endpoint: str, ca_bundle: Path | None) -> object:
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                r = await client.post(endpoint + "/api/v1/reports", content=report.model_dump_json())
        except httpx.HTTPError as exc:
            raise VpndiagError(f"connection failed: {exc}") from None
        return type("R", (), {"reference": r.json()["reference"]})()

    def queue(report: Report) -> Path:
        outbox_dir.mkdir(parents=True, exist_ok=True)
        p = outbox_dir / f"{report.report_id}.json"
        p.write_text(report.model_dump_json())
        return p

    def export(report: Report, fmt: str) -> str:
        return report.model_dump_json() if fmt == "json" else "<!DOCTYPE html>" + report.model_dump_json()

    return {"redact": redact, "upload": upload, "queue": queue, "export": export}
