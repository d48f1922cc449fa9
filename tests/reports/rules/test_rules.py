"""Single rules on variations of the recorded reports: thresholds, confidence, and the less common fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reports.load import load_report
from reports.model import Report
from reports.rules import apply_rules, diagnose, observe

DATA = Path(__file__).parent / "data"


def recorded(case: str, **changes: Any) -> Report:
    raw = load_report(DATA / f"{case}.json").model_dump(mode="json")
    for dotted, value in changes.items():
        target = raw
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value
    return Report.model_validate(raw)


def ids(report: Report) -> list[str]:
    return [f.id for f in diagnose(report, "en")[0]]


def commands(report: Report) -> list[str]:
    return [s.command for fix in diagnose(report, "en")[1] for s in fix.steps if s.command]


def test_udp_measured_path_downgrades_icmp_blocked_to_info_without_a_measure_fix() -> None:
    report = recorded(
        "icmp-blocked-macos", paths__0__pmtu=1452, paths__0__method="udp", paths__0__frag_needed="delivered"
    )
    findings, fixes = diagnose(report, "en")
    blocked = next(f for f in findings if f.id == "icmp_blocked")
    assert blocked.severity == "info"
    assert "1452" in blocked.detail
    assert "measure_over_udp" not in [f.id for f in fixes]


def test_openvpn_on_macos_gets_config_lines_and_ifconfig() -> None:
    report = recorded(
        "icmp-blocked-macos", paths__0__pmtu=1400, paths__0__method="udp", paths__0__frag_needed="blocked"
    )
    report = report.model_copy(update={"vpn": report.vpn.model_copy(update={"recommended_mtu": 1348})})  # type: ignore[union-attr]
    found = ids(report)
    assert "tunnel_mtu_too_large" in found
    assert "pmtud_blackhole" in found
    assert "tun-mtu 1348\nmssfix 1400 mtu" in commands(report)
    assert "sudo ifconfig utun4 mtu 1348" in commands(report)


def test_tunnel_too_large_is_a_warning_when_pmtud_works() -> None:
    report = recorded("wireguard-mtu-linux", paths__0__frag_needed="delivered", paths__1__frag_needed="delivered")
    findings, _ = diagnose(report, "en")
    too_large = next(f for f in findings if f.id == "tunnel_mtu_too_large")
    assert too_large.severity == "warning"
    assert "pmtud_blackhole" not in [f.id for f in findings]


def test_tunnel_too_large_from_inner_probes_alone() -> None:
    report = recorded("wireguard-mtu-linux", vpn=None, paths=[load_report(DATA / "wireguard-mtu-linux.json").paths[1]])
    findings, fixes = diagnose(report, "en")
    too_large = next(f for f in findings if f.id == "tunnel_mtu_too_large")
    assert too_large.evidence["recommended_mtu"] == 1328
    assert too_large.confidence < 0.9
    assert "sudo ip link set dev wg0 mtu 1328" in [s.command for fix in fixes for s in fix.steps]


def test_fitting_tunnel_gives_no_mtu_finding() -> None:
    report = recorded("wireguard-mtu-linux", vpn__tunnel_mtu=1340, adapters__1__mtu=1340, paths__1__pmtu=1340)
    assert "tunnel_mtu_too_large" not in ids(report)


def test_random_loss_lowers_black_hole_confidence() -> None:
    clean = next(f for f in diagnose(recorded("wireguard-mtu-linux"), "en")[0] if f.id == "pmtud_blackhole")
    noisy = next(
        f for f in diagnose(recorded("wireguard-mtu-linux", paths__0__loss=0.2), "en")[0] if f.id == "pmtud_blackhole"
    )
    assert noisy.confidence < clean.confidence


def test_black_hole_without_vpn_lowers_the_physical_adapter() -> None:
    report = recorded("wireguard-mtu-linux", vpn=None, paths=[load_report(DATA / "wireguard-mtu-linux.json").paths[0]])
    report = report.model_copy(update={"adapters": [a for a in report.adapters if not a.is_vpn]})
    _, fixes = diagnose(report, "en")
    lower = next(f for f in fixes if f.id == "lower_adapter_mtu")
    assert [s.command for s in lower.steps][:2] == [
        "sudo ip link set dev enp3s0 mtu 1400",
        'sudo nmcli connection modify "$(nmcli -g GENERAL.CONNECTION device show enp3s0)" 802-3-ethernet.mtu 1400',
    ]


def test_vpn_server_routed_into_tunnel_gets_host_route() -> None:
    report = recorded("wireguard-mtu-linux", routes__vpn_server__via_tunnel=True, routes__vpn_server__interface="wg0")
    assert ids(report)[0] == "vpn_server_via_tunnel"
    assert "sudo ip route replace 198.51.100.20/32 via 192.168.1.1 dev enp3s0" in commands(report)


def test_redacted_addresses_never_reach_a_command() -> None:
    report = recorded(
        "wireguard-mtu-linux", routes__vpn_server__via_tunnel=True, routes__vpn_server__destination="ip4-public-1"
    )
    assert not any("ip4-public-1" in c for c in commands(report))


def test_small_linux_window_gets_bigger_buffers() -> None:
    report = recorded(
        "healthy-linux",
        tcp__max_receive_window=262144,
        tcp__rtt_ms=120.0,
        tcp__link_speed_mbps=500.0,
        tcp__settings={"net.ipv4.tcp_rmem": "4096 87380 262144"},
    )
    findings, fixes = diagnose(report, "en")
    rwin = next(f for f in findings if f.id == "rwin_limits_throughput")
    assert rwin.evidence["bdp_bytes"] == 7500000
    assert rwin.evidence["throughput_cap_mbps"] == 17.5
    raise_fix = next(f for f in fixes if f.id == "raise_receive_window")
    assert raise_fix.steps[0].command is not None
    assert "net.ipv4.tcp_rmem=4096 87380 16777216" in raise_fix.steps[0].command


def test_window_that_allows_a_gigabit_is_no_limit_even_on_a_faster_link() -> None:
    # 16 MiB at 83 ms is about 1.6 Gbit/s per connection: below a 10 Gbit/s veth's BDP, but nothing to warn about.
    fast = recorded(
        "healthy-linux",
        tcp__max_receive_window=16777216,
        tcp__rtt_ms=83.0,
        tcp__link_speed_mbps=10000.0,
        tcp__bdp_bytes=None,
        tcp__throughput_cap_mbps=None,
    )
    assert "rwin_limits_throughput" not in ids(fast)
    capped = recorded(
        "healthy-linux",
        tcp__max_receive_window=4194304,
        tcp__rtt_ms=83.0,
        tcp__link_speed_mbps=10000.0,
        tcp__bdp_bytes=None,
        tcp__throughput_cap_mbps=None,
    )
    assert "rwin_limits_throughput" in ids(capped)


def test_loss_and_delay_thresholds() -> None:
    assert "packet_loss" not in ids(recorded("healthy-linux", paths__0__loss=0.02))
    lossy = diagnose(recorded("healthy-linux", paths__0__loss=0.3), "en")[0]
    assert next(f for f in lossy if f.id == "packet_loss").severity == "critical"
    slow = recorded("healthy-linux", paths__0__rtt_ms={"min": 240.0, "avg": 310.0, "max": 420.0})
    assert "high_latency_jitter" in ids(slow)
    assert "high_latency_jitter" not in ids(recorded("healthy-linux"))


def test_tcp_vpn_with_loss_is_told_to_prefer_udp() -> None:
    report = recorded("healthy-linux", paths__0__loss=0.1, vpn__protocol="openvpn-tcp")
    fix = next(f for f in diagnose(report, "en")[1] if f.id == "improve_connection")
    assert any("UDP" in s.text for s in fix.steps)


def test_unquotable_windows_name_gets_instructions_not_a_broken_command() -> None:
    report = recorded("blackhole-windows", vpn__adapter='Tunnel "A"', adapters__1__name='Tunnel "A"')
    fix = next(f for f in diagnose(report, "en")[1] if f.id == "lower_tunnel_mtu")
    assert not any(s.command and "netsh" in s.command for s in fix.steps)
    assert any("Network Connections" in s.text for s in fix.steps)


def test_server_can_rerender_a_stored_report_in_the_other_language() -> None:
    japanese = apply_rules(recorded("blackhole-windows"), "ja")
    english = apply_rules(japanese, "en")
    assert english.findings[0].title.startswith("The VPN")
    assert [f.id for f in english.findings] == [f.id for f in japanese.findings]


def test_observations_are_language_free() -> None:
    observations, remedies = observe(recorded("wireguard-mtu-linux"))
    assert observations[0].title.text("en") != observations[0].title.text("ja")
    assert all(r.finding_ids for r in remedies)
