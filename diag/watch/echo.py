"""ICMP echo of a chosen whole-packet size, optionally with Don't Fragment: the watch's small pings and DF probes.

One socket per echo, so concurrent echoes of one sample never read each other's replies. On Linux the unprivileged
ICMP datagram socket is tried first (allowed when the group is in net.ipv4.ping_group_range, man 7 icmp), then a
raw socket (root). Frag-needed / packet-too-big answers become ``too_big`` with the MTU the router reported.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import itertools
import os
import socket
import struct
import sys
import time
from collections.abc import Awaitable
from typing import Protocol

from diag.watch.timeline import EchoResult, Outcome

# Linux socket options (include/uapi/linux/in.h, in6.h; man 7 ip, man 7 ipv6). IP_PMTUDISC_PROBE sets DF and
# ignores the route's cached path MTU, so a probe at the tunnel MTU is really sent at that size (FACTS.md).
IP_MTU_DISCOVER = 10
IP_PMTUDISC_PROBE = 3
IP_RECVERR = 11
IPV6_MTU_DISCOVER = 23
IPV6_PMTUDISC_PROBE = 3
IPV6_RECVERR = 25
IPV6_DONTFRAG = 62  # RFC 3542 §11.2; Linux in6.h
# macOS: IP_DONTFRAG (netinet/in.h).
MACOS_IP_DONTFRAG = 28
# ICMP types: echo request 8 / reply 0, destination unreachable 3 with code 4 "fragmentation needed" (RFC 792,
# RFC 1191 §4); ICMPv6 echo request 128 / reply 129, packet too big 2, destination unreachable 1 (RFC 4443).
ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY, ICMP_UNREACHABLE, ICMP_FRAG_NEEDED_CODE = 8, 0, 3, 4
ICMP_TIME_EXCEEDED = 11
ICMP6_ECHO_REQUEST, ICMP6_ECHO_REPLY, ICMP6_PACKET_TOO_BIG, ICMP6_UNREACHABLE = 128, 129, 2, 1
ICMP6_TIME_EXCEEDED = 3
ERRORS_V4 = frozenset({ICMP_UNREACHABLE, ICMP_TIME_EXCEEDED})
ERRORS_V6 = frozenset({ICMP6_UNREACHABLE, ICMP6_PACKET_TOO_BIG, ICMP6_TIME_EXCEEDED})
# Header sizes: IPv4 20 (no options), IPv6 40, ICMP 8. A packet of `size` bytes carries size - 28 / - 48 bytes.
IPV4_HEADER, IPV6_HEADER, ICMP_HEADER = 20, 40, 8
# The sizes ping sends by default (56 data bytes): small enough for any tunnel.
SMALL_SIZE_V4 = 84
SMALL_SIZE_V6 = 104

_sequence = itertools.count(1)


class Echo(Protocol):
    """What the sampler calls for one echo; `echo` below is the real one."""

    def __call__(self, address: str, size: int, *, dont_fragment: bool, wait_s: float) -> Awaitable[EchoResult]: ...


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return int(~total & 0xFFFF)


def echo_request(family: int, ident: int, seq: int, payload_len: int) -> bytes:
    kind = ICMP_ECHO_REQUEST if family == 4 else ICMP6_ECHO_REQUEST
    payload = (b"vpndiag-watch-" * (payload_len // 14 + 1))[:payload_len]
    header = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    if family == 6:  # the kernel fills the ICMPv6 checksum (it covers a pseudo-header we do not know)
        return header + payload
    return struct.pack("!BBHHH", kind, 0, checksum(header + payload), ident, seq) + payload


def parse_reply(family: int, packet: bytes, *, ident: int | None, seq: int, has_ip_header: bool) -> EchoResult | None:
    """What one received packet says about our echo (ident None: the kernel matched it, datagram sockets)."""
    if has_ip_header:
        if len(packet) < IPV4_HEADER:
            return None
        packet = packet[(packet[0] & 0x0F) * 4 :]
    if len(packet) < ICMP_HEADER:
        return None
    kind, code = packet[0], packet[1]
    reply = ICMP_ECHO_REPLY if family == 4 else ICMP6_ECHO_REPLY
    if kind == reply:
        their_ident, their_seq = struct.unpack("!HH", packet[4:8])
        if their_seq == seq and (ident is None or their_ident == ident):
            return EchoResult(Outcome.ok)
        return None
    errors = ERRORS_V4 if family == 4 else ERRORS_V6
    if kind not in errors:
        return None  # someone else's echo request or another message: not about our probe
    # Errors quote our packet: its IP header, then our ICMP header with ident and sequence.
    inner_offset = ICMP_HEADER + (IPV4_HEADER if family == 4 else IPV6_HEADER)
    if family == 4 and len(packet) > ICMP_HEADER:
        inner_offset = ICMP_HEADER + (packet[ICMP_HEADER] & 0x0F) * 4
    inner = packet[inner_offset : inner_offset + ICMP_HEADER]
    if len(inner) < ICMP_HEADER:
        return None
    their_ident, their_seq = struct.unpack("!HH", inner[4:8])
    request = ICMP_ECHO_REQUEST if family == 4 else ICMP6_ECHO_REQUEST
    if inner[0] != request or their_seq != seq or (ident is not None and their_ident != ident):
        return None
    if family == 4 and kind == ICMP_UNREACHABLE and code == ICMP_FRAG_NEEDED_CODE:
        return EchoResult(Outcome.too_big, reported_mtu=struct.unpack("!H", packet[6:8])[0] or None)
    if family == 6 and kind == ICMP6_PACKET_TOO_BIG:
        return EchoResult(Outcome.too_big, reported_mtu=struct.unpack("!I", packet[4:8])[0] or None)
    return EchoResult(Outcome.lost, reason="unreachable")


def _open_socket(family: int) -> tuple[socket.socket, bool]:
    """An ICMP socket and whether it is raw; raises PermissionError when neither kind is allowed."""
    af = socket.AF_INET if family == 4 else socket.AF_INET6
    proto = socket.IPPROTO_ICMP if family == 4 else socket.IPPROTO_ICMPV6
    try:
        return socket.socket(af, socket.SOCK_DGRAM, proto), False
    except PermissionError:
        pass
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EPROTONOSUPPORT):
            raise
    return socket.socket(af, socket.SOCK_RAW, proto), True


def _set_dont_fragment(sock: socket.socket, family: int) -> bool:
    """DF on (IPv4) / no local fragmentation (IPv6); False where this OS offers no way."""
    if sys.platform.startswith("linux"):
        if family == 4:
            sock.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE)
        else:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE)
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_DONTFRAG, 1)
        return True
    if sys.platform == "darwin":
        if family == 4:
            sock.setsockopt(socket.IPPROTO_IP, MACOS_IP_DONTFRAG, 1)
        else:
            sock.setsockopt(socket.IPPROTO_IPV6, IPV6_DONTFRAG, 1)
        return True
    return False


def _error_queue_result(sock: socket.socket, family: int) -> EchoResult | None:
    """Linux datagram sockets report ICMP errors on the error queue (IP_RECVERR, man 7 ip): sock_extended_err
    carries the errno and, for EMSGSIZE, the MTU in ee_info."""
    with contextlib.suppress(BlockingIOError, InterruptedError):
        _, ancillary, _, _ = sock.recvmsg(2048, 512, socket.MSG_ERRQUEUE)
        for _level, _type, data in ancillary:
            if len(data) >= 16:
                ee_errno, _origin, _kind, _code, _pad, ee_info = struct.unpack("=IBBBBI", data[:12])
                if ee_errno == errno.EMSGSIZE:
                    return EchoResult(Outcome.too_big, reported_mtu=ee_info or None)
                return EchoResult(Outcome.lost, reason="unreachable")
    return None


async def _receive(
    sock: socket.socket, family: int, ident: int | None, seq: int, raw: bool, deadline: float
) -> EchoResult:
    loop = asyncio.get_running_loop()
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return EchoResult(Outcome.lost)
        try:
            packet = await asyncio.wait_for(loop.sock_recv(sock, 65535), remaining)
        except TimeoutError:
            return EchoResult(Outcome.lost)
        except OSError as exc:
            queued = None if raw else _error_queue_result(sock, family)
            if queued is not None:
                return queued
            if exc.errno == errno.EMSGSIZE:
                return EchoResult(Outcome.too_big)
            return EchoResult(Outcome.lost, reason="unreachable")
        result = parse_reply(family, packet, ident=ident, seq=seq, has_ip_header=raw and family == 4)
        if result is not None:
            return result


def icmp_allowed(family: int = 4) -> bool:
    """Whether this process may open any ICMP socket (datagram or raw)."""
    try:
        sock, _ = _open_socket(family)
    except OSError:
        return False
    sock.close()
    return True


async def echo(address: str, size: int, *, dont_fragment: bool, wait_s: float) -> EchoResult:
    """Sends one echo request making an IP packet of `size` bytes to `address` (an IP address) and waits for it.

    Never raises for network conditions: no answer is ``lost``, a router's frag-needed is ``too_big``, a size the
    local adapter refuses is ``too_big`` with no reported MTU, and no permission for ICMP is ``error`` with a reason.
    """
    family = ipaddress.ip_address(address).version
    payload_len = size - ICMP_HEADER - (IPV4_HEADER if family == 4 else IPV6_HEADER)
    if payload_len < 0:
        return EchoResult(Outcome.error, reason="size_below_headers")
    try:
        sock, raw = _open_socket(family)
    except OSError:
        return EchoResult(Outcome.error, reason="no_icmp_permission")
    with sock:
        sock.setblocking(False)
        if dont_fragment and not _set_dont_fragment(sock, family):
            return EchoResult(Outcome.error, reason="df_unsupported")
        if not raw and sys.platform.startswith("linux"):
            level = socket.IPPROTO_IP if family == 4 else socket.IPPROTO_IPV6
            sock.setsockopt(level, IP_RECVERR if family == 4 else IPV6_RECVERR, 1)
        # Raw sockets see every ICMP packet on the host: a random identifier tells ours apart. Datagram sockets get
        # their identifier from the kernel, which also does the matching.
        ident = (os.getpid() ^ int.from_bytes(os.urandom(2), "big")) & 0xFFFF if raw else 0
        seq = next(_sequence) & 0xFFFF
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        try:
            await loop.sock_sendto(sock, echo_request(family, ident, seq, payload_len), (address, 0))
        except OSError as exc:
            if exc.errno == errno.EMSGSIZE:  # larger than the local adapter's MTU: refused before it left
                return EchoResult(Outcome.too_big, reason="local_mtu")
            if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
                return EchoResult(Outcome.lost, reason="no_route")
            return EchoResult(Outcome.error, reason=errno.errorcode.get(exc.errno or 0, "send_failed").lower())
        result = await _receive(sock, family, ident if raw else None, seq, raw, loop.time() + wait_s)
    if result.outcome is Outcome.ok:
        return EchoResult(Outcome.ok, rtt_ms=round((time.perf_counter() - started) * 1000, 2))
    return result
