"""`measure_path`: the path MTU to one target, exact to the byte, also through black holes and over UDP.

The plan: resolve the target; the ICMP echo check (loss, RTT, ok / blocked / unreachable); then the search
(diag/probe/search.py) driven round by round over the best transport this host allows — DF ICMP echo on a raw or
ping socket, DF UDP to the provider's probe responder, or the system `ping`. Round timeouts follow the RTT the
echo check measured. Network conditions never raise: an unmeasurable MTU is `pmtu=None` with `pmtu_reason`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from diag.blocking import run_blocking
from diag.errors import ProbeError
from diag.i18n.probe import PROBE
from diag.probe.datagram import ProbeReply
from diag.probe.icmp import (
    ECHO_PAYLOAD,
    ECHO_TIMEOUT_S,
    Access,
    EchoCheck,
    EchoProgress,
    IcmpDfProber,
    echo_check,
    icmp_access,
)
from diag.probe.packets import ICMP_HEADER, ip_header_size
from diag.probe.result import PathMeasurement, ProbeRecord, RttStats
from diag.probe.search import MIN_MTU_V4, MIN_MTU_V6, Finish, Outcome, PmtuSearch, SearchResult
from diag.probe.sockopts import Family, current_os, path_mtu
from reports.i18n import Lang

if TYPE_CHECKING:
    from reports.model import PathResult, Probe

Method = Literal["auto", "icmp", "udp"]
Role = Literal["underlay", "tunnel", "target"]

# Round timeout = RTT_FACTOR x the RTT + ROUND_MARGIN_S, within [ROUND_MIN_S, ROUND_MAX_S]. The RTT is the echo
# check's for the first round, then the slowest reply of the round before (so a path that slows down under the
# probes' load gets longer rounds). Replies are taken from the socket before a round declares anything lost, so
# a busy host that runs our loop late loses nothing that had arrived; margin and floor only cover the path's own
# jitter (a LAN's 0.1 ms RTT still gets 15 ms). The ceiling bounds a round on a path whose RTT is unknown.
RTT_FACTOR = 2.0
ROUND_MARGIN_S = 0.010
ROUND_MIN_S = 0.015
ROUND_MAX_S = 2.0
# Without any RTT (UDP to a responder on a path without ICMP echo) the first small probe waits this long, up to
# UDP_HELLO_TRIES times (RFC 8899 §5.1.2: MAX_PROBES 3).
UDP_HELLO_TIMEOUT_S = 1.0
UDP_HELLO_TRIES = 3
RESOLVE_TIMEOUT_S = 3.0
# Auto mode, probe server on the target: echo counts as blocked when the responder has answered and echo stays
# silent for ECHO_GRACE_RTTS x the responder's RTT (at least ECHO_GRACE_MIN_S) — the same host answers UDP in one
# RTT, so an echo it would answer comes back in about the same time.
ECHO_GRACE_RTTS = 4.0
ECHO_GRACE_MIN_S = 0.05
# The largest IP packet (the 16-bit total length field, RFC 791); probes above the interface MTU fail locally.
MAX_PACKET = 65535
# Without an interface MTU to go by, Ethernet's.
DEFAULT_CEILING = 1500
# `VPNDIAG_PROBE_TRANSPORT=system-ping` forces the system-ping fallback, `ping-socket` the unprivileged ICMP socket
# even when raw sockets are allowed (tests of those paths as root; hosts whose raw sockets misbehave).
FORCE_TRANSPORT_ENV = "VPNDIAG_PROBE_TRANSPORT"

_HOSTNAME = re.compile(r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$")


class Prober(Protocol):
    unreachable_seen: bool

    async def probe_round(self, sizes: list[int], round_number: int, wait_s: float) -> list[ProbeReply]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ProbeServer:
    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def _ip_literal(text: str) -> tuple[str, Family] | None:
    """The address in canonical form and its family when `text` is an IP literal (inet_pton: the ipaddress module
    costs start-up time)."""
    for family, address_family in ((4, socket.AF_INET), (6, socket.AF_INET6)):
        try:
            packed = socket.inet_pton(address_family, text)
        except OSError:
            continue
        return socket.inet_ntop(address_family, packed), family  # type: ignore[return-value]
    return None


def parse_target(target: str, lang: Lang = "en") -> str:
    """The target as an address or host name; ProbeError for anything else."""
    text = target.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    literal = _ip_literal(text)
    if literal is not None:
        return literal[0]
    if not _HOSTNAME.match(text) or text.replace(".", "").isdigit():
        raise ProbeError(PROBE.text("error_bad_target", lang, target=target))
    return text


def parse_probe_server(value: str, lang: Lang = "en") -> ProbeServer:
    """'HOST:PORT' or '[IPv6]:PORT'; ProbeError otherwise."""
    match = re.match(r"^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$", value.strip()) or re.match(
        r"^([^:\s]+):(\d{1,5})$", value.strip()
    )
    if not match or not 0 < int(match.group(2)) < 65536:
        raise ProbeError(PROBE.text("error_bad_probe_server", lang, server=value))
    return ProbeServer(parse_target(match.group(1), lang), int(match.group(2)))


def round_timeout(rtt_s: float | None) -> float:
    if rtt_s is None:
        return ROUND_MAX_S
    return min(ROUND_MAX_S, max(ROUND_MIN_S, RTT_FACTOR * rtt_s + ROUND_MARGIN_S))


async def resolve(host: str, family: Family | None = None) -> tuple[str, Family] | None:
    literal = _ip_literal(host)
    if literal is not None:
        return literal
    wanted = {4: socket.AF_INET, 6: socket.AF_INET6}.get(family or 0, socket.AF_UNSPEC)
    try:
        # In a daemon thread: a resolver that never answers must not hold up the program's end (diag/blocking.py).
        infos = await asyncio.wait_for(
            run_blocking(socket.getaddrinfo, host, None, wanted, socket.SOCK_DGRAM, name="vpndiag-resolve"),
            RESOLVE_TIMEOUT_S,
        )
    except (OSError, UnicodeError, TimeoutError):
        return None
    for info_family, _type, _proto, _name, sockaddr in infos:
        if info_family in (socket.AF_INET, socket.AF_INET6):
            return str(sockaddr[0]), 4 if info_family == socket.AF_INET else 6
    return None


def _interface_ceiling(address: str, family: Family) -> int:
    """The largest packet worth trying: the kernel's MTU towards the target (Linux IP_MTU), at least Ethernet's.
    A cached, lowered path MTU is no reason to stop below 1500: IP_PMTUDISC_PROBE sends past it."""
    sock = socket.socket(socket.AF_INET if family == 4 else socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        sock.connect((address, 9))
        mtu = path_mtu(sock, family) if current_os() == "linux" else None
    except OSError:
        mtu = None
    finally:
        sock.close()
    return min(MAX_PACKET, max(DEFAULT_CEILING, mtu or 0))


async def _system_ping_echo(address: str, family: Family) -> EchoCheck:
    """The echo check without ICMP sockets: small pings through the system ping."""
    from diag.probe.system_ping import SystemPingProber

    prober = SystemPingProber(address, family)
    size = ip_header_size(family) + ICMP_HEADER + ECHO_PAYLOAD
    replies = await prober.probe_round([size] * 3, 0, 1.0)
    rtts = [reply.rtt_ms for reply in replies if reply.outcome is Outcome.ok and reply.rtt_ms is not None]
    status: Literal["ok", "blocked", "unreachable"] = (
        "ok" if rtts else ("unreachable" if prober.unreachable_seen else "blocked")
    )
    return EchoCheck(
        status=status,
        sent=len(replies),
        received=len(rtts),
        rtt_min_ms=min(rtts) if rtts else None,
        rtt_avg_ms=sum(rtts) / len(rtts) if rtts else None,
        rtt_max_ms=max(rtts) if rtts else None,
    )


def _system_ping_available() -> bool:
    # Imported only here: the fallback's parsers and shutil (which imports bz2 and lzma) cost start-up time.
    from diag.probe.system_ping import system_ping_available

    return system_ping_available()


class _Measurement:
    """One measurement in progress: the result being filled and the probe chart."""

    def __init__(
        self, target: str, family: Family, role: Role, lang: Lang, on_probe: Callable[[ProbeRecord], None] | None
    ) -> None:
        self.lang = lang
        self.started = time.perf_counter()
        self.result = PathMeasurement(target=target, family=family, role=role, icmp_echo="blocked")
        self.on_probe = on_probe
        self._by_sequence: dict[int, ProbeRecord] = {}
        self.router_too_big = False

    def text(self, key: str, **fields: object) -> str:
        return PROBE.text(key, self.lang, **fields)

    def set_echo(self, echo: EchoCheck) -> None:
        self.result.icmp_echo = echo.status
        self.result.loss = round(echo.loss, 4) if echo.loss is not None else None
        if echo.rtt_min_ms is not None and echo.rtt_avg_ms is not None and echo.rtt_max_ms is not None:
            self.result.rtt_ms = RttStats(
                round(echo.rtt_min_ms, 3), round(echo.rtt_avg_ms, 3), round(echo.rtt_max_ms, 3)
            )

    def record(self, reply: ProbeReply) -> None:
        outcome: Literal["ok", "lost", "too_big", "error"] = "error" if reply.unreachable else reply.outcome.value
        rtt = round(reply.rtt_ms, 3) if reply.rtt_ms is not None else None
        record = self._by_sequence.get(reply.sequence)
        if record is None:
            record = ProbeRecord(reply.size, outcome, reply.reported_mtu, rtt, reply.round)
            self._by_sequence[reply.sequence] = record
            self.result.probes.append(record)
        else:  # a late answer to a probe first counted lost
            record.outcome, record.reported_mtu, record.rtt_ms = outcome, reply.reported_mtu, rtt
        if reply.outcome is Outcome.too_big and reply.from_router:
            self.router_too_big = True
        if self.on_probe is not None:
            self.on_probe(record)

    def finish(self) -> PathMeasurement:
        self.result.elapsed_ms = round((time.perf_counter() - self.started) * 1000, 1)
        self.result.probes_sent = len(self.result.probes)
        return self.result


async def _run_search(
    measurement: _Measurement,
    prober: Prober,
    search: PmtuSearch,
    *,
    rtt_s: float | None,
    deadline: float,
) -> SearchResult:
    while True:
        sizes = search.plan_round()
        if not sizes:
            break
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            search.give_up()
            break
        replies = await prober.probe_round(sizes, search.rounds, min(round_timeout(rtt_s), remaining))
        for reply in replies:
            measurement.record(reply)
            search.record(reply.size, reply.outcome, reply.reported_mtu)
        round_rtts = [reply.rtt_ms for reply in replies if reply.rtt_ms is not None and not reply.late]
        if round_rtts:
            rtt_s = max(round_rtts) / 1000
    if time.perf_counter() >= deadline:
        search.give_up()
    return search.result()


def _describe(measurement: _Measurement, outcome: SearchResult, *, floor: int, max_time: float) -> None:
    result = measurement.result
    result.pmtu = outcome.pmtu
    result.search_finish = outcome.finish.value
    result.gave_up = outcome.finish is Finish.budget
    result.reported_mtu = outcome.reported_mtu
    pmtu = outcome.pmtu
    if measurement.router_too_big:
        result.frag_needed = "delivered"
    elif outcome.finish is Finish.exact_by_loss:
        result.frag_needed = "blocked"
    if outcome.finish is Finish.budget:
        key = "reason_gave_up" if pmtu is not None else "reason_gave_up_nothing"
        result.pmtu_reason = measurement.text(key, pmtu=pmtu, probes=outcome.probes_sent, seconds=f"{max_time:g}")
    elif outcome.finish is Finish.nothing_passed or pmtu is None:
        result.pmtu = None
        result.pmtu_reason = measurement.text("reason_nothing_passed", floor=floor)
    elif outcome.finish is Finish.ceiling:
        result.pmtu_reason = measurement.text("reason_ceiling", pmtu=pmtu)
    elif outcome.finish is Finish.exact_by_loss:
        losses = sum(1 for probe in result.probes if probe.size == pmtu + 1 and probe.outcome == "lost")
        result.pmtu_reason = measurement.text("reason_black_hole", pmtu=pmtu, next=pmtu + 1, losses=losses)
    elif outcome.reported_mtu == pmtu:
        result.pmtu_reason = measurement.text("reason_report", pmtu=pmtu)
    else:
        result.pmtu_reason = measurement.text("reason_too_big", pmtu=pmtu, next=pmtu + 1)


def _open_icmp_prober(address: str, family: Family, access: Access) -> Prober:
    if access == "none":
        from diag.probe.system_ping import SystemPingProber

        return SystemPingProber(address, family)
    return IcmpDfProber(address, family, access)


async def _udp_hello(prober: Prober, size: int, deadline: float) -> float | None:
    """A small probe to the responder, retried: its RTT in seconds, or None when the responder stays silent."""
    for attempt in range(UDP_HELLO_TRIES):
        started = time.perf_counter()
        if started >= deadline:
            return None
        replies = await prober.probe_round([size], attempt, min(UDP_HELLO_TIMEOUT_S, deadline - started))
        if any(reply.outcome is Outcome.ok for reply in replies):
            return time.perf_counter() - started
        if prober.unreachable_seen:
            return None
    return None


async def measure(
    target: str,
    *,
    family: Family | None = None,
    role: Role = "target",
    method: Method = "auto",
    probe_server: str | None = None,
    max_probes: int = 64,
    max_time: float = 5.0,
    on_probe: Callable[[ProbeRecord], None] | None = None,
    lang: Lang = "en",
) -> PathMeasurement:
    """The measurement as the engine's light dataclass (see `measure_path` for the report model)."""
    host = parse_target(target, lang)
    server = parse_probe_server(probe_server, lang) if probe_server else None
    if family not in (None, 4, 6):
        raise ValueError(f"family must be 4, 6 or None, not {family!r}")  # a programming error, not input
    deadline = time.perf_counter() + max_time
    resolved = await resolve(host, family)
    measurement = _Measurement(target, family or 4, role, lang, None)
    measurement.on_probe = on_probe
    if resolved is None:
        measurement.result.icmp_echo = "unreachable"
        measurement.result.pmtu_reason = measurement.text("reason_unresolved", target=target)
        return measurement.finish()
    address, address_family = resolved
    if family is not None and address_family != family:
        raise ProbeError(PROBE.text("error_family", lang, target=target, actual=address_family, wanted=family))
    result = measurement.result
    result.family = address_family
    result.address = address

    access = icmp_access(address_family)
    forced = os.environ.get(FORCE_TRANSPORT_ENV)
    if forced == "system-ping":
        access = "none"
    elif forced == "ping-socket":
        access = "dgram"
    echo_task: asyncio.Task[EchoCheck] | None = None
    echo_progress = EchoProgress()
    if access != "none":
        echo_wait = min(ECHO_TIMEOUT_S, max(0.0, deadline - time.perf_counter()))
        echo_task = asyncio.ensure_future(
            echo_check(address, address_family, access, wait_s=echo_wait, progress=echo_progress)
        )
    elif _system_ping_available():
        echo_task = asyncio.ensure_future(_system_ping_echo(address, address_family))
    try:
        await _measure_resolved(
            measurement, echo_task, echo_progress, access, method, server, family, max_probes, deadline, max_time
        )
    finally:
        if echo_task is not None and not echo_task.done():
            echo_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await echo_task
    return measurement.finish()


