"""Wire format of the UDP path-MTU probes (DPLPMTUD, RFC 8899), shared by the client (diag/probe/udp.py) and the
support server's responder (reports/server/udp_responder.py).

A probe is a Don't-Fragment UDP datagram of the size being tested:
    magic "VDP1" | token (8 bytes, random per measurement) | sequence (u32) | padding up to the probe size
The responder answers each with one small datagram carrying the size it received:
    magic "VDR1" | token | sequence | received UDP payload bytes (u32)
The answer (20 bytes) is never larger than the probe it answers, so the responder cannot amplify traffic.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PROBE_MAGIC = b"VDP1"
REPLY_MAGIC = b"VDR1"
_PROBE = struct.Struct("!4s8sI")
_REPLY = struct.Struct("!4s8sII")
PROBE_HEADER_SIZE = _PROBE.size  # 16
REPLY_SIZE = _REPLY.size  # 20
# A probe must be at least as large as the answer it asks for (no amplification).
MIN_PROBE_PAYLOAD = REPLY_SIZE


@dataclass(frozen=True)
class ProbeHeader:
    token: bytes
    sequence: int


@dataclass(frozen=True)
class Reply:
    token: bytes
    sequence: int
    received: int  # UDP payload bytes the responder received


def build_probe(token: bytes, sequence: int, payload_size: int) -> bytes:
    if payload_size < MIN_PROBE_PAYLOAD:
        raise ValueError(f"a UDP probe carries at least {MIN_PROBE_PAYLOAD} bytes")
    header = _PROBE.pack(PROBE_MAGIC, token, sequence & 0xFFFFFFFF)
    return header + bytes(payload_size - len(header))


def parse_probe(data: bytes) -> ProbeHeader | None:
    if len(data) < MIN_PROBE_PAYLOAD or not data.startswith(PROBE_MAGIC):
        return None
    _magic, token, sequence = _PROBE.unpack_from(data)
    return ProbeHeader(token, sequence)


def build_reply(probe: ProbeHeader, received: int) -> bytes:
    return _REPLY.pack(REPLY_MAGIC, probe.token, probe.sequence, received)


def parse_reply(data: bytes) -> Reply | None:
    if len(data) != REPLY_SIZE or not data.startswith(REPLY_MAGIC):
        return None
    _magic, token, sequence, received = _REPLY.unpack(data)
    return Reply(token, sequence, received)
