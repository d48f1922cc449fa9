"""The UDP probe responder on real loopback sockets: answers with the size received, never amplifies, rate-limits."""

from __future__ import annotations

import asyncio
import socket

import pytest

from reports.server.udp_responder import RateLimiter, start_udp_responder
from reports.udp_probe import REPLY_SIZE, build_probe, parse_reply


def _client(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def _receive(sock: socket.socket, wait_s: float = 1.0) -> bytes | None:
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.sock_recv(sock, 2048), wait_s)
    except TimeoutError:
        return None


async def test_answers_with_the_size_it_received() -> None:
    handle = await start_udp_responder("127.0.0.1", 0)
    sock = _client(handle.port)
    try:
        sock.send(build_probe(b"12345678", 7, 1372))
        reply = parse_reply(await _receive(sock) or b"")
        assert reply is not None
        assert (reply.token, reply.sequence, reply.received) == (b"12345678", 7, 1372)
        assert handle.stats.answered == 1
    finally:
        sock.close()
        handle.close()


async def test_ignores_what_is_not_a_probe_and_never_answers_larger() -> None:
    handle = await start_udp_responder("127.0.0.1", 0)
    sock = _client(handle.port)
    try:
        sock.send(b"VDP1" + bytes(10))  # a probe header, but shorter than the 20-byte answer would be
        sock.send(b"GET / HTTP/1.0\r\n\r\n" + bytes(100))
        assert await _receive(sock, 0.3) is None
        assert handle.stats.ignored == 2
        assert handle.stats.answered == 0
        sock.send(build_probe(b"abcdefgh", 1, REPLY_SIZE))  # the smallest probe gets an answer of equal size
        answer = await _receive(sock)
        assert answer is not None
        assert len(answer) == REPLY_SIZE
    finally:
        sock.close()
        handle.close()


async def test_rate_limit_per_source() -> None:
    handle = await start_udp_responder("127.0.0.1", 0, rate_per_source=1.0, burst_per_source=5.0)
    sock = _client(handle.port)
    try:
        for sequence in range(20):
            sock.send(build_probe(b"ratelimt", sequence, 100))
        answers = 0
        while await _receive(sock, 0.3) is not None:
            answers += 1
        assert answers == 5
        assert handle.stats.rate_limited == 15
    finally:
        sock.close()
        handle.close()


def test_rate_limiter_refills_over_time_and_forgets_old_sources() -> None:
    limiter = RateLimiter(rate=10.0, burst=2.0)
    assert limiter.allow("a", 0.0)
    assert limiter.allow("a", 0.0)
    assert not limiter.allow("a", 0.0)
    assert limiter.allow("a", 0.1)  # one token back after 0.1 s at 10/s
    assert limiter.allow("b", 0.1)  # another source has its own bucket


@pytest.mark.parametrize("payload", [19, 0])
def test_probe_smaller_than_the_answer_cannot_be_built(payload: int) -> None:
    with pytest.raises(ValueError, match="at least"):
        build_probe(b"12345678", 1, payload)
