"""`vpndiag run` as a customer runs it (no targets: nothing is probed off this machine)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reports.load import load_report
from tests.conftest import run_vpndiag


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "VPNDIAG_DATA_DIR": str(tmp_path), "VPNDIAG_PROFILE": ""}


def test_json_dash_prints_only_the_report(tmp_path: Path) -> None:
    result = run_vpndiag("run", "--json", "-", "--no-upload", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["schema_version"] == "1.0"
    assert {c["name"] for c in report["checks"]} >= {"adapters", "routes", "tcp", "pmtu", "mss"}
    assert not (tmp_path / "reports").exists()


def test_human_answer_in_japanese_and_the_report_written(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    result = run_vpndiag("run", "--lang", "ja", "--json", str(out), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "診断結果"
    assert "接続そのものは調べていません" in result.stdout
    assert f"レポートを {out} に保存しました。" in result.stdout
    assert load_report(out).lang == "ja"


def test_default_report_goes_to_the_data_folder_and_nothing_is_sent(tmp_path: Path) -> None:
    result = run_vpndiag("run", "--lang", "en", "--upload", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    saved = list((tmp_path / "reports").glob("report-*.json"))
    assert len(saved) == 1
    assert "The report was not sent: this vpndiag has no support server configured." in result.stdout
    assert not (tmp_path / "outbox").exists()
