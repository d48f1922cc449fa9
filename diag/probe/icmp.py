"""ICMP on the probing host: the echo check (icmplib) and Don't-Fragment echo probes (our own socket).

Socket kinds, best first: a raw ICMP socket when privileged; an unprivileged "ping socket" (SOCK_DGRAM +
IPPROTO_ICMP) where the OS allows it (Linux: the group is in net.ipv4.ping_group_range, man 7 icmp; macOS: always).
`icmp_access()` says which one works here; with neither, the engine falls back to the system ping.
"""

from __future__ import annotations

import errno
import os
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Literal

from diag.probe.datagram import DatagramProber
from diag.probe.packets import (
    ECHO_REPLY,
    ECHO_REQUEST,
    Family,
    build_echo_request,
    parse_echo,
    strip_ipv4_header,
)
from diag.probe.sockopts import current_os, prepare_df_socket

Access = Literal["raw", "dgram", "none"]
EchoStatus = Literal["ok", "blocked", "unreachable"]

# Echo check: a few requests sent back to back (all before the first reply is read, so the RTTs come from the
# kernel-side timestamps icmplib keeps, not from our loop), answered within ECHO_TIMEOUT_S or counted lost. One
# second covers even satellite paths (~600 ms RTT); on a healthy path the check ends when all replies are in.
ECHO_COUNT = 5
ECHO_TIMEOUT_S = 1.0
ECHO_PAYLOAD = 56  # the classic ping size: 84-byte IPv4 / 104-byte IPv6 packets


def _protocol(family: Family) -> int:
    return socket.IPPROTO_ICMP if family == 4 else socket.IPPROTO_ICMPV6


def _address_family(family: Family) -> socket.AddressFamily:
    return socket.AF_INET if family == 4 else socket.AF_INET6


def icmp_access(family: Family) -> Access:
    """Which ICMP socket this process may open: raw when privileged, the unprivileged ping socket, or none."""
    if current_os() == "windows":
        # Windows' default event loop (Proactor) cannot watch a raw socket for readiness and has no ping
        # sockets; its ping.exe (IcmpSendEcho underneath) works without administrator rights.
        return "none"
    for kind, sock_type in (("raw", socket.SOCK_RAW), ("dgram", socket.SOCK_DGRAM)):
        try:
            socket.socket(_address_family(family), sock_type, _protocol(family)).close()
        except OSError:
            continue
        return "raw" if kind == "raw" else "dgram"
    return "none"


class IcmpDfProber(DatagramProber):
    """Echo requests with DF set, one size each; echo replies mean the size passed."""

    def __init__(self, address: str, family: Family, access: Access) -> None:
        sock_type = socket.SOCK_RAW if access == "raw" else socket.SOCK_DGRAM
        sock = socket.socket(_address_family(family), sock_type, _protocol(family))
        try:
            self.uses_error_queue = prepare_df_socket(sock, family)
            # Connected: the kernel then delivers only the target's replies, and errors about our probes.
            sock.connect((address, 0))
        except OSError:
            sock.close()
            raise
        super().__init__(sock, family)
        self.access = access
        # Raw sockets see every ICMP packet: our random identifier picks out our replies. Ping sockets get only
        # their own (the kernel rewrites the identifier to the socket's port).
        self.identifier = random.randrange(1, 0x10000)  # noqa: S311 - not a secret

    def _send(self, sequence: int, size: int) -> None:
        self.sock.send(build_echo_request(self.family, self.identifier, sequence, size))

    def _match_reply(self, data: bytes) -> int | None:
        # Raw IPv4 sockets (and macOS ping sockets) deliver the IP header too; Linux ping sockets do not.
        header = parse_echo(strip_ipv4_header(data) if self.family == 4 else data)
        if header is None or header.icmp_type != ECHO_REPLY[self.family]:
            return None
        if self.access == "raw" and header.identifier != self.identifier:
            return None
        return header.sequence

    def _match_quoted(self, payload: bytes) -> int | None:
        # The queued payload starts with our ICMP header (ping sockets) or our IPv4 header (raw sockets).
        for candidate in (payload, strip_ipv4_header(payload)):
            header = parse_echo(candidate)
            if header is not None and header.icmp_type == ECHO_REQUEST[self.family]:
                if self.access == "raw" and header.identifier != self.identifier:
                    continue
                return header.sequence
        return None


