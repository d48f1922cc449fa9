from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest
from textual.app import App

from diag.tui.screens.watch import WatchScreen, WatchStrip
from diag.watch.runner import OnWatchEvents, make_watch_runner
from diag.watch.sampler import WatchPlan
from diag.watch.timeline import Sample, TimelineBuilder
from reports.model import Report, System, Tool
from reports.rules.watch_patterns import diagnose_watch
from tests.diag.watch.timelines import LOST, OK, START, WG0


class Host(App[None]):
    """A bare app to push the screen on, as the wizard will."""

    def __init__(self, screen: WatchScreen) -> None:
        super().__init__()
        self.watch_screen = screen
        self.dismissed: list[Report | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.watch_screen, self.dismissed.append)


def black_hole_replay(samples: int):  # type: ignore[no-untyped-def]
    """A runner that replays a black hole sample by sample through the real timeline and rules, then waits for stop."""

    async def runner(stop: asyncio.Event, on_events: OnWatchEvents) -> Report:
        builder = TimelineBuilder()
        on_events([builder.mark("watch_started", START, "interval=1 size=1420")], None)
        for tick in range(samples):
            sample = Sample(tick, START + timedelta(seconds=tick), WG0, "wg0", OK, LOST, 1420, OK)
            on_events(builder.add(sample), sample)
            await asyncio.sleep(0)
        await asyncio.wait_for(stop.wait(), 10)
        builder.mark("watch_stopped", START + timedelta(seconds=samples), "reason=stopped")
        report = Report(
            tool=Tool(version="0.1.0"), system=System(os="linux", privileged=True), timeline=builder.events()
        )
        findings, fixes = diagnose_watch(report)
        return report.model_copy(update={"findings": findings, "fixes": fixes})

    return runner


async def test_strip_chart_draws_lost_large_probes_and_esc_ends_with_the_finding() -> None:
    screen = WatchScreen(black_hole_replay(12), lang="en", interval_s=1)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.3)
        strip = screen.query_one(WatchStrip)
        rows = strip.render().plain.splitlines()  # type: ignore[union-attr]
        assert rows[0].startswith("tunnel ping")
        assert rows[0].count("█") == 12
        assert rows[1].count("×") == 12  # the full-size probes vanish
        await pilot.press("escape")
        await pilot.pause(0.3)
        result = str(screen.query_one("#result").render())
        assert "Finished after 12 samples" in result
        assert "Large packets vanish inside the tunnel" in result
        await pilot.press("enter")
        await pilot.pause()
    assert len(app.dismissed) == 1
    report = app.dismissed[0]
    assert report is not None
    assert [f.id for f in report.findings] == ["tunnel_blackhole_intermittent"]


async def test_japanese_labels() -> None:
    screen = WatchScreen(black_hole_replay(3), lang="ja", interval_s=1)
    async with Host(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        assert "VPN を監視しています" in str(screen.query_one(".heading").render())
        assert screen.query_one(WatchStrip).render().plain.startswith("トンネル ping")  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause(0.2)


@pytest.mark.skipif(os.geteuid() != 0, reason="ICMP sockets on loopback need root here")
async def test_real_watch_on_loopback_stops_on_esc_and_keeps_the_report() -> None:
    plan = WatchPlan(interval_s=0.2, duration_s=None, target="127.0.0.1", vpn_server="127.0.0.1", adapter="lo")
    screen = WatchScreen(make_watch_runner(plan, lang="en"), lang="en", interval_s=0.2)
    app = Host(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(1.0)
        assert len(screen.samples) >= 2
        await pilot.press("escape")
        for _ in range(30):
            if screen.finished:
                break
            await pilot.pause(0.1)
        assert screen.report is not None
        assert [f.id for f in screen.report.findings] == ["watch_healthy"]
        await pilot.press("enter")
        await pilot.pause()
    assert app.dismissed == [screen.report]


def test_snapshot_of_a_black_hole_being_watched(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.pause(0.3)

    screen = WatchScreen(black_hole_replay(20), lang="en", interval_s=1)
    assert snap_compare(Host(screen), terminal_size=(80, 24), run_before=settle)
