"""Staff login throttling through HTTP: failures per name and per address, counted in the database."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from reports.server.login_throttle import LoginThrottle, seconds_to_wait
from reports.server.settings import LoginLimits
from tests.reports.server.hardening.conftest import create_staff
from tests.server.conftest import RunningServer
from tests.server.test_web import PASSWORD, _csrf, post_login

WINDOW = LoginLimits().window


class Clock:
    """The throttle's wall clock, moved by the test instead of waiting a quarter of an hour."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _fail(client: TestClient, name: str, times: int) -> None:
    for _ in range(times):
        assert post_login(client, name, "wrong password").status_code == 401


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttled_app(make_app: Callable[..., FastAPI], clock: Clock) -> FastAPI:
    app = make_app(clock=clock, rate_limit_per_minute=0)
    app.state.accounts.create_staff("alice", PASSWORD)
    app.state.accounts.create_staff("bob", PASSWORD)
    return app


def test_sixth_attempt_is_refused_even_with_the_right_password(throttled_app: FastAPI) -> None:
    client = TestClient(throttled_app)
    _fail(client, "alice", 5)
    refused = post_login(client, "alice", PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(int(WINDOW.total_seconds()))
    assert "Too many failed logins" in refused.text
    assert "try again in 15 min" in refused.text
    assert "vpndiag_session" not in client.cookies
    assert post_login(client, "bob", PASSWORD).status_code == 303  # another name is not affected


def test_unknown_names_are_counted_and_answered_like_known_ones(throttled_app: FastAPI) -> None:
    client = TestClient(throttled_app)
    _fail(client, "alice", 5)
    _fail(client, "nobody", 5)
    known, unknown = post_login(client, "alice", PASSWORD), post_login(client, "nobody", PASSWORD)
    assert (known.status_code, known.headers["retry-after"]) == (unknown.status_code, unknown.headers["retry-after"])
    assert known.text.replace(known.cookies["vpndiag_login_csrf"], "") == unknown.text.replace(
        unknown.cookies["vpndiag_login_csrf"], ""
    )


def test_the_name_logs_in_again_once_the_window_has_passed(throttled_app: FastAPI, clock: Clock) -> None:
    client = TestClient(throttled_app)
    _fail(client, "alice", 5)
    clock.now += WINDOW - timedelta(minutes=1)
    refused = post_login(client, "alice", PASSWORD)
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "60")
    clock.now += timedelta(minutes=1, seconds=1)  # refused attempts did not push the end of the wait further
    assert post_login(client, "alice", PASSWORD).status_code == 303


def test_a_successful_login_clears_the_names_failures(throttled_app: FastAPI) -> None:
    client = TestClient(throttled_app)
    _fail(client, "alice", 4)
    assert post_login(client, "alice", PASSWORD).status_code == 303
    client.cookies.clear()
    _fail(client, "alice", 4)
    assert post_login(client, "alice", PASSWORD).status_code == 303


def test_failures_from_one_address_are_limited_across_names(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=0, login_limits=LoginLimits(per_name=5, per_address=6))
    app.state.accounts.create_staff("alice", PASSWORD)
    guesser = TestClient(app, client=("198.51.100.7", 50000))
    for number in range(6):
        _fail(guesser, f"user{number}", 1)
    refused = post_login(guesser, "alice", PASSWORD)
    assert refused.status_code == 429
    assert "retry-after" in refused.headers
    colleague = TestClient(app, client=("198.51.100.8", 50000))
    assert post_login(colleague, "alice", PASSWORD).status_code == 303


def test_failures_are_shared_by_two_app_instances_on_one_database(make_app: Callable[..., FastAPI]) -> None:
    first, second = make_app(rate_limit_per_minute=0), make_app(rate_limit_per_minute=0)
    first.state.accounts.create_staff("alice", PASSWORD)
    _fail(TestClient(first), "alice", 3)
    _fail(TestClient(second), "alice", 2)
    assert post_login(TestClient(first), "alice", PASSWORD).status_code == 429
    assert post_login(TestClient(second), "alice", PASSWORD).status_code == 429


def test_worker_processes_of_vpndiag_serve_count_failures_together(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    create_staff(db, "alice")
    server = RunningServer(db, "--workers", "2")
    try:
        statuses = []
        for password in ["wrong password"] * 5 + [PASSWORD]:
            # A new connection each time: the kernel spreads them over both processes (SO_REUSEPORT).
            with httpx.Client(base_url=server.base, timeout=10) as browser:
                form = browser.get("/staff/login")
                answer = browser.post(
                    "/staff/login", data={"name": "alice", "password": password, "csrf_token": _csrf(form.text)}
                )
                statuses.append(answer.status_code)
    finally:
        server.stop()
    assert statuses == [401] * 5 + [429]


def test_guesses_sent_at_once_do_not_slip_past_the_count(app: FastAPI) -> None:
    throttle = LoginThrottle(app.state.engine, LoginLimits())
    with ThreadPoolExecutor(max_workers=16) as pool:
        waits = list(pool.map(lambda _: throttle.start_attempt("alice", "203.0.113.9"), range(40)))
    assert waits.count(0) == LoginLimits().per_name


def test_seconds_to_wait_counts_only_failures_inside_the_window() -> None:
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    minutes_ago = [now - timedelta(minutes=m) for m in (1, 2, 3, 20)]
    assert seconds_to_wait(minutes_ago, 4, WINDOW, now) == 0
    assert seconds_to_wait(minutes_ago, 3, WINDOW, now) == 12 * 60
    assert seconds_to_wait(minutes_ago, 2, WINDOW, now) == 13 * 60
