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
from reports.model import Probe, Report
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
        return self.report.model_copy(update={"lang": options.lang})


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