async def _finished_echo(echo_task: asyncio.Task[EchoCheck]) -> EchoCheck | str:
    """The echo check's result, or the sentence-ready reason the ICMP socket could not be used."""
    try:
        return await echo_task
    except OSError as exc:
        return exc.strerror or str(exc)


async def _measure_resolved(
    measurement: _Measurement,
    echo_task: asyncio.Task[EchoCheck] | None,
    echo_progress: EchoProgress,
    access: Access,
    method: Method,
    server: ProbeServer | None,
    family: Family | None,
    max_probes: int,
    deadline: float,
    max_time: float,
) -> None:
    # With a probe server, its hello runs alongside the echo check: when echo turns out blocked, UDP probing can
    # start at once instead of after the echo check's timeout.
    udp_task = (
        asyncio.ensure_future(_open_udp_session(server, family, deadline))
        if server is not None and method in ("auto", "udp")
        else None
    )
    try:
        if method == "auto" and echo_task is not None and udp_task is not None:
            measured = await _udp_while_echo_is_silent(
                measurement, echo_task, echo_progress, udp_task, max_probes, deadline, max_time
            )
            if measured:
                return
        await _choose_and_measure(measurement, echo_task, udp_task, access, method, max_probes, deadline, max_time)
    finally:
        if udp_task is not None:
            if not udp_task.done():
                udp_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, OSError):
                (await udp_task).close()


