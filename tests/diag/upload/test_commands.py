"""`vpndiag upload` and `vpndiag export` run as a customer runs them: a child process, a real loopback server."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from reports.model import Report
from tests.conftest import EXAMPLES, run_vpndiag
from tests.diag.upload.conftest import example_report
from tests.diag.upload.ingest_server import IngestServer


def _env(data_dir: Path, lang: str = "en") -> dict[str, str]:
    return {**os.environ, "VPNDIAG_DATA_DIR": str(data_dir), "VPNDIAG_LANG": lang}


def _customer_report(tmp_path: Path) -> Path:
    """A report as `vpndiag run` saves it: unredacted, with the customer's addresses and names."""
    report = example_report()
    adapters = [
        report.adapters[0].model_copy(
            update={
                "mac": "a4:5e:60:d2:11:0f",
                "addresses": [a.model_copy(update={"address": "192.168.10.23"}) for a in report.adapters[0].addresses],
            }
        ),
        *report.adapters[1:],
    ]
    raw = report.model_copy(
        update={
            "adapters": adapters,
            "system": report.system.model_copy(update={"hostname": "yamada-pc"}),
            "privacy": report.privacy.model_copy(update={"redacted": False, "redaction_counts": {}, "consent": False}),
        }
    )
    path = tmp_path / "report.json"
    path.write_text(raw.model_dump_json())
    return path


def test_upload_sends_redacted_report_and_prints_reference(tmp_path: Path, ingest: IngestServer) -> None:
    report_file = _customer_report(tmp_path)
    result = run_vpndiag("upload", str(report_file), "--endpoint", ingest.endpoint, env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    (stored,) = ingest.stored.values()
    match = re.search(r"Your reference is (R-[0-9A-F]{6})", result.stdout)
    assert match is not None, result.stdout
    sent = Report.model_validate(stored)
    assert sent.privacy.redacted
    assert sent.privacy.consent
    text = json.dumps(stored)
    for secret in ("192.168.10.23", "a4:5e:60:d2:11:0f", "yamada-pc", "203.0.113.10"):
        assert secret not in text
    assert sent.privacy.redaction_counts["mac"] == 1
    assert "public IP address was removed" in result.stderr


def test_refused_connection_queues_then_pending_sends_exactly_once(
    tmp_path: Path, ingest: IngestServer, closed_port: int
) -> None:
    report_file = _customer_report(tmp_path)
    down = f"http://127.0.0.1:{closed_port}"
    failed = run_vpndiag("upload", str(report_file), "--endpoint", down, "--retries", "0", env=_env(tmp_path))
    assert failed.returncode == 1
    assert "could not be reached" in failed.stderr
    queued = re.search(r"kept in the outbox: (\S+\.json)\.", failed.stderr)
    assert queued is not None, failed.stderr
    queued_path = Path(queued.group(1))
    assert queued_path.parent == tmp_path / "outbox"
    assert "192.168.10.23" not in queued_path.read_text()  # the outbox holds the redacted copy only
    assert "Traceback" not in failed.stderr

    sent = run_vpndiag("upload", "--pending", "--endpoint", ingest.endpoint, env=_env(tmp_path))
    assert sent.returncode == 0, sent.stderr
    assert f"{queued_path.name}: sent, reference R-" in sent.stdout
    again = run_vpndiag("upload", "--pending", "--endpoint", ingest.endpoint, env=_env(tmp_path))
    assert again.returncode == 0
    assert "Nothing is waiting in the outbox" in again.stdout
    assert ingest.posts_for(queued_path.stem) == 1
    assert not queued_path.exists()


def test_upload_messages_in_japanese_and_no_endpoint(tmp_path: Path, closed_port: int) -> None:
    report_file = _customer_report(tmp_path)
    result = run_vpndiag(
        "upload", str(report_file), "--endpoint", f"http://127.0.0.1:{closed_port}", "--retries", "0",
        env=_env(tmp_path, "ja"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "送信待ちフォルダーに保存しました" in result.stderr
    missing = run_vpndiag("upload", str(report_file), env=_env(tmp_path))
    assert missing.returncode == 2
    assert "No support server is configured" in missing.stderr


def test_upload_413_is_not_queued(tmp_path: Path, ingest: IngestServer) -> None:
    ingest.max_bytes = 10
    result = run_vpndiag("upload", str(_customer_report(tmp_path)), "--endpoint", ingest.endpoint, env=_env(tmp_path))
    assert result.returncode == 2
    assert "too large" in result.stderr
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").glob("*.json"))


def test_export_html_to_a_folder_redacted_by_default(tmp_path: Path) -> None:
    report_file = _customer_report(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = run_vpndiag("export", str(report_file), "--format", "html", "-o", str(out), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    (written,) = out.iterdir()
    assert written.name == f"vpndiag-{example_report().report_id}.html"
    html = written.read_text()
    assert "<!DOCTYPE html>" in html
    assert "192.168.10.23" not in html
    assert "ip4-private-" in html


def test_export_markdown_to_stdout_and_json_to_a_file(tmp_path: Path) -> None:
    md = run_vpndiag("export", str(EXAMPLES / "healthy.json"), "--format", "md", "--lang", "en", "--no-redact")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# vpndiag report")
    target = tmp_path / "r.json"
    js = run_vpndiag("export", str(EXAMPLES / "healthy.json"), "--format", "json", "-o", str(target), "--no-redact")
    assert js.returncode == 0, js.stderr
    assert Report.model_validate_json(target.read_text()) == Report.model_validate_json(
        (EXAMPLES / "healthy.json").read_text()
    )


def test_export_errors_are_sentences(tmp_path: Path) -> None:
    missing = run_vpndiag("export", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
    unwritable = run_vpndiag("export", str(EXAMPLES / "healthy.json"), "-o", str(tmp_path / "no" / "such" / "x.html"))
    assert unwritable.returncode == 2
    assert "cannot be written" in unwritable.stderr
    assert "Traceback" not in missing.stderr + unwritable.stderr
