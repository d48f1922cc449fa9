"""The outbox under faults: a server that is down, slow, answers 5xx, resets connections and restarts still ends
with every report delivered exactly once, intact (issue 10). Counted on the server side."""

from __future__ import annotations

import random
import threading
import uuid
from pathlib import Path

import pytest

from diag.upload.client import RetryPolicy
from diag.upload.outbox import Outbox
from diag.upload.redact import redact
from reports.model import Report
from tests.conftest import count_figure
from tests.diag.upload.conftest import example_report
from tests.diag.upload.fault_proxy import FaultProxy
from tests.diag.upload.ingest_server import IngestServer

REPORTS = 20
# The client waits this long for each network step; the proxy's "slow" holds a request twice as long, so the
# client gives up while the server still stores the report: the answer is lost, the retry must not duplicate it.
CLIENT_TIMEOUT_S = 0.3
SLOW_S = 0.6
FAST = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, jitter=0.01)
MAX_ROUNDS = 80
# Half the connections meet a fault; the rest pass.
WEIGHTS = {
    "pass": 50,
    "reset_at_once": 8,
    "reset_after_store": 12,
    "close_no_answer": 6,
    "answer_5xx": 12,
    "slow": 6,
    "delay": 6,
}


def _fresh(index: int) -> Report:
    report = example_report(["blackhole", "healthy", "icmp-blocked"][index % 3])
    return redact(report.model_copy(update={"report_id": uuid.uuid4()}), include_local_names=False)


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_report_delivered_exactly_once_through_faults(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    outbox = Outbox(tmp_path / "outbox")
    reports = {str(r.report_id): r for r in (_fresh(i) for i in range(REPORTS))}
    batches = [list(reports.values())[i::4] for i in range(4)]
    # The first rounds bring every kind of server event while new reports keep arriving; then random ones.
    events = ["restart_during", "down", "restart", "none"]
    proxy = FaultProxy(IngestServer().start(), WEIGHTS, seed, SLOW_S)
    statuses: list[str] = []
    try:
        rounds = 0
        while (batches or outbox.pending()) and rounds < MAX_ROUNDS:
            rounds += 1
            for report in batches.pop(0) if batches else []:
                outbox.add(report)
            event = events.pop(0) if events else rng.choice(["none", "none", "down", "restart", "restart_during"])
            if event == "down":
                proxy.down()
            elif event == "restart":
                proxy.restart_backend()
            # a restart while reports are on the wire
            timer = threading.Timer(rng.uniform(0.0, 0.3), proxy.restart_backend)
            if event == "restart_during":
                timer.start()
            results = await outbox.send_pending(proxy.endpoint, retry=FAST, timeout=CLIENT_TIMEOUT_S)
            if event == "restart_during":
                timer.join()
            statuses += [r.status for r in results]
            if event == "down":
                proxy.up()
        stored = dict(proxy.backend.stored)
        accepted = proxy.backend.accepted_counts()
        posts = sum(1 for seen in proxy.backend.requests if seen.report_id is not None)
    finally:
        proxy.close()
        proxy.backend.stop()

    lost = [report_id for report_id in reports if report_id not in stored]
    duplicates = sum(count - 1 for count in accepted.values() if count > 1)
    count_figure("outbox: faults injected", sum(proxy.injected.values()))
    count_figure("outbox: reports delivered", len(reports) - len(lost))
    count_figure("outbox: reports lost", len(lost))
    count_figure("outbox: duplicate deliveries", duplicates)
    count_figure("outbox: answers lost, resent, deduplicated", posts - len(stored))

    assert outbox.pending() == [], f"still waiting after {rounds} rounds"
    assert lost == []
    assert duplicates == 0, accepted
    assert set(accepted) == set(reports), "each report was accepted as new exactly once"
    assert set(statuses) <= {"sent", "kept"}, "a transient fault must never move a report aside"
    for report_id, body in stored.items():
        assert Report.model_validate(body) == reports[report_id], "stored intact"
    # the faults really happened: each kind at least once, and some answers were lost after storing
    assert {"reset_at_once", "reset_after_store", "answer_5xx", "slow", "server down", "server restart"} <= set(
        proxy.injected
    ), proxy.injected
    assert posts > len(stored), "no lost answer was resent: the duplicate check proved nothing"
