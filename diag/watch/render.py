"""The watch as text: one line per sample for the live view, and the coalesced timeline."""

from __future__ import annotations

from collections.abc import Sequence

from diag.i18n.watch import WATCH
from diag.watch.timeline import EchoResult, Outcome, Sample
from reports.i18n import Lang
from reports.model import WatchEvent


def echo_text(result: EchoResult | None, lang: Lang) -> str:
    t = WATCH.text
    if result is None:
        return t("not_sampled", lang)
    if result.outcome is Outcome.ok:
        return t("ok_rtt", lang, rtt=f"{result.rtt_ms:.1f}") if result.rtt_ms is not None else t("ok", lang)
    if result.outcome is Outcome.too_big and result.reason == "local_mtu":
        return t("too_big_local", lang)
    if result.outcome is Outcome.too_big:
        return t("too_big", lang, mtu=result.reported_mtu if result.reported_mtu is not None else "?")
    if result.outcome is Outcome.error:
        return t("error", lang, reason=result.reason or "?")
    return t("lost", lang)


def sample_line(sample: Sample, lang: Lang) -> str:
    t = WATCH.text
    if sample.adapter is not None:
        state = t("up" if sample.adapter.is_up else "down", lang)
        mtu = sample.adapter.mtu if sample.adapter.mtu is not None else "?"
        adapter = t("adapter_state", lang, name=sample.adapter.name, state=state, mtu=mtu)
    elif sample.adapter_name:
        adapter = t("adapter_missing", lang, name=sample.adapter_name)
    else:
        adapter = t("adapter_none", lang)
    return t(
        "sample",
        lang,
        time=sample.at.strftime("%H:%M:%S"),
        tick=sample.tick,
        adapter=adapter,
        small=echo_text(sample.small, lang),
        size=sample.large_size if sample.large_size is not None else "-",
        large=echo_text(sample.large, lang),
        underlay=echo_text(sample.underlay, lang),
    )


def timeline_lines(events: Sequence[WatchEvent], lang: Lang) -> list[str]:
    lines = [WATCH.text("timeline", lang)]
    for event in events:
        detail = event.detail
        if event.value is not None and event.kind.endswith("_ok") and not event.kind.startswith("large"):
            detail = f"{detail} rtt_avg={event.value:g}ms".strip()
        start = event.at.strftime("%H:%M:%S")
        if event.count > 1 and event.until is not None:
            line = WATCH.text(
                "timeline_run",
                lang,
                start=start,
                end=event.until.strftime("%H:%M:%S"),
                kind=event.kind,
                count=event.count,
                detail=detail,
            )
        else:
            line = WATCH.text("timeline_one", lang, start=start, kind=event.kind, detail=detail)
        lines.append(line.rstrip())
    return lines
