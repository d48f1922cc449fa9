"""One diagnosis run: every check, concurrently where independent, under one deadline, into one Report.

Shaped like tailscale's netcheck: each check has its own named timeout (why that value is in the comment), a check
that cannot run records why (failed / skipped / needs_privileges / timeout) and the run goes on, and "unknown" stays
None in the report. The run's order:

    adapters ─┬─ routes (to the VPN server and to each target: inside the tunnel or not)
              └─ pmtu:<vpn server> ─┐   all probes at once
                 pmtu:<target> ...  ├── tcp (needs the RTT)  ── overhead (needs the underlay path MTU) ── rules
                 mss ───────────────┘

Cancelling the task that awaits `run_checks` cancels every probe at once (asyncio.TaskGroup); threads that read OS
tools finish on their own within their command timeouts.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from diag import __version__
from diag.blocking import run_blocking
from diag.i18n.run import RUN
from diag.run_options import RunOptions
from diag.system import system_facts
from reports.errors import VpndiagError
from reports.i18n import Lang
from reports.model import (
    Adapter,
    CheckStatus,
    MssResult,
    PathResult,
    Probe,
    Report,
    Routes,
    Tcp,
    Tool,
    Vpn,
)
from reports.rules import apply_rules

T = TypeVar("T")
Status = Literal["running", "ok", "failed", "skipped", "needs_privileges", "timeout"]

# psutil plus one OS tool (ip / networksetup / Get-NetAdapter); PowerShell's first start on a slow Windows laptop
# takes several seconds.
ADAPTERS_TIMEOUT_S = 10.0
# `ip route get` / `route -n get` answer in milliseconds; Get-NetRoute shares PowerShell's slow first start.
ROUTES_TIMEOUT_S = 8.0
# The probe engine's own budget per path (its max_time): it stops and says so (gave_up) rather than being killed.
# Through a black hole the engine needs well under a second on a real path (issue 4 benchmark); 5 s leaves room for
# slow satellite or mobile round trips and for the echo check before the ladder.
PMTU_MAX_TIME_S = 5.0
# What the engine may spend beyond max_time (resolving the name, the echo check, start-up) before we stop it.
PMTU_GRACE_S = 3.0
# sysctl / netsh / registry reads: local and quick, bounded by the checks' own 8 s command timeout.
TCP_TIMEOUT_S = 10.0
# One TCP handshake and a small answer from the support server; a working server answers within one RTT.
MSS_TIMEOUT_S = 3.0
# Pure arithmetic.
OVERHEAD_TIMEOUT_S = 1.0
# One psutil call: are the VPN adapters seen at the start still up at the end?
VPN_STILL_UP_TIMEOUT_S = 2.0
# Each name once, all at once, before anything uses them: the probe engine's own limit per name (RESOLVE_TIMEOUT_S,
# 3 s) and a little. A resolver that answers does so in milliseconds; one that does not would otherwise cost every
# check that needs the name its whole timeout (glibc retries after 5 s per server, resolv.conf(5)).
DNS_TIMEOUT_S = 3.5


@dataclass(frozen=True)
class Progress:
    check: str  # "adapters", "routes", "pmtu:<target>", "tcp", "mss", "overhead"
    status: Literal["running", "ok", "failed", "skipped", "needs_privileges", "timeout"]
    detail: str | None = None  # a short sentence for the person (already translated)
    probe: Probe | None = None  # each DF probe as it comes back (path-MTU narrowing)


ProgressCallback = Callable[[Progress], None]


class _Skip(Exception):
    """A check that has nothing to do; the message says why."""


class _NeedsPrivileges(Exception):
    """A check the OS refused without administrator rights."""


@dataclass
class _Outcome:
    status: Literal["ok", "failed", "skipped", "needs_privileges", "timeout"]
    reason: str | None
    elapsed_ms: float


_IDENTIFIER = re.compile(r"[^a-z0-9_.-]+")


def _status_name(check: str, taken: set[str]) -> str:
    """The report's check name: `pmtu:<target>` becomes `pmtu.<role>` (report names allow [a-z0-9_.-] only)."""
    name = _IDENTIFIER.sub("-", check.lower())[:60]
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}.{n}", n + 1
    taken.add(candidate)
    return candidate


