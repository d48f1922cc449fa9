from __future__ import annotations

import socket
from pathlib import Path

import pytest

from diag.checks._system import decode_output
from diag.checks.adapters import (
    LinkFacts,
    PsutilView,
    build_adapters,
    classify,
    collect_adapters,
    detect_vpn_protocol,
    parse_get_netadapter,
    parse_ifconfig,
    parse_ip_link,
    parse_netsh_subinterfaces,
    parse_networksetup_ports,
    parse_uevent,
    process_facts,
)
from reports.model import AdapterKind

DATA = Path(__file__).parent / "data"
K = AdapterKind


def by_name(items: list[LinkFacts]) -> dict[str, LinkFacts]:
    return {item.name: item for item in items}


def test_linux_ip_link_recorded_with_wireguard_go_tun_and_tap() -> None:
    links = by_name(parse_ip_link((DATA / "linux-ip-j-d-link-wireguard-go.json").read_text()))
    assert links["wg0"].driver == "tun"
    assert links["wg0"].mtu == 1420
    assert links["wg0"].is_up is True
    assert links["tap0"].driver == "tap"
    assert links["veth0"].driver == "veth"
    assert links["lo"].mtu is None  # 65536 is no IP MTU


def test_linux_kinds_from_driver_name_and_process() -> None:
    links = by_name(parse_ip_link((DATA / "linux-ip-j-d-link-wireguard-go.json").read_text()))
    assert classify("wg0", links["wg0"], "linux")[0] == K.wireguard
    assert classify("tap0", links["tap0"], "linux")[0] == K.openvpn_tap
    assert classify("veth1", links["veth1"], "linux")[0] == K.ethernet
    # a plain tun is some tunnel; with OpenVPN running it is OpenVPN's
    assert classify("tun0", links["tun0"], "linux")[0] == K.other_tunnel
    openvpn = process_facts("openvpn", ["openvpn", "--config", "client.ovpn"])
    assert openvpn is not None
    kind, why = classify("tun0", links["tun0"], "linux", [openvpn])
    assert kind == K.openvpn_tun
    assert "openvpn" in why
    # wireguard-go names its interface on the command line, whatever the name
    wg_go = process_facts("wireguard-go", ["wireguard-go", "corp1"])
    assert wg_go is not None
    assert classify("corp1", LinkFacts("corp1", driver="tun"), "linux", [wg_go])[0] == K.wireguard


def test_linux_wifi_from_uevent_beats_link_type() -> None:
    link = parse_ip_link(
        '[{"ifindex":3,"ifname":"wlp2s0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,'
        '"operstate":"UP","link_type":"ether","address":"a4:c3:f0:12:34:56"}]'
    )[0]
    assert link.driver == "link:ether"
    uevent = parse_uevent("wlp2s0", "DEVTYPE=wlan\nINTERFACE=wlp2s0\nIFINDEX=3\n")
    assert uevent is not None
    adapters = build_adapters(PsutilView(stats={}), [uevent, link], "linux")
    assert adapters[0].kind == K.wifi
    assert adapters[0].mac == "a4:c3:f0:12:34:56"
    # a NIC with an unusual name is still Ethernet by its link type
    odd = LinkFacts("lan0", driver="link:ether")
    assert classify("lan0", odd, "linux")[0] == K.ethernet
    assert parse_uevent("eth0", "INTERFACE=eth0\nIFINDEX=4\n") is None


def test_openvpn_command_line_gives_device_and_tcp() -> None:
    proc = process_facts("openvpn", ["openvpn", "--dev", "tap1", "--proto", "tcp-client", "--remote", "vpn"])
    assert proc is not None
    assert (proc.interface, proc.kind, proc.protocol) == ("tap1", K.openvpn_tap, "openvpn-tcp")
    assert process_facts("bash", ["bash"]) is None


def test_windows_get_netadapter_kinds() -> None:
    links = parse_get_netadapter((DATA / "windows-get-netadapter.json").read_text(encoding="utf-8"))
    kinds = {link.name: classify(link.name, link, "windows")[0] for link in links}
    assert kinds == {
        "Ethernet": K.ethernet,
        "Wi-Fi": K.wifi,
        "wg-office": K.wireguard,
        "OpenVPN TAP-Windows6": K.openvpn_tap,
        "OpenVPN Data Channel Offload": K.openvpn_tun,
        "OpenVPN Wintun": K.other_tunnel,
        "NordLynx": K.wireguard,
        "イーサネット 2": K.other_tunnel,
        "vEthernet (Default Switch)": K.ethernet,
    }
    eth = by_name(links)["Ethernet"]
    assert (eth.speed_mbps, eth.mtu, eth.is_up) == (1000, 1500, True)
    assert by_name(links)["Wi-Fi"].is_up is False


