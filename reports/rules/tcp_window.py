"""TCP receive window (RWIN) findings: window scaling off, a window too small for the link, old tuning leftovers.

A connection can have at most one receive window of data in flight per round trip, so its throughput is capped at
window / RTT (64 KiB at 200 ms = 2.6 Mbit/s). Without window scaling (RFC 7323 §2) the window cannot exceed
65,535 bytes (RFC 9293). Filling a link needs window >= bandwidth x RTT (the bandwidth-delay product).
"""

from __future__ import annotations

from collections.abc import Mapping

from reports.i18n import Catalog
from reports.model import Severity, Tcp
from reports.rules import commands, steps
from reports.rules._model import RANK_ADVICE, RANK_CAUSE, Msg, Observation, Remedy, Step
from reports.rules.facts import Facts

UNSCALED_MAX_WINDOW = 65535  # RFC 9293: the 16-bit window field
# A window below the BDP by this factor still gives ~90 % of the link: not worth a warning.
BDP_SLACK = 0.9
# A window that lets one connection reach 1 Gbit/s limits nothing a customer would notice: consumer lines and VPN
# servers rarely give one flow more, and a fast local link (10 Gbit/s Ethernet, virtual adapters) would otherwise
# make every healthy machine look "limited".
ENOUGH_PER_CONNECTION_MBPS = 1000.0
MIB = 1024 * 1024
# Linux gives roughly half of the socket buffer to the advertised window (tcp_adv_win_scale, ip-sysctl.rst), so the
# buffer must be about twice the window wanted; 4 MiB is below every distribution's default tcp_rmem max (6 MiB).
LINUX_BUFFER_FACTOR = 2
MIN_SUGGESTED_BUFFER = 4 * MIB
# Windows auto-tuning levels that hold the window back (Microsoft docs, netsh interface tcp set global).
LIMITING_AUTOTUNING = frozenset({"disabled", "highlyrestricted", "restricted"})

