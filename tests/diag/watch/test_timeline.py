from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from diag.watch.timeline import AdapterState, EchoResult, Outcome, Sample, TimelineBuilder
from tests.diag.watch.timelines import LOST, OK, START, WG0, build


def test_repeats_coalesce_into_one_run_per_channel() -> None:
    events = build(lambda tick: (OK, LOST, OK), 12)
    kinds = [e.kind for e in events]
    assert kinds == ["watch_started", "adapter_up", "small_ok", "large_lost", "underlay_ok", "watch_stopped"]
    large = events[3]
    assert (large.count, large.tick, large.value, large.detail) == (12, 0, 1420.0, "size=1420")
    assert large.until == START + timedelta(seconds=11)
    assert events[2].value == 12.0  # mean RTT of the run


def test_a_change_starts_a_new_run_with_its_own_time() -> None:
    events = build(lambda tick: (OK, LOST if 3 <= tick < 5 else OK, OK), 8)
    large = [e for e in events if e.kind.startswith("large_")]
    assert [(e.kind, e.tick, e.count) for e in large] == [("large_ok", 0, 3), ("large_lost", 3, 2), ("large_ok", 5, 3)]
    assert large[1].at == START + timedelta(seconds=3)


def test_timeline_stays_bounded_and_says_it_was_cut() -> None:
    events = build(lambda tick: (OK if tick % 2 else LOST, OK, OK), 500, max_events=50)
    assert len(events) <= 51
    assert events[0].kind == "watch_started"
    assert events[1].kind == "timeline_truncated"
    assert events[1].value is not None
    assert events[1].value > 400
    assert events[-1].kind == "watch_stopped"
    # The newest samples are the ones kept.
    assert max(e.tick for e in events if e.tick is not None) == 499


def test_adapter_changes_are_events() -> None:
    builder = TimelineBuilder()
    states = [
        WG0,
        WG0,
        AdapterState("wg0", is_up=False, mtu=1420, addresses=("10.66.0.2",)),
        None,
        AdapterState("wg0", is_up=True, mtu=1340, addresses=("10.66.0.9",)),
    ]
    for tick, state in enumerate(states):
        builder.add(Sample(tick=tick, at=START + timedelta(seconds=tick), adapter=state, adapter_name="wg0"))
    kinds = [e.kind for e in builder.events()]
    assert kinds == ["adapter_up", "adapter_down", "adapter_missing", "adapter_up"]
    last = builder.events()[-1]
    assert "mtu=1340" in last.detail
    assert "10.66.0.9" in last.detail
    builder.add(
        Sample(
            tick=5,
            at=START + timedelta(seconds=5),
            adapter=AdapterState("wg0", is_up=True, mtu=1280, addresses=("10.66.0.10",)),
            adapter_name="wg0",
        )
    )
    tail = builder.events()[-2:]
    assert [e.kind for e in tail] == ["adapter_mtu_changed", "adapter_address_changed"]
    assert tail[0].value == 1280
    assert "from=1340 to=1280" in tail[0].detail


OUTCOMES = [Outcome.ok, Outcome.lost, Outcome.too_big, Outcome.error]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(*[st.sampled_from(OUTCOMES)] * 3), min_size=1, max_size=80))
def test_runs_expand_back_to_every_sample(script: list[tuple[Outcome, Outcome, Outcome]]) -> None:
    builder = TimelineBuilder()
    for tick, outcomes in enumerate(script):
        small, large, underlay = (EchoResult(o) for o in outcomes)
        builder.add(Sample(tick=tick, at=START + timedelta(seconds=tick), small=small, large=large, underlay=underlay))
    expanded: dict[tuple[str, int], str] = {}
    for event in builder.events():
        channel, _, outcome = event.kind.partition("_")
        assert event.tick is not None
        for offset in range(event.count):
            assert (channel, event.tick + offset) not in expanded  # runs never overlap
            expanded[(channel, event.tick + offset)] = outcome
    for tick, outcomes in enumerate(script):
        for channel, outcome in zip(("small", "large", "underlay"), outcomes, strict=True):
            assert expanded[(channel, tick)] == outcome.value


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=5, max_value=60), st.lists(st.booleans(), min_size=1, max_size=300))
def test_never_more_events_than_the_bound(bound: int, flips: list[bool]) -> None:
    builder = TimelineBuilder(max_events=bound)
    builder.mark("watch_started", START, "interval=1")
    for tick, flip in enumerate(flips):
        result = EchoResult(Outcome.ok if flip else Outcome.lost)
        builder.add(Sample(tick=tick, at=START + timedelta(seconds=tick), small=result, large=result))
    events = builder.events()
    assert len(events) <= bound + 1  # + the truncation marker
    assert events[0].kind == "watch_started"
