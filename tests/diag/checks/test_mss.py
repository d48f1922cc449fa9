from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import uuid

import pytest

from diag.checks.mss import compare, measure_mss, parse_server
from diag.errors import ProbeError
from reports.model import MssResult
from reports.server.mss_reflector import start_mss_reflector
from tests.conftest import ROOT, require_root


async def test_loopback_mss_seen_equals_sent() -> None:
    reflector = await start_mss_reflector("127.0.0.1", 0)
    try:
        result = await measure_mss(f"127.0.0.1:{reflector.port}")
    finally:
        reflector.close()
        await reflector.wait_closed()
    assert result.reason is None
    assert result.server_seen_mss == 65495
    assert result.sent_mss == result.server_seen_mss
    assert result.clamped is False
    assert result.local_mss is not None
    assert result.local_mss > 0


async def test_ipv6_loopback_through_dual_stack_listener() -> None:
    reflector = await start_mss_reflector("::", 0)
    try:
        v6 = await measure_mss(f"[::1]:{reflector.port}")
        v4 = await measure_mss(f"127.0.0.1:{reflector.port}")
    finally:
        reflector.close()
        await reflector.wait_closed()
    assert v6.server_seen_mss == 65536 - 60  # lo MTU minus IPv6 + TCP headers
    assert v6.clamped is False
    assert v4.server_seen_mss == 65495


async def test_not_a_reflector_gives_reason() -> None:
    async def http_like(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(http_like, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        result = await measure_mss(f"127.0.0.1:{port}", timeout=2)
    finally:
        server.close()
        await server.wait_closed()
    assert result.server_seen_mss is None
    assert result.clamped is None
    assert result.local_mss is not None
    assert result.reason is not None
    assert "could not be read" in result.reason


async def test_refused_connection_gives_reason() -> None:
    reflector = await start_mss_reflector("127.0.0.1", 0)
    port = reflector.port
    reflector.close()
    await reflector.wait_closed()
    result = await measure_mss(f"127.0.0.1:{port}", timeout=1)
    assert result == MssResult(reason=result.reason)
    assert result.reason is not None
    assert "no TCP connection" in result.reason


def test_server_forms_and_bad_input() -> None:
    assert parse_server("[2001:db8::5]:8443") == ("2001:db8::5", 8443)
    assert parse_server("vpn.example.net:443") == ("vpn.example.net", 443)
    with pytest.raises(ProbeError):
        parse_server("203.0.113.5")
    assert compare(1460, 1360) is True
    assert compare(1460, 1460) is False
    assert compare(None, 1360) is None


CLAMP_SCRIPT = textwrap.dedent(
    """
    import asyncio, json
    from diag.checks.mss import measure_mss
    from reports.server.mss_reflector import start_mss_reflector

    async def main():
        reflector = await start_mss_reflector("127.0.0.1", 0)
        try:
            result = await measure_mss(f"127.0.0.1:{reflector.port}")
        finally:
            reflector.close()
        print(result.model_dump_json())

    asyncio.run(main())
    """
)


def _in_fresh_netns(setup: list[list[str]]) -> MssResult:
    ns = f"vdmss-{uuid.uuid4().hex[:8]}"
    subprocess.run(["ip", "netns", "add", ns], check=True, timeout=10)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True, timeout=10)
        for command in setup:
            subprocess.run(["ip", "netns", "exec", ns, *command], check=True, timeout=10)
        done = subprocess.run(
            ["ip", "netns", "exec", ns, sys.executable, "-c", CLAMP_SCRIPT],
            capture_output=True,
            text=True,
            timeout=30,
            cwd=ROOT,
            check=True,
        )
        return MssResult.model_validate_json(done.stdout)
    finally:
        subprocess.run(["ip", "netns", "del", ns], check=False, timeout=10)


def test_iptables_clamp_on_loopback_is_detected() -> None:
    require_root("MSS clamping in a network namespace", ("ip", "iptables"))
    clamp = ["iptables", "-t", "mangle", "-A", "OUTPUT", "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN"]
    result = _in_fresh_netns([[*clamp, "-j", "TCPMSS", "--set-mss", "1200"]])
    assert result.sent_mss == 65495
    assert result.server_seen_mss == 1200
    assert result.clamped is True


def test_advertised_mss_without_timestamps() -> None:
    require_root("TCP without timestamps in a network namespace", ("ip", "sysctl"))
    result = _in_fresh_netns([["sysctl", "-qw", "net.ipv4.tcp_timestamps=0"]])
    assert result.sent_mss == 65495
    assert result.server_seen_mss == 65495
    assert result.clamped is False
