"""Fixtures for the server's hardening tests (issue 10): databases, a real `vpndiag serve` that can be killed and
started again, staff accounts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from reports.server.accounts import Accounts
from reports.server.db import migrate, open_engine
from tests.conftest import ROOT

# The server suite's storage fixtures, shared: `db_url` (an empty SQLite file, or the test PostgreSQL emptied; the
# PostgreSQL variant skips with the reason without VPNDIAG_TEST_PG_URL, and fails under VPNDIAG_REQUIRE_LAB=1)
# and `make_app` (the ASGI app over it).
from tests.server.conftest import db_url, free_port, make_app

__all__ = ["db_url", "make_app"]

PASSWORD = "correct horse battery"


def create_staff(db_url: str, name: str = "alice") -> str:
    """A staff account in a (migrated) database; returns its API token."""
    engine = open_engine(db_url)
    try:
        migrate(engine)
        token: str = Accounts(engine).create_staff(name, PASSWORD)
    finally:
        engine.dispose()
    return token


class ServeProcess:
    """`vpndiag serve` as a real child process on a fixed loopback port, so it can be killed and started again
    where clients keep sending. Output goes to a log file (a full pipe must never stall the server)."""

    def __init__(self, db_url: str, log: Path, *extra: str) -> None:
        self.db_url = db_url
        self.log = log
        self.extra = extra
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "diag",
                    "serve",
                    "--http",
                    f"127.0.0.1:{self.port}",
                    "--db",
                    self.db_url,
                    *self.extra,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the worker processes are killed with it
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vpndiag serve exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"vpndiag serve did not answer /healthz within {timeout} s: {self.log.read_text()}")

    def kill9(self) -> None:
        """SIGKILL to every process of the server (the parent and its --workers) at once, as a crash or an OOM kill
        of the service would: no shutdown handlers, no flushing; whatever was not committed is gone."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)
        # The workers are gone when the group is: nothing may hold the port when the server is started again.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        raise RuntimeError("server processes outlived SIGKILL of their group")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


@pytest.fixture
def serve_process(db_url: str, tmp_path: Path) -> Iterator[Callable[..., ServeProcess]]:
    """Factory: a ServeProcess on `db_url` (not started); every one is stopped at the end of the test."""
    started: list[ServeProcess] = []

    def make(*extra: str) -> ServeProcess:
        server = ServeProcess(db_url, tmp_path / f"serve-{len(started)}.log", *extra)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
