"""Reports built to hurt the server's re-run of the rules stay cheap and clean (found by the schema fuzzing)."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from reports.load import load_report
from reports.model import Report, Tcp, WatchEvent
from reports.rules import apply_rules
from tests.reports.rules.test_golden import DATA


def _numbers(value: object) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [float(value)] if isinstance(value, int | float) and not isinstance(value, bool) else []


def test_a_timeline_claiming_a_trillion_samples_is_not_expanded() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    timeline = [
        WatchEvent(at=at, kind="small_lost", count=10**12, until=at, tick=0),
        WatchEvent(at=at, kind="small_ok", count=10**12, until=at, tick=10**12),
    ]
    report = load_report(DATA / "healthy-linux.json").model_copy(update={"timeline": timeline})
    began = time.monotonic()
    diagnosed = apply_rules(report, "en")
    assert time.monotonic() - began < 5
    assert Report.model_validate_json(diagnosed.model_dump_json()) == diagnosed


def test_implausible_rtt_and_link_speed_give_no_infinite_figures() -> None:
    base = load_report(DATA / "healthy-linux.json")
    for rtt, link in ((2.2e-308, 100.0), (50.0, 1e308), (1e308, 1e308)):
        tcp = Tcp(window_scaling=False, max_receive_window=65535, rtt_ms=rtt, link_speed_mbps=link)
        diagnosed = apply_rules(base.model_copy(update={"tcp": tcp}), "en")
        for finding in diagnosed.findings:
            assert all(math.isfinite(n) for n in _numbers(finding.evidence)), finding
            assert "inf" not in finding.detail
        assert Report.model_validate_json(diagnosed.model_dump_json()) == diagnosed
