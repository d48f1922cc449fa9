"""Adapters: every network interface with its MTU, state, speed, addresses, and what kind it is (VPN or not).

psutil gives the same basics on every OS; the kind comes from one table of name / driver / description patterns
per OS (`KIND_PATTERNS`) plus the VPN programs that are running (`VPN_PROCESSES`). The per-OS extras (Linux
`ip -j -d link`, Windows `Get-NetAdapter` and `netsh interface ipv4 show subinterfaces`, macOS
`networksetup -listallhardwareports` and `ifconfig`) each have one pure parser, tested on recorded outputs.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import re
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from diag.addresses import address_scope
from diag.checks._output import int_field, json_entries, parse_int, text_field
from diag.checks._system import OsName, current_os, powershell, run_command
from reports.model import VPN_KINDS, Adapter, AdapterKind, IpAddress

# IP packets are at most 65535 bytes (RFC 791 §3.1, RFC 8200 §3); loopback devices report more (Linux lo 65536,
# Windows loopback 4294967295), which is no MTU a path can have.
MAX_IP_MTU = 65535


@dataclass(frozen=True)
class LinkFacts:
    """What one OS tool says about an interface, beyond psutil."""

    name: str
    mtu: int | None = None
    is_up: bool | None = None
    description: str | None = None
    """Windows InterfaceDescription (the driver), macOS hardware port."""
    driver: str | None = None
    """Linux link kind from netlink: wireguard, tun, tap, veth, vti, ppp ..."""
    mac: str | None = None
    speed_mbps: int | None = None
    has_address: bool | None = None


@dataclass(frozen=True)
class KindPattern:
    systems: frozenset[OsName]
    field: Literal["name", "driver", "description"]
    pattern: re.Pattern[str]
    kind: AdapterKind


def _p(systems: str, field: Literal["name", "driver", "description"], regex: str, kind: AdapterKind) -> KindPattern:
    names: frozenset[OsName] = frozenset(systems.split(","))  # type: ignore[arg-type]
    return KindPattern(names, field, re.compile(regex, re.IGNORECASE), kind)


K = AdapterKind
# First match wins; driver and description before names because they are more specific.
KIND_PATTERNS: tuple[KindPattern, ...] = (
    # Linux netlink link kinds (`ip -d link`: linkinfo.info_kind; tun devices carry tun/tap in info_data.type)
    _p("linux", "driver", r"^wireguard$", K.wireguard),
    _p("linux", "driver", r"^(vti6?|xfrm|ipsec)$", K.ipsec),
    _p("linux", "driver", r"^ppp$", K.ppp),
    _p("linux", "driver", r"^tap$", K.openvpn_tap),
    _p("linux", "driver", r"^wlan$", K.wifi),  # uevent DEVTYPE (net/wireless/core.c sets it for cfg80211 devices)
    _p("linux", "driver", r"^wwan$", K.cellular),
    _p("linux", "driver", r"^(veth|bridge|bond|vlan|macvlan|ipvlan)$", K.ethernet),
    _p("linux", "driver", r"^(gre|gretap|ip6gre|ipip|ip6tnl|sit|geneve|vxlan)$", K.other_tunnel),
    # Windows driver descriptions (Get-NetAdapter InterfaceDescription), vendors' adapters included
    _p("windows", "description", r"WireGuard Tunnel|NordLynx|Mullvad|Tailscale Tunnel|ProtonVPN Tun", K.wireguard),
    _p("windows", "description", r"OpenVPN Data Channel Offload", K.openvpn_tun),
    _p(
        "windows",
        "description",
        r"TAP-Windows Adapter|TAP-Win32|ExpressVPN TAP|TAP-NordVPN|TAP-ProtonVPN",
        K.openvpn_tap,
    ),
    _p("windows", "description", r"WAN Miniport \(IKEv2\)|IKEv2", K.ipsec),
    _p("windows", "description", r"WAN Miniport \(L2TP\)", K.l2tp),
    _p("windows", "description", r"WAN Miniport \(PPTP\)", K.pptp),
    _p("windows", "description", r"WAN Miniport \(SSTP\)", K.sstp),
    _p(
        "windows",
        "description",
        r"Wintun|AnyConnect|Fortinet SSL VPN|PANGP Virtual|GlobalProtect|Juniper Network Connect|Pulse Secure|"
        r"ZeroTier|SonicWall|Check Point Virtual Network",
        K.other_tunnel,
    ),
    _p("windows", "description", r"Loopback", K.loopback),
    _p("windows", "description", r"Wi-?Fi|Wireless|802\.11|WLAN", K.wifi),
    _p("windows", "description", r"Mobile Broadband|Remote NDIS|Cellular|\bLTE\b|\b5G\b", K.cellular),
    _p("windows", "description", r"Ethernet|GbE|Gigabit|Family Controller|\bLAN\b", K.ethernet),
    # macOS hardware ports (networksetup -listallhardwareports)
    _p("macos", "description", r"Wi-?Fi|AirPort", K.wifi),
    _p("macos", "description", r"iPhone|iPad|Bluetooth PAN", K.cellular),
    _p("macos", "description", r"Ethernet|LAN|Thunderbolt Bridge|Thunderbolt \d", K.ethernet),
    # Names
    _p("linux,macos,windows,other", "name", r"^lo\d*$|^Loopback", K.loopback),
    _p("linux,other", "name", r"^(wg|nordlynx|tailscale|mullvad|proton)", K.wireguard),
    _p("linux,macos,other", "name", r"^(ipsec|vti|xfrm)\d*", K.ipsec),
    _p("linux,other", "name", r"^tap\d*$", K.openvpn_tap),
    _p("linux,macos,other", "name", r"^(tun|utun)\d*$", K.other_tunnel),
    _p("linux,macos,other", "name", r"^ppp\d*$", K.ppp),
    _p("linux,other", "name", r"^(wl|wlan|ath|ra)\w*", K.wifi),
    _p("linux,other", "name", r"^(wwan|rmnet|usb)\w*", K.cellular),
    _p("linux,other", "name", r"^(eth|en|em|veth|br|bond)\w*", K.ethernet),
    _p("windows", "name", r"^(Wi-?Fi|WLAN|ワイヤレス)", K.wifi),
    _p("windows", "name", r"^(Ethernet|イーサネット)", K.ethernet),
    # Linux link types of devices without a link kind, when no name matched
    _p("linux", "driver", r"^link:ether$", K.ethernet),
    _p("linux", "driver", r"^link:ppp$", K.ppp),
)


@dataclass(frozen=True)
class VpnProcess:
    """A running VPN program: what it tells us about the protocol and, when its command line says, the adapter."""

    name: str
    protocol: str
    kind: AdapterKind
    interface: str | None = None
    transport: str | None = None


# process name (lower case, without .exe) -> (protocol, adapter kind it drives)
VPN_PROCESSES: Mapping[str, tuple[str, AdapterKind]] = {
    "openvpn": ("openvpn-udp", K.openvpn_tun),
    "openvpn-gui": ("openvpn-udp", K.openvpn_tun),
    "openvpnserv": ("openvpn-udp", K.openvpn_tun),
    "wireguard": ("wireguard", K.wireguard),
    "wireguard-go": ("wireguard", K.wireguard),
    "wg-quick": ("wireguard", K.wireguard),
    "boringtun": ("wireguard", K.wireguard),
    "boringtun-cli": ("wireguard", K.wireguard),
    "tailscaled": ("wireguard", K.wireguard),
    "mullvad-daemon": ("wireguard", K.wireguard),
    "nordvpnd": ("wireguard", K.wireguard),
    "charon": ("ikev2", K.ipsec),
    "charon-systemd": ("ikev2", K.ipsec),
    "racoon": ("ipsec", K.ipsec),
    "xl2tpd": ("l2tp", K.l2tp),
    "pptp": ("pptp", K.pptp),
    "sstpc": ("sstp", K.sstp),
    "openconnect": ("openconnect", K.other_tunnel),
    "vpnagentd": ("openconnect", K.other_tunnel),
    "vpnagent": ("openconnect", K.other_tunnel),
}


def process_facts(name: str, cmdline: list[str]) -> VpnProcess | None:
    """Which VPN a process is, from its name and command line (pure)."""
    base = name.lower().removesuffix(".exe")
    if base not in VPN_PROCESSES:
        return None
    protocol, kind = VPN_PROCESSES[base]
    args = cmdline[1:]
    interface: str | None = None
    transport: str | None = None
    if base in ("wireguard-go", "boringtun", "boringtun-cli"):
        # `wireguard-go [-f] INTERFACE` (wireguard-go main.go usage)
        interface = next((a for a in args if not a.startswith("-")), None)
    elif base == "openvpn":
        for flag, value in itertools.pairwise(args):
            if flag == "--dev":
                interface = value
                kind = K.openvpn_tap if value.startswith("tap") else K.openvpn_tun
            elif flag == "--proto":
                transport = "tcp" if value.startswith("tcp") else "udp"
        if transport == "tcp":
            protocol = "openvpn-tcp"
    return VpnProcess(base, protocol, kind, interface, transport)


def running_vpn_processes() -> list[VpnProcess]:
    import psutil

    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        # Another user's command line may be unreadable (macOS, Windows): the name alone still counts.
        facts = process_facts(proc.info.get("name") or "", proc.info.get("cmdline") or [])
        if facts is not None:
            found.append(facts)
    return found


# ---- parsers of recorded command outputs -------------------------------------------------------------------------


def _mtu(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    number = value if isinstance(value, int) else parse_int(value) if isinstance(value, str) else None
    return number if number is not None and 68 <= number <= MAX_IP_MTU else None


def parse_ip_link(text: str) -> list[LinkFacts]:
    """Linux `ip -j -d link show`."""
    links = []
    for entry in json_entries(text, "ip link"):
        name = text_field(entry, "ifname")
        if name is None:
            continue
        info = entry.get("linkinfo")
        info = info if isinstance(info, dict) else {}
        driver = text_field(info, "info_kind")
        link_type = text_field(entry, "link_type")
        if driver == "tun":
            # tun devices say tun (layer 3) or tap (Ethernet) in info_data.type
            data = info.get("info_data")
            driver = (text_field(data, "type") if isinstance(data, dict) else None) or "tun"
        elif driver is None and link_type in ("ether", "ppp"):
            # no link kind (a physical NIC): the link type is the last resort, after the name patterns
            driver = f"link:{link_type}"
        flags = entry.get("flags")
        flags = flags if isinstance(flags, list) else []
        links.append(
            LinkFacts(
                name=name,
                mtu=_mtu(entry.get("mtu")),
                is_up="UP" in flags and entry.get("operstate") != "DOWN",
                driver=driver,
                mac=text_field(entry, "address") if link_type == "ether" else None,
            )
        )
    return links


def parse_uevent(name: str, text: str) -> LinkFacts | None:
    """Linux /sys/class/net/NAME/uevent: DEVTYPE=wlan (Wi-Fi) or wwan (cellular) when the driver says so."""
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key == "DEVTYPE" and value in ("wlan", "wwan"):
            return LinkFacts(name=name, driver=value)
    return None


def parse_get_netadapter(text: str) -> list[LinkFacts]:
    """Windows `Get-NetAdapter | Select-Object Name,InterfaceDescription,ifIndex,Status,MacAddress,
    ReceiveLinkSpeed,MtuSize | ConvertTo-Json` (a single adapter comes as an object, several as a list)."""
    links = []
    for entry in json_entries(text, "Get-NetAdapter"):
        name = text_field(entry, "Name")
        if name is None:
            continue
        speed = int_field(entry, "ReceiveLinkSpeed")
        links.append(
            LinkFacts(
                name=name,
                mtu=_mtu(entry.get("MtuSize")),
                is_up=entry.get("Status") == "Up",
                description=text_field(entry, "InterfaceDescription") or None,
                mac=text_field(entry, "MacAddress") or None,
                speed_mbps=speed // 1_000_000 if speed is not None and speed > 0 else None,
            )
        )
    return links


# MTU, MediaSenseState, bytes in, bytes out, interface name (the headers are translated; the columns are not)
_SUBINTERFACE_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S.*?)\s*$")


def parse_netsh_subinterfaces(text: str) -> list[LinkFacts]:
    """Windows `netsh interface ipv4 show subinterfaces`, any display language."""
    links = []
    for line in text.splitlines():
        match = _SUBINTERFACE_ROW.match(line)
        if match:
            # MediaSenseState 1 = connected (netsh's numeric media sense state)
            links.append(LinkFacts(name=match[5], mtu=_mtu(match[1]), is_up=match[2] == "1"))
    return links


def parse_networksetup_ports(text: str) -> list[LinkFacts]:
    """macOS `networksetup -listallhardwareports`: hardware port name per device."""
    links = []
    port: str | None = None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "Hardware Port":
            port = value
        elif key == "Device" and port is not None:
            links.append(LinkFacts(name=value, description=port))
            port = None
    return links


_IFCONFIG_HEAD = re.compile(r"^(\S+): flags=[0-9a-f]+<([^>]*)> mtu (\d+)")


def parse_ifconfig(text: str) -> list[LinkFacts]:
    """macOS `ifconfig` (all interfaces)."""
    links: list[LinkFacts] = []
    for line in text.splitlines():
        head = _IFCONFIG_HEAD.match(line)
        if head:
            flags = head[2].split(",")
            links.append(LinkFacts(name=head[1], mtu=_mtu(head[3]), is_up="UP" in flags, has_address=False))
            continue
        if not links:
            continue
        body = line.strip()
        last = links[-1]
        if body.startswith("status: "):
            links[-1] = replace(last, is_up=bool(last.is_up) and body == "status: active")
        elif body.startswith("ether "):
            links[-1] = replace(last, mac=body.split()[1])
        elif body.startswith("inet ") or (body.startswith("inet6 ") and "%" not in body.split()[1]):
            # a link-local IPv6 address alone is what every macOS system utun has
            links[-1] = replace(last, has_address=True)
    return links


# ---- classification (pure) ---------------------------------------------------------------------------------------


def classify(
    name: str,
    facts: LinkFacts,
    os_name: OsName,
    processes: Iterable[VpnProcess] = (),
) -> tuple[AdapterKind, str]:
    """The adapter's kind and why it was chosen."""
    procs = list(processes)
    for proc in procs:
        if proc.interface == name:
            return proc.kind, f"process {proc.name} runs this interface"
    kind, why = K.unknown, "no name, driver or description pattern matched"
    for pattern in KIND_PATTERNS:
        if os_name not in pattern.systems:
            continue
        value = {"name": name, "driver": facts.driver, "description": facts.description}[pattern.field]
        if value and pattern.pattern.search(value):
            kind, why = pattern.kind, f"{pattern.field} {value!r}"
            break
    if kind == K.other_tunnel and os_name == "macos" and name.startswith("utun") and facts.has_address is False:
        # macOS keeps several utun interfaces for its own services, with only a link-local IPv6 address.
        return K.unknown, f"name {name!r}: a macOS system tunnel without addresses"
    # A generic tunnel (tun, utun, Wintun) belongs to the VPN program that is running, when only one kind runs.
    generic = kind == K.other_tunnel or (kind == K.ppp and os_name == "macos")
    if generic:
        kinds = {p.kind for p in procs if p.interface is None and p.kind != K.other_tunnel}
        if len(kinds) == 1:
            proc = next(p for p in procs if p.kind in kinds)
            return proc.kind, f"{why} with process {proc.name} running"
    return kind, why


