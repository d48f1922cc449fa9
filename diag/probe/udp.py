"""UDP path-MTU probes (DPLPMTUD, RFC 8899) to the provider's probe responder, for networks that block ICMP.

Each probe is a Don't-Fragment UDP datagram of the size under test; the responder answers with a small datagram
carrying the size it received (wire format: reports/udp_probe.py). A router's frag-needed still arrives on the
error queue when it isn't blocked, so the same search runs as for ICMP.
"""

from __future__ import annotations

import os
import socket

from diag.probe.datagram import DatagramProber
from diag.probe.packets import Family, udp_payload_size
from diag.probe.sockopts import prepare_df_socket
from reports.udp_probe import build_probe, parse_probe, parse_reply


class UdpDfProber(DatagramProber):
    def __init__(self, address: str, port: int, family: Family) -> None:
        sock = socket.socket(socket.AF_INET if family == 4 else socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            self.uses_error_queue = prepare_df_socket(sock, family)
            sock.connect((address, port))
        except OSError:
            sock.close()
            raise
        super().__init__(sock, family)
        # A random token per measurement: answers to someone else's probes (or stale ones) are ignored.
        self.token = os.urandom(8)

    def _sequence_bits(self) -> int:
        return 32

    def _send(self, sequence: int, size: int) -> None:
        self.sock.send(build_probe(self.token, sequence, udp_payload_size(size, self.family)))

    def _match_reply(self, data: bytes) -> int | None:
        reply = parse_reply(data)
        if reply is None or reply.token != self.token:
            return None
        sent = self._pending.get(reply.sequence)
        # The responder tells how much arrived: a datagram cut short on the way does not prove the size passed.
        if sent is None or reply.received != udp_payload_size(sent.size, self.family):
            return None
        return reply.sequence

    def _match_quoted(self, payload: bytes) -> int | None:
        # The error queue returns our datagram's payload (the UDP data) for UDP sockets.
        probe = parse_probe(payload)
        if probe is None or probe.token != self.token:
            return None
        return probe.sequence