async def _udp_while_echo_is_silent(
    measurement: _Measurement,
    echo_task: asyncio.Task[EchoCheck],
    echo_progress: EchoProgress,
    udp_task: asyncio.Task[_UdpSession],
    max_probes: int,
    deadline: float,
    max_time: float,
) -> bool:
    """Auto mode with a probe server on the target itself: when the responder answers and ICMP echo stays silent
    well past the responder's RTT, echo is blocked — probe over UDP now instead of after the echo check's full
    timeout. True when it measured; False to decide the usual way."""
    await asyncio.wait({echo_task, udp_task}, return_when=asyncio.FIRST_COMPLETED)
    if echo_task.done():
        return False
    session = await udp_task
    if session.reason is not None or session.rtt_s is None or session.address != measurement.result.address:
        return False
    grace = max(ECHO_GRACE_MIN_S, ECHO_GRACE_RTTS * session.rtt_s)
    await asyncio.wait({echo_task}, timeout=grace)
    if echo_task.done() or echo_progress.rtts or echo_progress.unreachable:
        return False
    await _measure_udp(measurement, session, max_probes, deadline, max_time)
    # Still no echo reply in all that time: report the echo check as it stands.
    echo_task.cancel()
    with contextlib.suppress(asyncio.CancelledError, OSError):
        await echo_task
    measurement.set_echo(echo_progress.result())
    return True


