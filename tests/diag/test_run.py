"""run_checks on this machine without probing anything (no target): real adapters, routes and TCP settings."""

from __future__ import annotations

import asyncio

from diag.run import Progress, run_checks
from diag.run_options import RunOptions
from reports.model import Report


async def test_run_without_targets_completes_and_says_what_it_skipped() -> None:
    seen: list[Progress] = []
    report = await run_checks(RunOptions(lang="ja"), seen.append)
    Report.model_validate(report.model_dump())
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["adapters"] == "ok"
    assert statuses["pmtu"] == "skipped"
    assert statuses["mss"] == "skipped"
    assert report.paths == []
    assert report.vpn is None
    assert ("adapters", "running") in [(p.check, p.status) for p in seen]
    assert ("adapters", "ok") in [(p.check, p.status) for p in seen]
    skipped = next(c for c in report.checks if c.name == "mss")
    assert skipped.reason is not None
    assert "MSS" in skipped.reason
    assert any("\u3041" <= ch <= "\u30ff" for ch in skipped.reason)  # Japanese, as asked


async def test_exhausted_deadline_records_timeouts_and_still_returns_a_report() -> None:
    report = await run_checks(RunOptions(deadline_s=0.0, protocol="wireguard", vpn_server="127.0.0.1"))
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["adapters"] == "timeout"
    assert statuses["pmtu.underlay"] == "timeout"
    assert report.vpn is not None
    assert report.vpn.protocol == "wireguard"
    assert "checks_incomplete" in [f.id for f in report.findings]


async def test_progress_details_are_sentences_in_the_chosen_language() -> None:
    seen: list[Progress] = []
    await asyncio.wait_for(run_checks(RunOptions(lang="en"), seen.append), timeout=30)
    running = next(p for p in seen if p.check == "tcp" and p.status == "running")
    assert running.detail == "Checking TCP receive window…"
