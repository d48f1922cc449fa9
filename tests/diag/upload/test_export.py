from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import pytest
from markupsafe import escape

from diag.upload.export import default_file_name, export_report, safe_output_path
from reports.model import Adapter, AdapterKind, Finding, Fix, FixStep, ProbeOutcome, Report, Severity
from reports.probe_chart import MAX_DRAWN_PROBES
from tests.conftest import EXAMPLES, FULL_PATHS, FULL_PROBES, full_of_probes
from tests.diag.upload.conftest import example_report


def _hostile() -> Report:
    """A report whose customer-side strings try to become markup."""
    report = example_report()
    adapter = Adapter(
        name="<b>eth0</b>",
        mtu=1500,
        is_up=True,
        is_vpn=False,
        kind=AdapterKind.ethernet,
        description='<script>alert("x")</script><img src="https://tracker.invalid/p.gif">',
    )
    finding = Finding(
        id="x", severity=Severity.warning, title="Title | with pipe", detail="a\nb `code` *stars*", evidence={"k": 1}
    )
    fix = Fix(
        id="f", finding_ids=["x"], title="Fix", steps=[FixStep(platform="linux", text="t", command="echo '<hi>'")]
    )
    return report.model_copy(
        update={"adapters": [adapter], "findings": [*report.findings, finding], "fixes": [*report.fixes, fix]}
    )


def _with_first_path(**changes: object) -> Report:
    report = example_report()
    return report.model_copy(update={"paths": [report.paths[0].model_copy(update=changes)]})


def test_html_is_self_contained_and_escaped() -> None:
    html = export_report(_hostile(), "html")
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;eth0&lt;/b&gt;" in html
    # Nothing is fetched when the file opens: no external sources, links, fonts or imports.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "@import" not in html
    assert "url(" not in html
    assert "<img" not in html
    assert "echo &#39;&lt;hi&gt;&#39;" in html


def test_html_shows_diagnosis_fixes_measurements_and_chart() -> None:
    report = example_report()
    html = export_report(report, "html", lang="en")
    for finding in report.findings:
        assert finding.title in html
    assert "Diagnosis" in html
    assert "What to do" in html
    assert "netsh interface ipv4 set subinterface" in html
    assert "<strong>1400</strong>" in html  # the path MTU
    assert html.count('<g class="probe ') == len(report.paths[0].probes)
    assert html.count('<g class="probe lost">') == sum(p.outcome == ProbeOutcome.lost for p in report.paths[0].probes)
    assert 'class="pmtu"' in html
    assert "path MTU 1400" in html


def test_html_in_japanese() -> None:
    html = export_report(example_report(), "html")  # the example is a Japanese report
    assert '<html lang="ja">' in html
    assert "診断結果" in html
    assert "経路MTU 1400" in html


def test_chart_marks_carry_translated_tooltips() -> None:
    report = example_report()
    first = report.paths[0].probes[0]
    assert (first.size, first.outcome) == (1500, ProbeOutcome.lost)
    html = export_report(report, "html", lang="en")
    assert '<g class="probe lost"><title>probe 1: 1500 bytes, lost</title>' in html
    assert html.count(f"Probe sizes for {report.paths[0].target}") == 2  # the SVG's title and the caption
    assert "<title>プローブ 1: 1500 バイト、消失</title>" in export_report(report, "html", lang="ja")


def test_chart_title_escapes_the_target() -> None:
    html = export_report(_with_first_path(target='"><script>x</script>'), "html", lang="en")
    assert "<script" not in html
    assert "<title>Probe sizes for &#34;&gt;&lt;script&gt;x&lt;/script&gt;</title>" in html


def test_markdown_sections_and_escaping() -> None:
    md = export_report(_hostile(), "md", lang="en")
    assert md.startswith("# vpndiag report\n")
    assert "## Diagnosis" in md
    assert "## What to do" in md
    assert "Title \\| with pipe" in md
    assert "a b \\`code\\` \\*stars\\*" in md  # a line break or markup from a report cannot restructure the page
    assert "\\<b\\>eth0\\</b\\>" in md
    table = [line for line in md.splitlines() if line.startswith("| ") and "eth0" in line]
    assert len(table) == 1
    assert table[0].count(" | ") == 4  # five cells: the pipe in no value split a cell