async def _choose_and_measure(
    measurement: _Measurement,
    echo_task: asyncio.Task[EchoCheck] | None,
    udp_task: asyncio.Task[_UdpSession] | None,
    access: Access,
    method: Method,
    max_probes: int,
    deadline: float,
    max_time: float,
) -> None:
    result = measurement.result
    address, address_family = result.address or result.target, result.family
    floor = MIN_MTU_V4 if address_family == 4 else MIN_MTU_V6
    if method == "udp":
        if udp_task is None:
            result.pmtu_reason = measurement.text("reason_no_probe_server")
        else:
            await _measure_udp(measurement, await udp_task, max_probes, deadline, max_time)
        if echo_task is not None:
            echo_or_error = await _finished_echo(echo_task)
            if isinstance(echo_or_error, EchoCheck):
                measurement.set_echo(echo_or_error)
        return
    if echo_task is None:
        result.pmtu_reason = measurement.text("reason_no_icmp")
        return
    echo = await _finished_echo(echo_task)
    if isinstance(echo, str):
        result.pmtu_reason = measurement.text("reason_socket_error", error=echo)
        return
    measurement.set_echo(echo)
    if echo.status != "ok":
        if method == "auto" and udp_task is not None and echo.status == "blocked":
            await _measure_udp(measurement, await udp_task, max_probes, deadline, max_time)
            return
        key = {"unreachable": "reason_unreachable", "blocked": "reason_echo_blocked"}[echo.status]
        if method == "icmp" and echo.status == "blocked":
            key = "reason_echo_blocked_icmp"
        result.pmtu_reason = measurement.text(key, target=result.target)
        return
    try:
        prober = _open_icmp_prober(address, address_family, access)
    except OSError as exc:
        result.pmtu_reason = measurement.text("reason_socket_error", error=exc.strerror or str(exc))
        return
    echo_size = ip_header_size(address_family) + ICMP_HEADER + ECHO_PAYLOAD
    search = PmtuSearch(
        floor=floor,
        ceiling=_interface_ceiling(address, address_family),
        max_probes=max_probes,
        known_ok=echo_size,
        expected_loss=echo.loss,
    )
    try:
        echo_rtt = echo.rtt_max_ms / 1000 if echo.rtt_max_ms is not None else None
        outcome = await _run_search(measurement, prober, search, rtt_s=echo_rtt, deadline=deadline)
    finally:
        prober.close()
    result.method = "icmp"
    _describe(measurement, outcome, floor=floor, max_time=max_time)


