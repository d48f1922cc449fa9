"""`vpndiag staff create|revoke|list` and `vpndiag serve` as a customer-facing support person runs them."""

from __future__ import annotations

import gzip
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import run_vpndiag
from tests.server.conftest import RunningServer, report_dict
from tests.server.test_web import PASSWORD, post_login


def test_staff_create_prints_a_token_that_the_api_accepts(db_url: str) -> None:
    created = run_vpndiag("staff", "create", "alice", "--db", db_url, "--password", "correct horse battery")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert len(token) >= 40
    server = RunningServer(db_url, "--rate-limit", "0")
    try:
        body = gzip.compress(json.dumps(report_dict()).encode())
        uploaded = httpx.post(
            f"{server.base}/api/v1/reports", content=body, headers={"Content-Encoding": "gzip"}, timeout=10
        )
        assert uploaded.status_code == 201
        listed = httpx.get(f"{server.base}/api/v1/reports", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert listed.json()["items"][0]["reference"] == uploaded.json()["reference"]
    finally:
        output = server.stop()
    assert "staff UI at http://127.0.0.1:" in output


def test_staff_create_asks_for_the_password_twice(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    same = run_vpndiag("staff", "create", "bob", "--db", db, input_text="a long password\na long password\n")
    assert same.returncode == 0, same.stderr
    differ = run_vpndiag("staff", "create", "bob", "--db", db, input_text="a long password\nanother one\n")
    assert differ.returncode == 2
    assert "differ" in differ.stderr
    short = run_vpndiag("staff", "create", "bob", "--db", db, "--password", "short")
    assert short.returncode == 2
    assert "at least 8 characters" in short.stderr
    assert "Traceback" not in short.stderr + differ.stderr


def test_staff_revoke_ends_tokens_and_sessions_but_keeps_the_password(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=0)
    token = app.state.accounts.create_staff("alice", PASSWORD)
    bearer = {"Authorization": f"Bearer {token}"}
    client = TestClient(app)
    assert post_login(client).status_code == 303
    assert client.get("/api/v1/reports", headers=bearer).status_code == 200
    assert client.get("/staff/reports", follow_redirects=False).status_code == 200

    revoked = run_vpndiag("staff", "revoke", "alice", "--db", str(app.state.settings.db_url))
    assert revoked.returncode == 0, revoked.stderr
    assert "deleted 1 API token and 1 web session" in revoked.stdout

    assert client.get("/api/v1/reports", headers=bearer).status_code == 401
    page = client.get("/staff/reports", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/staff/login?next=%2Fstaff%2Freports")
    assert post_login(client).status_code == 303


def test_staff_list_counts_tokens_and_sessions(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=0)
    db = str(app.state.settings.db_url)
    empty = run_vpndiag("staff", "list", "--db", db)
    assert (empty.returncode, empty.stdout) == (0, "No staff accounts yet; `vpndiag staff create NAME` makes one.\n")
    app.state.accounts.create_staff("alice", PASSWORD)
    app.state.accounts.create_staff("alice", PASSWORD)
    app.state.accounts.create_staff("bob", PASSWORD)
    assert post_login(TestClient(app)).status_code == 303
    listed = run_vpndiag("staff", "list", "--db", db)
    assert listed.returncode == 0, listed.stderr
    assert [line.split() for line in listed.stdout.splitlines()] == [
        ["name", "tokens", "sessions"],
        ["alice", "2", "1"],
        ["bob", "1", "0"],
    ]


def test_staff_revoke_of_an_unknown_name_is_a_sentence(tmp_path: Path) -> None:
    answer = run_vpndiag("staff", "revoke", "nobody", "--db", f"sqlite:///{tmp_path / 'server.sqlite3'}")
    assert answer.returncode == 2
    assert "There is no staff account 'nobody'; `vpndiag staff list` shows them." in answer.stderr
    assert "Traceback" not in answer.stderr


def test_serve_uses_the_data_dir_by_default_and_rejects_bad_addresses(tmp_path: Path) -> None:
    env = {**os.environ, "VPNDIAG_DATA_DIR": str(tmp_path)}
    bad = run_vpndiag("serve", "--http", "nowhere", env=env)
    assert bad.returncode == 2
    assert "HOST:PORT" in bad.stderr
    created = run_vpndiag("staff", "create", "carol", "--password", "correct horse battery", env=env)
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "server.sqlite3").exists()


def test_bad_database_url_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    answer = run_vpndiag("staff", "create", "dave", "--db", "mysql://x/y", "--password", "correct horse battery")
    assert answer.returncode == 2
    assert "SQLite or PostgreSQL" in answer.stderr
    assert "Traceback" not in answer.stderr


def _established(process: psutil.Process, port: int) -> int:
    return sum(
        1
        for connection in process.net_connections(kind="tcp")
        if connection.status == psutil.CONN_ESTABLISHED and connection.laddr and connection.laddr.port == port
    )


def test_workers_take_even_shares_of_connections_and_a_dead_one_takes_none(tmp_path: Path) -> None:
    """Each process has its own SO_REUSEPORT socket: one shared socket let one process accept 41 of 50 keep-alive
    connections. And a worker that dies must not leave a socket behind that keeps taking connections."""
    server = RunningServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", "--workers", "2", "--rate-limit", "0")
    clients: list[httpx.Client] = []
    try:
        parent = psutil.Process(server.process.pid)
        (child,) = parent.children()
        for _ in range(40):
            client = httpx.Client(base_url=server.base, timeout=10)
            assert client.get("/healthz").status_code == 200  # the connection stays open (keep-alive)
            clients.append(client)
        shares = sorted([_established(parent, server.port), _established(child, server.port)])
        assert sum(shares) == 40
        # Binomial(40, 1/2): fewer than 8 on one side happens about once in 100,000 runs.
        assert shares[0] >= 8, shares
        child.kill()
        deadline = time.monotonic() + 10
        while child.is_running() and child.status() != psutil.STATUS_ZOMBIE and time.monotonic() < deadline:
            time.sleep(0.05)
        for client in clients:
            client.close()
        with httpx.Client(base_url=server.base, timeout=5) as fresh:
            for _ in range(30):  # new connections each time: none may land on the dead worker's socket
                assert fresh.get("/healthz", headers={"Connection": "close"}).status_code == 200
    finally:
        for client in clients:
            client.close()
        server.stop()


def test_a_second_server_on_a_taken_port_is_refused_not_joined(tmp_path: Path) -> None:
    """SO_REUSEPORT would let a second `vpndiag serve --workers 2` on the same port share it silently."""
    server = RunningServer(f"sqlite:///{tmp_path / 'one.sqlite3'}", "--workers", "2", "--rate-limit", "0")
    try:
        second = run_vpndiag(
            "serve", "--http", f"127.0.0.1:{server.port}", "--db", f"sqlite:///{tmp_path / 'two.sqlite3'}",
            "--workers", "2",
            timeout=60,
        )  # fmt: skip
    finally:
        server.stop()
    assert second.returncode == 2
    assert f"Could not listen on 127.0.0.1 port {server.port}" in second.stderr
    assert "Traceback" not in second.stderr


def test_several_worker_processes_share_the_port_and_stop_together(tmp_path: Path) -> None:
    server = RunningServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", "--workers", "2", "--rate-limit", "0")
    try:
        workers = psutil.Process(server.process.pid).children()
        assert len(workers) == 1  # the parent serves too
        with httpx.Client(base_url=server.base, timeout=10) as client:
            answers = [client.post("/api/v1/reports", json=report_dict()) for _ in range(20)]
        assert [answer.status_code for answer in answers] == [201] * 20
    finally:
        server.stop()
    assert not any(worker.is_running() and worker.status() != psutil.STATUS_ZOMBIE for worker in workers)
    created = run_vpndiag(
        "staff",
        "create",
        "erin",
        "--db",
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "--password",
        "correct horse battery",
    )
    assert created.returncode == 0
    token = created.stdout.strip().splitlines()[-1]
    again = RunningServer(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        listed = httpx.get(f"{again.base}/api/v1/reports", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert listed.json()["total"] == 20
    finally:
        again.stop()
