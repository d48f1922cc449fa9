from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, run_vpndiag


def test_help_lists_commands() -> None:
    result = run_vpndiag("--help")
    assert result.returncode == 0
    assert "show" in result.stdout
    assert "schema" in result.stdout


def test_schema_command_matches_committed_file() -> None:
    result = run_vpndiag("schema")
    assert result.returncode == 0
    committed = json.loads((ROOT / "schema" / "report.schema.json").read_text())
    assert json.loads(result.stdout) == committed, "run `vpndiag schema > schema/report.schema.json`"


def test_show_prints_summary_in_report_language() -> None:
    result = run_vpndiag("show", str(EXAMPLES / "blackhole.json"))
    assert result.returncode == 0, result.stderr
    assert "1400" in result.stdout
    assert "見つかった問題" in result.stdout
    english = run_vpndiag("show", "--lang", "en", str(EXAMPLES / "blackhole.json"))
    assert "Findings" in english.stdout


def test_show_malformed_report_names_field_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "schema_version": "1.0",
                "tool": {"version": "1"},
                "system": {"os": "linux", "privileged": False},
                "paths": [{"target": "a", "family": 5, "role": "target", "icmp_echo": "ok"}],
            }
        )
    )
    result = run_vpndiag("show", str(bad))
    assert result.returncode != 0
    assert "paths.0.family" in result.stderr
    assert "Traceback" not in result.stderr


def test_show_not_json_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    result = run_vpndiag("show", str(bad))
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr
    missing = run_vpndiag("show", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr + result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = run_vpndiag("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