def test_windows_single_adapter_json_is_an_object() -> None:
    text = (
        '{"Name":"Ethernet","InterfaceDescription":"Realtek PCIe GbE Family Controller","Status":"Up","MtuSize":1500}'
    )
    (link,) = parse_get_netadapter(text)
    assert classify(link.name, link, "windows")[0] == K.ethernet


def test_windows_netsh_subinterfaces_english_and_japanese_cp932() -> None:
    en = by_name(parse_netsh_subinterfaces((DATA / "windows-netsh-subinterfaces-en.txt").read_text()))
    assert en["wg-office"].mtu == 1420
    assert en["Office VPN"].mtu == 1400
    assert en["Loopback Pseudo-Interface 1"].mtu is None
    assert en["Wi-Fi"].is_up is False
    raw = (DATA / "windows-netsh-subinterfaces-ja.cp932.txt").read_bytes()
    ja = by_name(parse_netsh_subinterfaces(decode_output(raw, fallback="cp932")))
    assert ja["イーサネット"].mtu == 1500
    assert ja["会社 VPN (L2TP)"].mtu == 1400
    assert ja["ローカル エリア接続* 1"].is_up is False
    assert classify("イーサネット", ja["イーサネット"], "windows")[0] == K.ethernet


def test_macos_ports_and_ifconfig() -> None:
    ports = parse_networksetup_ports((DATA / "macos-networksetup-listallhardwareports.txt").read_text())
    ifconfig = parse_ifconfig((DATA / "macos-ifconfig.txt").read_text())
    view = PsutilView(stats={})
    adapters = {a.name: a for a in build_adapters(view, [*ports, *ifconfig], "macos")}
    assert adapters["en0"].kind == K.ethernet
    assert adapters["en0"].is_up is True
    assert adapters["en1"].kind == K.wifi
    assert adapters["en1"].is_up is False  # status: inactive
    assert adapters["en6"].kind == K.cellular
    assert adapters["lo0"].kind == K.loopback
    assert adapters["utun0"].kind == K.unknown  # system utun, link-local only
    assert adapters["utun0"].is_vpn is False
    assert adapters["utun4"].kind == K.other_tunnel
    assert adapters["utun4"].is_vpn is True
    assert adapters["utun4"].mtu == 1420
    assert adapters["ipsec0"].kind == K.ipsec
    wg = process_facts("wireguard-go", ["wireguard-go", "utun4"])
    racoon = process_facts("racoon", ["racoon"])
    assert wg is not None
    assert racoon is not None
    again = {a.name: a for a in build_adapters(view, [*ports, *ifconfig], "macos", [wg, racoon])}
    assert again["utun4"].kind == K.wireguard
    assert again["ppp0"].kind == K.ipsec  # ppp0 with racoon: L2TP/IPsec's PPP
    assert detect_vpn_protocol(list(again.values())) == "wireguard"


def test_build_adapters_merges_psutil_addresses() -> None:
    view = PsutilView(
        stats={"eth0": (True, 1500, 1000), "wg0": (True, 1420, 10000)},
        addresses={
            "eth0": [(socket.AF_INET, "192.168.1.5", "255.255.255.0")],
            "wg0": [(socket.AF_INET, "10.66.0.2", "255.255.255.0"), (socket.AF_INET6, "fe80::1%wg0", "ffff::")],
        },
        macs={"eth0": "52:54:00:12:34:56"},
    )
    adapters = {a.name: a for a in build_adapters(view, [], "linux")}
    assert adapters["eth0"].addresses[0].prefixlen == 24
    assert adapters["eth0"].addresses[0].scope == "private"
    assert adapters["eth0"].speed_mbps == 1000
    assert adapters["wg0"].is_vpn
    assert adapters["wg0"].speed_mbps is None  # a tunnel's "speed" is no link speed
    assert adapters["wg0"].addresses[1].scope == "link-local"


def test_detect_protocol_prefers_openvpn_tcp_from_process() -> None:
    view = PsutilView(stats={"tun0": (True, 1500, 0)})
    proc = process_facts("openvpn", ["openvpn", "--proto", "tcp-client"])
    assert proc is not None
    adapters = build_adapters(view, [], "linux", [proc])
    assert adapters[0].kind == K.openvpn_tun
    assert detect_vpn_protocol(adapters, [proc]) == "openvpn-tcp"
    assert detect_vpn_protocol(build_adapters(PsutilView(stats={"eth0": (True, 1500, 0)}), [], "linux")) is None


@pytest.mark.timeout(30)
def test_collect_adapters_on_this_machine() -> None:
    adapters = collect_adapters()
    names = {a.name: a for a in adapters}
    assert "lo" in names
    assert names["lo"].kind == K.loopback
    assert names["lo"].is_vpn is False
    assert any(addr.address == "127.0.0.1" for addr in names["lo"].addresses)