@dataclass(frozen=True)
class EchoCheck:
    status: EchoStatus
    sent: int
    received: int
    rtt_min_ms: float | None
    rtt_avg_ms: float | None
    rtt_max_ms: float | None

    @property
    def loss(self) -> float | None:
        return 1 - self.received / self.sent if self.sent else None


@dataclass
class EchoProgress:
    """What the echo check has seen so far; readable while it runs (and after it was cancelled)."""

    sent: int = 0
    rtts: list[float] = field(default_factory=list)
    unreachable: bool = False

    def result(self) -> EchoCheck:
        status: EchoStatus = "ok" if self.rtts else ("unreachable" if self.unreachable else "blocked")
        rtts = self.rtts
        return EchoCheck(
            status=status,
            sent=self.sent,
            received=len(rtts),
            rtt_min_ms=min(rtts) if rtts else None,
            rtt_avg_ms=sum(rtts) / len(rtts) if rtts else None,
            rtt_max_ms=max(rtts) if rtts else None,
        )


async def echo_check(
    address: str,
    family: Family,
    access: Access,
    *,
    wait_s: float = ECHO_TIMEOUT_S,
    progress: EchoProgress | None = None,
) -> EchoCheck:
    """ICMP echo with icmplib: loss, RTT min/avg/max, and ok / blocked / unreachable.

    All requests go out at once on one socket; the check ends when every reply is in or `wait_s` passed.
    `progress` (optional) is filled as replies arrive."""
    from icmplib import ICMPRequest
    from icmplib.exceptions import DestinationUnreachable, ICMPLibError, TimeExceeded, TimeoutExceeded
    from icmplib.sockets import AsyncSocket, ICMPv4Socket, ICMPv6Socket

    seen = progress if progress is not None else EchoProgress()
    socket_class = ICMPv4Socket if family == 4 else ICMPv6Socket
    identifier = os.getpid() & 0xFFFF ^ random.randrange(0x10000)  # noqa: S311
    sent_at: dict[int, float] = {}  # sequence -> icmplib's send time (time.time())
    with AsyncSocket(socket_class(privileged=access == "raw")) as sock:
        for sequence in range(ECHO_COUNT):
            request = ICMPRequest(address, identifier, sequence, payload_size=ECHO_PAYLOAD)
            try:
                sock.send(request)
            except ICMPLibError as exc:
                if _is_unreachable_error(exc):
                    seen.unreachable = True
                    break
                raise
            sent_at[sequence] = request.time
            seen.sent = len(sent_at)
        deadline = time.perf_counter() + wait_s
        answered: set[int] = set()
        while sent_at and len(answered) < len(sent_at):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            try:
                reply = await sock.receive(None, remaining)
            except TimeoutExceeded:
                break
            except ICMPLibError as exc:
                # Ping sockets report an ICMP unreachable as a socket error on receive.
                seen.unreachable |= _is_unreachable_error(exc)
                continue
            # Ping sockets rewrite the identifier; raw sockets see everyone's ICMP, so check ours there.
            if reply.sequence not in sent_at or reply.sequence in answered:
                continue
            if access == "raw" and reply.id != identifier:
                continue
            try:
                reply.raise_for_status()
            except (DestinationUnreachable, TimeExceeded):
                seen.unreachable = True
                answered.add(reply.sequence)
                continue
            except ICMPLibError:
                continue
            answered.add(reply.sequence)
            seen.rtts.append(max(0.0, (reply.time - sent_at[reply.sequence]) * 1000))
    return seen.result()


def _is_unreachable_error(exc: Exception) -> bool:
    cause = exc.__cause__ or exc.__context__
    text = str(exc).lower()
    if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return True
    return "unreachable" in text
