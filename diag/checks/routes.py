"""Routes: the default route's interface, and the route to the VPN server: does it leave outside the tunnel?

Linux asks the kernel (`ip -j route get`), macOS `route -n get`, Windows `Get-NetRoute` (or `route print` when
PowerShell is missing). One pure parser per command output, tested on recorded outputs; the longest-prefix
choice for Windows' route table is pure too. A lookup only asks the routing table; no packet is sent.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from diag.checks._output import int_field, json_entries, parse_int, text_field
from diag.checks._system import OsName, current_os, powershell, run_command
from reports.model import Adapter, AdapterKind, RouteInfo, Routes

IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IpAddr = ipaddress.IPv4Address | ipaddress.IPv6Address

# wg-quick marks WireGuard's own packets with fwmark 51820 so they skip its tunnel routing table
# (wireguard-tools src/wg-quick/linux.bash: DEFAULT_TABLE=51820, fwmark = table). A lookup with that mark sees the
# route the encrypted packets really take.
WG_QUICK_FWMARK = 51820


@dataclass(frozen=True)
class RouteEntry:
    """One route of a route table (Windows) or the answer of a lookup (Linux, macOS)."""

    destination: str
    interface: str | None
    gateway: str | None = None
    source: str | None = None
    metric: int = 0


# ---- parsers -----------------------------------------------------------------------------------------------------


def _linux_route(entry: dict[str, Any], destination: str) -> RouteEntry:
    return RouteEntry(
        destination=destination,
        interface=text_field(entry, "dev"),
        gateway=text_field(entry, "gateway"),
        source=text_field(entry, "prefsrc"),
        metric=int_field(entry, "metric") or 0,
    )


def parse_ip_route_get(text: str) -> RouteEntry | None:
    """Linux `ip -j route get ADDRESS`."""
    entries = json_entries(text, "ip route get")
    if not entries:
        return None
    return _linux_route(entries[0], text_field(entries[0], "dst") or "")


def parse_ip_route_default(text: str) -> RouteEntry | None:
    """Linux `ip -j route show default`: the default route with the lowest metric."""
    entries = [_linux_route(e, "default") for e in json_entries(text, "ip route show") if e.get("dst") == "default"]
    return min(entries, key=lambda e: e.metric) if entries else None


def parse_route_get_macos(text: str) -> RouteEntry | None:
    """macOS `route -n get ADDRESS` (also `default`)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in ("route to", "destination", "gateway", "interface"):
            fields[key.strip()] = value.strip()
    if "interface" not in fields:
        return None
    return RouteEntry(
        destination=fields.get("route to", fields.get("destination", "")),
        interface=fields["interface"],
        gateway=fields.get("gateway"),
    )


def parse_get_netroute(text: str) -> list[RouteEntry]:
    """Windows `Get-NetRoute | Select-Object DestinationPrefix,NextHop,InterfaceAlias,RouteMetric,InterfaceMetric
    | ConvertTo-Json`."""
    routes = []
    for entry in json_entries(text, "Get-NetRoute"):
        destination = text_field(entry, "DestinationPrefix")
        if destination is None:
            continue
        gateway = text_field(entry, "NextHop")
        # an on-link route's next hop is the unspecified address
        if gateway in ("0.0.0.0", "::"):
            gateway = None
        routes.append(
            RouteEntry(
                destination=destination,
                interface=text_field(entry, "InterfaceAlias"),
                gateway=gateway,
                # Windows adds the interface metric to the route metric (Get-NetRoute docs: "RouteMetric")
                metric=(int_field(entry, "RouteMetric") or 0) + (int_field(entry, "InterfaceMetric") or 0),
            )
        )
    return routes


_ROUTE_PRINT_V4 = re.compile(
    r"^\s*(\d{1,3}(?:\.\d{1,3}){3})\s+(\d{1,3}(?:\.\d{1,3}){3})\s+(\S+)\s+(\d{1,3}(?:\.\d{1,3}){3})\s+(\d+)\s*$"
)


def parse_route_print(text: str) -> list[RouteEntry]:
    """Windows `route print -4`, any display language: the rows of the active IPv4 routes.

    The interface column is the local address of the interface (`ip_to_adapter` maps it to a name); a gateway of
    "On-link" (translated on some systems) means no gateway. Persistent routes come after a second heading and
    have no interface column, so they do not match.
    """
    routes = []
    for line in text.splitlines():
        match = _ROUTE_PRINT_V4.match(line)
        if not match:
            continue
        try:
            network = ipaddress.ip_network(f"{match[1]}/{match[2]}", strict=False)
        except ValueError:
            continue  # not an address and mask (a mangled row): not a route
        gateway = match[3] if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", match[3]) else None
        routes.append(RouteEntry(str(network), match[4], gateway, match[4], parse_int(match[5]) or 0))
    return routes


def select_route(routes: Iterable[RouteEntry], destination: str) -> RouteEntry | None:
    """The route the OS picks for `destination`: longest prefix, then lowest metric (RFC 1812 §5.2.4.3)."""
    address = ipaddress.ip_address(destination)
    best: tuple[int, int, RouteEntry] | None = None
    for route in routes:
        try:
            network = ipaddress.ip_network(route.destination, strict=False)
        except ValueError:
            continue
        if network.version != address.version or address not in network:
            continue
        key = (network.prefixlen, -route.metric)
        if best is None or key > best[:2]:
            best = (*key, route)
    return best[2] if best else None


