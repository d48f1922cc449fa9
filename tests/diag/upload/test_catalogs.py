from __future__ import annotations

import re

import pytest

from diag.i18n.export import EXPORT
from diag.i18n.upload import UPLOAD
from reports.i18n import Catalog

JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
# Labels that are the same word in Japanese technical writing.
SAME_IN_JAPANESE = {"vpn", "mtu", "tcp"}


@pytest.mark.parametrize("catalog", [UPLOAD, EXPORT], ids=lambda c: c.name)
def test_every_message_is_translated(catalog: Catalog) -> None:
    untranslated = []
    for key in catalog.keys() - SAME_IN_JAPANESE:
        fields = {name: "x" for name in re.findall(r"{(\w+)}", catalog._messages["en"][key])}
        if not JAPANESE.search(catalog.text(key, "ja", **fields)):
            untranslated.append(key)
    assert untranslated == []
