"""`vpndiag serve --udp-port N --mss-port N`: the probe responders run beside the web server in one process."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import httpx

from diag.checks.mss import measure_mss
from reports.udp_probe import REPLY_SIZE, build_probe, parse_reply
from tests.server.conftest import RunningServer, free_port


def _udp_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_udp_responder_and_mss_reflector_answer_beside_the_web_server(tmp_path: Path) -> None:
    udp_port, mss_port = _udp_free_port(), free_port()
    server = RunningServer(
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        "--udp-port", str(udp_port), "--udp-host", "127.0.0.1",
        "--mss-port", str(mss_port), "--mss-host", "127.0.0.1",
        env={**os.environ, "VPNDIAG_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    try:
        assert httpx.get(f"{server.base}/healthz", timeout=5).json() == {"status": "ok"}
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(5)
            probe = build_probe(b"T" * 8, 7, 1200)
            sock.sendto(probe, ("127.0.0.1", udp_port))
            data, _ = sock.recvfrom(4096)
            reply = parse_reply(data)
            assert reply is not None
            assert (reply.token, reply.sequence, reply.received) == (b"T" * 8, 7, len(probe))
            assert len(data) == REPLY_SIZE < len(probe)  # never amplifies
            sock.settimeout(0.5)
            sock.sendto(b"not a probe", ("127.0.0.1", udp_port))
            try:
                sock.recvfrom(4096)
                answered = True
            except TimeoutError:
                answered = False
            assert not answered
        mss = asyncio.run(measure_mss(f"127.0.0.1:{mss_port}", timeout=5))
        assert mss.server_seen_mss is not None, mss.reason
        assert mss.server_seen_mss == mss.sent_mss
        assert mss.clamped is False
    finally:
        output = server.stop()
    assert f"answering UDP path-MTU probes on port {udp_port}" in output
    assert f"reflecting TCP MSS on port {mss_port}" in output


def test_a_taken_responder_port_is_a_sentence(tmp_path: Path) -> None:
    from tests.conftest import run_vpndiag

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        answer = run_vpndiag(
            "serve", "--http", f"127.0.0.1:{free_port()}", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}",
            "--mss-port", str(port), "--mss-host", "127.0.0.1",
            timeout=60,
        )  # fmt: skip
    assert answer.returncode == 2
    assert f"Could not listen on TCP port {port}" in answer.stderr
    assert "Traceback" not in answer.stderr
