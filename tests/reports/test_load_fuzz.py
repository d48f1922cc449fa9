"""Garbage in -> a clear ReportInvalid, never a crash (issue 10, report model part)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.errors import ReportInvalid
from reports.load import parse_report
from reports.model import Report
from tests.conftest import EXAMPLES, count_figure

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)
EXAMPLE = json.loads((EXAMPLES / "blackhole.json").read_text())


def _parse_or_invalid(data: bytes | str) -> Report | None:
    count_figure("inputs tried: report loader")
    try:
        return parse_report(data)
    except ReportInvalid as exc:
        message = str(exc)
    assert message, "a rejection must say what is wrong"
    return None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_random_bytes_never_crash(data: bytes) -> None:
    _parse_or_invalid(data)


@settings(max_examples=300)
@given(json_values)
def test_random_json_never_crash(value: Any) -> None:
    _parse_or_invalid(json.dumps(value))


@settings(max_examples=300)
@given(st.sampled_from(sorted(EXAMPLE)), json_values)
def test_mutated_example_either_valid_or_clear_error(field: str, value: Any) -> None:
    mutated = {**EXAMPLE, field: value}
    report = _parse_or_invalid(json.dumps(mutated))
    if report is not None:
        assert Report.model_validate_json(report.model_dump_json()) == report


def test_deeply_nested_json_is_rejected_cleanly() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert _parse_or_invalid(deep) is None
    nested_in_field = json.dumps({**EXAMPLE, "findings": [{"evidence": {"a": None}}]})
    assert _parse_or_invalid(nested_in_field.replace("null", "[" * 5000 + "]" * 5000)) is None
