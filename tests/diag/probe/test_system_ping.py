"""System-ping fallback: command lines per OS and parsers on recorded outputs (Linux from the lab; macOS and
Windows, English and Japanese, as those tools print them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from diag.probe.search import Outcome
from diag.probe.sockopts import OsName
from diag.probe.system_ping import decode_output, parse_ping_output, ping_command

DATA = Path(__file__).parent / "data"


def _parse(name: str, os_name: OsName) -> object:
    return parse_ping_output(os_name, decode_output((DATA / name).read_bytes(), os_name))


@pytest.mark.parametrize(
    ("name", "os_name", "outcome", "mtu", "from_router"),
    [
        ("linux_ok_v4.txt", "linux", Outcome.ok, None, False),
        ("linux_ok_v6.txt", "linux", Outcome.ok, None, False),
        ("linux_frag_needed_v4.txt", "linux", Outcome.too_big, 1400, True),
        ("linux_packet_too_big_v6.txt", "linux", Outcome.too_big, 1400, True),
        ("linux_local_too_big_v4.txt", "linux", Outcome.too_big, 1400, False),
        ("linux_local_too_big_v6.txt", "linux", Outcome.too_big, 1400, False),
        ("linux_lost_v4.txt", "linux", Outcome.lost, None, False),
        ("macos_ok_v4.txt", "macos", Outcome.ok, None, False),
        ("macos_ok_v6.txt", "macos", Outcome.ok, None, False),
        ("macos_frag_needed_v4.txt", "macos", Outcome.too_big, 1400, True),
        ("macos_packet_too_big_v6.txt", "macos", Outcome.too_big, 1400, True),
        ("macos_local_too_big_v4.txt", "macos", Outcome.too_big, None, False),
        ("macos_lost_v4.txt", "macos", Outcome.lost, None, False),
        ("windows_en_ok_v4.txt", "windows", Outcome.ok, None, False),
        ("windows_en_ok_v6.txt", "windows", Outcome.ok, None, False),
        ("windows_en_frag_needed_v4.txt", "windows", Outcome.too_big, None, True),
        ("windows_en_local_too_big_v4.txt", "windows", Outcome.too_big, None, False),
        ("windows_en_packet_too_big_v6.txt", "windows", Outcome.too_big, None, False),
        ("windows_en_lost_v4.txt", "windows", Outcome.lost, None, False),
        ("windows_ja_ok_v4.txt", "windows", Outcome.ok, None, False),
        ("windows_ja_ok_v6.txt", "windows", Outcome.ok, None, False),
        ("windows_ja_frag_needed_v4.txt", "windows", Outcome.too_big, None, False),
        ("windows_ja_lost_v4.txt", "windows", Outcome.lost, None, False),
    ],
)
def test_recorded_output_parsed(
    name: str, os_name: OsName, outcome: Outcome, mtu: int | None, from_router: bool
) -> None:
    parsed = parse_ping_output(os_name, decode_output((DATA / name).read_bytes(), os_name))
    assert parsed.outcome is outcome
    assert parsed.reported_mtu == mtu
    assert parsed.from_router is from_router
    assert not parsed.unreachable


@pytest.mark.parametrize(
    ("name", "os_name"),
    [
        ("linux_unreachable_v4.txt", "linux"),
        ("linux_no_route_v4.txt", "linux"),
        ("windows_en_unreachable_v4.txt", "windows"),
        ("windows_ja_unreachable_v4.txt", "windows"),
    ],
)
def test_unreachable_is_lost_not_ok(name: str, os_name: OsName) -> None:
    # Windows counts "Destination net unreachable" as a received reply; the parser must not.
    parsed = parse_ping_output(os_name, decode_output((DATA / name).read_bytes(), os_name))
    assert parsed.outcome is Outcome.lost
    assert parsed.unreachable


def test_rtt_read_from_reply_line() -> None:
    assert parse_ping_output("linux", (DATA / "linux_ok_v4.txt").read_text()).rtt_ms == pytest.approx(0.046)
    assert parse_ping_output("windows", (DATA / "windows_en_ok_v4.txt").read_text()).rtt_ms == 1.0
    assert parse_ping_output("macos", (DATA / "macos_ok_v4.txt").read_text()).rtt_ms == pytest.approx(0.512)


def test_japanese_windows_output_is_cp932_on_disk() -> None:
    raw = (DATA / "windows_ja_ok_v4.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "からの応答" in decode_output(raw, "windows")


@pytest.mark.parametrize(
    ("os_name", "family", "expected"),
    [
        ("linux", 4, ["ping", "-4", "-M", "do", "-s", "1372", "-c", "1", "-n", "-W", "0.250", "10.0.2.2"]),
        ("linux", 6, ["ping", "-6", "-M", "do", "-s", "1352", "-c", "1", "-n", "-W", "0.250", "10.0.2.2"]),
        ("macos", 4, ["ping", "-D", "-s", "1372", "-c", "1", "-n", "-W", "250", "10.0.2.2"]),
        ("macos", 6, ["ping6", "-D", "-s", "1352", "-c", "1", "-n", "10.0.2.2"]),
        ("windows", 4, ["ping", "-4", "-f", "-l", "1372", "-n", "1", "-w", "250", "10.0.2.2"]),
        ("windows", 6, ["ping", "-6", "-l", "1352", "-n", "1", "-w", "250", "10.0.2.2"]),
    ],
)
def test_command_payload_is_packet_minus_headers(os_name: OsName, family: int, expected: list[str]) -> None:
    # 1400-byte packets: IPv4 20 + ICMP 8 -> 1372 payload; IPv6 40 + 8 -> 1352.
    assert ping_command(os_name, family, "10.0.2.2", 1400, 0.25) == expected  # type: ignore[arg-type]
