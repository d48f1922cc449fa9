"""Commands a customer or network admin can copy, one builder per tool. Pure string building, tested on names with
spaces and quotes.

Sources: netsh — Microsoft docs "netsh interface ipv4 set subinterface"; ifconfig(8), networksetup(8) on macOS;
ip-link(8); nmcli(1); wg-quick(8) "MTU ="; OpenVPN 2.6 manual (--tun-mtu, --mssfix ... mtu); iptables-extensions(8)
TCPMSS and icmp/icmp6 matches; nft(8) "tcp option maxseg size set"; MikroTik RouterOS firewall mangle
change-mss. All collected in shared/reference/FACTS.md "Changing MTU and MSS".
"""

from __future__ import annotations

import shlex

# IPv6 links must carry at least 1280 bytes (RFC 8200 §5); below that an IPv6 MTU setting is refused.
IPV6_MIN_MTU = 1280

TCPIP_PARAMETERS = r"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"


def windows_name(name: str) -> str | None:
    """`"NAME"` for cmd.exe and netsh; None for a name no quoting can carry (a quote or a line break in it)."""
    if any(ch in name for ch in '"\r\n'):
        return None
    return f'"{name}"'


def posix_name(name: str) -> str:
    return shlex.quote(name)


def netsh_set_mtu(name: str, mtu: int, family: int) -> str | None:
    quoted = windows_name(name)
    if quoted is None:
        return None
    return f"netsh interface ipv{family} set subinterface {quoted} mtu={mtu} store=persistent"


def macos_ifconfig_mtu(name: str, mtu: int) -> str:
    return f"sudo ifconfig {posix_name(name)} mtu {mtu}"


def macos_networksetup_mtu(name: str, mtu: int) -> str:
    return f"sudo networksetup -setMTU {posix_name(name)} {mtu}"


def linux_ip_link_mtu(name: str, mtu: int) -> str:
    return f"sudo ip link set dev {posix_name(name)} mtu {mtu}"


def linux_nmcli_mtu(name: str, mtu: int, wifi: bool) -> str:
    """NetworkManager keeps the MTU on the connection profile, not the device; look the profile up by device."""
    setting = "802-11-wireless.mtu" if wifi else "802-3-ethernet.mtu"
    device = posix_name(name)
    return f'sudo nmcli connection modify "$(nmcli -g GENERAL.CONNECTION device show {device})" {setting} {mtu}'


def wireguard_config_line(mtu: int) -> str:
    return f"MTU = {mtu}"


def openvpn_config_lines(tunnel_mtu: int, path_mtu: int | None) -> str:
    """tun-mtu for the tunnel; `mssfix N mtu` (OpenVPN >= 2.6) sizes TCP so whole outer packets stay <= N."""
    lines = [f"tun-mtu {tunnel_mtu}"]
    if path_mtu is not None:
        lines.append(f"mssfix {path_mtu} mtu")
    return "\n".join(lines)


def allow_icmp_iptables() -> str:
    # ICMP type 3 code 4 (RFC 792, RFC 1191) and ICMPv6 type 2 (RFC 4443 §3.2; must not be filtered, RFC 4890).
    # FORWARD: messages from routers further out; OUTPUT: the ones this router sends itself.
    return "\n".join(
        [
            "sudo iptables -I FORWARD -p icmp --icmp-type fragmentation-needed -j ACCEPT",
            "sudo iptables -I OUTPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT",
            "sudo ip6tables -I FORWARD -p icmpv6 --icmpv6-type packet-too-big -j ACCEPT",
            "sudo ip6tables -I OUTPUT -p icmpv6 --icmpv6-type packet-too-big -j ACCEPT",
        ]
    )


def allow_icmp_nftables() -> str:
    return "\n".join(
        [
            "sudo nft insert rule inet filter forward icmp type destination-unreachable icmp code frag-needed accept",
            "sudo nft insert rule inet filter forward icmpv6 type packet-too-big accept",
        ]
    )


def allow_icmp_mikrotik() -> str:
    return "\n".join(
        [
            "/ip firewall filter add chain=forward protocol=icmp icmp-options=3:4 action=accept place-before=0",
            "/ipv6 firewall filter add chain=forward protocol=icmpv6 icmp-options=2:0 action=accept place-before=0",
        ]
    )


def clamp_mss_iptables(mss: int, mss_v6: int) -> str:
    """Lower, never raise: the tcpmss match leaves SYNs that already carry a small enough MSS alone."""
    return "\n".join(
        [
            f"sudo iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss {mss + 1}:65535 "
            f"-j TCPMSS --set-mss {mss}",
            f"sudo ip6tables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -m tcpmss --mss {mss_v6 + 1}:65535 "
            f"-j TCPMSS --set-mss {mss_v6}",
        ]
    )


def clamp_mss_nftables(mss: int, mss_v6: int) -> str:
    return "\n".join(
        [
            "sudo nft add rule inet filter forward meta nfproto ipv4 tcp flags syn "
            f"tcp option maxseg size gt {mss} tcp option maxseg size set {mss}",
            "sudo nft add rule inet filter forward meta nfproto ipv6 tcp flags syn "
            f"tcp option maxseg size gt {mss_v6} tcp option maxseg size set {mss_v6}",
        ]
    )


def clamp_mss_mikrotik(mss: int, mss_v6: int) -> str:
    return "\n".join(
        [
            f"/ip firewall mangle add chain=forward protocol=tcp tcp-flags=syn tcp-mss={mss + 1}-65535 "
            f"action=change-mss new-mss={mss} passthrough=yes",
            f"/ipv6 firewall mangle add chain=forward protocol=tcp tcp-flags=syn tcp-mss={mss_v6 + 1}-65535 "
            f"action=change-mss new-mss={mss_v6} passthrough=yes",
        ]
    )


def windows_autotuning_normal() -> str:
    # Microsoft docs, "netsh interface tcp set global autotuninglevel": normal lets the window grow to 16 MiB.
    return "netsh interface tcp set global autotuninglevel=normal"


def windows_delete_registry_values(names: list[str]) -> str:
    return "\n".join(f'reg delete "{TCPIP_PARAMETERS}" /v {name} /f' for name in names)


def sysctl_now_and_persist(settings: list[tuple[str, str]], conf_name: str) -> str:
    """Linux: set now with sysctl -w and keep it across reboots in /etc/sysctl.d (sysctl.d(5))."""
    now = "sudo sysctl -w " + " ".join(shlex.quote(f"{key}={value}") for key, value in settings)
    lines = "\\n".join(f"{key} = {value}" for key, value in settings)
    persist = f"printf '{lines}\\n' | sudo tee /etc/sysctl.d/{conf_name} >/dev/null"
    return f"{now}\n{persist}"


def macos_sysctl(settings: list[tuple[str, str]]) -> str:
    return "sudo sysctl -w " + " ".join(shlex.quote(f"{key}={value}") for key, value in settings)


def host_route(os_name: str, server: str, gateway: str, interface: str | None, family: int) -> str | None:
    """A host route that keeps the VPN server's own traffic outside the tunnel."""
    if os_name == "linux":
        prefix = 32 if family == 4 else 128
        dev = f" dev {posix_name(interface)}" if interface else ""
        ip = "ip" if family == 4 else "ip -6"
        return f"sudo {ip} route replace {server}/{prefix} via {gateway}{dev}"
    if family != 4:
        return None
    if os_name == "macos":
        return f"sudo route -n add -host {server} {gateway}"
    if os_name == "windows":
        return f"route -p add {server} mask 255.255.255.255 {gateway}"
    return None
