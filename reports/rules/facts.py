"""The measurements the rules look at, picked out of a report once.

Pure: a report in, plain values out. "Unknown" stays None; no rule may turn it into a number.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from reports.model import Adapter, AdapterKind, CheckStatus, PathResult, Platform, ProbeOutcome, Report, Vpn

DESKTOPS: tuple[Platform, ...] = ("windows", "macos", "linux")


@dataclass(frozen=True)
class Facts:
    report: Report
    # Platforms whose commands the fixes spell out: the customer's own OS, or every desktop OS when unknown.
    platforms: tuple[Platform, ...]
    underlay: PathResult | None
    tunnel: PathResult | None
    targets: tuple[PathResult, ...]
    vpn: Vpn | None
    tunnel_adapter: Adapter | None
    default_adapter: Adapter | None
    tunnel_mtu: int | None
    overhead: int | None
    underlay_pmtu: int | None
    protocol: str | None
    checks: dict[str, CheckStatus]

    @property
    def paths(self) -> tuple[PathResult, ...]:
        return tuple(self.report.paths)

    @property
    def vpn_checked(self) -> bool:
        """A VPN was expected: the run was told a VPN server or protocol."""
        return self.vpn is not None and (self.vpn.server is not None or self.vpn.protocol is not None)


def _best(paths: list[PathResult]) -> PathResult | None:
    """The most informative of several paths of one role: a measured MTU first, then the smallest one."""
    if not paths:
        return None
    measured = [p for p in paths if p.pmtu is not None]
    if measured:
        return min(measured, key=lambda p: p.pmtu or 0)
    return paths[0]


def _adapter(report: Report, name: str | None) -> Adapter | None:
    if name is None:
        return None
    return next((a for a in report.adapters if a.name == name), None)


def _tunnel_adapter(report: Report) -> Adapter | None:
    named = _adapter(report, report.vpn.adapter if report.vpn else None)
    if named is not None:
        return named
    return next((a for a in report.adapters if a.is_vpn and a.is_up), None)


def _default_adapter(report: Report) -> Adapter | None:
    named = _adapter(report, report.routes.default_interface if report.routes else None)
    if named is not None and not named.is_vpn:
        return named
    return next(
        (a for a in report.adapters if a.is_up and not a.is_vpn and a.kind != AdapterKind.loopback and a.mtu),
        None,
    )


def _platforms(os_name: str) -> tuple[Platform, ...]:
    for platform in DESKTOPS:
        if platform == os_name:
            return (platform,)
    return DESKTOPS


def collect(report: Report) -> Facts:
    os_name = report.system.os
    underlay = _best([p for p in report.paths if p.role == "underlay"])
    tunnel_path = _best([p for p in report.paths if p.role == "tunnel"])
    tunnel_adapter = _tunnel_adapter(report)
    vpn = report.vpn
    tunnel_mtu = vpn.tunnel_mtu if vpn and vpn.tunnel_mtu else (tunnel_adapter.mtu if tunnel_adapter else None)
    underlay_pmtu = underlay.pmtu if underlay and underlay.pmtu is not None else (vpn.underlay_pmtu if vpn else None)
    return Facts(
        report=report,
        platforms=_platforms(os_name),
        underlay=underlay,
        tunnel=tunnel_path,
        targets=tuple(p for p in report.paths if p.role == "target"),
        vpn=vpn,
        tunnel_adapter=tunnel_adapter,
        default_adapter=_default_adapter(report),
        tunnel_mtu=tunnel_mtu,
        overhead=vpn.overhead_bytes if vpn else None,
        underlay_pmtu=underlay_pmtu,
        protocol=vpn.protocol if vpn else None,
        checks={c.name: c for c in report.checks},
    )


def largest_ok(path: PathResult) -> int | None:
    sizes = [p.size for p in path.probes if p.outcome == ProbeOutcome.ok]
    return max(sizes) if sizes else None


def smallest_lost_above(path: PathResult, size: int) -> int | None:
    sizes = [p.size for p in path.probes if p.outcome == ProbeOutcome.lost and p.size > size]
    return min(sizes) if sizes else None


def times_lost(path: PathResult, size: int) -> int:
    return sum(1 for p in path.probes if p.outcome == ProbeOutcome.lost and p.size == size)


def is_ip_address(text: str | None) -> bool:
    """Redacted reports carry pseudonyms instead of addresses; a command may only use a real address."""
    if not text:
        return False
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True
