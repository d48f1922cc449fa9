from __future__ import annotations

from diag.checks._system import decode_output, run_command


def test_missing_tool_failure_and_timeout_become_reasons() -> None:
    missing = run_command(["vpndiag-no-such-tool", "--version"])
    assert missing.text is None
    assert missing.reason is not None
    assert "not installed" in missing.reason
    failed = run_command(["ip", "-j", "route", "get", "not-an-address"])
    assert failed.text is None
    assert failed.reason is not None
    assert failed.reason.startswith("ip failed")
    slow = run_command(["sleep", "5"], timeout=0.2)
    assert slow.text is None
    assert slow.reason is not None
    assert "did not answer" in slow.reason
    ok = run_command(["ip", "-j", "link", "show", "lo"])
    assert ok.text is not None
    assert '"lo"' in ok.text


def test_decode_utf8_then_console_code_page() -> None:
    assert decode_output("受信".encode()) == "受信"
    assert decode_output("受信".encode("cp932"), fallback="cp932") == "受信"
    assert decode_output(b"\xff\xfe") == "\xff\xfe"  # never raises: latin-1 off Windows