@dataclass
class _Run:
    options: RunOptions
    on_progress: ProgressCallback | None
    started: float = field(default_factory=time.monotonic)
    checks: list[CheckStatus] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    @property
    def lang(self) -> Lang:
        return self.options.lang

    def remaining(self) -> float:
        return self.options.deadline_s - (time.monotonic() - self.started)

    def say(self, key: str, **fields: object) -> str:
        return RUN.text(key, self.lang, **fields)

    def check_label(self, check: str) -> str:
        kind, _, target = check.partition(":")
        if kind == "pmtu":
            return self.say("check.pmtu", target=target) if target else self.say("check.pmtu_any")
        return self.say(f"check.{kind}")

    def emit(self, check: str, status: Status, detail: str | None = None, probe: Probe | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(check=check, status=status, detail=detail, probe=probe))

    def record(self, check: str, report_name: str, outcome: _Outcome) -> None:
        self.checks.append(
            CheckStatus(
                name=_status_name(report_name, self._names),
                status=outcome.status,
                reason=outcome.reason,
                elapsed_ms=round(outcome.elapsed_ms, 1),
            )
        )
        label = self.check_label(check)
        if outcome.status == "ok":
            detail = self.say("progress.ok", check=label)
        elif outcome.status == "timeout":
            detail = self.say("progress.timeout", check=label, seconds=round(outcome.elapsed_ms / 1000, 1))
        else:
            detail = self.say(f"progress.{outcome.status}", check=label, reason=outcome.reason or "")
        self.emit(check, outcome.status, detail)

    async def step(
        self,
        check: str,
        work: Callable[[], Awaitable[T]],
        limit_s: float,
        report_name: str | None = None,
    ) -> T | None:
        """Run one check with its timeout (never past the run's deadline); record what became of it."""
        began = time.monotonic()
        budget = min(limit_s, self.remaining())
        self.emit(check, "running", self.say("progress.running", check=self.check_label(check)))
        result: T | None = None
        if budget <= 0:
            outcome = _Outcome("timeout", self.say("reason.deadline"), 0.0)
        else:
            try:
                async with asyncio.timeout(budget):
                    result = await work()
                outcome = _Outcome("ok", None, 0.0)
            except TimeoutError:
                outcome = _Outcome("timeout", self.say("reason.timeout", seconds=round(budget, 1)), 0.0)
            except _Skip as exc:
                outcome = _Outcome("skipped", str(exc), 0.0)
            except (_NeedsPrivileges, PermissionError) as exc:
                outcome = _Outcome("needs_privileges", str(exc) or type(exc).__name__, 0.0)
            except (VpndiagError, OSError, ValueError) as exc:
                outcome = _Outcome("failed", str(exc) or type(exc).__name__, 0.0)
            except Exception as exc:  # a bug in one check must not lose the others' results
                outcome = _Outcome("failed", f"{type(exc).__name__}: {exc}", 0.0)
        outcome.elapsed_ms = (time.monotonic() - began) * 1000
        self.record(check, report_name or check, outcome)
        return result


# ---- the checks, each a small adapter from the check modules to the run -------------------------------------------


async def _adapters() -> list[Adapter]:
    from diag.checks.adapters import collect_adapters

    return await run_blocking(collect_adapters)


async def _routes(destination: str | None, adapters: list[Adapter]) -> Routes:
    from diag.checks.routes import read_routes

    return await run_blocking(read_routes, destination, adapters)


def _names_to_resolve(options: RunOptions) -> list[str]:
    """The host names among the VPN server and the targets (addresses need no resolver), each once."""
    hosts = [host for host in (options.vpn_server, *options.targets) if host]
    return list(dict.fromkeys(host for host in hosts if not _is_address(host)))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return False
    return True


def _tunnel_adapter(adapters: list[Adapter], via: str | None) -> Adapter | None:
    up = [a for a in adapters if a.is_vpn and a.is_up]
    return next((a for a in up if a.name == via), up[0] if up else None)


# ---- system facts ------------------------------------------------------------------------------------------------


# ---- the run ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PathPlan:
    target: str
    role: Literal["underlay", "tunnel", "target"]


def _plan_paths(options: RunOptions, target_routes: dict[str, Routes]) -> tuple[list[_PathPlan], str | None]:
    """What to probe: the VPN server outside the tunnel, and each target - "tunnel" when its route (looked up with
    the same routes check) enters a VPN adapter. Also that adapter's name, which tells the tunnel adapter apart."""
    plans = [_PathPlan(options.vpn_server, "underlay")] if options.vpn_server else []
    tunnel_via: str | None = None
    for target in options.targets:
        info = target_routes[target].vpn_server if target in target_routes else None
        inside = info is not None and info.via_tunnel is True
        if inside and info is not None:
            tunnel_via = tunnel_via or info.interface
        plans.append(_PathPlan(target, "tunnel" if inside else "target"))
    return plans, tunnel_via


