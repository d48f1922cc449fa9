"""A report as JSON, one self-contained HTML file, or Markdown, for support staff to read offline.

The HTML has its CSS inline and the probe chart as inline SVG: no script, no font, no image is fetched, so it opens
the same from an e-mail attachment on a machine without network. Every value from the report goes through Jinja2's
autoescaping: a report is data from a customer's machine, and an adapter description must never become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from diag import __version__
from diag.i18n.export import EXPORT
from reports.i18n import Lang
from reports.model import PathResult, ProbeOutcome, Report

Format = Literal["json", "html", "md"]
FORMATS: tuple[Format, ...] = ("json", "html", "md")
EXTENSIONS: dict[Format, str] = {"json": "json", "html": "html", "md": "md"}

_TEMPLATES = Path(__file__).parent / "templates"

# Chart geometry in SVG user units; the SVG scales to the page width.
CHART_WIDTH = 640
CHART_HEIGHT = 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 16, 44
# Headroom above and below the sizes so marks never sit on the frame.
_Y_MARGIN_BYTES = 20


@dataclass(frozen=True)
class ChartMark:
    number: int
    x: float
    y: float
    size: int
    outcome: str
    tooltip: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class ProbeChart:
    """Everything the template needs to draw one path's probes; computed here so it can be tested without HTML."""

    title: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    marks: list[ChartMark]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    pmtu_y: float | None
    pmtu_label: str


def _nice_step(span: float) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if span / step <= 6:
            return step
    return 20000


def probe_chart(path: PathResult, lang: Lang) -> ProbeChart | None:
    """Probe sizes in the order they were sent, against the path MTU found: the search narrowing, as a picture."""
    if not path.probes:
        return None
    sizes = [p.size for p in path.probes] + ([path.pmtu] if path.pmtu is not None else [])
    low = max(0, min(sizes) - _Y_MARGIN_BYTES)
    high = max(sizes) + _Y_MARGIN_BYTES
    left, right = float(_LEFT), float(CHART_WIDTH - _RIGHT)
    top, bottom = float(_TOP), float(CHART_HEIGHT - _BOTTOM)
    count = len(path.probes)

    def x_of(number: int) -> float:
        return left + (right - left) * (number - 0.5) / count

    def y_of(size: float) -> float:
        return bottom - (bottom - top) * (size - low) / (high - low)

    marks = []
    for number, probe in enumerate(path.probes, start=1):
        outcome = EXPORT.text(f"outcome_{probe.outcome.value}", lang)
        marks.append(
            ChartMark(
                number=number,
                x=round(x_of(number), 1),
                y=round(y_of(probe.size), 1),
                size=probe.size,
                outcome=probe.outcome.value,
                tooltip=EXPORT.text("probe_tooltip", lang, number=number, size=probe.size, outcome=outcome),
            )
        )
    step = _nice_step(high - low)
    first = -(-low // step) * step
    y_ticks = [Tick(round(y_of(v), 1), str(v)) for v in range(first, high + 1, step)]
    x_step = max(1, _nice_step(count))
    x_ticks = [Tick(round(x_of(n), 1), str(n)) for n in range(1, count + 1) if n == 1 or n % x_step == 0]
    pmtu_label = (
        EXPORT.text("chart_pmtu", lang, pmtu=path.pmtu) if path.pmtu is not None else EXPORT.text("chart_no_pmtu", lang)
    )
    return ProbeChart(
        title=EXPORT.text("chart_title", lang, target=path.target),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        marks=marks,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        pmtu_y=round(y_of(path.pmtu), 1) if path.pmtu is not None else None,
        pmtu_label=pmtu_label,
    )


def _translator(lang: Lang) -> Callable[..., str]:
    def t(key: str, **fields: object) -> str:
        return EXPORT.text(key, lang, **fields)

    return t


def _counts_text(report: Report) -> str:
    counts = report.privacy.redaction_counts
    return ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items())) or "0"


def _context(report: Report, lang: Lang) -> dict[str, object]:
    order = {"critical": 0, "warning": 1, "info": 2}
    return {
        "r": report,
        "lang": lang,
        "t": _translator(lang),
        "findings": sorted(report.findings, key=lambda f: order[f.severity.value]),
        "chart_for": lambda path: probe_chart(path, lang),
        "outcomes": [o.value for o in ProbeOutcome],
        "counts": _counts_text(report),
        "version": __version__,
    }


def render_html(report: Report, lang: Lang | None = None) -> str:
    import jinja2  # only the export needs it

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every template here is HTML; a report's strings are untrusted text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from markupsafe import Markup

    from reports.timeline_svg import timeline_svg

    lang = lang or report.lang
    context = _context(report, lang)
    # timeline_svg escapes every string of the report itself; Markup keeps autoescape from escaping the SVG tags.
    context["timeline_svg"] = Markup(timeline_svg(report.timeline, lang=lang)) if report.timeline else None  # noqa: S704
    return env.get_template("report.html").render(context)


def _md(value: object) -> str:
    """A value safe inside a Markdown table cell or line: no pipes, no line breaks, no markup."""
    text = "" if value is None else str(value)
    text = text.replace("\\", "\\\\").replace("\r", " ").replace("\n", " ")
    for char in "|`*_[]<>#":
        text = text.replace(char, "\\" + char)
    return text


def render_markdown(report: Report, lang: Lang | None = None) -> str:
    from diag.upload.markdown import markdown_lines

    return "\n".join(markdown_lines(report, lang or report.lang, _translator(lang or report.lang), _md)) + "\n"


def export_report(report: Report, fmt: Format, *, lang: Lang | None = None) -> str:
    """The report as text in `fmt`; labels in `lang` (default: the report's language)."""
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "html":
        return render_html(report, lang)
    if fmt == "md":
        return render_markdown(report, lang)
    raise ValueError(f"unknown export format {fmt!r}")


def safe_output_path(folder: Path, name: str) -> Path:
    """`folder/name`, refusing any name that would land outside `folder` (.., absolute paths, symlinks out)."""
    base = folder.resolve()
    candidate = (base / name).resolve()
    if candidate.parent != base and base not in candidate.parents:
        raise ValueError(f"{name} is outside {folder}")
    return candidate


def default_file_name(report: Report, fmt: Format) -> str:
    return f"vpndiag-{report.report_id}.{EXTENSIONS[fmt]}"
