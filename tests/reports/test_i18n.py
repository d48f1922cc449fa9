from __future__ import annotations

import pytest

from diag.i18n.summary import SUMMARY
from reports.i18n import Catalog, detect_lang


def test_catalog_rejects_missing_translation() -> None:
    with pytest.raises(ValueError, match="missing"):
        Catalog("t", {"en": {"a": "A", "b": "B"}, "ja": {"a": "エー"}})


def test_catalog_rejects_mismatched_fields() -> None:
    with pytest.raises(ValueError, match="fields"):
        Catalog("t", {"en": {"a": "MTU {mtu}"}, "ja": {"a": "MTU {size}"}})


def test_summary_catalog_complete_in_both_languages() -> None:
    assert "heading" in SUMMARY
    assert SUMMARY.text("heading", "ja", report_id="x").startswith("vpndiag レポート")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"VPNDIAG_LANG": "ja"}, "ja"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "C"}, "en"),
        ({}, "en"),
    ],
)
def test_detect_lang(env: dict[str, str], expected: str) -> None:
    assert detect_lang(env) == expected
