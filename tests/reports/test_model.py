from __future__ import annotations

import json
from datetime import datetime

import pytest
from pydantic import ValidationError

from reports.model import Finding, PathResult, Report, Severity, System, Tool
from tests.conftest import EXAMPLES


def minimal() -> dict[str, object]:
    return {"tool": {"version": "0.1.0"}, "system": {"os": "linux", "privileged": False}}


def test_minimal_report_gets_id_time_and_version() -> None:
    report = Report.model_validate(minimal())
    assert report.schema_version == "1.0"
    assert report.created_at.utcoffset() is not None
    assert report.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert len(str(report.report_id)) == 36


def test_unknown_top_level_field_rejected() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Report.model_validate({**minimal(), "colour": "red"})


def test_wrong_schema_version_rejected() -> None:
    with pytest.raises(ValidationError, match="schema_version"):
        Report.model_validate({**minimal(), "schema_version": "2.0"})


def test_naive_created_at_rejected_and_offsets_normalised_to_utc() -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Report.model_validate({**minimal(), "created_at": "2026-11-20T10:00:00"})
    report = Report.model_validate({**minimal(), "created_at": "2026-11-20T19:00:00+09:00"})
    assert report.created_at.isoformat() == "2026-11-20T10:00:00+00:00"


def test_pmtu_may_be_null_but_loss_is_a_ratio() -> None:
    path = PathResult(target="x", family=4, role="target", icmp_echo="blocked", pmtu=None, pmtu_reason="echo blocked")
    assert path.pmtu is None
    with pytest.raises(ValidationError, match="loss"):
        PathResult(target="x", family=4, role="target", icmp_echo="ok", loss=1.5)


def test_finding_without_evidence_rejected() -> None:
    with pytest.raises(ValidationError, match="evidence"):
        Finding(id="pmtud_blackhole", severity=Severity.critical, title="t", detail="d", evidence={})


def test_oversized_strings_and_lists_rejected() -> None:
    with pytest.raises(ValidationError):
        Report.model_validate(
            {
                **minimal(),
                "adapters": [{"name": "x" * 300, "mtu": 1500, "is_up": True, "is_vpn": False, "kind": "ethernet"}],
            }
        )
    with pytest.raises(ValidationError):
        Report.model_validate(
            {**minimal(), "paths": [{"target": "x", "family": 4, "role": "target", "icmp_echo": "ok"}] * 65}
        )


def test_round_trip_through_json_is_lossless() -> None:
    report = Report(
        tool=Tool(version="1"),
        system=System(os="windows", privileged=True),
        created_at=datetime.fromisoformat("2026-01-02T03:04:05+00:00"),
    )
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report


@pytest.mark.parametrize("name", ["healthy", "blackhole", "icmp-blocked"])
def test_examples_validate(name: str) -> None:
    report = Report.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))
    assert report.tool.name == "vpndiag"


def test_examples_cover_the_three_situations() -> None:
    reports = {p.stem: Report.model_validate_json(p.read_text()) for p in EXAMPLES.glob("*.json")}
    assert len(reports) >= 3
    assert not [f for f in reports["healthy"].findings if f.severity != "info"]
    assert reports["blackhole"].paths[0].frag_needed == "blocked"
    assert reports["blackhole"].paths[0].pmtu == 1400
    blocked = reports["icmp-blocked"].paths[0]
    assert blocked.icmp_echo == "blocked"
    assert blocked.pmtu is None
    assert blocked.pmtu_reason


@pytest.mark.parametrize("name", ["healthy", "blackhole", "icmp-blocked"])
def test_examples_carry_the_current_diagnosis(name: str) -> None:
    from reports.rules import apply_rules

    report = Report.model_validate_json((EXAMPLES / f"{name}.json").read_text())
    again = apply_rules(report)
    assert [f.model_dump() for f in report.findings] == [f.model_dump() for f in again.findings], (
        "examples drifted from the rules: re-run apply_rules over schema/examples"
    )
    assert [f.id for f in report.fixes] == [f.id for f in again.fixes]
