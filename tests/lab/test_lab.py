"""The lab itself behaves as documented: the MTU, each mode, IPv6 at once, loss, WireGuard, clean teardown."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.lab.conftest import MakeLab
from tests.lab.labctl import Lab, lab_command, lab_up, parse_env


def _df_ping(lab: Lab, address: str, packet_size: int, family: int = 4) -> subprocess.CompletedProcess[str]:
    """One `ping -M do` of a whole IP packet of `packet_size` bytes (ICMP + IP header: 28 for IPv4, 48 for IPv6)."""
    header = 28 if family == 4 else 48
    return lab.client_run(
        ["ping", f"-{family}", "-M", "do", "-s", str(packet_size - header), "-c", "1", "-W", "1", address], timeout=10
    )


def _netns_names() -> set[str]:
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in listing.splitlines() if line.strip()}


def test_blackhole_passes_the_mtu_and_silently_drops_one_byte_more(make_module_lab: MakeLab) -> None:
    lab = make_module_lab("blackhole", 1337)
    assert _df_ping(lab, lab.server_v4, 1337).returncode == 0
    too_big = _df_ping(lab, lab.server_v4, 1338)
    assert too_big.returncode != 0
    # No "frag needed" came back: ping saw plain loss, not a local "message too long" error.
    assert "mtu" not in too_big.stdout.lower() + too_big.stderr.lower()
    assert lab.server_v6 is not None
    assert _df_ping(lab, lab.server_v6, 1337, family=6).returncode == 0
    assert _df_ping(lab, lab.server_v6, 1338, family=6).returncode != 0


def test_open_mode_delivers_frag_needed_with_the_mtu(make_module_lab: MakeLab) -> None:
    lab = make_module_lab("open", 1400)
    lab.flush()
    assert _df_ping(lab, lab.server_v4, 1500).returncode != 0
    # The router's frag-needed (RFC 1191) reached the client: its kernel now knows the path MTU.
    out = lab.client_run(["ip", "route", "get", lab.server_v4]).stdout
    assert "mtu 1400" in out
    v6 = _df_ping(lab, lab.server_v6 or "", 1500, family=6)
    assert v6.returncode != 0
    assert "mtu 1400" in lab.client_run(["ip", "-6", "route", "get", lab.server_v6 or ""]).stdout


def test_mode_switch_to_icmp_blocked_stops_echo_but_not_udp(make_module_lab: MakeLab) -> None:
    lab = make_module_lab("open", 1400)
    lab.set_mode("icmp-blocked")
    assert lab.mode == "icmp-blocked"
    assert lab.client_run(["ping", "-c", "1", "-W", "1", lab.server_v4]).returncode != 0
    assert lab.client_run(["ping", "-6", "-c", "1", "-W", "1", lab.server_v6 or ""]).returncode != 0
    # UDP still crosses: a datagram sent from the client arrives in the server namespace.
    server = lab.start_in_server(
        [
            "python3",
            "-c",
            "import socket;s=socket.socket(2,2);s.bind(('0.0.0.0',9999));s.settimeout(5);print(s.recv(9))",
        ]
    )
    sender = "import socket,time\nfor _ in range(20):\n socket.socket(2,2).sendto(b'x',('%s',9999));time.sleep(0.05)"
    lab.client_run(["python3", "-c", sender % lab.server_v4], timeout=10)
    assert server.wait(timeout=10) == 0
    lab.set_mode("open")
    assert lab.client_run(["ping", "-c", "1", "-W", "1", lab.server_v4]).returncode == 0


def test_loss_mode_drops_some_but_not_all(make_module_lab: MakeLab) -> None:
    lab = make_module_lab("open", 1400)
    lab.set_mode("loss", loss=30)
    assert lab.loss == 30
    result = lab.client_run(["ping", "-c", "60", "-i", "0.002", "-W", "1", "-q", lab.server_v4], timeout=20)
    received = int(result.stdout.split(" received")[0].rsplit(" ", 1)[1])
    # Loss both ways: 1 - 0.7^2 = 51 % expected; 60 echoes make 5..55 received a near-certain window.
    assert 5 <= received <= 55, result.stdout
    lab.set_mode("open")
    assert lab.loss == 0


def test_ipv6_works_at_once_without_dad(make_lab: MakeLab) -> None:
    lab = make_lab("open", 1500)
    # Straight after `up` (no waiting): with duplicate address detection on, this fails for ~2 s.
    result = lab.client_run(["ping", "-6", "-c", "1", "-W", "1", lab.server_v6 or ""], timeout=5)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mtu_below_1280_has_no_ipv6_server(make_lab: MakeLab) -> None:
    lab = make_lab("open", 1000)
    assert lab.server_v6 is None
    assert _df_ping(lab, lab.server_v4, 1000).returncode == 0
    lab.set_mtu(1300)
    assert lab.server_v6 is not None
    assert _df_ping(lab, lab.server_v6, 1300, family=6).returncode == 0


def test_wireguard_tunnel_over_blackhole_passes_1328_not_more(make_lab: MakeLab) -> None:
    lab = make_lab("blackhole", 1400, wireguard=True)
    assert lab.server_wg_v4 is not None
    assert lab.client_wg_if is not None
    assert f"mtu {lab.wg_mtu}" in lab.client_run(["ip", "link", "show", lab.client_wg_if]).stdout
    # FACTS.md: tunnel MTU 1420 over a 1400 black-hole path carries inner packets up to 1328 bytes
    # (1328 is a multiple of 16: 1328 + 60 WireGuard/IPv4 overhead = 1388 <= 1400; 1329 pads to 1344 + 60 = 1404).
    assert _df_ping(lab, lab.server_wg_v4, 1328).returncode == 0
    assert _df_ping(lab, lab.server_wg_v4, 1329).returncode != 0


def test_down_removes_namespaces_processes_and_state(make_lab: MakeLab) -> None:
    lab = make_lab("open", 1400, wireguard=True)
    pids = subprocess.run(["ip", "netns", "pids", lab.client_ns], capture_output=True, text=True).stdout.split()
    assert pids, "wireguard-go should run in the client namespace"
    lab.down()
    assert not {lab.client_ns, lab.router_ns, lab.server_ns} & _netns_names()
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    with pytest.raises(RuntimeError, match="no lab named"):
        lab_command("env", "--name", lab.name)
    lab_command("down", "--name", lab.name)  # idempotent


def test_gc_removes_labs_whose_owner_died(make_lab: MakeLab) -> None:
    make_lab("open", 1500)  # checks root and tools
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = lab_up("open", 1500, owner=dead.pid)
    alive = lab_up("open", 1500, owner=os.getpid())
    try:
        lab_command("gc")
        names = _netns_names()
        assert orphan.client_ns not in names
        assert alive.client_ns in names
    finally:
        orphan.down()
        alive.down()


def test_env_prints_eval_able_variables(make_lab: MakeLab) -> None:
    lab = make_lab("blackhole", 1450, loss=5)
    text = lab_command("env", "--name", lab.name)
    env = parse_env(text)
    assert env["LAB_MODE"] == "blackhole"
    assert env["LAB_MTU"] == "1450"
    assert env["LAB_LOSS"] == "5"
    shell = subprocess.run(
        ["bash", "-c", text + '\necho "$LAB_CLIENT_NS $LAB_SERVER_V4"'], capture_output=True, text=True
    )
    assert shell.stdout.strip() == f"{lab.client_ns} {lab.server_v4}"
