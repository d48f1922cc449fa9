"""A report as JSON, one self-contained HTML file, or Markdown, for support staff to read offline.

The HTML has its CSS inline and the probe chart as inline SVG: no script, no font, no image is fetched, so it opens
the same from an e-mail attachment on a machine without network. Every value from the report goes through Jinja2's
autoescaping: a report is data from a customer's machine, and an adapter description must never become markup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from diag import __version__
from diag.i18n.export import EXPORT
from reports.i18n import Lang
from reports.model import ProbeOutcome, Report
from reports.probe_chart import probe_chart

Format = Literal["json", "html", "md"]
FORMATS: tuple[Format, ...] = ("json", "html", "md")
EXTENSIONS: dict[Format, str] = {"json": "json", "html": "html", "md": "md"}

_TEMPLATES = Path(__file__).parent / "templates"


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
        "chart_for": probe_chart,
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
