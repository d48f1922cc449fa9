from __future__ import annotations

import asyncio
import json
import struct

import pytest

from reports.server.mss_reflector import main, mss_from_syn, start_mss_reflector


def tcp_syn(options: bytes) -> bytes:
    padded = options + b"\x00" * (-len(options) % 4)
    offset = (20 + len(padded)) // 4
    return struct.pack("!HHIIBBHHH", 40000, 443, 1, 0, offset << 4, 0x02, 64240, 0, 0) + padded


def ipv4(payload: bytes) -> bytes:
    return (
        struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000, 64, 6, 0, b"\n\0\0\1", b"\n\0\0\2")
        + payload
    )


def ipv6(payload: bytes, next_header: int = 6) -> bytes:
    return (
        struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, 64, b"\0" * 15 + b"\1", b"\0" * 15 + b"\2")
        + payload
    )


# Linux's SYN options: MSS, SACK permitted, timestamps, NOP, window scale
LINUX_SYN_OPTIONS = bytes.fromhex("020405b4") + bytes.fromhex("0402080a0001e2400000000001030307")


def test_mss_option_found_in_ipv4_and_ipv6_syns() -> None:
    assert mss_from_syn(ipv4(tcp_syn(LINUX_SYN_OPTIONS))) == 1460
    assert mss_from_syn(ipv6(tcp_syn(bytes.fromhex("01010204058c")))) == 1420  # after two NOPs


def test_ipv6_extension_header_is_skipped() -> None:
    hop_by_hop = bytes([6, 0]) + b"\x01\x04\x00\x00\x00\x00"  # next header TCP, 8 bytes, PadN
    assert mss_from_syn(ipv6(hop_by_hop + tcp_syn(bytes.fromhex("02040550")), next_header=0)) == 1360


def test_no_mss_or_garbage_gives_none() -> None:
    assert mss_from_syn(ipv4(tcp_syn(bytes.fromhex("01010402")))) is None
    assert mss_from_syn(b"") is None
    assert mss_from_syn(b"\x45\x00") is None
    assert mss_from_syn(ipv4(tcp_syn(bytes.fromhex("0200")))) is None  # malformed option length stops the walk


async def test_reflector_answers_with_the_mss_it_saw() -> None:
    reflector = await start_mss_reflector("127.0.0.1", 0)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", reflector.port)
        answer = json.loads(await asyncio.wait_for(reader.readline(), 3))
        writer.close()
        await writer.wait_closed()
    finally:
        reflector.close()
        await reflector.wait_closed()
    assert answer["service"] == "vpndiag-mss"
    # lo's MTU 65536: advmss capped at 65535 - 40 (net/ipv4/route.c ipv4_default_advmss, IPV4_MAX_PMTU)
    assert answer["mss"] == 65495
    assert answer["family"] == 4


def test_standalone_rejects_missing_port() -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
