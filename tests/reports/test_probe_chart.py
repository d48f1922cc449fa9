"""The probe chart's geometry, shared by the offline export and the staff report page."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.model import PathResult, Probe, ProbeOutcome
from reports.probe_chart import MAX_DRAWN_PROBES, ProbeChart, probe_chart

OK, LOST, TOO_BIG = ProbeOutcome.ok, ProbeOutcome.lost, ProbeOutcome.too_big
# A black-hole search as the engine sends it: large sizes lost, then narrowing down to 1400.
SEARCH = [(1500, LOST), (1492, LOST), (1400, OK), (1450, LOST), (1425, LOST), (1412, TOO_BIG), (1406, LOST)]


def _path(probes: list[tuple[int, ProbeOutcome]], pmtu: int | None = 1400) -> PathResult:
    return PathResult(
        target="vpn.example.net",
        family=4,
        role="tunnel",
        icmp_echo="ok",
        pmtu=pmtu,
        probes=[Probe(size=size, outcome=outcome) for size, outcome in probes],
    )


def _chart(probes: list[tuple[int, ProbeOutcome]], pmtu: int | None = 1400) -> ProbeChart:
    chart = probe_chart(_path(probes, pmtu))
    assert chart is not None
    return chart


def _inside(chart: ProbeChart, x: float, y: float) -> bool:
    return chart.left <= x <= chart.right and chart.top <= y <= chart.bottom


def test_marks_are_the_probes_in_the_order_sent() -> None:
    chart = _chart(SEARCH)
    assert [(m.number, m.size, m.outcome) for m in chart.marks] == [
        (n, size, outcome) for n, (size, outcome) in enumerate(SEARCH, start=1)
    ]
    xs = [m.x for m in chart.marks]
    assert xs == sorted(set(xs))
    # SVG y grows downwards: a larger probe is drawn higher.
    assert chart.marks[0].y < chart.marks[1].y < chart.marks[2].y


def test_path_mtu_line_is_at_the_height_of_its_size() -> None:
    chart = _chart(SEARCH)
    at_pmtu = next(m for m in chart.marks if m.size == 1400)
    assert chart.pmtu_y == at_pmtu.y
    assert next(t for t in chart.y_ticks if t.value == 1400).at == chart.pmtu_y
    for mark in chart.marks:
        if mark.size > 1400:
            assert mark.y < chart.pmtu_y
    assert chart.top < chart.pmtu_y < chart.bottom


def test_ticks_step_in_round_numbers() -> None:
    chart = _chart(SEARCH)
    assert [t.value for t in chart.y_ticks] == [1400, 1425, 1450, 1475, 1500]
    assert [t.value for t in chart.x_ticks] == [1, 2, 4, 6]
    # An x tick stands under the mark of its probe.
    assert [t.at for t in chart.x_ticks] == [chart.marks[t.value - 1].x for t in chart.x_ticks]


def test_path_without_probes_has_no_chart() -> None:
    assert probe_chart(_path([])) is None


def test_path_without_a_path_mtu_has_no_line() -> None:
    chart = _chart(SEARCH, pmtu=None)
    assert chart.pmtu_y is None
    assert len(chart.marks) == len(SEARCH)


@settings(max_examples=200, deadline=None)
@given(
    probes=st.lists(st.tuples(st.integers(0, 65535), st.sampled_from(list(ProbeOutcome))), min_size=1, max_size=200),
    pmtu=st.none() | st.integers(0, 65535),
)
def test_everything_is_drawn_inside_the_frame(probes: list[tuple[int, ProbeOutcome]], pmtu: int | None) -> None:
    chart = _chart(probes, pmtu)
    assert 0 < chart.left < chart.right < chart.width
    assert 0 < chart.top < chart.bottom < chart.height
    assert all(_inside(chart, m.x, m.y) for m in chart.marks)
    assert (chart.pmtu_y is None) == (pmtu is None)
    if chart.pmtu_y is not None:
        assert chart.top <= chart.pmtu_y <= chart.bottom
    # Ascending values, evenly stepped, few enough to read; y ticks climb up the frame as their sizes grow.
    y_values = [t.value for t in chart.y_ticks]
    assert 2 <= len(y_values) <= 7
    assert len({b - a for a, b in pairwise(y_values)}) == 1
    assert all(a.at > b.at for a, b in pairwise(chart.y_ticks))
    assert all(chart.top <= t.at <= chart.bottom for t in chart.y_ticks)
    x_values = [t.value for t in chart.x_ticks]
    assert x_values[0] == 1
    assert x_values == sorted(set(x_values))
    assert len(x_values) <= 7
    assert all(chart.left <= t.at <= chart.right for t in chart.x_ticks)


def test_a_search_within_the_cap_is_drawn_whole() -> None:
    chart = _chart(SEARCH)
    assert (len(chart.marks), chart.not_drawn) == (len(SEARCH), 0)


def test_probes_past_the_cap_are_counted_not_drawn() -> None:
    """The model allows 4096 probes a path; a page draws the first MAX_DRAWN_PROBES and says how many more."""
    chart = _chart([SEARCH[n % len(SEARCH)] for n in range(4096)])
    assert len(chart.marks) == MAX_DRAWN_PROBES
    assert chart.not_drawn == 4096 - MAX_DRAWN_PROBES
    assert [m.number for m in chart.marks] == list(range(1, MAX_DRAWN_PROBES + 1))
    assert all(_inside(chart, m.x, m.y) for m in chart.marks)
    assert chart.x_ticks[-1].value <= MAX_DRAWN_PROBES
