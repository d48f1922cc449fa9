"""MSS: the segment size of a real TCP connection to the support server, and MSS clamping on the path.

We connect to the server's MSS reflector (reports/server/mss_reflector.py), which answers with the MSS option it
saw in our SYN. What we advertised comes from the kernel where it tells (Linux TCP_INFO tcpi_advmss), otherwise
from the outgoing adapter's MTU (MSS = MTU − 40 / − 60, RFC 879, RFC 9293 §3.7.1). Seen < advertised means a
router rewrote the option: MSS clamping.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import socket
import struct
import sys
from typing import Any

from reports.model import MssResult

# struct tcp_info (include/uapi/linux/tcp.h): 8 one-byte fields, then u32s; tcpi_advmss is the 20th u32, at byte
# 84 (after rto, ato, snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets, 4 timestamps, pmtu,
# rcv_ssthresh, rtt, rttvar, snd_ssthresh, snd_cwnd). tp->advmss is the MSS our SYN carried
# (net/ipv4/tcp_output.c tcp_advertise_mss).
TCP_INFO_ADVMSS_OFFSET = 84
TCP_INFO_BUFFER = 256
# tcpi_options is the 6th byte; TCPI_OPT_TIMESTAMPS = 1 (include/uapi/linux/tcp.h). When timestamps were agreed,
# the kernel lowers tp->advmss by the 12 option bytes after the handshake (net/ipv4/tcp_input.c
# tcp_rcv_synsent_state_process), so the SYN carried tcpi_advmss + 12.
TCP_INFO_OPTIONS_OFFSET = 5
TCPI_OPT_TIMESTAMPS = 1
TCPOLEN_TSTAMP_ALIGNED = 12
# The answer is one short JSON line.
MAX_ANSWER_BYTES = 4096
# TCP/IP headers without options (RFC 879; RFC 9293 §3.7.1)
MSS_HEADERS = {4: 40, 6: 60}


def parse_server(server: str) -> tuple[str, int]:
    """ "HOST:PORT" or "[V6]:PORT" -> (host, port)."""
    text = server.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.lstrip(":")
    else:
        host, _, port_text = text.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not host or not 0 < port < 65536:
        from diag.errors import ProbeError

        raise ProbeError(
            f"The MSS server {server!r} is not HOST:PORT (for example 203.0.113.5:8443); check the address."
        )
    return host, port


def advertised_mss_linux(sock: Any) -> int | None:
    """The MSS our SYN advertised, from the kernel (Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_BUFFER)
    except (OSError, AttributeError):
        return None
    if len(info) < TCP_INFO_ADVMSS_OFFSET + 4:
        return None
    value = int(struct.unpack_from("=I", info, TCP_INFO_ADVMSS_OFFSET)[0])
    if not value:
        return None
    if info[TCP_INFO_OPTIONS_OFFSET] & TCPI_OPT_TIMESTAMPS:
        value += TCPOLEN_TSTAMP_ALIGNED
    return value


def mss_for_local_address(local_address: str) -> int | None:
    """MTU of the adapter holding `local_address`, minus the IP and TCP headers (other OSes' advertised MSS)."""
    import psutil

    address = ipaddress.ip_address(local_address.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    stats = psutil.net_if_stats()
    for name, entries in psutil.net_if_addrs().items():
        for entry in entries:
            try:
                if ipaddress.ip_address(entry.address.split("%")[0]) == address and name in stats:
                    return min(stats[name].mtu, 65535) - MSS_HEADERS[address.version]
            except ValueError:
                continue
    return None


def compare(sent_mss: int | None, server_seen_mss: int | None) -> bool | None:
    """Clamped when the server saw less than we sent; unknown when either is unknown."""
    if sent_mss is None or server_seen_mss is None:
        return None
    return server_seen_mss < sent_mss


async def _read_answer(reader: asyncio.StreamReader) -> dict[str, Any]:
    line = await reader.readline()
    if not line:
        raise ValueError("the server closed the connection without an answer")
    data = json.loads(line[:MAX_ANSWER_BYTES])
    if not isinstance(data, dict) or data.get("service") != "vpndiag-mss":
        raise ValueError("the server's answer is not from a vpndiag MSS reflector")
    return data


async def measure_mss(server: str, timeout: float = 3.0) -> MssResult:  # noqa: ASYNC109 - agreed interface
    """Connect to the MSS reflector at "HOST:PORT": our MSS (TCP_MAXSEG), what our SYN advertised, what the server
    saw, and whether the path clamped it. Never raises for network conditions: they become `reason`."""
    host, port = parse_server(server)
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except TimeoutError:
        return MssResult(reason=f"no TCP connection to {host} port {port} within {timeout:g} s")
    except OSError as exc:
        return MssResult(reason=f"no TCP connection to {host} port {port}: {exc.strerror or exc}")
    reasons: list[str] = []
    try:
        sock = writer.get_extra_info("socket")
        local_mss: int | None = None
        try:
            local_mss = int(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG))
        except (OSError, AttributeError):
            reasons.append("this OS does not report TCP_MAXSEG")
        sent = advertised_mss_linux(sock)
        if sent is None:
            with contextlib.suppress(OSError, ValueError):
                sent = mss_for_local_address(str(writer.get_extra_info("sockname")[0]))
        if sent is None:
            reasons.append("the MSS our SYN advertised is unknown")
        seen: int | None = None
        try:
            answer = await asyncio.wait_for(_read_answer(reader), timeout)
            raw = answer.get("mss")
            seen = raw if isinstance(raw, int) else None
            if seen is None:
                reasons.append(str(answer.get("reason") or "the server did not see an MSS"))
        except TimeoutError:
            reasons.append(f"the server sent no MSS answer within {timeout:g} s")
        except (OSError, ValueError) as exc:
            reasons.append(f"the server's MSS answer could not be read ({exc})")
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), timeout)
    return MssResult(
        local_mss=local_mss,
        server_seen_mss=seen,
        sent_mss=sent,
        clamped=compare(sent, seen),
        reason="; ".join(reasons) or None,
    )
