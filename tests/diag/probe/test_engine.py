"""The engine end to end on loopback (no lab): input errors, UDP probing against a real responder, the result
contract, and a lean start-up."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from diag.errors import ProbeError
from diag.probe.engine import measure, measure_path, parse_probe_server, parse_target, round_timeout
from reports.model import PathResult, Probe
from reports.server.udp_responder import start_udp_responder
from tests.conftest import ROOT, require_root, run_vpndiag


@pytest.mark.parametrize("bad", ["", "   ", "not a host", "10.0.0.1:80", "exa mple.com", "-x.example", "999.1.1.1"])
def test_bad_target_is_a_probe_error_sentence(bad: str) -> None:
    with pytest.raises(ProbeError, match="not an IP address or a host name"):
        parse_target(bad)


def test_targets_accepted() -> None:
    assert parse_target(" 10.0.2.2 ") == "10.0.2.2"
    assert parse_target("[fd00:2::2]") == "fd00:2::2"
    assert parse_target("vpn.example.net") == "vpn.example.net"


@pytest.mark.parametrize("bad", ["10.0.2.2", "10.0.2.2:0", "10.0.2.2:70000", "fd00::2:4821", "[fd00::2]"])
def test_bad_probe_server_is_a_probe_error(bad: str) -> None:
    with pytest.raises(ProbeError, match="HOST:PORT"):
        parse_probe_server(bad)


def test_probe_server_forms() -> None:
    assert str(parse_probe_server("10.0.2.2:4821")) == "10.0.2.2:4821"
    assert str(parse_probe_server("[fd00:2::2]:4821")) == "[fd00:2::2]:4821"


def test_round_timeout_follows_rtt_within_bounds() -> None:
    assert round_timeout(None) == 2.0
    assert round_timeout(0.0001) == 0.015  # LAN: the floor
    assert round_timeout(0.1) == pytest.approx(0.21)  # 2 x RTT + 10 ms
    assert round_timeout(5.0) == 2.0


async def test_udp_probing_on_loopback_reaches_the_largest_packet() -> None:
    handle = await start_udp_responder("127.0.0.1", 0)
    seen: list[Probe] = []
    try:
        result = await measure_path(
            "127.0.0.1", method="udp", probe_server=f"127.0.0.1:{handle.port}", on_probe=seen.append
        )
    finally:
        handle.close()
    assert isinstance(result, PathResult)
    assert result.method == "udp"
    # Loopback's MTU is 65536; the largest IPv4 packet is 65535 (RFC 791 total length).
    assert result.pmtu == 65535
    assert not result.gave_up
    assert result.probes_sent == len(result.probes) == len(seen)
    assert all(isinstance(probe, Probe) for probe in seen)
    assert "127.0.0.1" in result.pmtu_reason
    assert handle.stats.answered >= result.probes_sent


async def test_udp_without_a_listening_responder_is_null_with_reason() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    result = await measure("127.0.0.1", method="udp", probe_server=f"127.0.0.1:{free_port}")
    assert result.pmtu is None
    assert "did not answer" in result.pmtu_reason
    assert result.method == "none"
    PathResult.model_validate(result.to_dict())


async def test_udp_method_without_probe_server_says_so() -> None:
    result = await measure("127.0.0.1", method="udp", lang="ja")
    assert result.pmtu is None
    assert "プローブサーバー" in result.pmtu_reason


async def test_unresolvable_name_is_null_not_an_exception() -> None:
    result = await measure("no-such-host.invalid")  # .invalid never resolves (RFC 6761 §6.4)
    assert result.pmtu is None
    assert result.icmp_echo == "unreachable"
    assert "could not be resolved" in result.pmtu_reason


async def test_light_result_and_report_model_agree() -> None:
    handle = await start_udp_responder("127.0.0.1", 0)
    try:
        light = await measure("127.0.0.1", method="udp", probe_server=f"127.0.0.1:{handle.port}")
    finally:
        handle.close()
    model = PathResult.model_validate(light.to_dict())
    assert json.loads(model.model_dump_json()) == json.loads(json.dumps(light.to_dict()))


def test_pmtu_command_imports_nothing_heavy() -> None:
    code = (
        "import sys, diag.cli, diag.commands.pmtu, diag.probe.engine, diag.probe.answer, diag.probe.udp\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('textual', 'pydantic', 'httpx', 'fastapi', "
        "'sqlalchemy', 'uvicorn')]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_cli_bad_target_is_a_sentence_not_a_traceback() -> None:
    result = run_vpndiag("pmtu", "not a host!")
    assert result.returncode == 2
    assert "not an IP address or a host name" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_json_on_loopback_prints_one_path_result() -> None:
    require_root("ICMP probes on loopback")
    result = run_vpndiag("pmtu", "127.0.0.1", "--json")
    assert result.returncode == 0, result.stderr
    path = PathResult.model_validate_json(result.stdout)
    assert path.pmtu == 65535
    assert path.icmp_echo == "ok"
    assert path.method == "icmp"
    assert path.frag_needed == "unknown"


async def test_cancel_stops_probing_promptly() -> None:
    import asyncio
    import time

    # A UDP port that is open but never answers: the engine would wait seconds for the responder.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        task = asyncio.ensure_future(measure_path("127.0.0.1", method="udp", probe_server=f"127.0.0.1:{port}"))
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.perf_counter() - started < 0.5


async def test_max_time_bounds_a_silent_measurement() -> None:
    import time

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        port = silent.getsockname()[1]
        started = time.perf_counter()
        result = await measure("127.0.0.1", method="udp", probe_server=f"127.0.0.1:{port}", max_time=0.5)
    assert time.perf_counter() - started < 1.0
    assert result.pmtu is None


async def test_family_mismatch_is_a_probe_error_in_the_asked_language() -> None:
    with pytest.raises(ProbeError, match="IPv4 のアドレス"):
        await measure("10.0.2.2", family=6, lang="ja")


def test_cli_limits_checked() -> None:
    result = run_vpndiag("pmtu", "127.0.0.1", "--max-probes", "0", "--lang", "en")
    assert result.returncode == 2
    assert "--max-probes must be at least 1" in result.stderr
