from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from diag.errors import UploadError
from diag.upload.client import RetryPolicy
from diag.upload.outbox import DATA_DIR_ENV, Outbox, default_outbox_path
from diag.upload.redact import redact
from reports.model import Report
from tests.conftest import ROOT
from tests.diag.upload.conftest import example_report
from tests.diag.upload.ingest_server import IngestServer

FAST = RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.02, jitter=0.01)


def _fresh() -> Report:
    return redact(example_report().model_copy(update={"report_id": uuid.uuid4()}), include_local_names=False)


def test_add_keeps_one_file_per_report_and_no_temporary_files(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    report = _fresh()
    first = outbox.add(report)
    again = outbox.add(report)
    other = outbox.add(_fresh())
    assert first == again
    assert sorted(outbox.pending()) == sorted([first, other])
    assert Report.model_validate_json(first.read_text()) == report
    assert sorted(p.name for p in outbox.path.iterdir() if p.name != ".lock") == sorted([first.name, other.name])


def test_data_dir_comes_from_environment(tmp_path: Path) -> None:
    assert default_outbox_path({DATA_DIR_ENV: str(tmp_path)}) == tmp_path / "outbox"
    assert default_outbox_path({}).name == "outbox"


async def test_send_pending_sends_each_once_then_nothing(tmp_path: Path, ingest: IngestServer) -> None:
    outbox = Outbox(tmp_path)
    reports = [_fresh() for _ in range(3)]
    for report in reports:
        outbox.add(report)
    results = await outbox.send_pending(ingest.endpoint, retry=FAST)
    assert [r.status for r in results] == ["sent"] * 3
    assert all(r.reference and r.reference.startswith("R-") for r in results)
    assert outbox.pending() == []
    assert await outbox.send_pending(ingest.endpoint, retry=FAST) == []
    for report in reports:
        assert ingest.posts_for(str(report.report_id)) == 1


async def test_unreachable_keeps_rejected_and_invalid_move_aside(
    tmp_path: Path, ingest: IngestServer, closed_port: int
) -> None:
    outbox = Outbox(tmp_path)
    kept = outbox.add(_fresh())
    assert [r.status for r in await outbox.send_pending(f"http://127.0.0.1:{closed_port}", retry=FAST)] == ["kept"]
    assert outbox.pending() == [kept]

    (tmp_path / "broken.json").write_text("{not json")
    ingest.max_bytes = 10  # every report is now too large: a final refusal
    results = {r.path.name: r for r in await outbox.send_pending(ingest.endpoint, retry=FAST)}
    assert results["broken.json"].status == "invalid"
    assert results["broken.json"].moved_to == tmp_path / "invalid" / "broken.json"
    assert results[kept.name].status == "rejected"
    assert results[kept.name].moved_to is not None
    assert results[kept.name].moved_to.exists()  # nothing is lost
    assert outbox.pending() == []


async def test_a_second_sender_waits_for_the_lock_and_then_says_so(tmp_path: Path, ingest: IngestServer) -> None:
    outbox = Outbox(tmp_path)
    outbox.add(_fresh())
    async with outbox.locked():
        with pytest.raises(UploadError, match="Another vpndiag is sending"):
            await Outbox(tmp_path).send_pending(ingest.endpoint, lock_wait=0.2, retry=FAST)
    assert ingest.requests == []
    assert len(await Outbox(tmp_path).send_pending(ingest.endpoint, retry=FAST)) == 1


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, DATA_DIR_ENV: str(data_dir), "VPNDIAG_LANG": "en"}


def test_concurrent_senders_send_every_report_exactly_once(tmp_path: Path, ingest: IngestServer) -> None:
    outbox = Outbox(tmp_path / "outbox")
    ids = [str(outbox.add(_fresh()).stem) for _ in range(6)]
    ingest.answer_delay = 0.4  # the senders' work overlaps in time: without the lock they would send twice
    command = [sys.executable, "-m", "diag", "upload", "--pending", "--endpoint", ingest.endpoint, "--retries", "0"]
    senders = [
        subprocess.Popen(
            command, cwd=ROOT, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [sender.communicate(timeout=120) for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0, 0], outputs
    for report_id in ids:
        assert ingest.posts_for(report_id) == 1, report_id
    assert sum(out.count("sent, reference") for out, _ in outputs) == 6
    assert outbox.pending() == []


ADD_MANY = """
import sys, uuid
from pathlib import Path
from diag.upload.outbox import Outbox
from reports.model import Report
base = Report.model_validate_json(Path(sys.argv[2]).read_text())
outbox = Outbox(Path(sys.argv[1]))
shared = base.model_copy(update={"report_id": uuid.UUID(sys.argv[3])})
for i in range(15):
    outbox.add(base.model_copy(update={"report_id": uuid.uuid4()}))
    outbox.add(shared)
"""


def test_concurrent_writers_never_corrupt_the_outbox(tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    report_file.write_text(_fresh().model_dump_json())
    folder = tmp_path / "outbox"
    shared = str(uuid.uuid4())
    writers = [
        subprocess.Popen([sys.executable, "-c", ADD_MANY, str(folder), str(report_file), shared], cwd=ROOT)
        for _ in range(4)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    files = Outbox(folder).pending()
    assert len(files) == 4 * 15 + 1  # the shared report is one file however often it was written
    for path in files:
        assert json.loads(path.read_text())["report_id"] == path.stem
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
