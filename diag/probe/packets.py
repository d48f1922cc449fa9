"""ICMP echo packets for Don't-Fragment probes: build requests, recognise replies (pure, no sockets).

Sizes are whole IP packets: IPv4 header 20 + ICMP header 8 + payload; IPv6 header 40 + ICMPv6 header 8 + payload.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Literal

Family = Literal[4, 6]

IPV4_HEADER = 20  # without options (RFC 791)
IPV6_HEADER = 40  # RFC 8200 §3
ICMP_HEADER = 8  # type, code, checksum, identifier, sequence (RFC 792; RFC 4443 §4.1)
UDP_HEADER = 8  # RFC 768

# Echo request / reply types: ICMP 8 / 0 (RFC 792), ICMPv6 128 / 129 (RFC 4443 §4.1-4.2).
ECHO_REQUEST = {4: 8, 6: 128}
ECHO_REPLY = {4: 0, 6: 129}

_ECHO = struct.Struct("!BBHHH")
# Payload bytes are a repeating 0..255 pattern (like ping's), cut from one prebuilt buffer: building them byte by
# byte costs milliseconds per round.
_PATTERN = bytes(range(256)) * 257


def ip_header_size(family: Family) -> int:
    return IPV4_HEADER if family == 4 else IPV6_HEADER


def icmp_payload_size(packet_size: int, family: Family) -> int:
    """Echo payload bytes that make a whole IP packet of `packet_size` bytes."""
    return packet_size - ip_header_size(family) - ICMP_HEADER


def udp_payload_size(packet_size: int, family: Family) -> int:
    return packet_size - ip_header_size(family) - UDP_HEADER


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return int(~total & 0xFFFF)


def build_echo_request(family: Family, identifier: int, sequence: int, packet_size: int) -> bytes:
    """An echo request whose IP packet is `packet_size` bytes. IPv6's checksum covers a pseudo-header the kernel
    fills in (RFC 4443 §2.3; Linux computes it for ICMPv6 sockets), so it is left 0 there."""
    payload_size = icmp_payload_size(packet_size, family)
    if payload_size < 0:
        raise ValueError(f"an IPv{family} echo cannot be smaller than {packet_size - payload_size} bytes")
    start = sequence & 0xFF
    payload = _PATTERN[start : start + payload_size] if payload_size <= len(_PATTERN) - 256 else bytes(payload_size)
    header = _ECHO.pack(ECHO_REQUEST[family], 0, 0, identifier & 0xFFFF, sequence & 0xFFFF)
    if family == 6:
        return header + payload
    return _ECHO.pack(ECHO_REQUEST[4], 0, checksum(header + payload), identifier & 0xFFFF, sequence & 0xFFFF) + payload


@dataclass(frozen=True)
class EchoHeader:
    icmp_type: int
    code: int
    identifier: int
    sequence: int


def parse_echo(data: bytes) -> EchoHeader | None:
    """The ICMP header at the start of `data`, or None when too short."""
    if len(data) < ICMP_HEADER:
        return None
    icmp_type, code, _checksum, identifier, sequence = _ECHO.unpack_from(data)
    return EchoHeader(icmp_type, code, identifier, sequence)


def strip_ipv4_header(data: bytes) -> bytes:
    """Raw IPv4 sockets deliver the IP header too; its length is IHL x 4 bytes (RFC 791 §3.1)."""
    if data and data[0] >> 4 == 4:
        return data[(data[0] & 0x0F) * 4 :]
    return data


@dataclass(frozen=True)
class IcmpError:
    """An ICMP error seen on a raw socket, with the echo it was about."""

    too_big: bool
    unreachable: bool
    mtu: int | None
    about: EchoHeader | None


def parse_icmp_error(family: Family, icmp: bytes) -> IcmpError | None:
    """frag-needed (type 3 code 4, next-hop MTU in bytes 6-7, RFC 1191 §4), packet-too-big (ICMPv6 type 2, MTU in
    bytes 4-7, RFC 4443 §3.2) or destination unreachable, with the quoted echo header of our probe."""
    if len(icmp) < ICMP_HEADER:
        return None
    icmp_type, code = icmp[0], icmp[1]
    quoted = icmp[ICMP_HEADER:]
    if family == 4:
        if icmp_type != 3:
            return None
        too_big = code == 4
        mtu = struct.unpack_from("!H", icmp, 6)[0] if too_big else None
        about = parse_echo(strip_ipv4_header(quoted))
    else:
        if icmp_type not in (1, 2):
            return None
        too_big = icmp_type == 2
        mtu = struct.unpack_from("!I", icmp, 4)[0] if too_big else None
        about = parse_echo(quoted[IPV6_HEADER:])
    return IcmpError(too_big=too_big, unreachable=not too_big, mtu=mtu or None, about=about)
