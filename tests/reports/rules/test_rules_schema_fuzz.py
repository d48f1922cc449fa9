"""Any report the schema allows -> the rules never raise, and every fix refers to a finding it comes with (issue 10).

Two sources: whole reports generated from the JSON Schema, and recorded reports with some of their measurement
blocks (paths, adapters, routes, tcp, vpn, checks, timeline) replaced by generated ones, which reaches the rules'
deeper branches more often than fully random reports do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from reports.load import load_report
from reports.model import Report
from reports.rules import apply_rules, diagnose
from tests.conftest import count_figure
from tests.reports.report_strategy import SCHEMA, from_schema, report_dicts

DATA = Path(__file__).parent / "data"
CASES = sorted(p.stem for p in DATA.glob("*.json"))
BLOCKS = ("paths", "adapters", "routes", "tcp", "vpn", "checks", "timeline")
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def _valid(raw: dict[str, Any]) -> Report:
    try:
        return Report.model_validate(raw)
    except ValidationError:
        reject()


def _diagnoses_cleanly(report: Report, figure: str) -> None:
    count_figure(figure)
    for lang in ("en", "ja"):
        findings, fixes = diagnose(report, lang)
        ids = [f.id for f in findings]
        assert len(ids) == len(set(ids)), ids
        for fix in fixes:
            assert fix.finding_ids, fix.id
            assert set(fix.finding_ids) <= set(ids), (fix.id, fix.finding_ids, ids)
        diagnosed = apply_rules(report, lang)
        assert Report.model_validate_json(diagnosed.model_dump_json()) == diagnosed


@FUZZ
@given(report_dicts)
def test_any_valid_report_is_diagnosed_without_error(raw: dict[str, Any]) -> None:
    _diagnoses_cleanly(_valid(raw), "inputs tried: rules, generated reports")


@st.composite
def recorded_with_generated_blocks(draw: st.DrawFn) -> dict[str, Any]:
    raw: dict[str, Any] = load_report(DATA / f"{draw(st.sampled_from(CASES))}.json").model_dump(mode="json")
    for block in draw(st.sets(st.sampled_from(BLOCKS), min_size=1, max_size=3)):
        raw[block] = draw(from_schema(SCHEMA["properties"][block]), label=block)
    return raw


@FUZZ
@given(recorded_with_generated_blocks())
def test_recorded_reports_with_generated_measurements(raw: dict[str, Any]) -> None:
    _diagnoses_cleanly(_valid(raw), "inputs tried: rules, recorded with generated blocks")