MESSAGES = Catalog(
    "rules.tcp_window",
    {
        "en": {
            "window_scaling_disabled.title": "TCP window scaling is turned off",
            "window_scaling_disabled.title_autotuning": "Windows holds the TCP receive window at 64 KiB",
            "window_scaling_disabled.detail": "Without window scaling your computer can receive at most 64 KiB "
            "before it has to wait for the sender. At the {rtt_ms} ms round trip measured here, one download can "
            "reach only about {cap_mbps} Mbit/s, however fast your line is.",
            "window_scaling_disabled.detail_no_rtt": "Without window scaling your computer can receive at most "
            "64 KiB before it has to wait for the sender, so downloads over long distances, such as through a VPN "
            "abroad, stay slow however fast your line is.",
            "window_scaling_disabled.detail_autotuning": "Receive-window auto-tuning is set to “{level}”, so the "
            "window never grows beyond 64 KiB. At the {rtt_ms} ms round trip measured here, one download can reach "
            "only about {cap_mbps} Mbit/s, however fast your line is.",
            "window_scaling_disabled.detail_autotuning_no_rtt": "Receive-window auto-tuning is set to “{level}”, "
            "so the window never grows beyond 64 KiB and downloads over long distances stay slow.",
            "rwin_limits_throughput.title": "Your computer's TCP receive window limits download speed",
            "rwin_limits_throughput.detail": "The largest receive window is {window_kib} KiB. At the {rtt_ms} ms "
            "round trip measured here, one connection can download at most about {cap_mbps} Mbit/s, while your "
            "{link_mbps} Mbit/s line would need a window of about {bdp_kib} KiB.",
            "legacy_tcp_tweaks.title": "Old TCP tuning settings were found in the registry",
            "legacy_tcp_tweaks.detail": "The registry holds {names}, values that old “MTU/RWIN optimizer” tools "
            "for Windows XP wrote. Current Windows tunes the window itself; these leftovers do not help and make "
            "problems harder to find.",
            "fix.enable_window_scaling.title": "Turn TCP window scaling back on",
            "fix.enable_autotuning.title": "Turn Windows receive-window auto-tuning back on",
            "fix.raise_receive_window.title": "Let the TCP receive window grow to {size_mib} MiB",
            "fix.remove_legacy_tcp_tweaks.title": "Remove the old TCP tuning values",
        },
        "ja": {
            "window_scaling_disabled.title": "TCPのウィンドウスケーリングが無効になっています",
            "window_scaling_disabled.title_autotuning": "WindowsがTCP受信ウィンドウを64 KiBに制限しています",
            "window_scaling_disabled.detail": "ウィンドウスケーリングが無効だと、パソコンは64 KiBを受け取るたびに"
            "送信側を待たなければなりません。今回測った往復時間{rtt_ms}ミリ秒では、回線がどれほど速くても、"
            "1つのダウンロードは約{cap_mbps} Mbit/sまでしか出ません。",
            "window_scaling_disabled.detail_no_rtt": "ウィンドウスケーリングが無効だと、パソコンは64 KiBを"
            "受け取るたびに送信側を待たなければなりません。そのため海外のVPNサーバーなど遠くとの通信は、"
            "回線がどれほど速くても遅いままです。",
            "window_scaling_disabled.detail_autotuning": "受信ウィンドウの自動調整が「{level}」に設定されているため、"
            "ウィンドウが64 KiBより大きくなりません。今回測った往復時間{rtt_ms}ミリ秒では、回線がどれほど速くても、"
            "1つのダウンロードは約{cap_mbps} Mbit/sまでしか出ません。",
            "window_scaling_disabled.detail_autotuning_no_rtt": "受信ウィンドウの自動調整が「{level}」に設定されて"
            "いるため、ウィンドウが64 KiBより大きくならず、遠くとの通信が遅いままです。",
            "rwin_limits_throughput.title": "TCP受信ウィンドウがダウンロード速度を制限しています",
            "rwin_limits_throughput.detail": "受信ウィンドウの最大値は{window_kib} KiBです。今回測った往復時間"
            "{rtt_ms}ミリ秒では、1つの接続のダウンロードは最大で約{cap_mbps} Mbit/sです。{link_mbps} Mbit/sの"
            "回線を使い切るには、約{bdp_kib} KiBのウィンドウが必要です。",
            "legacy_tcp_tweaks.title": "レジストリに古いTCPチューニング設定が残っています",
            "legacy_tcp_tweaks.detail": "レジストリに {names} が設定されています。これはWindows XP向けの古い"
            "「MTU/RWIN最適化」ツールが書き込む値です。現在のWindowsはウィンドウを自動で調整するため、"
            "これらの値は役に立たず、問題の原因を分かりにくくします。",
            "fix.enable_window_scaling.title": "TCPのウィンドウスケーリングを有効に戻す",
            "fix.enable_autotuning.title": "Windowsの受信ウィンドウ自動調整を有効に戻す",
            "fix.raise_receive_window.title": "TCP受信ウィンドウが{size_mib} MiBまで広がるようにする",
            "fix.remove_legacy_tcp_tweaks.title": "古いTCPチューニングの値を削除する",
        },
    },
)


def _msg(key: str, **fields: object) -> Msg:
    return Msg(MESSAGES, key, fields)


# Outside these a figure is not a measurement (loopback takes ~0.02 ms; the fastest Ethernet is 800 Gbit/s); using
# one would overflow the arithmetic or put a cap of "infinity" into the report - and an uploaded report can carry
# any float.
MIN_RTT_MS = 0.001
MAX_RTT_MS = 600_000.0
MAX_LINK_MBPS = 10_000_000.0


def _rtt(tcp: Tcp) -> float | None:
    rtt = tcp.rtt_ms
    return rtt if rtt is not None and MIN_RTT_MS <= rtt <= MAX_RTT_MS else None


def _link(tcp: Tcp) -> float | None:
    link = tcp.link_speed_mbps
    return link if link is not None and link <= MAX_LINK_MBPS else None


def cap_mbps(window: int, rtt_ms: float) -> float:
    """Throughput cap of one connection: window / RTT, in Mbit/s."""
    return window * 8 / (rtt_ms / 1000) / 1e6


