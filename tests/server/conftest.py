"""Server fixtures: every storage-touching test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from `scripts/services up` (VPNDIAG_TEST_PG_URL); without it the PostgreSQL variant skips with the
reason, and under VPNDIAG_REQUIRE_LAB=1 (CI) it fails instead.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from reports.model import Report
from reports.server.app import create_app
from reports.server.settings import ServerSettings
from reports.server.store import utcnow
from tests.conftest import EXAMPLES, ROOT, lab_required

PG_ENV = "VPNDIAG_TEST_PG_URL"


def require_postgres() -> str:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    message = f"PostgreSQL tests need {PG_ENV} (run ./scripts/test as root, which starts it with scripts/services)"
    if lab_required():
        pytest.fail(f"VPNDIAG_REQUIRE_LAB=1 but {message}")
    pytest.skip(message)


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a fresh SQLite file, or the test PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    url = require_postgres()
    _empty_postgres(url)
    return url


@pytest.fixture
def make_app(db_url: str) -> Iterator[Callable[..., FastAPI]]:
    apps: list[FastAPI] = []

    def build(clock: Callable[[], datetime] = utcnow, **settings: Any) -> FastAPI:
        app = create_app(ServerSettings(db_url=db_url, **settings), clock=clock)
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> FastAPI:
    return make_app(rate_limit_per_minute=0)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def example(name: str = "blackhole") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data


def report_dict(name: str = "blackhole", **changes: Any) -> dict[str, Any]:
    """An example report as JSON data with a new report_id and the given top-level changes."""
    data = copy.deepcopy(example(name))
    data["report_id"] = str(uuid.uuid4())
    data.update(changes)
    return data


def make_report(name: str = "blackhole", **changes: Any) -> Report:
    return Report.model_validate(report_dict(name, **changes))


@pytest.fixture
def staff_token(app: FastAPI) -> str:
    token: str = app.state.accounts.create_staff("alice", "correct horse battery")
    return token


@pytest.fixture
def auth(staff_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {staff_token}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RunningServer:
    """`vpndiag serve` as a real child process on loopback."""

    def __init__(self, db: str, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "diag", "serve", "--http", f"127.0.0.1:{self.port}", "--db", db, *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else ""
                raise RuntimeError(f"vpndiag serve exited with {self.process.returncode}: {output}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("vpndiag serve did not answer /healthz within 30 s")

    def stop(self) -> str:
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate(timeout=15)
        return output or ""