@dataclass
class _UdpSession:
    """The UDP prober after its hello: ready to search, or the reason it can't."""

    server: ProbeServer
    prober: Prober | None = None
    address: str | None = None
    family: Family = 4
    rtt_s: float | None = None
    hello_size: int = 576
    reason: tuple[str, dict[str, str]] | None = None  # catalog key and fields

    def close(self) -> None:
        if self.prober is not None:
            self.prober.close()
            self.prober = None


async def _open_udp_session(server: ProbeServer, family: Family | None, deadline: float) -> _UdpSession:
    """Resolve the responder, open the DF UDP socket and say hello: a small probe proves the responder answers and
    gives the RTT the rounds wait for (RFC 8899 §5.1.1 confirms the path with a small probe before searching)."""
    from diag.probe.udp import UdpDfProber

    session = _UdpSession(server)
    resolved = await resolve(server.host, family)
    if resolved is None:
        session.reason = ("reason_unresolved", {"target": server.host})
        return session
    session.address, session.family = resolved
    session.hello_size = MIN_MTU_V6 if session.family == 6 else 576
    try:
        session.prober = UdpDfProber(session.address, server.port, session.family)
    except OSError as exc:
        session.reason = ("reason_socket_error", {"error": exc.strerror or str(exc)})
        return session
    try:
        session.rtt_s = await _udp_hello(session.prober, session.hello_size, deadline)
    except BaseException:
        session.close()
        raise
    if session.rtt_s is None:
        session.close()
        session.reason = ("reason_udp_silent", {"server": str(server)})
    return session