def _window_scaling_disabled(tcp: Tcp) -> Observation | None:
    level = (tcp.autotuning_level or "").lower()
    autotuning_off = level == "disabled"
    if tcp.window_scaling is not False and not autotuning_off:
        return None
    rtt = _rtt(tcp)
    cap = round(cap_mbps(UNSCALED_MAX_WINDOW, rtt), 1) if rtt else None
    if autotuning_off:
        title = _msg("window_scaling_disabled.title_autotuning")
        detail = (
            _msg(
                "window_scaling_disabled.detail_autotuning", level=tcp.autotuning_level, rtt_ms=round(rtt), cap_mbps=cap
            )
            if rtt
            else _msg("window_scaling_disabled.detail_autotuning_no_rtt", level=tcp.autotuning_level)
        )
    else:
        title = _msg("window_scaling_disabled.title")
        detail = (
            _msg("window_scaling_disabled.detail", rtt_ms=round(rtt), cap_mbps=cap)
            if rtt
            else _msg("window_scaling_disabled.detail_no_rtt")
        )
    return Observation(
        id="window_scaling_disabled",
        severity=Severity.warning,
        confidence=0.9,
        evidence={
            "window_scaling": tcp.window_scaling,
            "autotuning_level": tcp.autotuning_level,
            "max_receive_window": tcp.max_receive_window,
            "rtt_ms": rtt,
            "throughput_cap_mbps": cap,
        },
        title=title,
        detail=detail,
    )


def _rwin_limits_throughput(tcp: Tcp) -> Observation | None:
    window, rtt, link = tcp.max_receive_window, _rtt(tcp), _link(tcp)
    if window is None or not rtt or not link:
        return None
    bdp = tcp.bdp_bytes if tcp.bdp_bytes is not None else round(link * 1e6 / 8 * rtt / 1000)
    if window >= bdp * BDP_SLACK:
        return None
    cap = round(tcp.throughput_cap_mbps if tcp.throughput_cap_mbps is not None else cap_mbps(window, rtt), 1)
    if cap >= ENOUGH_PER_CONNECTION_MBPS:
        return None
    return Observation(
        id="rwin_limits_throughput",
        severity=Severity.warning,
        # The cap is per connection; several connections together can still fill the line.
        confidence=0.8,
        evidence={
            "max_receive_window": window,
            "rtt_ms": rtt,
            "throughput_cap_mbps": cap,
            "link_speed_mbps": link,
            "bdp_bytes": bdp,
        },
        title=_msg("rwin_limits_throughput.title"),
        detail=_msg(
            "rwin_limits_throughput.detail",
            window_kib=round(window / 1024),
            rtt_ms=round(rtt),
            cap_mbps=cap,
            link_mbps=round(link),
            bdp_kib=round(bdp / 1024),
        ),
    )


def _legacy_tweaks(tcp: Tcp) -> Observation | None:
    if not tcp.legacy_registry:
        return None
    names = ", ".join(sorted(tcp.legacy_registry))
    evidence: dict[str, int | str] = {"names": names}
    evidence.update(tcp.legacy_registry)
    return Observation(
        id="legacy_tcp_tweaks",
        severity=Severity.info,
        confidence=0.9,
        evidence=evidence,
        title=_msg("legacy_tcp_tweaks.title"),
        detail=_msg("legacy_tcp_tweaks.detail", names=names),
    )


def observe(facts: Facts) -> list[Observation]:
    tcp = facts.report.tcp
    if tcp is None:
        return []
    rules = (_window_scaling_disabled, _rwin_limits_throughput, _legacy_tweaks)
    return [o for o in (rule(tcp) for rule in rules) if o is not None]


def suggested_buffer(bdp_bytes: int) -> int:
    """The smallest power of two that holds twice the BDP, and at least 4 MiB."""
    size = MIN_SUGGESTED_BUFFER
    while size < bdp_bytes * LINUX_BUFFER_FACTOR:
        size *= 2
    return size