def _tcp_inputs(
    measured: list[PathResult], underlay: PathResult | None, adapters: list[Adapter], routes: Routes | None
) -> tuple[float | None, float | None]:
    """The RTT for the window cap (to the VPN server, else any measured one) and the default adapter's speed."""
    rtt_source = underlay if underlay is not None and underlay.rtt_ms else None
    rtt_source = rtt_source or next((p for p in measured if p.rtt_ms is not None), None)
    rtt_ms = rtt_source.rtt_ms.avg if rtt_source is not None and rtt_source.rtt_ms is not None else None
    default_name = routes.default_interface if routes else None
    default_adapter = next((a for a in adapters if a.name == default_name), None)
    link_speed = float(default_adapter.speed_mbps) if default_adapter and default_adapter.speed_mbps else None
    return rtt_ms, link_speed


async def run_checks(options: RunOptions, on_progress: ProgressCallback | None = None) -> Report:
    """Run every check and return the complete Report: measurements, checks[] and the diagnosis (findings, fixes)."""
    run = _Run(options, on_progress)
    system = system_facts()

    # Names are resolved once, beside the adapters; everything after uses the addresses. A name that does not
    # resolve (DNS failing) costs one check, not every check that needs it.
    addresses: dict[str, str] = {}
    names = _names_to_resolve(options)

    async def resolve_names() -> None:
        from diag.probe.engine import resolve

        answers = await asyncio.gather(*(resolve(name) for name in names))
        addresses.update({name: answer[0] for name, answer in zip(names, answers, strict=True) if answer})
        if len(addresses) < len(names):
            missing = ", ".join(name for name in names if name not in addresses)
            raise _Unmeasured(run.say("reason.unresolved", names=missing))

    def address_of(host: str | None) -> str | None:
        """The address to use for `host`: itself when it is one, None when its name did not resolve."""
        if host is None or _is_address(host):
            return host
        return addresses.get(host)

    adapters_result: list[Adapter] | None = None

    async def read_adapters() -> None:
        nonlocal adapters_result
        adapters_result = await run.step("adapters", _adapters, ADAPTERS_TIMEOUT_S)

    async with asyncio.TaskGroup() as group:
        group.create_task(read_adapters())
        if names:
            group.create_task(run.step("dns", resolve_names, DNS_TIMEOUT_S))
    adapters = adapters_result or []

    # Routes: to the VPN server (does it leave outside the tunnel?) and to each target (inside it?).
    routes: Routes | None = None
    target_routes: dict[str, Routes] = {}

    async def read_all_routes() -> None:
        nonlocal routes
        routes = await _routes(address_of(options.vpn_server), adapters)
        for target in options.targets:
            target_address = address_of(target)
            if target_address is not None:
                target_routes[target] = await _routes(target_address, adapters)

    await run.step("routes", read_all_routes, ROUTES_TIMEOUT_S)

    plans, tunnel_via = _plan_paths(options, target_routes)
    tunnel_adapter = _tunnel_adapter(adapters, tunnel_via)

    paths: list[PathResult | None] = [None] * len(plans)
    mss_result: MssResult | None = None

    def probe_path(index: int, plan: _PathPlan) -> Callable[[], Awaitable[None]]:
        check = f"pmtu:{plan.target}"

        def on_probe(probe: Probe) -> None:
            run.emit(check, "running", None, probe)

        async def work() -> None:
            from diag.probe.engine import measure_path

            address = address_of(plan.target)
            if address is None:
                raise _Unmeasured(run.say("reason.unresolved_target", target=plan.target))
            max_time = max(0.5, min(PMTU_MAX_TIME_S, run.remaining() - PMTU_GRACE_S))
            result = await measure_path(
                address,
                role=plan.role,
                method="auto",
                probe_server=options.probe_server,
                max_time=max_time,
                on_probe=on_probe,
            )
            # The report names the target as the person gave it; `address` keeps what was probed.
            result = result.model_copy(update={"target": plan.target})
            paths[index] = result
            if result.pmtu is None and not _can_send_probes(result.family):
                raise _NeedsPrivileges(run.say("reason.needs_privileges_probe", why=result.pmtu_reason or "-"))
            if result.pmtu is None:
                # The path's other measurements (echo, loss, RTT) stay in the report; the check says what is missing.
                raise _Unmeasured(run.say("reason.no_pmtu", why=result.pmtu_reason or "-"))

        return work

    async def measure_mss() -> None:
        nonlocal mss_result
        if not options.mss_server:
            raise _Skip(run.say("reason.no_mss_server"))
        from diag.checks.mss import measure_mss as mss_check

        mss_result = await mss_check(options.mss_server, timeout=MSS_TIMEOUT_S)
        if mss_result.local_mss is None and mss_result.server_seen_mss is None:
            raise _Unmeasured(mss_result.reason or "-")

    async with asyncio.TaskGroup() as group:
        for index, plan in enumerate(plans):
            group.create_task(
                run.step(
                    f"pmtu:{plan.target}",
                    probe_path(index, plan),
                    PMTU_MAX_TIME_S + PMTU_GRACE_S,
                    report_name=f"pmtu.{plan.role}",
                )
            )
        group.create_task(run.step("mss", measure_mss, MSS_TIMEOUT_S + 1.0))
    if not plans:
        run.record("pmtu", "pmtu", _Outcome("skipped", run.say("reason.no_path_target"), 0.0))
    measured = [p for p in paths if p is not None]

    underlay = next((p for p in measured if p.role == "underlay"), None)
    rtt_ms, link_speed = _tcp_inputs(measured, underlay, adapters, routes)

    async def read_tcp_settings() -> Tcp:
        from diag.checks.tcp import read_tcp

        return await run_blocking(read_tcp, rtt_ms, link_speed)

    tcp = await run.step("tcp", read_tcp_settings, TCP_TIMEOUT_S)
    if tcp is not None and mss_result is not None:
        tcp = tcp.model_copy(update={"mss": mss_result})

    # The VPN can drop while the checks run ("it drops every few minutes"): an adapter that was up at the start and
    # is gone or down now is recorded as down, and the check says so; measurements through it may be cut short.
    async def vpn_still_up() -> None:
        nonlocal adapters
        from diag.checks.adapters import interfaces_up, vanished_vpn_adapters

        vanished = vanished_vpn_adapters(adapters, await run_blocking(interfaces_up))
        if vanished:
            adapters = [a.model_copy(update={"is_up": False}) if a.name in vanished else a for a in adapters]
            raise _Unmeasured(run.say("reason.vpn_dropped", adapters=", ".join(vanished)))

    if any(a.is_vpn and a.is_up for a in adapters):
        await run.step("vpn_still_up", vpn_still_up, VPN_STILL_UP_TIMEOUT_S)

    vpn = await _vpn_block(run, options, adapters, tunnel_adapter, underlay)

    report = Report(
        lang=options.lang,
        tool=Tool(version=__version__),
        system=system,
        adapters=adapters,
        paths=measured,
        routes=routes,
        tcp=tcp,
        vpn=vpn,
        checks=run.checks,
    )
    return apply_rules(report, options.lang)


