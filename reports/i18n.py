"""Typed message tables for English and Japanese.

Every user-facing sentence is one template with named fields, never assembled from parts, so a translator sees the
whole sentence. A catalog refuses to be built when a language lacks a key or a template's fields differ between
languages; the tests build every catalog, so a missing translation fails a test.
"""

from __future__ import annotations

import locale
import os
import string
from collections.abc import Mapping
from typing import Literal, get_args

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = get_args(Lang)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Catalog:
    """A set of messages in every supported language."""

    def __init__(self, name: str, messages: Mapping[Lang, Mapping[str, str]]) -> None:
        self.name = name
        self._messages = messages
        keys = set(messages["en"])
        for lang in LANGS:
            table = messages.get(lang)
            if table is None:
                raise ValueError(f"catalog {name}: no {lang} table")
            missing = keys - set(table)
            extra = set(table) - keys
            if missing or extra:
                raise ValueError(f"catalog {name}/{lang}: missing {sorted(missing)}, extra {sorted(extra)}")
            for key in keys:
                if _fields(table[key]) != _fields(messages["en"][key]):
                    raise ValueError(f"catalog {name}/{lang}: fields of {key!r} differ from English")

    def keys(self) -> set[str]:
        return set(self._messages["en"])

    def __contains__(self, key: object) -> bool:
        return key in self._messages["en"]

    def text(self, key: str, lang: Lang, /, **fields: object) -> str:
        return self._messages[lang][key].format(**fields)


def detect_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language from VPNDIAG_LANG, then LC_ALL / LC_MESSAGES / LANG, then the OS locale; English otherwise."""
    env = os.environ if environ is None else environ
    for var in ("VPNDIAG_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    if environ is None:
        try:
            code = locale.getlocale()[0] or ""
        except ValueError:
            code = ""
        if code.lower().startswith("ja"):
            return "ja"
    return "en"
