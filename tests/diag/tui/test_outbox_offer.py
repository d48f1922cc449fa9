"""The welcome screen offers the reports an earlier run could not send (issue 8: "the TUI offers it next time")."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Static

from diag.tui.screens.welcome import WelcomeScreen
from diag.upload.outbox import Outbox

from .conftest import RecordedRunner, example, lab_profile, make_app, on_screen, upload_parts, wait_for
from .ingest import REFERENCE, ingest_server


def _queue_two(outbox: Path) -> list[Path]:
    """Two reports left behind by earlier runs that could not reach the support server."""
    box = Outbox(outbox)
    return [box.add(example("blackhole").model_copy(update={"report_id": uuid.uuid4()})) for _ in range(2)]


def _text(screen: WelcomeScreen, selector: str) -> str:
    """The text of `selector`, or "" while the screen is being rebuilt (it recomposes after sending)."""
    found = screen.query(selector)
    return str(found.first(Static).render()) if found else ""


async def test_waiting_reports_are_sent_from_the_welcome_screen(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    waiting = _queue_two(outbox)
    with ingest_server() as ingest:
        app = make_app(
            RecordedRunner(example("blackhole")), profile=lab_profile(endpoint=ingest.url), **upload_parts(outbox)
        )
        async with app.run_test(size=(100, 40)) as pilot:
            await on_screen(pilot, WelcomeScreen)
            screen = app.screen
            assert isinstance(screen, WelcomeScreen)
            assert "could not be sent yet: 2." in _text(screen, "#outbox-waiting")
            screen.query_one("#send-pending", Button).press()
            await wait_for(pilot, lambda: "Sent: 2" in _text(screen, "#outbox-status"))
            assert REFERENCE in _text(screen, "#outbox-status")
            assert not screen.query("#send-pending")  # nothing waits any more
            # Enter still starts the checks: the offer never gets in the way.
            assert isinstance(app.focused, Button)
            assert app.focused.id == "start"
    assert sorted(body["report_id"] for body in ingest.received) == sorted(p.stem for p in waiting)
    assert Outbox(outbox).pending() == []


async def test_a_failed_send_keeps_them_queued_and_says_so_in_japanese(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    waiting = _queue_two(outbox)
    # Port 9 on loopback: nothing listens there, so the connection is refused.
    profile = lab_profile(endpoint="http://127.0.0.1:9")
    app = make_app(RecordedRunner(example("blackhole")), profile=profile, lang="ja", **upload_parts(outbox))
    async with app.run_test(size=(100, 40)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)
        assert "送信できなかったレポートが 2 件あります。" in _text(screen, "#outbox-waiting")
        screen.query_one("#send-pending", Button).press()
        await wait_for(
            pilot,
            lambda: "2 件は送信できませんでした" in _text(screen, "#outbox-status"),
        )
        assert screen.query_one("#send-pending", Button)  # still offered
        await pilot.press("f2")  # the outcome follows the language switch
        await wait_for(pilot, lambda: "Not sent: 2" in _text(screen, "#outbox-status"))
    assert sorted(Outbox(outbox).pending()) == sorted(waiting)


async def test_without_a_support_server_the_count_is_shown_without_a_button(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    _queue_two(outbox)
    app = make_app(RecordedRunner(example("blackhole")), **upload_parts(outbox))
    async with app.run_test(size=(100, 40)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        screen = app.screen
        assert isinstance(screen, WelcomeScreen)
        assert "wait in the outbox: 2" in _text(screen, "#outbox-waiting")
        assert not screen.query("#send-pending")


async def test_nothing_waiting_shows_nothing(tmp_path: Path) -> None:
    app = make_app(RecordedRunner(example("blackhole")), **upload_parts(tmp_path / "outbox"))
    async with app.run_test(size=(100, 40)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        box = app.screen.query_one("#outbox")
        assert not box.display
        assert not box.children


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("size", SIZES)
def test_welcome_with_waiting_reports_snapshot(
    snap_compare: Callable[..., bool], size: tuple[int, int], lang: str, tmp_path: Path
) -> None:
    async def settle(pilot: Pilot[None]) -> None:
        await on_screen(pilot, WelcomeScreen)
        screen = pilot.app.screen
        assert isinstance(screen, WelcomeScreen)
        await wait_for(pilot, lambda: screen.detection_done)

    outbox = tmp_path / "outbox"
    _queue_two(outbox)
    # The endpoint is never on screen; nothing listens there and nothing is sent in this test.
    profile = lab_profile(endpoint="http://127.0.0.1:9")
    app = make_app(RecordedRunner(example("blackhole")), lang=lang, profile=profile, **upload_parts(outbox))  # type: ignore[arg-type]
    assert snap_compare(app, terminal_size=size, run_before=settle)


async def test_a_report_queued_in_this_session_is_offered_back_on_the_welcome_screen(tmp_path: Path) -> None:
    from textual.widgets import Checkbox

    from diag.tui.screens.results import ResultsScreen
    from diag.tui.screens.send import SendScreen

    outbox = tmp_path / "outbox"
    # Port 9 on loopback: nothing listens there, so the upload fails and the report is queued.
    profile = lab_profile(endpoint="http://127.0.0.1:9")
    app = make_app(RecordedRunner(example("blackhole")), profile=profile, **upload_parts(outbox))
    async with app.run_test(size=(100, 40)) as pilot:
        await on_screen(pilot, WelcomeScreen)
        welcome = app.screen
        assert isinstance(welcome, WelcomeScreen)
        assert not welcome.query("#outbox-waiting")
        await pilot.press("enter")
        await on_screen(pilot, ResultsScreen)
        await pilot.press("s")
        await on_screen(pilot, SendScreen)
        send = app.screen
        send.query_one("#consent", Checkbox).value = True
        await pilot.pause()
        send.query_one("#send", Button).press()
        await wait_for(pilot, lambda: len(Outbox(outbox).pending()) == 1)
        await pilot.press("escape")  # back to the results
        await on_screen(pilot, ResultsScreen)
        await pilot.press("r")  # check again: the welcome screen
        await on_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: "could not be sent yet: 1." in _text(welcome, "#outbox-waiting"))
