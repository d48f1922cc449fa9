"""Odd but valid reports never crash the rules, in either language, and keep the contract (issue 10 fuzzes more)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.load import load_report
from reports.model import Report
from reports.rules import apply_rules

DATA = Path(__file__).parent / "data"
CASES = sorted(p.stem for p in DATA.glob("*.json"))

mtus = st.one_of(st.none(), st.integers(min_value=68, max_value=65535))
sizes = st.one_of(st.none(), st.integers(min_value=0, max_value=65535))
ratios = st.one_of(st.none(), st.floats(min_value=0, max_value=1))


@settings(max_examples=150, deadline=None)
@given(
    case=st.sampled_from(CASES),
    pmtu=sizes,
    tunnel_mtu=st.one_of(st.none(), st.integers(min_value=0, max_value=65535)),
    overhead=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
    adapter_mtu=mtus,
    loss=ratios,
    frag=st.sampled_from(["delivered", "blocked", "unknown"]),
    echo=st.sampled_from(["ok", "blocked", "unreachable"]),
    window=st.one_of(st.none(), st.integers(min_value=0, max_value=2**31)),
    rtt=st.one_of(st.none(), st.floats(min_value=0, max_value=5000)),
    link=st.one_of(st.none(), st.floats(min_value=0, max_value=100000)),
    scaling=st.one_of(st.none(), st.booleans()),
)
def test_rules_survive_odd_measurements(
    case: str,
    pmtu: int | None,
    tunnel_mtu: int | None,
    overhead: int | None,
    adapter_mtu: int | None,
    loss: float | None,
    frag: str,
    echo: str,
    window: int | None,
    rtt: float | None,
    link: float | None,
    scaling: bool | None,
) -> None:
    raw: dict[str, Any] = load_report(DATA / f"{case}.json").model_dump(mode="json")
    for path in raw["paths"]:
        path.update(pmtu=pmtu, loss=loss, frag_needed=frag, icmp_echo=echo)
    for adapter in raw["adapters"]:
        adapter["mtu"] = adapter_mtu
    if raw["vpn"] is not None:
        raw["vpn"].update(tunnel_mtu=tunnel_mtu, overhead_bytes=overhead, recommended_mtu=None)
    if raw["tcp"] is not None:
        raw["tcp"].update(
            max_receive_window=window, rtt_ms=rtt, link_speed_mbps=link, window_scaling=scaling, bdp_bytes=None
        )
    report = Report.model_validate(raw)
    for lang in ("en", "ja"):
        diagnosed = apply_rules(report, lang)
        Report.model_validate(diagnosed.model_dump(mode="json"))
        ids = {f.id for f in diagnosed.findings}
        assert all(set(fix.finding_ids) <= ids for fix in diagnosed.fixes)
        for fix in diagnosed.fixes:
            for step in fix.steps:
                assert "None" not in step.text
                assert step.command is None or "None" not in step.command
