"""The upload client against the real support server (`vpndiag serve`, issue 9) once both are merged."""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, run_vpndiag
from tests.diag.upload.test_commands import _customer_report, _env

if importlib.util.find_spec("reports.server.app") is None:
    pytest.skip("the support server (server branch) is not merged into this tree yet", allow_module_level=True)

# Starting uvicorn with migrations on SQLite takes a second or two; a loaded 2-core CI machine gets more.
SERVER_START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def support_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "diag", "serve", "--http", f"127.0.0.1:{port}", "--rate-limit", "0"]
    command += ["--db", f"sqlite:///{tmp_path / 'support.db'}"]
    env = {**os.environ, "VPNDIAG_DATA_DIR": str(tmp_path / "server-data")}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            try:
                if httpx.get(f"{endpoint}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read() if server.stdout else ""
                pytest.fail(f"vpndiag serve did not come up: {output[-2000:]}")
            time.sleep(0.2)
        yield endpoint
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()


def _reference(stdout: str) -> str:
    match = re.search(r"reference is ([A-Z0-9-]+)", stdout)
    assert match is not None, stdout
    return match.group(1)


def test_upload_to_the_support_server_is_idempotent(tmp_path: Path, support_server: str) -> None:
    report_file = _customer_report(tmp_path)
    first = run_vpndiag("upload", str(report_file), "--endpoint", support_server, env=_env(tmp_path))
    assert first.returncode == 0, first.stderr
    again = run_vpndiag("upload", str(report_file), "--endpoint", support_server, env=_env(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "Support already had this report" in again.stdout
    assert _reference(again.stdout) == _reference(first.stdout)


def test_outbox_delivers_to_the_support_server(tmp_path: Path, support_server: str) -> None:
    report_file = _customer_report(tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    queued = run_vpndiag("upload", str(report_file), "--endpoint", down, "--retries", "0", env=_env(tmp_path))
    assert queued.returncode == 1
    sent = run_vpndiag("upload", "--pending", "--endpoint", support_server, env=_env(tmp_path))
    assert sent.returncode == 0, sent.stderr
    assert ": sent, reference " in sent.stdout
    assert not list((tmp_path / "outbox").glob("*.json"))
