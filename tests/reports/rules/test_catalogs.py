from __future__ import annotations

import re
import string

import pytest

from reports.i18n import LANGS, Catalog
from reports.rules import CATALOGS

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda c: c.name)
def test_every_key_exists_in_both_languages_and_renders(catalog: Catalog) -> None:
    # Catalog() already refuses a missing key; render every key in every language to prove the templates work.
    english = {key: catalog.text(key, "en", **_dummy(catalog, key)) for key in sorted(catalog.keys())}
    for lang in LANGS:
        for key in sorted(catalog.keys()):
            text = catalog.text(key, lang, **_dummy(catalog, key))
            assert text.strip(), f"{catalog.name}/{lang}/{key} is empty"
            assert "{" not in text
            if lang == "ja":
                assert JAPANESE.search(text), f"{catalog.name}/ja/{key} is not Japanese"
                assert text != english[key]


def _dummy(catalog: Catalog, key: str) -> dict[str, object]:
    template = catalog._messages["en"][key]  # the English template names the fields every language must use
    return {name: 1234 for name in _fields(template)}


def test_catalog_names_are_unique() -> None:
    names = [c.name for c in CATALOGS]
    assert len(names) == len(set(names))
