from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from diag.watch.timeline import AdapterState, Sample, TimelineBuilder
from reports.model import WatchEvent
from reports.timeline_svg import COLOURS, timeline_svg
from tests.diag.watch.timelines import LOST, OK, START, build

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: str) -> list[ET.Element]:
    return [r for r in ET.fromstring(svg).iter(f"{SVG}rect") if r.get("data-kind")]


def test_each_run_is_one_bar_in_its_row_with_its_colour() -> None:
    events = build(lambda tick: (OK, LOST if tick >= 5 else OK, OK), 10)
    drawn = bars(timeline_svg(events))
    # Adapter states are drawn once the next change (or the end) is known: last.
    assert [r.get("data-kind") for r in drawn] == ["small_ok", "large_ok", "underlay_ok", "large_lost", "adapter_up"]
    large_ok, large_lost = drawn[1], drawn[3]
    assert large_lost.get("fill") == COLOURS["lost"]
    # Five samples each: equal widths, the lost run starting where the good one ends.
    assert abs(float(large_ok.get("width", 0)) - float(large_lost.get("width", 0))) < 0.2
    end_ok = float(large_ok.get("x", 0)) + float(large_ok.get("width", 0))
    assert abs(end_ok - float(large_lost.get("x", 0))) < 0.2
    assert large_lost.findtext(f"{SVG}title", "").startswith("large_lost ×5")


def test_hostile_text_is_escaped_and_nothing_external_is_referenced() -> None:
    builder = TimelineBuilder()
    builder.mark("watch_started", START, "interval=1")
    evil = AdapterState(name='wg0"><script>alert(1)</script>', is_up=True, mtu=1420)
    builder.add(Sample(tick=0, at=START, adapter=evil, adapter_name=evil.name, small=OK))
    svg = timeline_svg(builder.events())
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "href" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    ET.fromstring(svg)  # well-formed


def test_adapter_down_shows_until_it_comes_back() -> None:
    builder = TimelineBuilder()
    builder.mark("watch_started", START, "interval=1")
    for tick, up in enumerate([True, True, False, False, True]):
        state = AdapterState("wg0", is_up=up, mtu=1420)
        builder.add(Sample(tick=tick, at=START + timedelta(seconds=tick), adapter=state, adapter_name="wg0"))
    drawn = bars(timeline_svg(builder.events(), lang="ja"))
    assert [r.get("data-kind") for r in drawn] == ["adapter_up", "adapter_down", "adapter_up"]
    svg = timeline_svg(builder.events(), lang="ja")
    assert "アダプター" in svg


def test_empty_timeline_says_so() -> None:
    svg = timeline_svg([])
    assert "No samples" in svg
    assert bars(svg) == []


def test_event_kinds_it_does_not_know_are_left_out() -> None:
    events = [WatchEvent(at=START, kind="timeline_truncated", value=5), WatchEvent(at=START, kind="small_ok")]
    assert [r.get("data-kind") for r in bars(timeline_svg(events))] == ["small_ok"]