async def _measure_udp(
    measurement: _Measurement, session: _UdpSession, max_probes: int, deadline: float, max_time: float
) -> None:
    result = measurement.result
    if session.reason is not None or session.prober is None or session.address is None:
        key, fields = session.reason or ("reason_udp_silent", {"server": str(session.server)})
        result.pmtu_reason = measurement.text(key, **fields)
        return
    result.address, result.family = session.address, session.family
    floor = MIN_MTU_V4 if session.family == 4 else MIN_MTU_V6
    search = PmtuSearch(
        floor=floor,
        ceiling=_interface_ceiling(session.address, session.family),
        max_probes=max_probes,
        known_ok=session.hello_size,
    )
    try:
        outcome = await _run_search(measurement, session.prober, search, rtt_s=session.rtt_s, deadline=deadline)
    finally:
        session.close()
    result.method = "udp"
    _describe(measurement, outcome, floor=floor, max_time=max_time)
    result.pmtu_reason = measurement.text("via_udp", reason=result.pmtu_reason, server=str(session.server))


def to_path_result(measurement: PathMeasurement) -> PathResult:
    from reports.model import PathResult

    return PathResult.model_validate(measurement.to_dict())


async def measure_path(
    target: str,
    *,
    family: Literal[4, 6] | None = None,
    role: Role = "target",
    method: Method = "auto",
    probe_server: str | None = None,
    max_probes: int = 64,
    max_time: float = 5.0,
    on_probe: Callable[[Probe], None] | None = None,
    lang: Lang = "en",
) -> PathResult:
    """The path MTU to `target` as a report `PathResult` (INTERFACES.md). Never raises for network conditions;
    ProbeError only for unusable input (a bad target or probe-server string)."""
    from reports.model import Probe, ProbeOutcome

    def forward(record: ProbeRecord) -> None:
        if on_probe is not None:
            on_probe(
                Probe(
                    size=record.size,
                    outcome=ProbeOutcome(record.outcome),
                    reported_mtu=record.reported_mtu,
                    rtt_ms=record.rtt_ms,
                    round=record.round,
                )
            )

    measurement = await measure(
        target,
        family=family,
        role=role,
        method=method,
        probe_server=probe_server,
        max_probes=max_probes,
        max_time=max_time,
        on_probe=forward if on_probe is not None else None,
        lang=lang,
    )
    return to_path_result(measurement)