def _can_send_probes(family: Literal[4, 6]) -> bool:
    """Whether this process can send DF probes at all: a raw or ping socket, or the system ping as a fallback."""
    from diag.probe.icmp import icmp_access
    from diag.probe.system_ping import system_ping_available

    return icmp_access(family) != "none" or system_ping_available()


class _Unmeasured(VpndiagError):
    """Recorded as a failed check: the probe ran but could not measure the path MTU (the reason says why)."""


async def _vpn_block(
    run: _Run,
    options: RunOptions,
    adapters: list[Adapter],
    tunnel_adapter: Adapter | None,
    underlay: PathResult | None,
) -> Vpn | None:
    """The `vpn` block from the checks' calculator; what was observed is kept when the overhead is unknown."""
    observed = Vpn(
        protocol=options.protocol,
        server=options.vpn_server,
        adapter=tunnel_adapter.name if tunnel_adapter else None,
        tunnel_mtu=tunnel_adapter.mtu if tunnel_adapter else None,
        underlay_pmtu=underlay.pmtu if underlay else None,
    )

    async def overhead() -> Vpn:
        from diag.checks.vpn import describe_vpn

        vpn = describe_vpn(
            adapters,
            protocol=options.protocol,
            vpn_server=options.vpn_server,
            underlay_pmtu=underlay.pmtu if underlay else None,
            outer_family=underlay.family if underlay else None,
            lang=run.lang,
        )
        if vpn is None:
            raise _Skip(run.say("reason.no_protocol"))
        return vpn

    if options.vpn_server is None and options.protocol is None and tunnel_adapter is None:
        return None
    vpn = await run.step("overhead", overhead, OVERHEAD_TIMEOUT_S)
    return vpn if vpn is not None else observed
