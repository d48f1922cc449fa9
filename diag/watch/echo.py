"""One echo of a chosen whole-packet size with Don't Fragment: the watch's small pings and full-size probes.

The sockets are the path-MTU engine's (diag/probe/icmp.py `IcmpDfProber`: a raw ICMP socket when privileged, else
the unprivileged ping socket; routers' frag-needed / packet-too-big from the Linux error queue; local EMSGSIZE),
one round of one probe per echo, so the watch and `vpndiag pmtu` read the network the same way.
"""

from __future__ import annotations

import errno
import ipaddress
from collections.abc import Awaitable
from typing import Protocol

from diag.probe.icmp import Access, IcmpDfProber, icmp_access
from diag.probe.packets import Family
from diag.probe.search import Outcome as ProbeOutcome
from diag.watch.timeline import EchoResult, Outcome

# Header sizes: IPv4 20 (no options), IPv6 40, ICMP 8 (RFC 791, RFC 8200, RFC 792 / RFC 4443).
IPV4_HEADER, IPV6_HEADER, ICMP_HEADER = 20, 40, 8
# The sizes ping sends by default (56 data bytes): small enough for any tunnel.
SMALL_SIZE_V4 = 84
SMALL_SIZE_V6 = 104


class Echo(Protocol):
    """What the sampler calls for one echo; `echo` below is the real one."""

    def __call__(self, address: str, size: int, *, dont_fragment: bool, wait_s: float) -> Awaitable[EchoResult]: ...


def _family(address: str) -> Family:
    return 4 if ipaddress.ip_address(address).version == 4 else 6


def icmp_allowed(family: Family = 4) -> bool:
    """Whether this process may open any ICMP socket (raw or the unprivileged ping socket)."""
    return icmp_access(family) != "none"


def _result(
    outcome: ProbeOutcome, *, rtt_ms: float | None, reported_mtu: int | None, router: bool, unreachable: bool
) -> EchoResult:
    if outcome is ProbeOutcome.ok:
        return EchoResult(Outcome.ok, rtt_ms=round(rtt_ms, 2) if rtt_ms is not None else None)
    if outcome is ProbeOutcome.too_big:
        # Refused by our own adapter (EMSGSIZE) unless a router said so.
        return EchoResult(Outcome.too_big, reported_mtu=reported_mtu, reason=None if router else "local_mtu")
    return EchoResult(Outcome.lost, reason="unreachable" if unreachable else None)


async def echo(address: str, size: int, *, dont_fragment: bool = True, wait_s: float = 1.0) -> EchoResult:
    """Sends one DF echo request making an IP packet of `size` bytes to `address` (an IP address) and waits.

    Never raises for network conditions: no answer is ``lost``, a router's frag-needed is ``too_big`` with its MTU,
    a size the local adapter refuses is ``too_big`` with reason ``local_mtu``, no ICMP permission is ``error``.
    `dont_fragment` is always honoured as True: the engine's sockets set DF (a small ping fits anyway).
    """
    family = _family(address)
    header = ICMP_HEADER + (IPV4_HEADER if family == 4 else IPV6_HEADER)
    if size < header:
        return EchoResult(Outcome.error, reason="size_below_headers")
    access: Access = icmp_access(family)
    if access == "none":
        return EchoResult(Outcome.error, reason="no_icmp_permission")
    try:
        prober = IcmpDfProber(address, family, access)
    except OSError as exc:
        if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
            return EchoResult(Outcome.lost, reason="no_route")
        return EchoResult(Outcome.error, reason=errno.errorcode.get(exc.errno or 0, "socket_failed").lower())
    try:
        replies = await prober.probe_round([size], 0, wait_s)
    except OSError as exc:
        return EchoResult(Outcome.error, reason=errno.errorcode.get(exc.errno or 0, "send_failed").lower())
    finally:
        prober.close()
    if not replies:
        return EchoResult(Outcome.lost)
    reply = replies[0]
    return _result(
        reply.outcome,
        rtt_ms=reply.rtt_ms,
        reported_mtu=reply.reported_mtu,
        router=reply.from_router,
        unreachable=reply.unreachable,
    )
