from __future__ import annotations

import pytest

from reports.server.csv_export import escape_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_get_an_apostrophe(text: str) -> None:
    assert escape_cell(text) == "'" + text


def test_plain_text_and_numbers_stay() -> None:
    assert escape_cell("pmtud_blackhole") == "pmtud_blackhole"
    assert escape_cell(-5) == "-5"
    assert escape_cell(None) == ""
