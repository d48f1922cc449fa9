"""The watch timeline in the exports: a strip chart (inline SVG) in the HTML, a text timeline in Markdown."""

from __future__ import annotations

import re

from diag.upload.export import export_report
from reports.model import Report
from tests.diag.upload.conftest import example_report
from tests.diag.watch.timelines import LOST, OK, build

HOSTILE = '<script>alert("t")</script>'


def _watched(detail: str = "name=wg0 mtu=1420") -> Report:
    """The example report plus a watch that saw large probes vanish after five good samples."""
    events = build(lambda tick: (OK, OK if tick < 5 else LOST, OK), 12)
    events[1] = events[1].model_copy(update={"detail": detail})  # adapter_up: names come from the customer
    return example_report().model_copy(update={"timeline": events})


def test_html_draws_the_timeline_strip_chart() -> None:
    html = export_report(_watched(), "html", lang="en")
    section = html.split('<section id="timeline">', 1)[1].split("</section>", 1)[0]
    assert "<h2>Watch timeline</h2>" in section
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="vpndiag-timeline"' in section
    # One bar for the five full-size probes that came back, one for the seven that were lost.
    assert len(re.findall(r'data-kind="large_ok"', section)) == 1
    assert len(re.findall(r'data-kind="large_lost"', section)) == 1
    assert "×7" in section


def test_html_timeline_escapes_hostile_text() -> None:
    html = export_report(_watched(HOSTILE), "html", lang="en")
    assert "<script" not in html
    section = html.split('<section id="timeline">', 1)[1].split("</section>", 1)[0]
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in section
    # The SVG itself is markup, not escaped text.
    assert "&lt;svg" not in section


def test_html_without_a_watch_has_no_timeline() -> None:
    assert '<section id="timeline">' not in export_report(example_report(), "html")


def test_html_timeline_in_japanese() -> None:
    html = export_report(_watched(), "html", lang="ja")
    assert "<h2>監視タイムライン</h2>" in html
    assert "最大サイズのプローブ" in html


def test_markdown_has_a_text_timeline() -> None:
    text = export_report(_watched(HOSTILE), "md", lang="en")
    section = text.split("## Watch timeline", 1)[1].split("## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert any("large\\_lost ×7" in line for line in lines), lines
    assert any("04:00:00" in line and "adapter\\_up" in line for line in lines)
    assert "\\<script\\>" in text  # escaped, so a Markdown renderer shows it as text
