"""The MSS reflector: a small TCP listener that tells each client the MSS option it saw in the client's SYN.

The client compares it with the MSS it advertised: a smaller value means a router on the path rewrote it (MSS
clamping). The SYN is the kernel's own copy, not a guess: on Linux the listening socket sets TCP_SAVE_SYN and
each accepted connection reads its SYN's IP and TCP headers back with TCP_SAVED_SYN (Linux >= 4.2, man 7 tcp is
silent; include/uapi/linux/tcp.h and net/ipv4/tcp.c). Elsewhere the answer says the server cannot see it.

Wire format: on connect the server sends one JSON line and closes,
    {"service": "vpndiag-mss", "version": 1, "mss": 1360, "family": 4}
or with "mss": null and a "reason". Mounted by `vpndiag serve --mss-port N`; standalone for tests and labs:
`python -m reports.server.mss_reflector --port N`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import struct
import sys
from dataclasses import dataclass
from typing import Any

# include/uapi/linux/tcp.h
TCP_SAVE_SYN = 27
TCP_SAVED_SYN = 28
# The saved SYN is the IP header (IPv6: with extension headers) plus the TCP header with options; 60 bytes of TCP
# header at most (RFC 9293 §3.1 data offset), so 512 bytes is plenty.
SAVED_SYN_BUFFER = 512
# TCP option kinds (RFC 9293 §3.2): 0 end of list, 1 no-operation, 2 maximum segment size (length 4).
TCPOPT_EOL, TCPOPT_NOP, TCPOPT_MSS = 0, 1, 2
# A client that connects and sends nothing must not hold a connection open forever.
WRITE_TIMEOUT_S = 5.0
SERVICE = "vpndiag-mss"


def mss_from_syn(headers: bytes) -> int | None:
    """The MSS option of a SYN given as its IP + TCP headers (what TCP_SAVED_SYN returns), or None."""
    if not headers:
        return None
    version = headers[0] >> 4
    if version == 4:
        ip_length = (headers[0] & 0x0F) * 4  # IHL in 32-bit words (RFC 791 §3.1)
    elif version == 6:
        ip_length = 40  # fixed header (RFC 8200 §3); the kernel keeps only what precedes TCP
        next_header = headers[6]
        # skip hop-by-hop / routing / destination options headers (RFC 8200 §4): length in 8-byte units + 8
        while next_header in (0, 43, 60) and len(headers) >= ip_length + 2:
            next_header, ext_len = headers[ip_length], headers[ip_length + 1]
            ip_length += (ext_len + 1) * 8
        if next_header != socket.IPPROTO_TCP:
            return None
    else:
        return None
    tcp = headers[ip_length:]
    if len(tcp) < 20:
        return None
    data_offset = (tcp[12] >> 4) * 4  # TCP header length in 32-bit words (RFC 9293 §3.1)
    options = tcp[20:data_offset]
    i = 0
    while i < len(options):
        kind = options[i]
        if kind == TCPOPT_EOL:
            break
        if kind == TCPOPT_NOP:
            i += 1
            continue
        if i + 1 >= len(options) or options[i + 1] < 2:
            break
        length = options[i + 1]
        if kind == TCPOPT_MSS and length == 4 and i + 4 <= len(options):
            return int(struct.unpack("!H", options[i + 2 : i + 4])[0])
        i += length
    return None


def _answer(sock: Any) -> dict[str, object]:
    """`sock` is the connection's socket (asyncio's TransportSocket), or None."""
    answer: dict[str, object] = {"service": SERVICE, "version": 1, "mss": None}
    if not sys.platform.startswith("linux") or sock is None:
        answer["reason"] = "this server's operating system does not keep the SYN (Linux TCP_SAVED_SYN needed)"
        return answer
    try:
        syn = sock.getsockopt(socket.IPPROTO_TCP, TCP_SAVED_SYN, SAVED_SYN_BUFFER)
    except OSError as exc:
        answer["reason"] = f"the server could not read the SYN ({exc.strerror or exc})"
        return answer
    answer["family"] = 4 if syn and syn[0] >> 4 == 4 else 6
    answer["mss"] = mss_from_syn(syn)
    if answer["mss"] is None:
        answer["reason"] = "the SYN carried no MSS option"
    return answer


@dataclass
class MssReflector:
    server: asyncio.Server
    port: int

    def close(self) -> None:
        self.server.close()

    async def wait_closed(self) -> None:
        await self.server.wait_closed()


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        writer.write((json.dumps(_answer(writer.get_extra_info("socket"))) + "\n").encode())
        await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT_S)
    except (OSError, TimeoutError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), WRITE_TIMEOUT_S)


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            # "::" takes IPv4 clients too (as mapped addresses); their SYN is still an IPv4 packet
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        if sys.platform.startswith("linux"):
            sock.setsockopt(socket.IPPROTO_TCP, TCP_SAVE_SYN, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


async def start_mss_reflector(host: str = "0.0.0.0", port: int = 0) -> MssReflector:
    """Listen on HOST:PORT (port 0: any free port, see `.port`); `.close()` stops it."""
    sock = _listening_socket(host, port)
    server = await asyncio.start_server(_handle, sock=sock)
    return MssReflector(server=server, port=int(sock.getsockname()[1]))


async def _serve(host: str, port: int) -> None:
    reflector = await start_mss_reflector(host, port)
    print(f"mss reflector listening on {host} port {reflector.port}", flush=True)
    try:
        await reflector.server.serve_forever()
    finally:
        reflector.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tell TCP clients the MSS option their SYN carried.")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
