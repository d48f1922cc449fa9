"""The watch reached from the wizard: results → watch (pre-filled from the run) → results with its findings.

The watch runner is the only test double, as for the checks: it replays a recorded black hole sample by sample
through the real timeline builder and rules (tests/diag/watch/timelines.py), then waits for Esc.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from diag.tui.backend import WatchRequest
from diag.tui.screens.results import ResultsScreen
from diag.tui.screens.watch import WatchScreen, WatchStrip
from diag.tui.screens.welcome import WelcomeScreen
from diag.tui.widgets.timeline_strip import TimelineStrip
from diag.watch.runner import OnWatchEvents, WatchRunner
from diag.watch.timeline import Sample, TimelineBuilder
from reports.i18n import Lang
from reports.model import CheckStatus, Report, System, Tool
from reports.rules import apply_rules
from tests.diag.watch.timelines import LOST, OK, START, WG0

from .conftest import RecordedRunner, example, lab_profile, make_app, on_screen, wait_for

SAMPLES = 16
GOOD_FIRST = 6  # the full-size probes come back for a while, then vanish: the black hole opens mid-watch
TUNNEL_TARGET = "10.66.0.1"


class ReplayWatch:
    """Stands in for Backend.watch: remembers what it was asked to watch and replays a black hole."""

    def __init__(self) -> None:
        self.requests: list[tuple[WatchRequest, Lang]] = []

    def __call__(self, request: WatchRequest, lang: Lang) -> WatchRunner:
        self.requests.append((request, lang))

        async def runner(stop: asyncio.Event, on_events: OnWatchEvents) -> Report:
            builder = TimelineBuilder()
            on_events([builder.mark("watch_started", START, "interval=2 size=1420")], None)
            for tick in range(SAMPLES):
                large = OK if tick < GOOD_FIRST else LOST
                sample = Sample(tick, START + timedelta(seconds=2 * tick), WG0, "wg0", OK, large, 1420, OK)
                on_events(builder.add(sample), sample)
                await asyncio.sleep(0)
            await asyncio.wait_for(stop.wait(), 30)
            builder.mark("watch_stopped", START + timedelta(seconds=2 * SAMPLES), "reason=stopped")
            report = Report(
                tool=Tool(version="0.1.0"),
                system=System(os="linux", privileged=True),
                timeline=builder.events(),
                checks=[CheckStatus(name="watch", status="ok")],
            )
            return apply_rules(report, lang)

        return runner


def _profile():  # type: ignore[no-untyped-def]
    return lab_profile(
        vpn_servers=[
            {"name": "Tokyo 1", "host": "203.0.113.10", "protocol": "wireguard", "tunnel_target": TUNNEL_TARGET}
        ]
    )


def _app(lang: Lang = "en", watch: ReplayWatch | None = None):  # type: ignore[no-untyped-def]
    return make_app(RecordedRunner(example("blackhole")), lang=lang, profile=_profile(), watch=watch or ReplayWatch())


async def _to_results(pilot: Pilot[None]) -> None:
    await on_screen(pilot, WelcomeScreen)
    await pilot.press("enter")
    await on_screen(pilot, ResultsScreen)


async def _watching(pilot: Pilot[None]) -> None:
    await _to_results(pilot)
    await _watch_from_results(pilot)


async def _watch_from_results(pilot: Pilot[None]) -> None:
    await pilot.press("m")
    await on_screen(pilot, WatchScreen)
    screen = pilot.app.screen
    assert isinstance(screen, WatchScreen)
    await wait_for(pilot, lambda: len(screen.samples) == SAMPLES)
    await pilot.pause()


async def _watched(pilot: Pilot[None]) -> None:
    await _watching(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, WatchScreen)
    await pilot.press("escape")
    await wait_for(pilot, lambda: screen.finished)
    await pilot.press("enter")
    await on_screen(pilot, ResultsScreen)
    await wait_for(pilot, lambda: bool(pilot.app.screen.query(TimelineStrip)))
    await pilot.pause()


async def test_watch_from_results_is_prefilled_and_its_findings_join_the_results() -> None:
    watch = ReplayWatch()
    app = _app(watch=watch)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_results(pilot)
        assert app.report is not None
        run_findings = {f.id for f in app.report.findings}
        assert run_findings
        await _watch_from_results(pilot)
        assert watch.requests == [
            (WatchRequest(target=TUNNEL_TARGET, vpn_server="203.0.113.10", adapter="WireGuard Tunnel"), "en")
        ]
        rows = app.screen.query_one(WatchStrip).render().plain.splitlines()  # type: ignore[union-attr]
        assert rows[1].count("×") == SAMPLES - GOOD_FIRST
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.finished)  # type: ignore[attr-defined]
        assert "Large packets vanish inside the tunnel" in str(app.screen.query_one("#result", Static).render())
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        await wait_for(pilot, lambda: bool(app.screen.query(TimelineStrip)))
        report = app.report
        assert report is not None
        ids = [f.id for f in report.findings]
        assert "tunnel_blackhole_intermittent" in ids
        assert run_findings < set(ids)  # the run's own diagnosis stays
        assert report.timeline[0].kind == "watch_started"
        assert [c.name for c in report.checks].count("watch") == 1
        strip = app.screen.query_one(TimelineStrip).render().plain.splitlines()  # type: ignore[union-attr]
        assert strip[1].count("█") == GOOD_FIRST
        assert strip[1].count("×") == SAMPLES - GOOD_FIRST


async def test_watch_in_japanese_with_translated_keys() -> None:
    app = _app(lang="ja")
    async with app.run_test(size=(100, 40)) as pilot:
        await _watching(pilot)
        footer_keys = {binding.id: binding.description for _, binding, *_ in app.screen.active_bindings.values()}
        assert footer_keys.get("key_stop") == "停止"
        await pilot.press("f2")  # English while it runs: the footer and texts follow, the watch goes on
        await pilot.pause()
        footer_keys = {binding.id: binding.description for _, binding, *_ in app.screen.active_bindings.values()}
        assert footer_keys.get("key_stop") == "Stop"
        assert "Watching the VPN" in str(app.screen.query_one(".heading", Static).render())
        assert app.screen.query_one(WatchStrip).render().plain.startswith("tunnel ping")  # type: ignore[union-attr]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.finished)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        assert app.report is not None
        assert app.report.lang == "en"


async def test_nothing_to_watch_says_what_to_do() -> None:
    report = example("blackhole").model_copy(update={"vpn": None, "paths": []})
    watch = ReplayWatch()
    app = make_app(RecordedRunner(report), profile=lab_profile(vpn_servers=[]), watch=watch)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_results(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert watch.requests == []
        assert any("nothing to watch" in str(n.message) for n in app._notifications)


async def test_a_watch_that_cannot_run_leaves_the_results_as_they_were() -> None:
    def failing(request: WatchRequest, lang: Lang) -> WatchRunner:
        async def runner(stop: asyncio.Event, on_events: OnWatchEvents) -> Report:
            from diag.errors import ProbeError

            raise ProbeError("This user may not send ICMP echo requests.")

        return runner

    app = make_app(RecordedRunner(example("blackhole")), profile=_profile(), watch=failing)
    async with app.run_test(size=(100, 40)) as pilot:
        await _to_results(pilot)
        before = app.report
        await pilot.press("m")
        await on_screen(pilot, WatchScreen)
        await wait_for(pilot, lambda: app.screen.finished)  # type: ignore[attr-defined]
        assert "may not send ICMP" in str(app.screen.query_one("#result", Static).render())
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        assert app.report is before
        assert not app.screen.query(TimelineStrip)


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
STATES: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {"watching": _watching, "watched": _watched}


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(STATES))
def test_watch_snapshot(snap_compare: Callable[..., bool], state: str, size: tuple[int, int], lang: Lang) -> None:
    assert snap_compare(_app(lang=lang), terminal_size=size, run_before=STATES[state])


async def test_the_shipped_watch_resolves_names_finds_the_adapter_and_samples_loopback() -> None:
    """The real Backend.watch (no replay): names resolved once, the adapter found from the route, ICMP on lo."""
    from diag.tui.backend import Backend
    from tests.conftest import require_root

    require_root("ICMP echo on loopback for the wizard's watch")
    request = WatchRequest(target="localhost", vpn_server="127.0.0.1", adapter=None, interval_s=0.2, minutes=0.01)
    samples: list[Sample] = []
    runner = Backend().watch(request, "en")
    report = await asyncio.wait_for(runner(asyncio.Event(), lambda _, s: samples.append(s) if s else None), 30)
    assert samples
    assert report.vpn is not None
    assert report.vpn.adapter == "lo"
    assert [f.id for f in report.findings] == ["watch_healthy"]
    assert report.timeline[0].kind == "watch_started"
