"""Every screen at 80x24 and 120x40, in English and Japanese (pytest-textual-snapshot).

Deterministic: recorded reports with fixed ids and times, a fixed redaction key, no clock on screen, the checks
screen paused at a fixed probe. Update after an intended change with `pytest --snapshot-update` and look at them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox

from diag.tui.screens.checks import ChecksScreen
from diag.tui.screens.results import ResultsScreen
from diag.tui.screens.save import SaveScreen
from diag.tui.screens.send import SendScreen
from diag.tui.screens.welcome import WelcomeScreen
from diag.tui.widgets.probe_chart import ProbeChart
from diag.tui.widgets.reference_code import ReferenceCode

from .conftest import RecordedRunner, example, lab_profile, make_app, on_screen, upload_parts, wait_for
from .ingest import ingest_server

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
LANGS = ["en", "ja"]
# Where snapshots write files (save screen default path): fixed so the path shown is the same everywhere.
SAVE_DIR = Path("/home/customer")
PAUSED_AT_PROBE = 7


async def _to_results(pilot: Pilot[None]) -> None:
    await on_screen(pilot, WelcomeScreen)
    await pilot.press("enter")
    await on_screen(pilot, ResultsScreen)


async def _welcome(pilot: Pilot[None]) -> None:
    await on_screen(pilot, WelcomeScreen)
    screen = pilot.app.screen
    assert isinstance(screen, WelcomeScreen)
    await wait_for(pilot, lambda: screen.detection_done)


async def _checks(pilot: Pilot[None]) -> None:
    await on_screen(pilot, WelcomeScreen)
    await pilot.press("enter")
    await on_screen(pilot, ChecksScreen)
    chart = pilot.app.screen.query_one(ProbeChart)
    await wait_for(pilot, lambda: len(chart.probes) == PAUSED_AT_PROBE)


async def _send(pilot: Pilot[None]) -> None:
    await _to_results(pilot)
    await pilot.press("s")
    await on_screen(pilot, SendScreen)


async def _save(pilot: Pilot[None]) -> None:
    await _to_results(pilot)
    await pilot.press("w")
    await on_screen(pilot, SaveScreen)


async def _sent(pilot: Pilot[None]) -> None:
    await _send(pilot)
    screen = pilot.app.screen
    screen.query_one("#consent", Checkbox).value = True
    await pilot.pause()
    screen.query_one("#send", Button).press()
    await wait_for(pilot, lambda: bool(screen.query(ReferenceCode)))
    await pilot.pause()


SCREENS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "welcome": _welcome,
    "checks": _checks,
    "results": _to_results,
    "send": _send,
    "sent": _sent,
    "save": _save,
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(
    snap_compare: Callable[..., bool], screen: str, size: tuple[int, int], lang: str, tmp_path: Path
) -> None:
    runner = RecordedRunner(example("blackhole"), hold_after=PAUSED_AT_PROBE)
    if screen != "checks":
        runner.release.set()
    with ingest_server() as ingest:  # the reference code it answers is fixed; its URL is never on screen
        profile = lab_profile(endpoint=ingest.url)
        app = make_app(runner, lang=lang, profile=profile, save_dir=SAVE_DIR, **upload_parts(tmp_path))  # type: ignore[arg-type]
        assert snap_compare(app, terminal_size=size, run_before=SCREENS[screen])
