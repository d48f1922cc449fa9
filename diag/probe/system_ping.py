"""The last resort: the system's own `ping` with its Don't-Fragment flag, one process per probe.

Used when this process may open neither a raw nor a ping socket. One command builder and one output parser per OS
(FACTS.md "Probe sockets and the system ping"); the parsers are tested on recorded outputs in
tests/diag/probe/data/, including Japanese Windows.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import shutil
import time
from dataclasses import dataclass

from diag.probe.datagram import ProbeReply
from diag.probe.packets import ICMP_HEADER, Family, ip_header_size
from diag.probe.search import Outcome
from diag.probe.sockopts import OsName, current_os

# A ping process that neither answers nor exits is killed this long after its own timeout.
PROCESS_GRACE_S = 1.0


def ping_command(os_name: OsName, family: Family, address: str, packet_size: int, timeout_s: float) -> list[str]:
    """One DF echo of a whole IP packet of `packet_size` bytes (payload = size - IP header - ICMP header 8)."""
    payload = packet_size - ip_header_size(family) - ICMP_HEADER
    if os_name == "linux":
        # iputils: -M do sets DF; -W takes seconds with a fraction.
        return [
            "ping",
            f"-{family}",
            "-M",
            "do",
            "-s",
            str(payload),
            "-c",
            "1",
            "-n",
            "-W",
            f"{timeout_s:.3f}",
            address,
        ]
    if os_name == "macos":
        # -D sets DF (ping6 -D: no fragmentation); -W is milliseconds on macOS.
        wait_ms = str(max(1, math.ceil(timeout_s * 1000)))
        if family == 4:
            return ["ping", "-D", "-s", str(payload), "-c", "1", "-n", "-W", wait_ms, address]
        return ["ping6", "-D", "-s", str(payload), "-c", "1", "-n", address]
    # Windows: -f sets DF (IPv4 only; IPv6 routers never fragment), -l payload, -w milliseconds.
    wait_ms = str(max(1, math.ceil(timeout_s * 1000)))
    if family == 4:
        return ["ping", "-4", "-f", "-l", str(payload), "-n", "1", "-w", wait_ms, address]
    return ["ping", "-6", "-l", str(payload), "-n", "1", "-w", wait_ms, address]


@dataclass(frozen=True)
class PingOutput:
    outcome: Outcome
    reported_mtu: int | None = None
    rtt_ms: float | None = None
    unreachable: bool = False
    from_router: bool = False


_LINUX_REPLY = re.compile(r"^\d+ bytes from .*time[=<](\d+(?:\.\d+)?) ms", re.MULTILINE)
_LINUX_ROUTER_TOO_BIG = re.compile(
    r"^From \S+ .*(?:Frag needed and DF set \(mtu = |Packet too big: mtu=)(\d+)", re.MULTILINE
)
_LINUX_LOCAL_TOO_BIG = re.compile(r"local error: message too long, mtu[=:] ?(\d+)")
_LINUX_UNREACHABLE = re.compile(r"Unreachable|No route to host|Network is unreachable", re.IGNORECASE)

_MACOS_REPLY = re.compile(r"^\d+ bytes from \S+?[:,] icmp_seq=\d+ .*time=(\d+(?:\.\d+)?) ms", re.MULTILINE)
_MACOS_ROUTER_TOO_BIG = re.compile(r"(?:frag needed and DF set \(MTU |Packet too big mtu = )(\d+)")
_MACOS_LOCAL_TOO_BIG = re.compile(r"sendto: Message too long")
_MACOS_UNREACHABLE = re.compile(r"Unreachable|No route to host", re.IGNORECASE)

# Windows prints a translated sentence per result; English and Japanese (cp932 console) are recognised.
_WINDOWS_REPLY = re.compile(r"(?:time|時間) ?([=<]) ?(\d+) ?ms")
_WINDOWS_TOO_BIG = re.compile(
    r"Packet needs to be fragmented but DF set|Packet too big|パケットの断片化が必要ですが|パケットが大きすぎます"
)
_WINDOWS_UNREACHABLE = re.compile(r"unreachable|到達できません", re.IGNORECASE)


def parse_ping_output(os_name: OsName, text: str) -> PingOutput:
    """What one `ping` run said about its one probe."""
    if os_name == "linux":
        return _parse_unix(text, _LINUX_REPLY, _LINUX_ROUTER_TOO_BIG, _LINUX_LOCAL_TOO_BIG, _LINUX_UNREACHABLE)
    if os_name == "macos":
        return _parse_unix(text, _MACOS_REPLY, _MACOS_ROUTER_TOO_BIG, _MACOS_LOCAL_TOO_BIG, _MACOS_UNREACHABLE)
    return _parse_windows(text)


# An MTU outside what IPv4 allows (68, RFC 791 §3.2, up to the 16-bit total length) is a garbled line, not a
# fact: the probe then goes on without the hint.
_MIN_MTU, _MAX_MTU = 68, 65535


def _mtu(digits: str) -> int | None:
    mtu = int(digits) if len(digits) <= 5 else None
    return mtu if mtu is not None and _MIN_MTU <= mtu <= _MAX_MTU else None


def _parse_unix(
    text: str, reply: re.Pattern[str], router: re.Pattern[str], local: re.Pattern[str], unreachable: re.Pattern[str]
) -> PingOutput:
    if match := reply.search(text):
        return PingOutput(Outcome.ok, rtt_ms=float(match.group(1)))
    if match := router.search(text):
        return PingOutput(Outcome.too_big, reported_mtu=_mtu(match.group(1)), from_router=True)
    if match := local.search(text):
        mtu = _mtu(match.group(1)) if match.groups() else None
        return PingOutput(Outcome.too_big, reported_mtu=mtu)
    if unreachable.search(text):
        return PingOutput(Outcome.lost, unreachable=True)
    return PingOutput(Outcome.lost)


def _parse_windows(text: str) -> PingOutput:
    # "Reply from X: Destination host unreachable." counts as received in Windows' statistics: look at the lines.
    if _WINDOWS_TOO_BIG.search(text):
        # Windows does not print the MTU; a router's refusal starts with "Reply from <router>:".
        return PingOutput(Outcome.too_big, from_router=bool(re.search(r"Reply from|からの応答", text)))
    if match := _WINDOWS_REPLY.search(text):
        sign, value = match.groups()
        return PingOutput(Outcome.ok, rtt_ms=0.5 if sign == "<" else float(value))
    if _WINDOWS_UNREACHABLE.search(text):
        return PingOutput(Outcome.lost, unreachable=True)
    return PingOutput(Outcome.lost)


def decode_output(data: bytes, os_name: OsName) -> str:
    """Windows consoles write in the OEM code page (cp932 on Japanese Windows); others write UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp932" if os_name == "windows" else "latin-1", errors="replace")