def _full_of_probes() -> Report:
    return Report.model_validate(full_of_probes(json.loads((EXAMPLES / "blackhole.json").read_text())))


NOT_SHOWN = {
    "en": "{} more probes not shown; they are in the report's JSON.",
    "ja": "ほかの{}件のプローブは表示していません（レポートのJSONにあります）。",
}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_report_full_of_probes_exports_at_most_the_cap_and_says_how_many_more(lang: Literal["en", "ja"]) -> None:
    """22 paths x 4096 probes exported 15 MB of HTML in 3.8 s; now bounded, and the JSON export keeps every probe."""
    report = _full_of_probes()
    not_shown = NOT_SHOWN[lang].format(FULL_PROBES - MAX_DRAWN_PROBES)
    html = export_report(report, "html", lang=lang)
    assert len(html.encode()) < 1_500_000
    assert html.count('<g class="probe ') == FULL_PATHS * MAX_DRAWN_PROBES
    assert html.count(str(escape(not_shown))) == FULL_PATHS  # the apostrophe as &#39;
    markdown = export_report(report, "md", lang=lang)
    assert len(markdown.encode()) < 150_000
    assert markdown.count(not_shown) == FULL_PATHS
    assert [len(p["probes"]) for p in json.loads(export_report(report, "json"))["paths"]] == [FULL_PROBES] * FULL_PATHS


def test_a_normal_report_exports_every_probe_and_no_sentence_about_more() -> None:
    report = example_report()
    html, markdown = export_report(report, "html", lang="en"), export_report(report, "md", lang="en")
    assert html.count('<g class="probe ') == len(report.paths[0].probes)
    listed = next(line for line in markdown.splitlines() if line.startswith("  - Probe sizes for"))
    assert listed.count(", ") + 1 == len(report.paths[0].probes)
    assert "more probes not shown" not in html + markdown


def test_json_export_round_trips() -> None:
    report = example_report()
    assert Report.model_validate(json.loads(export_report(report, "json"))) == report


def test_output_paths_stay_inside_the_folder(tmp_path: Path) -> None:
    report = example_report()
    name = default_file_name(report, "html")
    assert name == f"vpndiag-{report.report_id}.html"
    assert safe_output_path(tmp_path, name) == (tmp_path / name).resolve()
    for escaping in ("../x.html", "/etc/x.html", "a/../../x.html"):
        with pytest.raises(ValueError, match="outside"):
            safe_output_path(tmp_path, escaping)
    (tmp_path / "link").symlink_to(tmp_path.parent)
    with pytest.raises(ValueError, match="outside"):
        safe_output_path(tmp_path, "link/x.html")


def test_html_chart_without_path_mtu_says_it_was_not_found() -> None:
    html = export_report(_with_first_path(pmtu=None), "html", lang="en")
    assert "path MTU not found" in html
    assert 'class="pmtu"' not in html


def test_html_path_without_probes_has_no_chart() -> None:
    assert '<svg class="chart"' not in export_report(_with_first_path(probes=[]), "html")


@pytest.mark.parametrize("name", ["blackhole", "healthy", "icmp-blocked"])
@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_example_exports(name: str, fmt: str, lang: str) -> None:
    report = example_report(name)
    text = export_report(report, fmt, lang=lang)  # type: ignore[arg-type]
    heading = "vpndiag report" if lang == "en" else "vpndiag 診断レポート"
    assert heading in text
    for finding in report.findings:
        assert finding.title.replace("|", "\\|") in text or finding.title in text


def test_minimal_report_exports() -> None:
    from reports.model import System, Tool

    report = Report(tool=Tool(version="0.1.0"), system=System(os="macos", privileged=False))
    html = export_report(report, "html", lang="en")
    assert "No problems found." in html
    assert "<svg" not in html
    assert "No problems found." in export_report(report, "md", lang="en")
