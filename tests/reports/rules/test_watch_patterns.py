from __future__ import annotations

import pytest

from reports.model import Report, System, Tool
from reports.rules.watch_patterns import diagnose_watch, tunnel_drops, watch_findings
from tests.diag.watch.timelines import LOST, OK, build


def ids(events: list) -> list[str]:  # type: ignore[type-arg]
    return [f.id for f in watch_findings(events, "en")]


def test_small_pass_large_vanish_is_a_tunnel_black_hole() -> None:
    events = build(lambda tick: (OK, LOST, OK), 20)
    findings = watch_findings(events, "en")
    assert [f.id for f in findings] == ["tunnel_blackhole_intermittent"]
    evidence = findings[0].evidence
    assert evidence["probe_size"] == 1420
    assert evidence["samples_large_lost_while_small_ok"] == 20
    assert "1420" in findings[0].detail


def test_intermittent_black_hole_counts_only_the_lost_samples() -> None:
    events = build(lambda tick: (OK, LOST if tick % 3 == 0 else OK, OK), 30)
    finding = watch_findings(events, "en")[0]
    assert finding.id == "tunnel_blackhole_intermittent"
    assert finding.evidence["samples_large_lost_while_small_ok"] == 10


def test_one_lost_large_probe_is_not_a_black_hole() -> None:
    events = build(lambda tick: (OK, LOST if tick == 7 else OK, OK), 30)
    assert ids(events) == []


def test_all_clean_is_reported_healthy() -> None:
    events = build(lambda tick: (OK, OK, OK), 15)
    findings = watch_findings(events, "en")
    assert [f.id for f in findings] == ["watch_healthy"]
    assert findings[0].evidence["samples"] == 15


def test_underlay_loss_before_each_drop_blames_the_network() -> None:
    def script(tick: int) -> tuple:  # type: ignore[type-arg]
        phase = tick % 20
        underlay = LOST if 10 <= phase < 15 else OK  # the underlay fails first ...
        small = LOST if 12 <= phase < 15 else OK  # ... and the tunnel two samples later
        return small, small, underlay

    events = build(script, 60)
    finding = next(f for f in watch_findings(events, "en") if f.id == "underlay_loss_before_drop")
    assert finding.evidence["tunnel_drops"] == 3
    assert finding.evidence["drops_after_underlay_loss"] == 3
    assert finding.evidence["underlay_loss_lead_s"] == 2.0


def test_tunnel_drops_with_a_clean_underlay_do_not_blame_the_network() -> None:
    events = build(lambda tick: (LOST, LOST, OK) if tick % 17 in (5, 6) else (OK, OK, OK), 60)
    assert "underlay_loss_before_drop" not in ids(events)


def test_drops_every_thirty_seconds_are_periodic_and_named() -> None:
    events = build(lambda tick: (LOST, LOST, OK) if tick % 30 in (29, 0) and tick else (OK, OK, OK), 125)
    assert len(tunnel_drops(events)) == 4
    finding = next(f for f in watch_findings(events, "en") if f.id == "tunnel_drops_periodic")
    assert finding.evidence["period_s"] == 30.0
    assert finding.evidence["near_timer"] == "nat_udp_timeout_30s"


def test_irregular_drops_are_not_periodic() -> None:
    drop_ticks = {5, 11, 40, 44, 90}
    events = build(lambda tick: (LOST, LOST, OK) if tick in drop_ticks else (OK, OK, OK), 100)
    assert "tunnel_drops_periodic" not in ids(events)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_findings_and_fixes_speak_the_language(lang: str) -> None:
    report = Report(
        tool=Tool(version="0.1.0"),
        system=System(os="linux", privileged=True),
        timeline=build(lambda tick: (OK, LOST, OK), 5),
        lang=lang,  # type: ignore[arg-type]
    )
    findings, fixes = diagnose_watch(report)
    assert [f.id for f in findings] == ["tunnel_blackhole_intermittent"]
    assert fixes[0].finding_ids == ["tunnel_blackhole_intermittent"]
    text = findings[0].title + fixes[0].title
    assert ("トンネル" in text) == (lang == "ja")


def test_fix_carries_the_recommended_mtu_when_known() -> None:
    from reports.model import Vpn

    report = Report(
        tool=Tool(version="0.1.0"),
        system=System(os="linux", privileged=True),
        timeline=build(lambda tick: (OK, LOST, OK), 5),
        vpn=Vpn(adapter="wg0", recommended_mtu=1340),
    )
    _, fixes = diagnose_watch(report)
    commands = [step.command for step in fixes[0].steps if step.command]
    assert "sudo ip link set dev wg0 mtu 1340" in commands
    assert "MTU = 1340" in fixes[0].steps[0].text


def test_the_measured_fit_becomes_evidence_and_the_fixs_mtu() -> None:
    from datetime import timedelta

    from reports.model import WatchEvent
    from tests.diag.watch.timelines import START

    timeline = build(lambda tick: (OK, LOST, OK), 5)
    fit = WatchEvent(at=START + timedelta(seconds=6), kind="tunnel_fit", detail="size=1420 exact=true", value=1328)
    report = Report(
        tool=Tool(version="0.1.0"), system=System(os="linux", privileged=True), timeline=[*timeline[:-1], fit]
    )
    findings, fixes = diagnose_watch(report)
    assert findings[0].evidence["largest_passing_size"] == 1328
    assert findings[0].detail.endswith("The largest packet that still came back through the tunnel was 1328 bytes.")
    assert "MTU = 1328" in fixes[0].steps[0].text
