"""The probe responders of `vpndiag serve` can't be turned against anyone (issue 10).

UDP: a flood of probes from loopback draws fewer bytes back than it sends (never an amplifier), at most one small
answer per probe, and per source address no more answers than the rate limit allows. TCP MSS reflector: one short
line per connection whatever the client sends or fails to read, and a connection flood leaves no connection open.
All against the real server process, on loopback; every flood is bounded in count and time.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reports.server.udp_responder import DEFAULT_BURST_PER_SOURCE, DEFAULT_RATE_PER_SOURCE
from reports.udp_probe import MIN_PROBE_PAYLOAD, PROBE_MAGIC, REPLY_SIZE, build_probe, parse_reply
from tests.conftest import count_figure
from tests.reports.server.hardening.conftest import ServeProcess
from tests.server.conftest import free_port

FLOOD_DATAGRAMS = 3000
# Loopback addresses (127.0.0.0/8 is all loopback on Linux) standing in for different sources.
SOURCES = ("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4")
CONNECTIONS = 150
# What the rate limit allows one source in `elapsed` seconds, plus slack for scheduling on a busy machine.
SLACK_ANSWERS = 16


def _udp_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Responders:
    server: ServeProcess
    udp_port: int
    mss_port: int


@pytest.fixture
def responders(tmp_path: Path) -> Iterator[Responders]:
    udp_port, mss_port = _udp_free_port(), free_port()
    server = ServeProcess(
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "serve.log",
        "--udp-port", str(udp_port), "--udp-host", "127.0.0.1",
        "--mss-port", str(mss_port), "--mss-host", "127.0.0.1",
    )  # fmt: skip
    server.start()
    yield Responders(server, udp_port, mss_port)
    server.stop()


@dataclass
class Flood:
    datagrams_in: int = 0
    bytes_in: int = 0
    answers: int = 0
    bytes_out: int = 0
    largest_answer: int = 0
    elapsed: float = 0.0


def _drain(sock: socket.socket, flood: Flood) -> None:
    while True:
        try:
            data = sock.recv(65535)
        except BlockingIOError:
            return
        flood.answers += 1
        flood.bytes_out += len(data)
        flood.largest_answer = max(flood.largest_answer, len(data))
        assert parse_reply(data) is not None


def flood_from(source: str, port: int, datagrams: list[bytes]) -> Flood:
    """Send every datagram as fast as the socket takes them, reading answers as they come; then wait for stragglers."""
    flood = Flood()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)  # no answer dropped unread
        sock.bind((source, 0))
        sock.setblocking(False)
        started = time.monotonic()
        for number, datagram in enumerate(datagrams):
            while True:
                try:
                    sock.sendto(datagram, ("127.0.0.1", port))
                    break
                except BlockingIOError:
                    _drain(sock, flood)
            flood.datagrams_in += 1
            flood.bytes_in += len(datagram)
            if number % 100 == 0:
                _drain(sock, flood)
        flood.elapsed = time.monotonic() - started
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:
            _drain(sock, flood)
            time.sleep(0.01)
    return flood


def hostile_mix(count: int) -> list[bytes]:
    """The smallest probes (the best an amplifier could hope for), the largest, truncated ones and junk."""
    token = os.urandom(8)
    kinds = [
        build_probe(token, 1, MIN_PROBE_PAYLOAD),
        build_probe(token, 2, 1400),
        PROBE_MAGIC + b"\x00" * (MIN_PROBE_PAYLOAD - len(PROBE_MAGIC) - 1),  # one byte short of a probe
        b"GET / HTTP/1.1\r\n\r\n",
        b"",
    ]
    return [kinds[number % len(kinds)] for number in range(count)]


def test_a_udp_flood_gets_back_fewer_bytes_than_it_sent_and_no_more_answers_than_the_limit(
    responders: Responders,
) -> None:
    total_in = total_out = 0
    for source in SOURCES:
        flood = flood_from(source, responders.udp_port, hostile_mix(FLOOD_DATAGRAMS))
        total_in, total_out = total_in + flood.bytes_in, total_out + flood.bytes_out
        allowed = DEFAULT_BURST_PER_SOURCE + DEFAULT_RATE_PER_SOURCE * (flood.elapsed + 0.5) + SLACK_ANSWERS
        assert 0 < flood.answers <= allowed, (source, flood)
        assert flood.largest_answer == REPLY_SIZE
        assert flood.bytes_out < flood.bytes_in
        count_figure("faults injected: UDP flood datagrams", flood.datagrams_in)
    count_figure("UDP flood bytes in", total_in)
    count_figure("UDP flood bytes out", total_out)
    assert total_out * 10 < total_in  # the rate limit keeps it far below even 1:1


def test_every_probe_size_gets_one_answer_no_larger_than_itself(responders: Responders) -> None:
    sizes = [MIN_PROBE_PAYLOAD, MIN_PROBE_PAYLOAD + 1, 100, 576, 1232, 1452, 1472, 8000, 65507]
    token = os.urandom(8)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.9", 0))
        sock.settimeout(3)
        for sequence, size in enumerate(sizes):
            probe = build_probe(token, sequence, size)
            sock.sendto(probe, ("127.0.0.1", responders.udp_port))
            data = sock.recv(65535)
            reply = parse_reply(data)
            assert reply is not None
            assert (reply.sequence, reply.received) == (sequence, size)
            assert len(data) <= len(probe)
            count_figure("inputs tried: UDP probe sizes")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):  # nothing more: one answer per probe
            sock.recv(65535)


def test_the_mss_reflector_answers_one_short_line_whatever_the_client_sends(responders: Responders) -> None:
    with socket.create_connection(("127.0.0.1", responders.mss_port), timeout=5) as sock:
        # It may answer and close while we are still writing junk it never reads: a reset then is fine.
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            sock.sendall(os.urandom(256 * 1024))
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(4096):
                received += chunk
    assert received.count(b"\n") <= 1
    assert len(received) < 256


def test_a_connection_flood_on_the_mss_port_leaves_nothing_open(responders: Responders) -> None:
    pid = responders.server.process.pid if responders.server.process else 0
    before = len(os.listdir(f"/proc/{pid}/fd"))
    held = []
    answered = 0
    started = time.monotonic()
    for _ in range(CONNECTIONS):  # connect and never read: the slowest client there is
        held.append(socket.create_connection(("127.0.0.1", responders.mss_port), timeout=5))
    for sock in held:
        sock.settimeout(5)
        line = sock.recv(4096)
        answered += line.endswith(b"\n") and len(line) < 256
        assert sock.recv(4096) == b""  # and the server closed it
        sock.close()
    count_figure("faults injected: MSS connection flood", CONNECTIONS)
    assert answered == CONNECTIONS
    deadline = time.monotonic() + 5
    while len(os.listdir(f"/proc/{pid}/fd")) > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(os.listdir(f"/proc/{pid}/fd")) <= before
    assert time.monotonic() - started < 30
