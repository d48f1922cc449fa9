"""`vpndiag tui` and `vpndiag` alone: options, start-up cost, a bad profile explained."""

from __future__ import annotations

import subprocess
import sys

from diag import cli
from tests.conftest import ROOT, run_vpndiag


def test_no_arguments_opens_the_wizard() -> None:
    assert cli._default_command() == "tui"


def test_tui_takes_the_run_options() -> None:
    result = run_vpndiag("tui", "--help")
    assert result.returncode == 0
    for option in ("--target", "--vpn-server", "--protocol", "--probe-server", "--profile", "--lang"):
        assert option in result.stdout


def test_parsing_the_command_line_does_not_load_textual() -> None:
    code = "import sys; from diag import cli; cli.build_parser('tui'); print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_missing_profile_is_a_sentence_not_a_traceback(tmp_path: object) -> None:
    result = run_vpndiag("tui", "--profile", "/nonexistent/profile.toml")
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
