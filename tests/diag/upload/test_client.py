from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from diag.upload.client import (
    RetryPolicy,
    UploadRejected,
    UploadUnreachable,
    retry_after_seconds,
    upload_report,
)
from diag.upload.redact import redact
from reports.model import Report
from tests.conftest import lab_required
from tests.diag.upload.conftest import example_report
from tests.diag.upload.ingest_server import IngestServer, Scripted

# Tiny waits: the retry behaviour is the same, the tests stay fast.
FAST = RetryPolicy(attempts=4, initial_wait=0.01, max_wait=0.05, jitter=0.01)


def _fresh() -> Report:
    return redact(example_report().model_copy(update={"report_id": uuid.uuid4()}), include_local_names=False)


async def test_success_gives_reference_and_server_gets_gzip_json(ingest: IngestServer) -> None:
    report = _fresh()
    receipt = await upload_report(report, ingest.endpoint, retry=FAST, ingest_key="k1")
    assert receipt.created
    assert receipt.report_id == str(report.report_id)
    assert receipt.reference.startswith("R-")
    (seen,) = ingest.requests
    assert seen.headers["Content-Encoding"] == "gzip"
    assert seen.headers["X-Ingest-Key"] == "k1"
    assert ingest.stored[str(report.report_id)] == json.loads(report.model_dump_json())


async def test_sending_again_is_idempotent_by_report_id(ingest: IngestServer) -> None:
    report = _fresh()
    first = await upload_report(report, ingest.endpoint, retry=FAST)
    again = await upload_report(report, ingest.endpoint, retry=FAST)
    assert (first.created, again.created) == (True, False)
    assert first.reference == again.reference
    assert ingest.accepted_counts()[str(report.report_id)] == 1


async def test_5xx_then_success_retries(ingest: IngestServer) -> None:
    ingest.script = [Scripted(500), Scripted(502)]
    receipt = await upload_report(_fresh(), ingest.endpoint, retry=FAST)
    assert receipt.created
    assert [seen.status for seen in ingest.requests] == [500, 502, 201]


async def test_persistent_5xx_gives_up_after_attempts(ingest: IngestServer) -> None:
    ingest.script = [Scripted(503)] * 10
    with pytest.raises(UploadUnreachable, match="4 attempts"):
        await upload_report(_fresh(), ingest.endpoint, retry=FAST)
    assert len(ingest.requests) == 4


async def test_429_waits_as_long_as_retry_after_says(ingest: IngestServer) -> None:
    ingest.script = [Scripted(429, {"Retry-After": "1"})]
    started = time.monotonic()
    receipt = await upload_report(_fresh(), ingest.endpoint, retry=FAST)
    elapsed = time.monotonic() - started
    assert receipt.created
    # The backoff alone would wait 0.01 s; only honouring Retry-After makes it a second.
    assert 0.9 <= elapsed < 5


async def test_429_with_long_retry_after_is_left_for_later(ingest: IngestServer) -> None:
    ingest.script = [Scripted(429, {"Retry-After": "3600"})]
    started = time.monotonic()
    with pytest.raises(UploadUnreachable, match="3600 seconds"):
        await upload_report(_fresh(), ingest.endpoint, retry=FAST)
    assert time.monotonic() - started < 2
    assert len(ingest.requests) == 1


async def test_hanging_server_times_out(ingest: IngestServer) -> None:
    ingest.script = [Scripted(201, hang=30), Scripted(201, hang=30)]
    started = time.monotonic()
    with pytest.raises(UploadUnreachable, match="did not answer in time"):
        await upload_report(_fresh(), ingest.endpoint, timeout=0.3, retry=RetryPolicy(attempts=2, initial_wait=0.01))
    assert time.monotonic() - started < 5


async def test_413_is_final_and_suggests_export(ingest: IngestServer) -> None:
    ingest.max_bytes = 100
    with pytest.raises(UploadRejected, match="too large") as caught:
        await upload_report(_fresh(), ingest.endpoint, retry=FAST)
    assert "vpndiag export" in str(caught.value)
    assert len(ingest.requests) == 1  # a refusal is not retried


async def test_422_names_the_field(ingest: IngestServer) -> None:
    ingest.script = []
    report = _fresh()
    # The server validates the same contract; a body it cannot parse comes back as 422 with field paths.
    ingest.stored.clear()
    broken = report.model_copy(update={"schema_version": "9.9"})  # bypasses validation, as a buggy client would
    with pytest.raises(UploadRejected, match="schema_version"):
        await upload_report(broken, ingest.endpoint, retry=FAST)


async def test_wrong_ingest_key_is_refused(ingest: IngestServer) -> None:
    ingest.ingest_key = "right"
    with pytest.raises(UploadRejected, match="key"):
        await upload_report(_fresh(), ingest.endpoint, retry=FAST, ingest_key="wrong")


async def test_connection_refused_is_unreachable(closed_port: int) -> None:
    with pytest.raises(UploadUnreachable, match="could not be reached"):
        await upload_report(_fresh(), f"http://127.0.0.1:{closed_port}", retry=FAST)


async def test_unredacted_report_is_never_sent(ingest: IngestServer) -> None:
    with pytest.raises(UploadRejected, match="not been redacted"):
        await upload_report(
            example_report().model_copy(
                update={"privacy": example_report().privacy.model_copy(update={"redacted": False})}
            ),
            ingest.endpoint,
        )
    assert ingest.requests == []


async def test_japanese_messages(closed_port: int) -> None:
    with pytest.raises(UploadUnreachable, match="接続できませんでした"):
        await upload_report(_fresh(), f"http://127.0.0.1:{closed_port}", retry=FAST, lang="ja")


async def test_proxy_from_environment_is_used(ingest: IngestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The loopback server plays the proxy: the request reaches it in absolute form, naming a host that does not
    # resolve anywhere (.invalid, RFC 2606), so nothing but the proxy could have carried it.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", ingest.endpoint)
    receipt = await upload_report(_fresh(), "http://support.vpndiag.invalid:8080", retry=FAST)
    assert receipt.created
    assert ingest.requests[0].path == "http://support.vpndiag.invalid:8080/api/v1/reports"


def _self_signed(folder: Path) -> tuple[str, str]:
    if shutil.which("openssl") is None:
        message = "the TLS test makes its certificate with openssl (scripts/system-packages installs it)"
        if lab_required():
            pytest.fail(f"VPNDIAG_REQUIRE_LAB=1 but {message}")
        pytest.skip(message)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return str(cert), str(key)


async def test_tls_is_verified_and_custom_ca_bundle_is_trusted(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    server = IngestServer()
    server.use_tls(cert, key)
    server.start()
    try:
        with pytest.raises(UploadUnreachable, match="could not prove its identity"):
            await upload_report(_fresh(), server.endpoint, retry=FAST)
        assert server.stored == {}
        receipt = await upload_report(_fresh(), server.endpoint, retry=FAST, ca_bundle=cert)
        assert receipt.created
    finally:
        server.stop()


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 26, 4, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds("Thu, 26 Nov 2026 04:00:30 GMT", now) == 30
    assert retry_after_seconds("Thu, 26 Nov 2026 03:59:00 GMT", now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_body_is_gzip_of_the_report_json() -> None:
    from diag.upload.client import encode_report

    report = _fresh()
    assert json.loads(gzip.decompress(encode_report(report))) == json.loads(report.model_dump_json())