def _linux_rmem_low_values(tcp: Tcp) -> tuple[str, str]:
    parts = tcp.settings.get("net.ipv4.tcp_rmem", "").split()
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return parts[0], parts[1]
    return "4096", "131072"  # the kernel's defaults (ip-sysctl.rst, tcp_rmem)


def _scaling_steps(facts: Facts) -> list[Step]:
    out: list[Step] = []
    for platform in facts.platforms:
        if platform == "windows":
            out.append(Step("windows", steps.say("win_autotuning"), commands.windows_autotuning_normal()))
        elif platform == "macos":
            out.append(Step("macos", steps.say("mac_rfc1323"), commands.macos_sysctl([("net.inet.tcp.rfc1323", "1")])))
        elif platform == "linux":
            command = commands.sysctl_now_and_persist(
                [("net.ipv4.tcp_window_scaling", "1")], "90-vpndiag-window-scaling.conf"
            )
            out.append(Step("linux", steps.say("linux_window_scaling"), command))
    return out


def _buffer_steps(facts: Facts, tcp: Tcp, size: int) -> list[Step]:
    out: list[Step] = []
    size_mib = size // MIB
    for platform in facts.platforms:
        if platform == "windows":
            if (tcp.autotuning_level or "normal").lower() in LIMITING_AUTOTUNING:
                out.append(Step("windows", steps.say("win_autotuning"), commands.windows_autotuning_normal()))
        elif platform == "macos":
            settings = [("kern.ipc.maxsockbuf", str(size * 2)), ("net.inet.tcp.autorcvbufmax", str(size))]
            out.append(Step("macos", steps.say("mac_rcvbuf", size_mib=size_mib), commands.macos_sysctl(settings)))
        elif platform == "linux":
            low, default = _linux_rmem_low_values(tcp)
            settings = [("net.ipv4.tcp_rmem", f"{low} {default} {size}"), ("net.core.rmem_max", str(size))]
            command = commands.sysctl_now_and_persist(settings, "90-vpndiag-rwin.conf")
            out.append(Step("linux", steps.say("linux_rmem", size_mib=size_mib), command))
    return out


def remedies(facts: Facts, found: Mapping[str, Observation]) -> list[Remedy]:
    tcp = facts.report.tcp
    if tcp is None:
        return []
    out: list[Remedy] = []
    scaling = found.get("window_scaling_disabled")
    limited = found.get("rwin_limits_throughput")
    if scaling is not None:
        ids = ("window_scaling_disabled", "rwin_limits_throughput") if limited else ("window_scaling_disabled",)
        autotuning = (tcp.autotuning_level or "").lower() == "disabled"
        scaling_steps = _scaling_steps(facts)
        if scaling_steps:
            out.append(
                Remedy(
                    id="enable_window_scaling",
                    finding_ids=ids,
                    title=_msg("fix.enable_autotuning.title" if autotuning else "fix.enable_window_scaling.title"),
                    steps=tuple(scaling_steps),
                    rank=RANK_CAUSE,
                )
            )
    elif limited is not None:
        bdp = limited.evidence["bdp_bytes"]
        assert isinstance(bdp, int)
        size = suggested_buffer(bdp)
        buffer_steps = _buffer_steps(facts, tcp, size)
        if buffer_steps:
            out.append(
                Remedy(
                    id="raise_receive_window",
                    finding_ids=("rwin_limits_throughput",),
                    title=_msg("fix.raise_receive_window.title", size_mib=size // MIB),
                    steps=tuple(buffer_steps),
                    rank=RANK_CAUSE,
                )
            )
    if "legacy_tcp_tweaks" in found:
        names = sorted(tcp.legacy_registry)
        out.append(
            Remedy(
                id="remove_legacy_tcp_tweaks",
                finding_ids=("legacy_tcp_tweaks",),
                title=_msg("fix.remove_legacy_tcp_tweaks.title"),
                steps=(
                    Step("windows", steps.say("win_registry_delete"), commands.windows_delete_registry_values(names)),
                ),
                rank=RANK_ADVICE,
            )
        )
    return out
