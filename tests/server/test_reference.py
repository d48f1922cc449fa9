from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from reports.server.reference import ALPHABET, new_reference, normalize_reference


def test_alphabet_has_no_symbols_that_read_or_sound_alike() -> None:
    assert not set("01ILOU") & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 30


def test_new_reference_is_two_groups_of_four() -> None:
    codes = {new_reference() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code) for code in codes)


@given(st.sampled_from([str.lower, str.upper, lambda s: s.replace("-", ""), lambda s: f"  {s.lower()} "]))
def test_typed_reference_normalizes_back(spelling: object) -> None:
    code = new_reference()
    assert normalize_reference(spelling(code)) == code  # type: ignore[operator]


def test_references_with_ambiguous_or_missing_symbols_are_refused() -> None:
    assert normalize_reference("K7M2-QX9O") is None
    assert normalize_reference("K7M2-QX9") is None
    assert normalize_reference("") is None
