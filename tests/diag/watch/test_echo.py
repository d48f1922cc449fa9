from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from diag.watch.echo import checksum, echo, echo_request, parse_reply
from diag.watch.timeline import Outcome


def ipv4_header(total: int, proto: int = 1) -> bytes:
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, proto, 0, b"\x0a\0\0\x01", b"\x0a\0\0\x02")


def test_echo_request_checksum_verifies() -> None:
    packet = echo_request(4, ident=0x1234, seq=7, payload_len=56)
    assert len(packet) == 64
    assert checksum(packet) == 0


def test_reply_with_our_ident_and_sequence_is_ok() -> None:
    reply = struct.pack("!BBHHH", 0, 0, 0, 0x1234, 7) + b"x" * 56
    packet = ipv4_header(20 + len(reply)) + reply
    assert parse_reply(4, packet, ident=0x1234, seq=7, has_ip_header=True).outcome is Outcome.ok  # type: ignore[union-attr]
    assert parse_reply(4, packet, ident=0x9999, seq=7, has_ip_header=True) is None
    assert parse_reply(4, packet, ident=0x1234, seq=8, has_ip_header=True) is None


def test_frag_needed_quoting_our_probe_is_too_big_with_the_routers_mtu() -> None:
    # RFC 1191 §4: type 3 code 4, next-hop MTU in the low 16 bits of the second word, then our IP header + 8 bytes.
    quoted = ipv4_header(1420) + struct.pack("!BBHHH", 8, 0, 0, 0x1234, 7)
    error = struct.pack("!BBHHH", 3, 4, 0, 0, 1400) + quoted
    result = parse_reply(4, ipv4_header(20 + len(error)) + error, ident=0x1234, seq=7, has_ip_header=True)
    assert result is not None
    assert (result.outcome, result.reported_mtu) == (Outcome.too_big, 1400)


def test_packet_too_big_v6_carries_a_32_bit_mtu() -> None:
    quoted = b"\x60" + b"\0" * 39 + struct.pack("!BBHHH", 128, 0, 0, 0x4321, 9)
    error = struct.pack("!BBHI", 2, 0, 0, 1280) + quoted
    result = parse_reply(6, error, ident=0x4321, seq=9, has_ip_header=False)
    assert result is not None
    assert (result.outcome, result.reported_mtu) == (Outcome.too_big, 1280)


def test_unreachable_for_someone_elses_probe_is_ignored() -> None:
    quoted = ipv4_header(84) + struct.pack("!BBHHH", 8, 0, 0, 0x1111, 3)
    error = struct.pack("!BBHHH", 3, 1, 0, 0, 0) + quoted
    assert parse_reply(4, error, ident=0x2222, seq=3, has_ip_header=False) is None
    mine = parse_reply(4, error, ident=0x1111, seq=3, has_ip_header=False)
    assert mine is not None
    assert mine.outcome is Outcome.lost


def _icmp_allowed() -> bool:
    # "1 0" (an empty range) is the kernel's default: no group may open ICMP datagram sockets.
    low, high = Path("/proc/sys/net/ipv4/ping_group_range").read_text().split()
    return os.geteuid() == 0 or int(low) <= int(high)


@pytest.mark.skipif(not _icmp_allowed(), reason="needs root or net.ipv4.ping_group_range for ICMP sockets")
async def test_loopback_echo_comes_back_and_oversize_is_refused_locally() -> None:
    small = await echo("127.0.0.1", 84, dont_fragment=True, wait_s=1.0)
    assert small.outcome is Outcome.ok
    assert small.rtt_ms is not None
    v6 = await echo("::1", 1280, dont_fragment=True, wait_s=1.0)
    assert v6.outcome is Outcome.ok
    # Below the header sizes nothing can be sent: an error with a reason, not an exception.
    tiny = await echo("127.0.0.1", 20, dont_fragment=True, wait_s=1.0)
    assert (tiny.outcome, tiny.reason) == (Outcome.error, "size_below_headers")


def test_our_own_echo_request_seen_on_a_raw_socket_is_not_an_answer() -> None:
    request = echo_request(4, ident=0x1234, seq=7, payload_len=56)
    assert parse_reply(4, ipv4_header(20 + len(request)) + request, ident=0x1234, seq=7, has_ip_header=True) is None
