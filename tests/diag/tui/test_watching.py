"""What the wizard watches (from the run) and how a finished watch is drawn and folded into the results."""

from __future__ import annotations

from diag.run_options import RunOptions
from diag.tui.backend import WatchRequest
from diag.tui.watching import watch_request, with_watch
from diag.tui.widgets.timeline_strip import channel_cells, timeline_text
from diag.watch.timeline import Outcome
from reports.model import CheckStatus, Report
from reports.rules import apply_rules
from tests.diag.watch.timelines import LOST, OK, build

from .conftest import example


def test_request_prefers_the_probed_tunnel_path_then_the_chosen_target() -> None:
    report = example("blackhole")
    options = RunOptions(targets=("10.66.0.1",), vpn_server="203.0.113.10")
    assert watch_request(report, options) == WatchRequest("10.66.0.1", "203.0.113.10", "WireGuard Tunnel")
    tunnel = report.paths[0].model_copy(update={"target": "10.66.0.9", "role": "tunnel"})
    probed = report.model_copy(update={"paths": [*report.paths, tunnel]})
    assert watch_request(probed, options) == WatchRequest("10.66.0.9", "203.0.113.10", "WireGuard Tunnel")


def test_request_without_anything_to_watch_is_none() -> None:
    bare = example("blackhole").model_copy(update={"vpn": None, "paths": []})
    assert watch_request(bare, RunOptions()) is None
    # The VPN server the customer chose is enough: its pings outside the tunnel are watched.
    assert watch_request(bare, RunOptions(vpn_server="vpn.invalid")) == WatchRequest(None, "vpn.invalid", None)


def _watch_report(events_script, samples: int) -> Report:  # type: ignore[no-untyped-def]
    base = example("healthy")
    watched = base.model_copy(
        update={"timeline": build(events_script, samples), "checks": [CheckStatus(name="watch", status="ok")]}
    )
    return apply_rules(watched, "en")


def test_a_second_watch_replaces_the_first_ones_timeline_and_check() -> None:
    run = apply_rules(example("blackhole"), "en")
    first = with_watch(run, _watch_report(lambda t: (OK, LOST, OK), 5), "en")
    second = with_watch(first, _watch_report(lambda t: (OK, OK, OK), 7), "ja")
    assert [c.name for c in second.checks].count("watch") == 1
    assert max(e.tick + e.count for e in second.timeline if e.tick is not None) == 7
    assert second.lang == "ja"
    assert "tunnel_blackhole_intermittent" in {f.id for f in first.findings}
    assert "tunnel_blackhole_intermittent" not in {f.id for f in second.findings}


def test_cells_follow_ticks_and_a_squeezed_strip_keeps_a_single_loss() -> None:
    events = build(lambda tick: (OK, LOST if tick == 37 else OK, OK), 200)
    cells = channel_cells(events)
    assert cells["large"][37] is Outcome.lost
    assert cells["large"].count(Outcome.ok) == 199
    rows = timeline_text(events, "en", width=64).plain.splitlines()  # 50 columns for 200 samples
    assert len(rows[1]) == 64
    assert rows[1].count("×") == 1
    assert rows[0].count("█") == 50
