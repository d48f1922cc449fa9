"""The human answer of `vpndiag pmtu`, in English and Japanese, for each kind of path."""

from __future__ import annotations

import pytest

from diag.i18n.probe import PROBE
from diag.probe.answer import answer_lines
from diag.probe.result import PathMeasurement, ProbeRecord, RttStats
from reports.i18n import LANGS, Lang


def _path(**fields: object) -> PathMeasurement:
    base: dict[str, object] = {
        "target": "vpn.example.net",
        "address": "203.0.113.10",
        "family": 4,
        "role": "target",
        "icmp_echo": "ok",
        "rtt_ms": RttStats(10.0, 12.5, 15.0),
        "loss": 0.0,
        "method": "icmp",
        "elapsed_ms": 112.4,
        "probes_sent": 40,
        "probes": [ProbeRecord(1400, "ok")],
    }
    base.update(fields)
    return PathMeasurement(**base)  # type: ignore[arg-type]


def test_black_hole_answer_names_mtu_and_black_hole() -> None:
    lines = answer_lines(_path(pmtu=1400, frag_needed="blocked", pmtu_reason="why"), "en")
    assert lines[0] == (
        "The path MTU to vpn.example.net (203.0.113.10) is 1400 bytes, found with ICMP probes in 112.4 ms (40 probes)."
    )
    assert lines[1] == "why"
    assert "PMTUD black hole" in lines[2]
    assert lines[3] == "ICMP echo: answered, loss 0 %, RTT 10/12.5/15 ms."


def test_working_pmtud_answer_in_japanese() -> None:
    lines = answer_lines(_path(pmtu=1400, frag_needed="delivered", reported_mtu=1400, pmtu_reason="r"), "ja")
    assert "1400 バイト" in lines[0]
    assert "経路 MTU 探索が機能しています" in lines[2]


def test_everything_fits_says_no_frag_needed_is_needed() -> None:
    lines = answer_lines(_path(pmtu=1500, search_finish="ceiling", pmtu_reason="r"), "en")
    assert "needs no 'fragmentation needed'" in lines[2]


def test_gave_up_says_at_least() -> None:
    lines = answer_lines(_path(pmtu=1320, gave_up=True, pmtu_reason="r"), "en")
    assert "at least 1320 bytes" in lines[0]


def test_not_measured_carries_the_reason_and_silent_echo() -> None:
    lines = answer_lines(_path(pmtu=None, icmp_echo="blocked", rtt_ms=None, loss=1.0, pmtu_reason="Because."), "en")
    assert lines == [
        "The path MTU to vpn.example.net could not be measured. Because.",
        "ICMP echo: no answer.",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_sentence_renders_in_every_language(lang: Lang) -> None:
    fields = {
        "pmtu": 1400,
        "next": 1401,
        "losses": 3,
        "probes": 40,
        "seconds": "5",
        "floor": 68,
        "target": "t",
        "server": "s:1",
        "error": "e",
        "reason": "r",
        "address": "a",
        "method": "ICMP",
        "elapsed": "1",
        "reported": 1400,
        "status": "ok",
        "loss": "0",
        "rtt_min": "1",
        "rtt_avg": "1",
        "rtt_max": "1",
        "actual": 4,
        "wanted": 6,
    }
    for key in sorted(PROBE.keys()):
        text = PROBE.text(key, lang, **fields)
        assert "{" not in text
        assert text.strip()
