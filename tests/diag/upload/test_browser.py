"""The HTML export in a real browser: headless Chromium renders it offline, and the chart's marks are on screen."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from diag.upload.export import export_report
from reports.model import ProbeOutcome
from tests.conftest import lab_required
from tests.diag.upload.conftest import example_report

pytestmark = pytest.mark.browser

# The export's colours for a probe that came back and one that was lost (--ok and --lost in report.html).
OK_GREEN = (0x1A, 0x7F, 0x37)
LOST_RED = (0xCF, 0x22, 0x2E)


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "the browser test needs chromium (scripts/system-packages installs it)"
        if lab_required():
            pytest.fail(f"VPNDIAG_REQUIRE_LAB=1 but {message}")
        pytest.skip(message)
    return path


def _run_chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
            f"--user-data-dir={profile}", *args,
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit PNG (the stdlib has no image reader; this is RFC 2083 section 6)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8
    bpp = {2: 3, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                upper_left = previous[i - bpp] if i >= bpp else 0
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def _count_colour(rows: list[bytes], bpp: int, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    count = 0
    for row in rows:
        for i in range(0, len(row), bpp):
            r, g, b = row[i], row[i + 1], row[i + 2]
            if abs(r - colour[0]) <= tolerance and abs(g - colour[1]) <= tolerance and abs(b - colour[2]) <= tolerance:
                count += 1
    return count


def test_html_export_renders_in_headless_chromium(tmp_path: Path) -> None:
    report = example_report()
    page = tmp_path / "report.html"
    page.write_text(export_report(report, "html"), encoding="utf-8")

    dom = _run_chromium(tmp_path / "profile-dom", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    for finding in report.findings:
        assert finding.title in dom.stdout  # the diagnosis, as the browser parsed it
    assert dom.stdout.count('<g class="probe ') == len(report.paths[0].probes)

    shot = tmp_path / "report.png"
    result = _run_chromium(tmp_path / "profile-shot", "--window-size=1000,1800", f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    blank = tmp_path / "blank.png"
    (tmp_path / "blank.html").write_text("<!DOCTYPE html><title>x</title>")
    _run_chromium(
        tmp_path / "profile-blank",
        "--window-size=1000,1800",
        f"--screenshot={blank}",
        (tmp_path / "blank.html").as_uri(),
    )
    png = shot.read_bytes()
    assert struct.unpack(">II", png[16:24]) == (1000, 1800)
    # A page of text, tables and a chart compresses far worse than an empty page.
    assert len(png) > 10 * len(blank.read_bytes())


def test_probe_chart_marks_are_drawn(tmp_path: Path) -> None:
    """Only the chart, so the pixels are few enough to decode here: green marks for probes that came back, red for
    lost ones, in proportion to their number."""
    report = example_report()
    html = export_report(report, "html", lang="en")
    style = re.search(r"<style>.*?</style>", html, re.S)
    figure = re.search(r"<figure>.*?</figure>", html, re.S)
    assert style is not None
    assert figure is not None
    page = tmp_path / "chart.html"
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8">{style.group(0)}<body style="margin:0;padding:0">'
                    f"{figure.group(0)}", encoding="utf-8")  # fmt: skip
    shot = tmp_path / "chart.png"
    result = _run_chromium(tmp_path / "profile", "--window-size=760,420", f"--screenshot={shot}", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    width, _, rows = _png_pixels(shot.read_bytes())
    bpp = len(rows[0]) // width
    green = _count_colour(rows, bpp, OK_GREEN)
    red = _count_colour(rows, bpp, LOST_RED)
    probes = report.paths[0].probes
    lost = sum(p.outcome == ProbeOutcome.lost for p in probes)
    ok = sum(p.outcome == ProbeOutcome.ok for p in probes)
    assert ok > 0
    assert lost > 0
    assert green > 40 * ok  # filled circles (plus the dashed MTU line and its label)
    assert red > 15 * lost  # crosses