# ---- reading the routes (I/O) ------------------------------------------------------------------------------------


def server_address(vpn_server: str) -> str:
    """The address in "HOST", "HOST:PORT", "[V6]:PORT" or "V6"; host names are resolved by the system resolver."""
    host = vpn_server.strip()
    if host.startswith("["):
        host = host[1:].partition("]")[0]
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)
    return str(infos[0][4][0])


def _adapter_for(name_or_ip: str | None, adapters: list[Adapter]) -> Adapter | None:
    if name_or_ip is None:
        return None
    for adapter in adapters:
        if adapter.name == name_or_ip or any(a.address == name_or_ip for a in adapter.addresses):
            return adapter
    return None


def route_info(destination: str, entry: RouteEntry | None, adapters: list[Adapter]) -> RouteInfo:
    if entry is None:
        return RouteInfo(destination=destination)
    adapter = _adapter_for(entry.interface, adapters)
    return RouteInfo(
        destination=destination,
        interface=adapter.name if adapter else entry.interface,
        gateway=entry.gateway,
        source=entry.source,
        via_tunnel=adapter.is_vpn if adapter else None,
    )


@dataclass(frozen=True)
class _Lookup:
    default: RouteEntry | None
    server: RouteEntry | None
    reasons: tuple[str, ...]


def _json_or_reason(output_text: str | None, reason: str | None, parse: Any) -> tuple[Any, str | None]:
    if output_text is None:
        return None, reason
    try:
        return parse(output_text), None
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"unexpected output ({exc})"


def _lookup_linux(address: str | None, adapters: list[Adapter]) -> _Lookup:
    reasons = []
    out = run_command(["ip", "-j", "route", "show", "default"])
    default, why = _json_or_reason(out.text, out.reason, parse_ip_route_default)
    if default is None:
        out6 = run_command(["ip", "-6", "-j", "route", "show", "default"])
        default, why6 = _json_or_reason(out6.text, out6.reason, parse_ip_route_default)
        if default is None:
            reasons.append(why or why6 or "no default route")
    server = None
    if address is not None:
        out = run_command(["ip", "-j", "route", "get", address])
        server, why = _json_or_reason(out.text, out.reason, parse_ip_route_get)
        if why:
            reasons.append(why)
        tunnel = _adapter_for(server.interface if server else None, adapters)
        if server is not None and tunnel is not None and tunnel.kind == AdapterKind.wireguard:
            marked_out = run_command(["ip", "-j", "route", "get", address, "mark", str(WG_QUICK_FWMARK)])
            marked, _ = _json_or_reason(marked_out.text, marked_out.reason, parse_ip_route_get)
            if marked is not None and marked.interface != server.interface:
                server = marked
    return _Lookup(default, server, tuple(reasons))


def _lookup_macos(address: str | None) -> _Lookup:
    reasons = []
    out = run_command(["route", "-n", "get", "default"])
    default, why = _json_or_reason(out.text, out.reason, parse_route_get_macos)
    if default is None:
        reasons.append(why or "no default route")
    server = None
    if address is not None:
        family_flag = ["-inet6"] if ":" in address else []
        out = run_command(["route", "-n", "get", *family_flag, address])
        server, why = _json_or_reason(out.text, out.reason, parse_route_get_macos)
        if why:
            reasons.append(why)
    return _Lookup(default, server, tuple(reasons))


GET_NETROUTE = (
    "Get-NetRoute -AddressFamily {family} | Select-Object DestinationPrefix,NextHop,InterfaceAlias,RouteMetric,"
    "InterfaceMetric | ConvertTo-Json"
)


def _lookup_windows(address: str | None) -> _Lookup:
    family = "IPv6" if address and ":" in address else "IPv4"
    out = powershell(GET_NETROUTE.format(family=family))
    routes, why = _json_or_reason(out.text, out.reason, parse_get_netroute)
    if routes is None and family == "IPv4":
        out = run_command(["route", "print", "-4"])
        routes, why_print = _json_or_reason(out.text, out.reason, parse_route_print)
        why = why_print if routes is None else None
    if routes is None:
        return _Lookup(None, None, (why or "no route table",))
    default = select_route(routes, "0.0.0.0" if family == "IPv4" else "::")
    server = select_route(routes, address) if address else None
    return _Lookup(default, server, ())


def read_routes(vpn_server: str | None, adapters: list[Adapter], *, os_name: OsName | None = None) -> Routes:
    """The default route's interface and the route to `vpn_server` (which adapter, inside the tunnel or not)."""
    os_name = os_name or current_os()
    reasons: list[str] = []
    address: str | None = None
    if vpn_server:
        try:
            address = server_address(vpn_server)
        except (OSError, UnicodeError) as exc:
            reasons.append(f"the VPN server {vpn_server!r} could not be resolved ({exc})")
    if os_name == "linux":
        lookup = _lookup_linux(address, adapters)
    elif os_name == "macos":
        lookup = _lookup_macos(address)
    elif os_name == "windows":
        lookup = _lookup_windows(address)
    else:
        return Routes(reason=f"reading routes is not supported on {os_name}")
    reasons += lookup.reasons
    default = lookup.default
    default_adapter = _adapter_for(default.interface if default else None, adapters)
    return Routes(
        default_interface=(default_adapter.name if default_adapter else default.interface) if default else None,
        default_gateway=default.gateway if default else None,
        vpn_server=route_info(address, lookup.server, adapters) if address else None,
        reason="; ".join(reasons) or None,
    )
