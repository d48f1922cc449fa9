from __future__ import annotations

from pathlib import Path

import pytest

from diag.checks._system import decode_output
from diag.checks.tcp import (
    UNSCALED_MAX_WINDOW,
    linux_settings,
    parse_get_nettcpsetting,
    parse_netsh_tcp_global,
    parse_reg_query,
    parse_sysctl,
    read_tcp,
    tcp_from_settings,
)

DATA = Path(__file__).parent / "data"


def test_linux_window_from_recorded_sysctl() -> None:
    settings = parse_sysctl((DATA / "linux-sysctl-tcp.txt").read_text())
    assert settings["net.ipv4.tcp_rmem"] == "4096 131072 6291456"
    tcp = tcp_from_settings("linux", settings, rtt_ms=100, link_speed_mbps=100, kernel=(6, 1))
    # tcp_adv_win_scale 1: half of the 6 MiB buffer is window
    assert tcp.max_receive_window == 3145728
    assert tcp.default_receive_window == 65536
    assert tcp.window_scaling is True
    assert tcp.mtu_probing == 0
    # FACTS.md: 100 Mbit/s x 100 ms = 1.25 MB
    assert tcp.bdp_bytes == 1_250_000
    assert tcp.throughput_cap_mbps == pytest.approx(3145728 * 8 / 0.1 / 1e6, rel=1e-3)


def test_linux_scaling_off_caps_at_64k() -> None:
    settings = parse_sysctl((DATA / "linux-sysctl-tcp.txt").read_text())
    settings["net.ipv4.tcp_window_scaling"] = "0"
    tcp = tcp_from_settings("linux", settings, rtt_ms=200, link_speed_mbps=None, kernel=(6, 12))
    assert tcp.window_scaling is False
    assert tcp.max_receive_window == UNSCALED_MAX_WINDOW
    # FACTS.md: 64 KiB at 200 ms = 2.6 Mbit/s
    assert tcp.throughput_cap_mbps == pytest.approx(2.6, abs=0.05)
    assert tcp.bdp_bytes is None


def test_macos_sysctl_auto_tuning_and_rfc1323_off() -> None:
    on = tcp_from_settings("macos", parse_sysctl((DATA / "macos-sysctl-tcp.txt").read_text()), 50, 300)
    assert on.max_receive_window == 4194304
    assert on.default_receive_window == 131072
    assert on.window_scaling is True
    assert on.bdp_bytes == 1_875_000
    assert on.max_receive_window > on.bdp_bytes
    off = tcp_from_settings("macos", parse_sysctl((DATA / "macos-sysctl-tcp-rfc1323-off.txt").read_text()), 50, 300)
    assert off.window_scaling is False
    assert off.max_receive_window == 65535
    assert off.bdp_bytes is not None
    assert off.max_receive_window < off.bdp_bytes


def test_windows_netsh_english_disabled_is_64k() -> None:
    settings = parse_netsh_tcp_global((DATA / "windows-netsh-tcp-global-en.txt").read_text())
    assert settings["autotuninglevel"] == "disabled"
    tcp = tcp_from_settings("windows", settings, 30, 500)
    assert tcp.autotuning_level == "disabled"
    assert tcp.max_receive_window == 65535
    assert tcp.window_scaling is False


def test_windows_netsh_japanese_cp932() -> None:
    text = decode_output((DATA / "windows-netsh-tcp-global-ja.cp932.txt").read_bytes(), fallback="cp932")
    settings = parse_netsh_tcp_global(text)
    assert settings["autotuninglevel"] == "highlyrestricted"
    tcp = tcp_from_settings("windows", settings, 30, None)
    assert tcp.max_receive_window == 65535 << 2


def test_windows_get_nettcpsetting_and_legacy_registry() -> None:
    blocks = parse_get_nettcpsetting((DATA / "windows-get-nettcpsetting-internet.txt").read_text())
    internet = blocks["Internet"]
    assert internet["AutoTuningLevelLocal"] == "Normal"
    legacy = parse_reg_query((DATA / "windows-reg-query-tcpip-legacy.txt").read_text())
    assert legacy == {"TcpWindowSize": 0xFAF0, "GlobalMaxTcpWindowSize": 0xFAF0, "Tcp1323Opts": 0}
    tcp = tcp_from_settings(
        "windows",
        {k: internet[k] for k in ("AutoTuningLevelLocal", "AutoTuningLevelGroupPolicy")},
        20,
        1000,
        legacy_registry=legacy,
    )
    assert tcp.autotuning_level == "normal"
    assert tcp.max_receive_window == 65535 << 8
    assert tcp.legacy_registry["TcpWindowSize"] == 64240
    # a group policy level wins over the local one
    forced = tcp_from_settings(
        "windows", {"AutoTuningLevelLocal": "Normal", "AutoTuningLevelGroupPolicy": "Disabled"}, 20, None
    )
    assert forced.max_receive_window == 65535


def test_missing_settings_give_reason_not_guess() -> None:
    tcp = tcp_from_settings("windows", {}, 20, 100)
    assert tcp.max_receive_window is None
    assert tcp.throughput_cap_mbps is None
    assert tcp.reason is not None
    assert "auto-tuning" in tcp.reason
    linux = tcp_from_settings("linux", {}, None, None)
    assert linux.max_receive_window is None
    assert linux.reason is not None


def test_linux_settings_reader_skips_unreadable(tmp_path: Path) -> None:
    (tmp_path / "net" / "ipv4").mkdir(parents=True)
    (tmp_path / "net" / "ipv4" / "tcp_rmem").write_text("4096\t87380\t4194304\n")
    from diag.checks.tcp import _read_proc_sys

    values = linux_settings(lambda name: _read_proc_sys(name, tmp_path))
    assert values == {"net.ipv4.tcp_rmem": "4096 87380 4194304"}


def test_read_tcp_on_this_machine_matches_proc() -> None:
    tcp = read_tcp(rtt_ms=40.0, link_speed_mbps=1000.0)
    rmem_max = int(Path("/proc/sys/net/ipv4/tcp_rmem").read_text().split()[2])
    assert tcp.max_receive_window is not None
    assert 0 < tcp.max_receive_window <= rmem_max
    assert tcp.settings["net.ipv4.tcp_rmem"].split()[2] == str(rmem_max)
    assert tcp.bdp_bytes == 5_000_000
