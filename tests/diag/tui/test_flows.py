"""The wizard's flows driven with Textual's Pilot: the real app, screens and widgets, a recorded runner."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button, Checkbox, Collapsible, Input, ProgressBar, RadioButton, Static

from diag.run import Progress
from diag.run_options import RunOptions
from diag.tui.backend import DetectedVpn, ProgressEvent, real_backend
from diag.tui.screens.checks import ChecksScreen
from diag.tui.screens.results import ResultsScreen
from diag.tui.screens.save import SaveScreen
from diag.tui.screens.send import SendScreen
from diag.tui.screens.welcome import WelcomeScreen
from diag.tui.widgets.command_block import CommandBlock
from diag.tui.widgets.probe_chart import ProbeChart
from diag.tui.widgets.reference_code import ReferenceCode
from reports.errors import VpndiagError
from reports.model import Report

from .conftest import (
    RecordedRunner,
    example,
    lab_profile,
    make_app,
    on_screen,
    recorded_detection,
    upload_parts,
    wait_for,
)
from .ingest import REFERENCE, ingest_server


def static_text(widget: Static) -> str:
    return str(widget.render())


async def test_welcome_to_results_shows_path_mtu_and_fix(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        headline = static_text(app.screen.query_one("#headline", Static))
        assert "1400 bytes" in headline
        commands = [block.command for block in app.screen.query("CommandBlock")]
        assert any("mtu=1340" in command for command in commands)
    options = blackhole_runner.seen_options[0]
    assert options.vpn_server == "203.0.113.10"
    assert options.protocol == "wireguard"
    assert options.lang == "en"


async def test_send_after_consent_shows_reference_code(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    with ingest_server() as ingest:
        profile = lab_profile(endpoint=ingest.url)
        app = make_app(blackhole_runner, profile=profile, **upload_parts(tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("enter")
            await on_screen(pilot, ResultsScreen)
            await pilot.press("s")
            await on_screen(pilot, SendScreen)
            screen = app.screen
            assert screen.query_one("#send", Button).disabled, "sending must wait for consent"
            screen.query_one("#ticket", Input).value = "A-20418"
            screen.query_one("#consent", Checkbox).value = True
            await pilot.pause()
            assert not screen.query_one("#send", Button).disabled
            screen.query_one("#send", Button).press()
            await wait_for(pilot, lambda: bool(screen.query(ReferenceCode)))
            assert screen.query_one(ReferenceCode).code == REFERENCE
        assert len(ingest.received) == 1
        sent = Report.model_validate(ingest.received[0])
        assert sent.privacy.consent is True
        assert sent.privacy.redacted is True
        assert sent.privacy.ticket == "A-20418"
    assert not list(tmp_path.iterdir()), "a delivered report must not stay in the outbox"  # noqa: ASYNC240


async def test_nothing_is_sent_without_consent(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    with ingest_server() as ingest:
        app = make_app(blackhole_runner, profile=lab_profile(endpoint=ingest.url), **upload_parts(tmp_path))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")
            await on_screen(pilot, ResultsScreen)
            await pilot.press("s")
            await on_screen(pilot, SendScreen)
            app.screen.action_send()
            await pilot.pause(0.2)
            assert "Tick the box" in static_text(app.screen.query_one("#status", Static))
        assert ingest.received == []


async def test_upload_failure_queues_report_in_outbox(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    # Port 9 on loopback: nothing listens there, so the connection is refused.
    profile = lab_profile(endpoint="http://127.0.0.1:9")
    outbox = tmp_path / "outbox"
    app = make_app(blackhole_runner, profile=profile, **upload_parts(outbox))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        await pilot.press("s")
        await on_screen(pilot, SendScreen)
        screen = app.screen
        screen.query_one("#consent", Checkbox).value = True
        await pilot.pause()
        screen.query_one("#send", Button).press()
        await wait_for(pilot, lambda: "outbox" in static_text(screen.query_one("#status", Static)))
        assert not screen.query(ReferenceCode)
        status = static_text(screen.query_one("#status", Static))
    queued = [path for path in outbox.rglob("*") if path.is_file()]
    assert len(queued) == 1
    assert str(queued[0]) in status.replace("\n", "")


@pytest.mark.parametrize("fmt", ["json", "html"])
async def test_save_writes_report_file(blackhole_runner: RecordedRunner, tmp_path: Path, fmt: str) -> None:
    app = make_app(blackhole_runner, save_dir=tmp_path, **upload_parts(tmp_path / "outbox"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        await pilot.press("w")
        await on_screen(pilot, SaveScreen)
        screen = app.screen
        screen.query_one(f"#format-{fmt}", RadioButton).value = True
        await pilot.pause()
        screen.query_one("#save", Button).press()
        await wait_for(pilot, lambda: "Saved to" in static_text(screen.query_one("#status", Static)))
    saved = tmp_path / f"vpndiag-{example('blackhole').report_id}.{fmt}"
    text = saved.read_text(encoding="utf-8")
    if fmt == "json":
        report = Report.model_validate(json.loads(text))
        assert report.paths[0].pmtu == 1400
    else:
        assert text.lstrip().lower().startswith("<!doctype html")
        assert "1400" in text


async def test_save_to_missing_folder_says_what_to_do(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, save_dir=tmp_path / "no" / "such" / "dir", **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        await pilot.press("w")
        await on_screen(pilot, SaveScreen)
        app.screen.query_one("#save", Button).press()
        await wait_for(pilot, lambda: "another folder" in static_text(app.screen.query_one("#status", Static)))


async def test_escape_cancels_running_checks(tmp_path: Path) -> None:
    runner = RecordedRunner(example("blackhole"), hold_after=4)
    app = make_app(runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ChecksScreen)
        chart = app.screen.query_one(ProbeChart)
        await wait_for(pilot, lambda: len(chart.probes) == 4)
        await pilot.press("escape")
        await wait_for(pilot, lambda: runner.cancelled)
        assert isinstance(app.screen, WelcomeScreen)
        assert not runner.finished


async def test_probe_chart_narrows_while_checks_run(tmp_path: Path) -> None:
    runner = RecordedRunner(example("blackhole"), hold_after=9)
    app = make_app(runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ChecksScreen)
        chart = app.screen.query_one(ProbeChart)
        await wait_for(pilot, lambda: len(chart.probes) == 9)
        # The recorded search so far: 1400 came back; 1480, 1450, 1425, 1412, 1406 were lost.
        assert chart.summary() == "Between 1400 bytes (got through) and 1406 bytes (lost)."
        runner.release.set()
        await on_screen(pilot, ResultsScreen)


async def test_failed_run_says_why_and_stays(tmp_path: Path) -> None:
    class Refusing(RecordedRunner):
        async def _replay(self, options: object, on_progress: object) -> Report:
            raise VpndiagError("The VPN server name could not be resolved. Check the address and try again.")

    app = make_app(Refusing(example("blackhole")), **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await wait_for(pilot, lambda: "could not be resolved" in static_text(app.screen.query_one("#message", Static)))
        assert isinstance(app.screen, ChecksScreen)


async def test_language_switch_on_welcome_runs_in_japanese(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        app.screen.query_one("#lang-ja", Button).press()
        await pilot.pause()
        assert app.title == "Example VPN 接続チェック"
        assert "チェックを開始" in str(app.screen.query_one("#start", Button).label)
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        assert "1400 バイト" in static_text(app.screen.query_one("#headline", Static))
    assert blackhole_runner.seen_options[0].lang == "ja"


async def test_send_without_endpoint_points_to_save(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        await pilot.press("s")
        await on_screen(pilot, SendScreen)
        assert "save it to a file" in static_text(app.screen.query_one("#status", Static))
        assert app.screen.query_one("#consent", Checkbox).disabled
        assert app.screen.query_one("#send", Button).disabled


async def test_language_switch_on_results_rediagnoses_in_that_language(
    blackhole_runner: RecordedRunner, tmp_path: Path
) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        english = {finding.id: finding.title for finding in screen.report.findings}
        await pilot.press("f2")
        await wait_for(pilot, lambda: "バイト" in static_text(screen.query_one("#headline", Static)))
        japanese = {finding.id: finding.title for finding in screen.report.findings}
        assert screen.report.lang == "ja"
        assert japanese.keys() == english.keys()
        assert all(japanese[key] != english[key] for key in english)
        assert japanese["pmtud_blackhole"] in static_text(screen.query_one("FindingsList", Static))


async def test_welcome_takes_the_protocol_of_the_running_vpn(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(
        blackhole_runner,
        profile=lab_profile(vpn_servers=[]),
        detect_vpn=recorded_detection(DetectedVpn(adapter="utun3", protocol="ikev2")),
        **upload_parts(tmp_path),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)
        await wait_for(pilot, lambda: screen.detection_done)
        assert "IKEv2 on the adapter utun3" in static_text(screen.query_one("#detected", Static))
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
    options = blackhole_runner.seen_options[0]
    assert options.protocol == "ikev2"
    assert options.vpn_server is None


async def test_real_detection_on_this_machine_finishes(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    # The shipped detection (adapters and processes of this machine, nothing on the network).
    app = make_app(blackhole_runner, detect_vpn=real_backend().detect_vpn, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)
        await wait_for(pilot, lambda: screen.detection_done, limit_s=30)
        shown = static_text(screen.query_one("#detected", Static))
        assert shown.startswith(("Running VPN found", "A VPN adapter is up", "No running VPN found"))


async def test_theme_toggle_and_palette_commands(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        assert app.theme == "textual-dark"
        await pilot.press("f3")
        assert app.theme == "textual-light"
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Switch language" in titles
        assert "Switch between dark and light" in titles


def test_no_color_is_honoured(blackhole_runner: RecordedRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(blackhole_runner)
    assert app.no_color


async def test_copy_button_puts_the_command_on_the_clipboard(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        block = app.screen.query_one(CommandBlock)
        block.query_one(Button).press()
        await wait_for(pilot, lambda: app.clipboard == block.command)
        assert "1340" in app.clipboard


async def test_details_show_every_probe_on_demand(blackhole_runner: RecordedRunner, tmp_path: Path) -> None:
    app = make_app(blackhole_runner, **upload_parts(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        details = app.screen.query_one("#details", Collapsible)
        assert details.collapsed
        await pilot.press("d")
        await wait_for(pilot, lambda: not details.collapsed)
        chart = details.query_one(ProbeChart)
        assert len(chart.probes) == len(example("blackhole").paths[0].probes)
        assert chart.summary() == "Between 1400 bytes (got through) and 1401 bytes (lost)."


async def test_language_switch_during_the_run_keeps_its_progress(tmp_path: Path) -> None:
    runner = RecordedRunner(example("blackhole"), hold_after=5)
    app = make_app(runner, **upload_parts(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ChecksScreen)
        screen = app.screen
        await wait_for(pilot, lambda: len(screen.query_one(ProbeChart).probes) == 5)
        await pilot.press("f2")
        await wait_for(
            pilot, lambda: "ネットワークアダプター — 完了" in str(screen.query_one("#check-list", Static).render())
        )
        assert len(screen.query_one(ProbeChart).probes) == 5
        assert screen.query_one(ProgressBar).progress == 2
        runner.release.set()
        await on_screen(pilot, ResultsScreen)
        assert "1400 バイト" in static_text(app.screen.query_one("#headline", Static))


async def test_chart_follows_one_search_while_paths_are_probed_together(tmp_path: Path) -> None:
    report = example("blackhole")
    probes = report.paths[0].probes

    class Interleaving(RecordedRunner):
        async def _replay(self, options: RunOptions, on_progress: Callable[[ProgressEvent], None]) -> Report:
            for index in range(4):  # diag.run probes the paths concurrently: their probes arrive interleaved
                on_progress(Progress("pmtu:203.0.113.10", "running", probe=probes[index]))
                on_progress(Progress("pmtu:10.8.0.1", "running", probe=probes[-1 - index]))
            await self.release.wait()
            on_progress(Progress("pmtu:203.0.113.10", "ok"))
            on_progress(Progress("pmtu:10.8.0.1", "running", probe=probes[5]))
            await asyncio.Event().wait()  # until cancelled
            raise AssertionError("not reached")

    runner = Interleaving(report)
    app = make_app(runner, **upload_parts(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        await on_screen(pilot, ChecksScreen)
        screen = app.screen
        chart = screen.query_one(ProbeChart)
        await wait_for(pilot, lambda: len(chart.probes) == 4)
        assert chart.probes == probes[:4]
        assert "203.0.113.10" in str(chart.border_title)
        runner.release.set()
        await wait_for(pilot, lambda: "10.8.0.1" in str(chart.border_title))
        assert chart.probes == [*probes[-1:-5:-1], probes[5]]
        await pilot.press("escape")
        await wait_for(pilot, lambda: runner.cancelled)
