"""`vpndiag run` as a customer runs it (no targets: nothing is probed off this machine)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.load import load_report
from tests.conftest import run_vpndiag
from tests.diag.upload.ingest_server import IngestServer


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


@pytest.fixture
def ingest() -> Iterator[IngestServer]:
    """The upload tests' real loopback ingest server."""
    server = IngestServer().start()
    try:
        yield server
    finally:
        server.stop()


def _profile(tmp_path: Path, endpoint: str) -> Path:
    profile = tmp_path / "provider.toml"
    profile.write_text(f'provider = "Test VPN"\nendpoint = "{endpoint}"\n', encoding="utf-8")
    return profile


def test_upload_only_with_consent_and_redacted(tmp_path: Path, ingest: IngestServer) -> None:
    profile = _profile(tmp_path, ingest.endpoint)
    quiet = run_vpndiag("run", "--profile", str(profile), "--lang", "en", env=_env(tmp_path))
    assert quiet.returncode == 0, quiet.stderr
    assert ingest.requests == []
    assert "The report was not sent." in quiet.stdout

    out = tmp_path / "sent.json"
    sent = run_vpndiag(
        "run", "--profile", str(profile), "--lang", "en", "--json", str(out), "--upload", env=_env(tmp_path)
    )
    assert sent.returncode == 0, sent.stderr
    report_id = str(load_report(out).report_id)
    assert ingest.posts_for(report_id) == 1
    stored = ingest.stored[report_id]
    assert stored["privacy"]["consent"] is True
    assert stored["privacy"]["redacted"] is True


def test_upload_with_json_dash_keeps_stdout_for_the_report(tmp_path: Path, ingest: IngestServer) -> None:
    profile = _profile(tmp_path, ingest.endpoint)
    result = run_vpndiag("run", "--profile", str(profile), "--json", "-", "--upload", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert ingest.posts_for(report["report_id"]) == 1


def test_reports_waiting_in_the_outbox_are_offered_on_stderr(tmp_path: Path, ingest: IngestServer) -> None:
    from diag.upload.outbox import Outbox
    from tests.conftest import EXAMPLES

    waiting = Outbox(tmp_path / "outbox").add(load_report(EXAMPLES / "blackhole.json"))
    result = run_vpndiag("run", "--lang", "en", "--json", "-", env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)  # stdout still carries only the report
    assert "Reports waiting in the outbox: 1. Send them with `vpndiag upload --pending`." in result.stderr
    ja = run_vpndiag("run", "--lang", "ja", "--json", str(tmp_path / "r.json"), env=_env(tmp_path))
    assert "送信待ちのレポートが 1 件あります。" in ja.stderr
    assert "送信待ち" not in ja.stdout

    sent = run_vpndiag("upload", "--pending", "--endpoint", ingest.endpoint, env=_env(tmp_path))
    assert sent.returncode == 0, sent.stderr
    assert not waiting.exists()
    again = run_vpndiag("run", "--lang", "en", "--json", "-", env=_env(tmp_path))
    assert "outbox" not in again.stderr
