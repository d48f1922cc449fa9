"""Export paths cannot escape the chosen folder (issue 10): any name either lands inside it or is refused, also
through symlinks that point out; the name made from a report is always a plain file name."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from diag.upload.export import default_file_name, safe_output_path
from reports.model import Report
from tests.conftest import count_figure
from tests.reports.report_strategy import report_dicts

# Pieces people and attackers put into paths: parent steps, separators of every OS, a symlink out, odd names.
SEGMENTS = st.sampled_from(
    [
        "..",
        ".",
        "",
        "a",
        "sub",
        "out",
        "in",
        "x.html",
        "..\\..\\x",
        "C:",
        "~",
        "…",
        "%2e%2e",
        ".. ",
        "\u202e",
        "a" * 300,
    ]
)
NAMES = st.one_of(
    st.lists(SEGMENTS, min_size=1, max_size=6).map("/".join),
    st.lists(SEGMENTS, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    st.text(max_size=40),
)


@pytest.fixture(scope="module")
def folders() -> Iterator[tuple[Path, Path]]:
    """A chosen folder with a subfolder, a symlink out of it and a symlink inside it, beside a secret folder."""
    root = Path(tempfile.mkdtemp(prefix="vpndiag-export-"))
    chosen, outside = root / "chosen", root / "outside"
    (chosen / "sub").mkdir(parents=True)
    outside.mkdir()
    (chosen / "out").symlink_to(outside)
    (chosen / "in").symlink_to(chosen / "sub")
    try:
        yield chosen, outside
    finally:
        shutil.rmtree(root)


def _inside_or_refused(chosen: Path, name: str) -> Path | None:
    try:
        return safe_output_path(chosen, name)
    except ValueError as exc:
        message = str(exc)
    assert message, "a refusal says why"
    return None


@settings(
    max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(name=NAMES)
def test_any_name_lands_inside_or_is_refused(folders: tuple[Path, Path], name: str) -> None:
    count_figure("inputs tried: export paths")
    chosen, outside = folders
    path = _inside_or_refused(chosen, name)
    if path is None:
        return
    base = chosen.resolve()
    assert path.is_relative_to(base), path
    assert path != base
    assert not path.is_relative_to(outside.resolve())
    # what the OS would open is the same place: no symlink left to follow out of the folder
    assert Path(os.path.realpath(path)) == path


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(raw=report_dicts, fmt=st.sampled_from(["json", "html", "md"]))
def test_file_name_from_any_report_is_plain_and_inside(
    folders: tuple[Path, Path], raw: dict[str, Any], fmt: Any
) -> None:
    try:
        report = Report.model_validate(raw)
    except ValidationError:
        reject()
    count_figure("inputs tried: export file names")
    name = default_file_name(report, fmt)
    assert "/" not in name
    assert "\\" not in name
    assert not name.startswith(".")
    assert safe_output_path(folders[0], name) == folders[0].resolve() / name
