"""The wizard under test: a real App with a deterministic runner that replays recorded reports.

The runner is the only test double: it stands in for the network (probes) by replaying the probes of a recorded
report (schema/examples) as progress events, in the order a real run sends them, then returns that report.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from diag.profile import Profile
from diag.run import Progress
from diag.run_options import RunOptions
from diag.tui.app import VpndiagApp
from diag.tui.backend import Backend, DetectedVpn, ProgressEvent
from reports.i18n import Lang
from reports.load import load_report
from reports.model import Privacy, Report
from reports.rules import apply_rules
from tests.conftest import EXAMPLES


@dataclass
class RecordedRunner:
    """Replays `report`'s checks and probes as diag.run.Progress events; with `hold_after` probes sent, waits until released (or cancelled)."""

    report: Report
    hold_after: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    seen_options: list[RunOptions] = field(default_factory=list)
    cancelled: bool = False
    finished: bool = False

    async def __call__(self, options: RunOptions, on_progress: Callable[[ProgressEvent], None]) -> Report:
        self.seen_options.append(options)
        try:
            return await self._replay(options, on_progress)
        except asyncio.CancelledError:
            self.cancelled = True
            raise

    async def _replay(self, options: RunOptions, on_progress: Callable[[ProgressEvent], None]) -> Report:
        sent = 0
        for name in ("adapters", "routes"):
            on_progress(Progress(name, "running"))
            await asyncio.sleep(0)
            on_progress(Progress(name, "ok"))
        for path in self.report.paths:
            check = f"pmtu:{path.target}"
            on_progress(Progress(check, "running"))
            for probe in path.probes:
                if self.hold_after is not None and sent == self.hold_after:
                    await self.release.wait()
                on_progress(Progress(check, "running", probe=probe))
                sent += 1
                await asyncio.sleep(0)
            on_progress(Progress(check, "ok" if path.pmtu else "failed", path.pmtu_reason or None))
        for status in self.report.checks:
            if status.name not in ("adapters", "routes", "pmtu"):
                on_progress(Progress(status.name, status.status, status.reason))
        for name in ("tcp", "overhead"):
            on_progress(Progress(name, "ok"))
        self.finished = True
        # A fresh run: nothing consented or redacted yet; findings and fixes from the real rules, in the chosen language.
        return apply_rules(self.report.model_copy(update={"privacy": Privacy()}), options.lang)


# What adapter detection found on the machine of the recorded report (schema/examples/blackhole.json).
RECORDED_VPN = DetectedVpn(adapter="WireGuard Tunnel", protocol="wireguard")


def recorded_detection(found: DetectedVpn | None) -> Callable[[], Awaitable[DetectedVpn | None]]:
    async def detect() -> DetectedVpn | None:
        return found

    return detect


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
    parts: dict[str, object] = {
        "run_checks": runner,
        "detect_vpn": recorded_detection(RECORDED_VPN),
        # Never the machine's own outbox: a folder that does not exist holds no waiting reports.
        "outbox_dir": Path(tempfile.gettempdir()) / f"vpndiag-no-outbox-{uuid.uuid4().hex}",
        **backend,
    }
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


FIXED_KEY = bytes(32)  # redaction pseudonyms are HMACs; a fixed key keeps snapshots stable


def upload_parts(outbox_dir: Path) -> dict[str, object]:
    """The real redact / upload / outbox / export of diag.upload: outbox in a test folder, short retry waits."""
    from diag.upload.client import RetryPolicy, upload_report
    from diag.upload.export import export_report
    from diag.upload.outbox import Outbox
    from diag.upload.redact import redact

    async def upload(
        report: Report, endpoint: str, *, ca_bundle: str | None, ingest_key: str | None, lang: Lang
    ) -> object:
        quick = RetryPolicy(attempts=2, initial_wait=0.05, max_wait=0.1, jitter=0)
        return await upload_report(
            report, endpoint, ca_bundle=ca_bundle, ingest_key=ingest_key, lang=lang, retry=quick, timeout=5
        )

    def redact_fixed(report: Report, *, keep_public_ip: bool, keep: frozenset[str], key: bytes) -> Report:
        return redact(report, keep_public_ip=keep_public_ip, keep=keep, key=key, include_local_names=False)

    return {
        "redact": redact_fixed,
        "upload": upload,
        "queue": lambda report, lang: Outbox(outbox_dir, lang=lang).add(report),
        "export": lambda report, fmt, lang: export_report(report, fmt, lang=lang),
        "redaction_key": lambda: FIXED_KEY,
        "outbox_dir": outbox_dir,
    }


async def on_screen(pilot: object, screen_type: type) -> None:
    """Wait until `screen_type` is the current screen and its widgets are mounted (a pushed screen composes later)."""
    from textual.pilot import Pilot
    from textual.widgets import Footer

    assert isinstance(pilot, Pilot)
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type) and bool(app.screen.query(Footer)))
    await pilot.pause()
