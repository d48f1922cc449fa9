"""TCP receive window (RWIN): the largest window this computer offers, the throughput cap it sets at the RTT to
the VPN server, and the bandwidth-delay product (BDP) of the link.

The raw settings come from the OS (Linux /proc/sys, macOS `sysctl`, Windows `netsh interface tcp show global`,
`Get-NetTCPSetting` and the legacy registry values); one pure parser per output, one pure function per OS turns
them into figures. The Tcp model keeps the raw values in `settings`; the rules turn the figures into findings
(window scaling off = 64 KiB cap; window below the BDP).
"""

from __future__ import annotations

import platform
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from diag.checks._output import parse_int
from diag.checks._system import OsName, current_os, powershell, run_command
from reports.model import Tcp

# Without window scaling the window field is 16 bits: at most 65,535 bytes (RFC 9293 §3.1).
UNSCALED_MAX_WINDOW = 65535
# Window scale shift is at most 14 (RFC 7323 §2.3): 65,535 << 14, about 1 GiB.
MAX_WINDOW_SHIFT = 14
SCALED_MAX_WINDOW = UNSCALED_MAX_WINDOW << MAX_WINDOW_SHIFT

# Windows receive-window auto-tuning levels and the window scale factor each allows (Microsoft Learn, "netsh
# interface tcp" and "Description of Windows TCP features": disabled fixes the window at 64 KiB, highly
# restricted scales by 2, restricted by 4, normal by 8, experimental by 14).
WINDOWS_AUTOTUNING_SHIFT = {"disabled": 0, "highlyrestricted": 2, "restricted": 4, "normal": 8, "experimental": 14}

# Linux gives the window a share of the receive buffer, keeping the rest for sk_buff overhead: before 6.6
# space - space >> tcp_adv_win_scale (default 1: half); from 6.6 a per-connection scaling_ratio that starts at
# TCP_DEFAULT_SCALING_RATIO, also half (Documentation/networking/ip-sysctl.rst "tcp_adv_win_scale";
# include/net/tcp.h).
LINUX_SCALING_RATIO_SINCE = (6, 6)

LINUX_SYSCTLS = (
    "net.ipv4.tcp_rmem",
    "net.core.rmem_max",
    "net.ipv4.tcp_window_scaling",
    "net.ipv4.tcp_mtu_probing",
    "net.ipv4.tcp_adv_win_scale",
    "net.ipv4.tcp_moderate_rcvbuf",
    "net.ipv4.tcp_base_mss",
)
MACOS_SYSCTLS = (
    "net.inet.tcp.recvspace",
    "net.inet.tcp.autorcvbufmax",
    "net.inet.tcp.doautorcvbuf",
    "net.inet.tcp.rfc1323",
    "kern.ipc.maxsockbuf",
)
LEGACY_REGISTRY_VALUES = ("TcpWindowSize", "GlobalMaxTcpWindowSize", "Tcp1323Opts")


@dataclass(frozen=True)
class Window:
    window_scaling: bool | None
    max_receive_window: int | None
    default_receive_window: int | None = None
    autotuning_level: str | None = None
    mtu_probing: int | None = None
    reason: str | None = None


# ---- parsers -----------------------------------------------------------------------------------------------------

_SYSCTL_LINE = re.compile(r"^([\w.\-]+)\s*(?:=|:)\s*(.*?)\s*$")


def parse_sysctl(text: str) -> dict[str, str]:
    """`sysctl NAME...` on Linux ("name = value") and macOS ("name: value")."""
    values = {}
    for line in text.splitlines():
        match = _SYSCTL_LINE.match(line)
        if match:
            values[match[1]] = " ".join(match[2].split())
    return values


# The auto-tuning row of `netsh interface tcp show global`: the label is translated, the value is not.
_AUTOTUNING_LABEL = re.compile(r"Auto-?Tuning|自動チューニング|自動調整", re.IGNORECASE)