def system_ping_available(os_name: OsName | None = None) -> bool:
    name = os_name or current_os()
    if name is None:
        return False
    return shutil.which("ping") is not None and (name != "macos" or shutil.which("ping6") is not None)


class SystemPingProber:
    """Same interface as the socket probers: a round of sizes in parallel, one `ping` process each."""

    def __init__(self, address: str, family: Family, os_name: OsName | None = None) -> None:
        self.address = address
        self.family = family
        self.os_name: OsName = os_name or current_os() or "linux"
        self.unreachable_seen = False
        self._sequence = 0

    async def probe_round(self, sizes: list[int], round_number: int, wait_s: float) -> list[ProbeReply]:
        start = self._sequence
        self._sequence += len(sizes)
        outputs = await asyncio.gather(*(self._ping(size, wait_s) for size in sizes))
        replies = []
        for offset, (size, (output, rtt_ms)) in enumerate(zip(sizes, outputs, strict=True)):
            self.unreachable_seen |= output.unreachable
            replies.append(
                ProbeReply(
                    start + offset,
                    size,
                    output.outcome,
                    round_number,
                    reported_mtu=output.reported_mtu if output.reported_mtu and output.reported_mtu < size else None,
                    rtt_ms=output.rtt_ms if output.rtt_ms is not None else rtt_ms,
                    from_router=output.from_router,
                    unreachable=output.unreachable,
                )
            )
        return replies

    async def _ping(self, size: int, wait_s: float) -> tuple[PingOutput, float | None]:
        command = ping_command(self.os_name, self.family, self.address, size, wait_s)
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        try:
            stdout, _ = await asyncio.wait_for(process.communicate(), wait_s + PROCESS_GRACE_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return PingOutput(Outcome.lost), None
        output = parse_ping_output(self.os_name, decode_output(stdout, self.os_name))
        elapsed = (time.perf_counter() - started) * 1000 if output.outcome is Outcome.ok else None
        return output, elapsed

    def close(self) -> None:
        """Nothing stays open between rounds."""
