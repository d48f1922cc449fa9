"""The human answer of `vpndiag pmtu`: the path MTU, how it was found, and whether PMTUD works, in plain sentences."""

from __future__ import annotations

from diag.i18n.probe import PROBE
from diag.probe.result import PathMeasurement
from reports.i18n import Lang


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def answer_lines(result: PathMeasurement, lang: Lang) -> list[str]:
    text = PROBE.text
    lines: list[str] = []
    if result.pmtu is None:
        lines.append(text("not_measured", lang, target=result.target, reason=result.pmtu_reason))
    else:
        fields = {
            "target": result.target,
            "address": result.address or result.target,
            "pmtu": result.pmtu,
            "method": "ICMP" if result.method == "icmp" else "UDP",
            "elapsed": _number(result.elapsed_ms),
            "probes": result.probes_sent,
        }
        lines.append(text("answer_at_least" if result.gave_up else "answer", lang, **fields))
        lines.append(result.pmtu_reason)
        if result.frag_needed == "delivered":
            lines.append(text("pmtud_works", lang, reported=result.reported_mtu or result.pmtu))
        elif result.frag_needed == "blocked":
            lines.append(text("pmtud_black_hole", lang, pmtu=result.pmtu))
        elif result.search_finish == "ceiling":
            lines.append(text("pmtud_not_needed", lang))
    status = text(f"echo_{result.icmp_echo}", lang)
    if result.rtt_ms is not None and result.loss is not None:
        lines.append(
            text(
                "echo_line",
                lang,
                status=status,
                loss=_number(result.loss * 100),
                rtt_min=_number(result.rtt_ms.min),
                rtt_avg=_number(result.rtt_ms.avg),
                rtt_max=_number(result.rtt_ms.max),
            )
        )
    else:
        lines.append(text("echo_line_silent", lang, status=status))
    return lines
