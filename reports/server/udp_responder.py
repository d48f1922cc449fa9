"""The UDP probe responder of the support server (DPLPMTUD, RFC 8899): answers each path-MTU probe with one small
datagram carrying the size it received (wire format: reports/udp_probe.py).

Bounded so it can't be turned against anyone: an answer is never larger than the probe it answers (20 bytes
against at least 20), anything that isn't a probe gets no answer, and each source address gets at most
`rate_per_source` answers per second (token bucket, burst `burst_per_source`), so a spoofed source can draw only
a trickle of small datagrams. Mounted by `vpndiag serve --udp-port N`.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, cast

from reports.udp_probe import build_reply, parse_probe

# A path-MTU search sends at most 64 probes in well under a second (diag/probe/search.py); a burst of 128 and
# 256 per second serve two searches back to back and cap what any one address can draw.
DEFAULT_RATE_PER_SOURCE = 256.0
DEFAULT_BURST_PER_SOURCE = 128.0
# Memory bound on the per-source buckets: the least recently seen sources are forgotten first.
MAX_TRACKED_SOURCES = 65536


@dataclass
class ResponderStats:
    answered: int = 0
    ignored: int = 0  # not a probe
    rate_limited: int = 0


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    rate: float
    burst: float
    buckets: OrderedDict[str, _Bucket] = field(default_factory=OrderedDict)

    def allow(self, source: str, now: float) -> bool:
        bucket = self.buckets.pop(source, None)
        if bucket is None:
            bucket = _Bucket(tokens=self.burst, updated=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        self.buckets[source] = bucket
        while len(self.buckets) > MAX_TRACKED_SOURCES:
            self.buckets.popitem(last=False)
        return allowed


class UdpProbeResponder(asyncio.DatagramProtocol):
    def __init__(self, rate_per_source: float, burst_per_source: float) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.limiter = RateLimiter(rate_per_source, burst_per_source)
        self.stats = ResponderStats()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # The selector loop's datagram transport does not subclass DatagramTransport, but is one.
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        probe = parse_probe(data)
        if probe is None or self.transport is None:
            self.stats.ignored += 1
            return
        if not self.limiter.allow(str(addr[0]), time.monotonic()):
            self.stats.rate_limited += 1
            return
        reply = build_reply(probe, len(data))
        if len(reply) > len(data):  # never amplify (parse_probe already guarantees it; kept as the rule)
            self.stats.ignored += 1
            return
        self.transport.sendto(reply, addr)
        self.stats.answered += 1

    def error_received(self, exc: Exception) -> None:
        """ICMP errors about our answers (the client went away): nothing to do."""


@dataclass
class UdpResponderHandle:
    transport: asyncio.DatagramTransport
    protocol: UdpProbeResponder
    host: str
    port: int

    @property
    def stats(self) -> ResponderStats:
        return self.protocol.stats

    def close(self) -> None:
        self.transport.close()


async def start_udp_responder(
    host: str,
    port: int,
    *,
    rate_per_source: float = DEFAULT_RATE_PER_SOURCE,
    burst_per_source: float = DEFAULT_BURST_PER_SOURCE,
) -> UdpResponderHandle:
    """Listen on host:port (port 0 picks a free one; `.port` says which) until `.close()`."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: UdpProbeResponder(rate_per_source, burst_per_source), local_addr=(host, port)
    )
    bound = transport.get_extra_info("sockname")
    return UdpResponderHandle(transport=transport, protocol=protocol, host=host, port=int(bound[1]))
