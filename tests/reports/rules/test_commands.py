from __future__ import annotations

import shlex

from reports.rules import commands


def test_netsh_quotes_windows_names_with_spaces_and_japanese() -> None:
    assert commands.netsh_set_mtu("イーサネット 2", 1400, 4) == (
        'netsh interface ipv4 set subinterface "イーサネット 2" mtu=1400 store=persistent'
    )
    assert (
        commands.netsh_set_mtu("Wi-Fi", 1280, 6)
        == 'netsh interface ipv6 set subinterface "Wi-Fi" mtu=1280 store=persistent'
    )


def test_netsh_refuses_a_name_it_cannot_quote() -> None:
    assert commands.netsh_set_mtu('evil" & del C:\\ "', 1400, 4) is None


def test_posix_commands_quote_hostile_names_into_one_argument() -> None:
    command = commands.linux_ip_link_mtu("wg0; reboot", 1340)
    assert shlex.split(command) == ["sudo", "ip", "link", "set", "dev", "wg0; reboot", "mtu", "1340"]
    command = commands.macos_networksetup_mtu("Thunderbolt Ethernet", 1400)
    assert shlex.split(command) == ["sudo", "networksetup", "-setMTU", "Thunderbolt Ethernet", "1400"]


def test_nmcli_picks_the_wifi_setting_for_wifi() -> None:
    assert "802-11-wireless.mtu 1400" in commands.linux_nmcli_mtu("wlp2s0", 1400, wifi=True)
    assert "802-3-ethernet.mtu 1400" in commands.linux_nmcli_mtu("enp3s0", 1400, wifi=False)


def test_openvpn_lines_size_whole_packets_to_the_path() -> None:
    assert commands.openvpn_config_lines(1348, 1400) == "tun-mtu 1348\nmssfix 1400 mtu"
    assert commands.openvpn_config_lines(1348, None) == "tun-mtu 1348"


def test_mss_clamp_only_lowers() -> None:
    rules = commands.clamp_mss_iptables(1300, 1280).splitlines()
    assert "--mss 1301:65535" in rules[0]
    assert rules[0].endswith("--set-mss 1300")
    assert rules[1].startswith("sudo ip6tables")
    assert rules[1].endswith("--set-mss 1280")


def test_sysctl_sets_now_and_persists() -> None:
    now, persist = commands.sysctl_now_and_persist(
        [("net.ipv4.tcp_rmem", "4096 131072 8388608"), ("net.core.rmem_max", "8388608")], "90-x.conf"
    ).splitlines()
    assert shlex.split(now) == [
        "sudo",
        "sysctl",
        "-w",
        "net.ipv4.tcp_rmem=4096 131072 8388608",
        "net.core.rmem_max=8388608",
    ]
    assert persist == (
        "printf 'net.ipv4.tcp_rmem = 4096 131072 8388608\\nnet.core.rmem_max = 8388608\\n' "
        "| sudo tee /etc/sysctl.d/90-x.conf >/dev/null"
    )


def test_host_route_per_os() -> None:
    assert commands.host_route("linux", "198.51.100.20", "192.168.1.1", "eth0", 4) == (
        "sudo ip route replace 198.51.100.20/32 via 192.168.1.1 dev eth0"
    )
    assert commands.host_route("windows", "198.51.100.20", "192.168.1.1", None, 4) == (
        "route -p add 198.51.100.20 mask 255.255.255.255 192.168.1.1"
    )
    assert commands.host_route("macos", "2001:db8::1", "fe80::1", None, 6) is None


def test_persist_line_writes_a_valid_sysctl_file(tmp_path: object) -> None:
    import subprocess
    from pathlib import Path

    target = Path(str(tmp_path)) / "90-x.conf"
    persist = commands.sysctl_now_and_persist([("net.ipv4.tcp_window_scaling", "1")], "90-x.conf").splitlines()[1]
    runnable = persist.replace("sudo tee /etc/sysctl.d/90-x.conf", f"tee {target}")
    subprocess.run(["bash", "-c", runnable], check=True, timeout=10)
    assert target.read_text() == "net.ipv4.tcp_window_scaling = 1\n"