def _ip_address(address: str, netmask: str | None) -> IpAddress | None:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return None
    prefix: int | None = None
    if netmask:
        try:
            prefix = ipaddress.ip_network(f"0.0.0.0/{netmask}" if ip.version == 4 else f"::/{netmask}").prefixlen
        except ValueError:
            prefix = None
    return IpAddress(address=str(ip), family=4 if ip.version == 4 else 6, prefixlen=prefix, scope=address_scope(ip))


@dataclass(frozen=True)
class PsutilView:
    """psutil's view of the interfaces: stats and addresses (collected at the edge, merged by the pure code)."""

    stats: Mapping[str, tuple[bool, int, int]]
    """name -> (is_up, mtu, speed in Mbit/s, 0 when unknown)"""
    addresses: Mapping[str, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    """name -> (family AF_INET/AF_INET6/other, address, netmask)"""
    macs: Mapping[str, str] = field(default_factory=dict)


def build_adapters(
    view: PsutilView,
    extra: Iterable[LinkFacts],
    os_name: OsName,
    processes: Iterable[VpnProcess] = (),
) -> list[Adapter]:
    """Merge psutil's view with the OS tools' facts and classify every interface (pure)."""
    procs = list(processes)
    by_name: dict[str, LinkFacts] = {}
    for facts in extra:
        known = by_name.get(facts.name)
        if known is None:
            by_name[facts.name] = facts
        else:
            # several tools about one interface: keep what each one knew
            by_name[facts.name] = LinkFacts(
                name=facts.name,
                mtu=known.mtu if known.mtu is not None else facts.mtu,
                is_up=known.is_up if known.is_up is not None else facts.is_up,
                description=known.description or facts.description,
                driver=known.driver or facts.driver,
                mac=known.mac or facts.mac,
                speed_mbps=known.speed_mbps or facts.speed_mbps,
                has_address=known.has_address if known.has_address is not None else facts.has_address,
            )
    adapters = []
    for name in sorted(set(view.stats) | set(by_name)):
        facts = by_name.get(name, LinkFacts(name=name))
        stat = view.stats.get(name)
        addresses = [
            ip
            for family, address, netmask in view.addresses.get(name, [])
            if family in (socket.AF_INET, socket.AF_INET6)
            for ip in [_ip_address(address, netmask)]
            if ip is not None
        ]
        if facts.has_address is None and name in view.addresses:
            has_routable = any(a.scope != "link-local" for a in addresses)
            facts = replace(facts, has_address=has_routable)
        kind, why = classify(name, facts, os_name, procs)
        mtu = _mtu(stat[1]) if stat else facts.mtu
        speed = stat[2] if stat and stat[2] > 0 else facts.speed_mbps
        # the OS tool's state (link and admin state) over psutil's, which is only the admin flag on some systems
        is_up = facts.is_up if facts.is_up is not None else bool(stat and stat[0])
        adapters.append(
            Adapter(
                name=name,
                mtu=mtu,
                is_up=is_up,
                is_vpn=kind in VPN_KINDS,
                kind=kind,
                speed_mbps=speed if kind not in VPN_KINDS else None,
                mac=view.macs.get(name) or facts.mac,
                addresses=addresses,
                description=facts.description,
                detected_by=why,
            )
        )
    return adapters


# ---- collection (I/O) --------------------------------------------------------------------------------------------


def _psutil_view() -> PsutilView:
    import psutil

    stats = {name: (s.isup, s.mtu, s.speed) for name, s in psutil.net_if_stats().items()}
    addresses: dict[str, list[tuple[int, str, str | None]]] = {}
    macs: dict[str, str] = {}
    for name, entries in psutil.net_if_addrs().items():
        for entry in entries:
            if entry.family == psutil.AF_LINK:
                if entry.address and entry.address not in ("00:00:00:00:00:00", "00-00-00-00-00-00"):
                    macs[name] = entry.address
            else:
                addresses.setdefault(name, []).append((int(entry.family), entry.address, entry.netmask))
    return PsutilView(stats=stats, addresses=addresses, macs=macs)


GET_NETADAPTER = (
    "Get-NetAdapter | Select-Object Name,InterfaceDescription,ifIndex,Status,MacAddress,ReceiveLinkSpeed,MtuSize "
    "| ConvertTo-Json"
)


def os_link_facts(os_name: OsName) -> tuple[list[LinkFacts], list[str]]:
    """The OS tools' facts about the interfaces, and the reasons for any tool that gave none."""
    facts: list[LinkFacts] = []
    reasons: list[str] = []
    sources: list[tuple[Any, Any]] = []
    if os_name == "linux":
        sources = [(lambda: run_command(["ip", "-j", "-d", "link", "show"]), parse_ip_link)]
    elif os_name == "windows":
        sources = [
            (lambda: powershell(GET_NETADAPTER), parse_get_netadapter),
            (lambda: run_command(["netsh", "interface", "ipv4", "show", "subinterfaces"]), parse_netsh_subinterfaces),
        ]
    elif os_name == "macos":
        sources = [
            (lambda: run_command(["networksetup", "-listallhardwareports"]), parse_networksetup_ports),
            (lambda: run_command(["ifconfig"]), parse_ifconfig),
        ]
    if os_name == "linux":
        for uevent in sorted(Path("/sys/class/net").glob("*/uevent")):
            with contextlib.suppress(OSError):
                found = parse_uevent(uevent.parent.name, uevent.read_text())
                if found is not None:
                    facts.append(found)
    for command, parser in sources:
        output = command()
        if output.text is None:
            reasons.append(output.reason or "no output")
            continue
        try:
            facts += parser(output.text)
        except (ValueError, KeyError, TypeError) as exc:
            reasons.append(f"unexpected output ({exc})")
    return facts, reasons


@dataclass(frozen=True)
class AdapterScan:
    adapters: list[Adapter]
    processes: list[VpnProcess]
    reasons: list[str]
    """What could not be read (a missing tool, a process list denied): for the check's status."""


def scan_adapters() -> AdapterScan:
    """The adapters, the VPN programs seen, and the reasons for anything that could not be read."""
    os_name = current_os()
    facts, reasons = os_link_facts(os_name)
    try:
        processes = running_vpn_processes()
    except Exception as exc:  # psutil can fail on exotic systems (no /proc): the names alone still classify
        processes = []
        reasons.append(f"running programs could not be listed ({exc})")
    return AdapterScan(build_adapters(_psutil_view(), facts, os_name, processes), processes, reasons)


def collect_adapters() -> list[Adapter]:
    """Every interface of this machine, classified. Works unprivileged; what a tool could not say stays None."""
    return scan_adapters().adapters


# protocol of the active tunnel, by adapter kind; the order is the preference when several are up
KIND_PROTOCOL: Mapping[AdapterKind, str] = {
    K.wireguard: "wireguard",
    K.openvpn_tun: "openvpn-udp",
    K.openvpn_tap: "openvpn-udp",
    K.ipsec: "ikev2",
    K.l2tp: "l2tp",
    K.pptp: "pptp",
    K.sstp: "sstp",
}


def detect_vpn_protocol(adapters: list[Adapter], processes: Iterable[VpnProcess] | None = None) -> str | None:
    """The VPN protocol in use, from the up VPN adapters (and the running VPN programs, when given)."""
    procs = list(processes or [])
    up = [a for a in adapters if a.is_vpn and a.is_up]
    for kind, protocol in KIND_PROTOCOL.items():
        for adapter in up:
            if adapter.kind != kind:
                continue
            if kind in (K.openvpn_tun, K.openvpn_tap) and any(p.transport == "tcp" for p in procs):
                return "openvpn-tcp"
            return protocol
    if up and any(p.protocol == "openconnect" for p in procs):
        return "openconnect"
    return None


def interfaces_up() -> set[str]:
    """The names of the interfaces that exist and are up now (cheap: one psutil call, no OS tool)."""
    import psutil

    return {name for name, stats in psutil.net_if_stats().items() if stats.isup}


def vanished_vpn_adapters(adapters: Iterable[Adapter], up_now: set[str]) -> list[str]:
    """VPN adapters that were up when the adapters were read and are gone or down now (pure)."""
    return [a.name for a in adapters if a.is_vpn and a.is_up and a.name not in up_now]
