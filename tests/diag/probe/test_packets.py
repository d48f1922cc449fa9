"""Pure parts of the transports: packet sizes, ICMP parsing, error-queue decoding, the socket-option table."""

from __future__ import annotations

import socket
import struct

import pytest

from diag.probe import sockopts
from diag.probe.packets import (
    build_echo_request,
    checksum,
    icmp_payload_size,
    parse_echo,
    parse_icmp_error,
    strip_ipv4_header,
    udp_payload_size,
)
from diag.probe.sockopts import QueuedError, parse_error_queue_message


def test_sizes_are_whole_ip_packets() -> None:
    assert icmp_payload_size(1400, 4) == 1372
    assert icmp_payload_size(1400, 6) == 1352
    assert udp_payload_size(1400, 4) == 1372
    assert udp_payload_size(1400, 6) == 1352
    assert len(build_echo_request(4, 1, 2, 1400)) == 1400 - 20
    assert len(build_echo_request(6, 1, 2, 1280)) == 1280 - 40


def test_echo_request_checksum_verifies() -> None:
    packet = build_echo_request(4, 0x1234, 7, 100)
    assert checksum(packet) == 0
    header = parse_echo(packet)
    assert header is not None
    assert (header.icmp_type, header.identifier, header.sequence) == (8, 0x1234, 7)


def test_too_small_echo_refused() -> None:
    with pytest.raises(ValueError, match="smaller"):
        build_echo_request(4, 1, 1, 27)


def _ipv4_header(total: int, protocol: int = 1) -> bytes:
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, protocol, 0, b"\n\0\1\2", b"\n\0\2\2")


def test_frag_needed_parsed_with_mtu_and_our_probe() -> None:
    probe = build_echo_request(4, 0xBEEF, 42, 1500)
    icmp = struct.pack("!BBHHH", 3, 4, 0, 0, 1400) + _ipv4_header(1500) + probe[:8]
    error = parse_icmp_error(4, icmp)
    assert error is not None
    assert error.too_big
    assert error.mtu == 1400
    assert error.about is not None
    assert (error.about.identifier, error.about.sequence) == (0xBEEF, 42)


def test_packet_too_big_parsed_with_32_bit_mtu() -> None:
    probe = build_echo_request(6, 0xBEEF, 9, 1500)
    inner_ipv6 = bytes(40)
    icmp = struct.pack("!BBHI", 2, 0, 0, 1400) + inner_ipv6 + probe[:8]
    error = parse_icmp_error(6, icmp)
    assert error is not None
    assert error.too_big
    assert error.mtu == 1400
    assert error.about is not None
    assert error.about.sequence == 9


def test_unreachable_is_not_too_big_and_zero_mtu_is_no_hint() -> None:
    unreachable = parse_icmp_error(4, struct.pack("!BBHHH", 3, 1, 0, 0, 0) + _ipv4_header(84) + bytes(8))
    assert unreachable is not None
    assert unreachable.unreachable
    assert not unreachable.too_big
    old_router = parse_icmp_error(4, struct.pack("!BBHHH", 3, 4, 0, 0, 0) + _ipv4_header(84) + bytes(8))
    assert old_router is not None
    assert old_router.mtu is None  # pre-RFC 1191 routers send 0


def test_strip_ipv4_header_uses_ihl() -> None:
    with_options = bytes([0x46]) + bytes(23) + b"ICMP"
    assert strip_ipv4_header(with_options) == b"ICMP"
    assert strip_ipv4_header(b"\x08\x00rest") == b"\x08\x00rest"


def test_error_queue_message_decoded() -> None:
    data = sockopts.pack_extended_error(90, sockopts.SO_EE_ORIGIN_ICMP, 3, 4, 1400)
    queued = parse_error_queue_message(b"payload", [(sockopts.IPPROTO_IP, sockopts.IP_RECVERR, data)])
    assert queued == QueuedError(90, sockopts.SO_EE_ORIGIN_ICMP, 3, 4, 1400, b"payload")
    assert queued.is_too_big(4)
    assert queued.from_router
    v6 = sockopts.pack_extended_error(90, sockopts.SO_EE_ORIGIN_ICMP6, 2, 0, 1280)
    queued6 = parse_error_queue_message(b"", [(sockopts.IPPROTO_IPV6, sockopts.IPV6_RECVERR, v6)])
    assert queued6 is not None
    assert queued6.is_too_big(6)
    local = sockopts.pack_extended_error(90, sockopts.SO_EE_ORIGIN_LOCAL, 0, 0, 1500)
    queued_local = parse_error_queue_message(b"", [(sockopts.IPPROTO_IP, sockopts.IP_RECVERR, local)])
    assert queued_local is not None
    assert queued_local.is_too_big(4)
    assert not queued_local.from_router
    assert parse_error_queue_message(b"", [(1, 2, data)]) is None


def test_dont_fragment_table_has_every_os_and_family() -> None:
    assert sockopts.DONT_FRAGMENT["linux"][4] == (0, 10, 3)  # IP_MTU_DISCOVER = IP_PMTUDISC_PROBE
    assert sockopts.DONT_FRAGMENT["linux"][6] == (41, 23, 3)
    assert sockopts.DONT_FRAGMENT["macos"][4] == (0, 28, 1)
    assert sockopts.DONT_FRAGMENT["macos"][6] == (41, 62, 1)
    assert sockopts.DONT_FRAGMENT["windows"][4] == (0, 14, 1)
    assert sockopts.DONT_FRAGMENT["windows"][6] == (41, 14, 1)


def test_linux_dont_fragment_really_sets_probe_mode() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sockopts.set_dont_fragment(sock, 4, "linux")
        assert sock.getsockopt(0, sockopts.IP_MTU_DISCOVER) == sockopts.IP_PMTUDISC_PROBE
    finally:
        sock.close()