def parse_netsh_tcp_global(text: str) -> dict[str, str]:
    """Windows `netsh interface tcp show global`, English or Japanese: the auto-tuning level and the raw rows."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        label, sep, value = line.partition(" : ")
        if not sep:
            continue
        label, value = label.strip(), value.strip()
        values[label] = value
        if _AUTOTUNING_LABEL.search(label):
            values["autotuninglevel"] = value.lower()
    return values


def parse_get_nettcpsetting(text: str) -> dict[str, dict[str, str]]:
    """Windows `Get-NetTCPSetting` (list format): one block per setting name (Internet, Datacenter, ...)."""
    blocks: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in [*text.splitlines(), ""]:
        key, sep, value = line.partition(":")
        if sep and key.strip():
            current[key.strip()] = value.strip()
        elif current:
            blocks[current.get("SettingName", f"#{len(blocks)}")] = current
            current = {}
    return blocks


_REG_VALUE = re.compile(r"^\s+(\S+)\s+(REG_DWORD|REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ|REG_QWORD)\s+(.*?)\s*$")


def parse_reg_query(text: str) -> dict[str, int]:
    """`reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\Tcpip\\Parameters`: the legacy window values set."""
    found = {}
    for line in text.splitlines():
        match = _REG_VALUE.match(line)
        if match and match[1] in LEGACY_REGISTRY_VALUES and match[2] in ("REG_DWORD", "REG_QWORD"):
            value = parse_int(match[3], 0)
            if value is not None:
                found[match[1]] = value
    return found


# ---- figures (pure) ----------------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def linux_window(settings: Mapping[str, str], kernel: tuple[int, int] | None = None) -> Window:
    rmem = (settings.get("net.ipv4.tcp_rmem") or "").split()
    scaling_value = _int(settings.get("net.ipv4.tcp_window_scaling"))
    scaling = None if scaling_value is None else scaling_value != 0
    probing = _int(settings.get("net.ipv4.tcp_mtu_probing"))
    if len(rmem) != 3:
        return Window(scaling, None, mtu_probing=probing, reason="net.ipv4.tcp_rmem could not be read")
    default_buffer, max_buffer = int(rmem[1]), int(rmem[2])
    adv_win_scale = _int(settings.get("net.ipv4.tcp_adv_win_scale"))
    uses_ratio = kernel is not None and kernel >= LINUX_SCALING_RATIO_SINCE

    def window_from_space(space: int) -> int:
        # include/net/tcp.h tcp_win_from_space
        if uses_ratio or adv_win_scale is None:
            return space // 2
        if adv_win_scale <= 0:
            return space >> -adv_win_scale
        return space - (space >> adv_win_scale)

    cap = SCALED_MAX_WINDOW if scaling is not False else UNSCALED_MAX_WINDOW
    return Window(
        window_scaling=scaling,
        max_receive_window=min(window_from_space(max_buffer), cap),
        default_receive_window=min(window_from_space(default_buffer), cap),
        mtu_probing=probing,
    )


def macos_window(settings: Mapping[str, str]) -> Window:
    rfc1323 = _int(settings.get("net.inet.tcp.rfc1323"))
    scaling = None if rfc1323 is None else rfc1323 != 0
    recvspace = _int(settings.get("net.inet.tcp.recvspace"))
    auto = _int(settings.get("net.inet.tcp.doautorcvbuf"))
    auto_max = _int(settings.get("net.inet.tcp.autorcvbufmax"))
    maxsockbuf = _int(settings.get("kern.ipc.maxsockbuf"))
    # BSD offers the whole receive buffer as window; auto-tuning grows it up to autorcvbufmax (on by default).
    buffer = auto_max if auto != 0 and auto_max is not None else recvspace
    if buffer is None:
        return Window(scaling, None, reason="net.inet.tcp.recvspace could not be read")
    if maxsockbuf is not None:
        buffer = min(buffer, maxsockbuf)
    cap = SCALED_MAX_WINDOW if scaling is not False else UNSCALED_MAX_WINDOW
    return Window(
        window_scaling=scaling,
        max_receive_window=min(buffer, cap),
        default_receive_window=min(recvspace, cap) if recvspace is not None else None,
    )


def windows_window(settings: Mapping[str, str]) -> Window:
    """From netsh's level or Get-NetTCPSetting's (a group policy level wins when one is set)."""
    policy = (settings.get("AutoTuningLevelGroupPolicy") or "").lower()
    level = policy if policy and policy != "notconfigured" else None
    level = level or settings.get("autotuninglevel") or (settings.get("AutoTuningLevelLocal") or "").lower() or None
    if level is None:
        return Window(None, None, reason="the receive-window auto-tuning level could not be read")
    shift = WINDOWS_AUTOTUNING_SHIFT.get(level)
    if shift is None:
        return Window(None, None, autotuning_level=level, reason=f"unknown auto-tuning level {level!r}")
    return Window(
        window_scaling=shift > 0,
        max_receive_window=UNSCALED_MAX_WINDOW << shift,
        autotuning_level=level,
    )


def throughput_cap_mbps(window: int, rtt_ms: float) -> float:
    """At most one window per round trip: window / RTT."""
    return window * 8 / (rtt_ms / 1000) / 1e6


def bdp_bytes(link_speed_mbps: float, rtt_ms: float) -> int:
    """Bandwidth-delay product: what must be in flight to fill the link."""
    return round(link_speed_mbps * 1e6 / 8 * rtt_ms / 1000)


def tcp_from_settings(
    os_name: OsName,
    settings: Mapping[str, str],
    rtt_ms: float | None,
    link_speed_mbps: float | None,
    *,
    legacy_registry: Mapping[str, int] | None = None,
    kernel: tuple[int, int] | None = None,
    reasons: tuple[str, ...] = (),
) -> Tcp:
    if os_name == "linux":
        window = linux_window(settings, kernel)
    elif os_name == "macos":
        window = macos_window(settings)
    elif os_name == "windows":
        window = windows_window(settings)
    else:
        window = Window(None, None, reason=f"reading TCP settings is not supported on {os_name}")
    cap = None
    if window.max_receive_window is not None and rtt_ms is not None and rtt_ms > 0:
        cap = round(throughput_cap_mbps(window.max_receive_window, rtt_ms), 3)
    bdp = bdp_bytes(link_speed_mbps, rtt_ms) if link_speed_mbps is not None and rtt_ms is not None else None
    all_reasons = [*reasons, *([window.reason] if window.reason else [])]
    return Tcp(
        window_scaling=window.window_scaling,
        max_receive_window=window.max_receive_window,
        default_receive_window=window.default_receive_window,
        autotuning_level=window.autotuning_level,
        mtu_probing=window.mtu_probing,
        legacy_registry=dict(legacy_registry or {}),
        settings={k: v[:256] for k, v in settings.items()},
        rtt_ms=rtt_ms,
        throughput_cap_mbps=cap,
        link_speed_mbps=link_speed_mbps,
        bdp_bytes=bdp,
        reason="; ".join(all_reasons) or None,
    )


# ---- reading (I/O) -----------------------------------------------------------------------------------------------


def _read_proc_sys(name: str, root: Path = Path("/proc/sys")) -> str | None:
    try:
        return (root / name.replace(".", "/")).read_text().strip()
    except OSError:
        return None


def linux_settings(read: Callable[[str], str | None] = _read_proc_sys) -> dict[str, str]:
    values = {}
    for name in LINUX_SYSCTLS:
        value = read(name)
        if value is not None:
            values[name] = " ".join(value.split())
    return values


def _kernel_version() -> tuple[int, int] | None:
    match = re.match(r"(\d+)\.(\d+)", platform.release())
    return (int(match[1]), int(match[2])) if match else None


TCPIP_PARAMETERS = r"HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters"


def _windows_settings() -> tuple[dict[str, str], dict[str, int], list[str]]:
    settings: dict[str, str] = {}
    reasons = []
    netsh = run_command(["netsh", "interface", "tcp", "show", "global"])
    if netsh.text is not None:
        settings.update(parse_netsh_tcp_global(netsh.text))
    else:
        reasons.append(netsh.reason or "netsh gave no output")
    ps = powershell("Get-NetTCPSetting -SettingName Internet | Format-List *")
    if ps.text is not None:
        internet = parse_get_nettcpsetting(ps.text).get("Internet", {})
        for key in ("AutoTuningLevelLocal", "AutoTuningLevelGroupPolicy", "AutoTuningLevelEffective"):
            if key in internet:
                settings[key] = internet[key]
    reg = run_command(["reg", "query", TCPIP_PARAMETERS])
    legacy = parse_reg_query(reg.text) if reg.text is not None else {}
    return settings, legacy, reasons


def read_tcp(rtt_ms: float | None, link_speed_mbps: float | None) -> Tcp:
    """The receive-window figures of this computer at `rtt_ms` (RTT to the VPN server) and the link speed.

    Works unprivileged; what could not be read is None with the reason in `reason`.
    """
    os_name = current_os()
    if os_name == "linux":
        settings = linux_settings()
        return tcp_from_settings(os_name, settings, rtt_ms, link_speed_mbps, kernel=_kernel_version())
    if os_name == "macos":
        out = run_command(["sysctl", *MACOS_SYSCTLS])
        reasons = (out.reason,) if out.text is None and out.reason else ()
        return tcp_from_settings(os_name, parse_sysctl(out.text or ""), rtt_ms, link_speed_mbps, reasons=reasons)
    if os_name == "windows":
        settings, legacy, reasons_list = _windows_settings()
        return tcp_from_settings(
            os_name, settings, rtt_ms, link_speed_mbps, legacy_registry=legacy, reasons=tuple(reasons_list)
        )
    return tcp_from_settings(os_name, {}, rtt_ms, link_speed_mbps)
