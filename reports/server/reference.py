"""Reference codes customers read over the phone: Crockford base32, grouped 4-4 ("K7M2-QX9D").

Crockford's alphabet (https://www.crockford.com/base32.html) leaves out I, L, O and U; we also leave out 0 and 1 so
that nothing on the phone can be heard or read two ways. 30 symbols, 8 of them: 30**8 = 6.6e11 codes, so random codes
rarely collide; the storage's unique constraint catches the rare collision and a new code is drawn.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_PATTERN = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_reference() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{code[:4]}-{code[4:]}"


def normalize_reference(text: str) -> str | None:
    """The canonical "ABCD-EFGH" form of what a person typed (any case, with or without the dash), or None."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    if len(cleaned) != LENGTH:
        return None
    candidate = f"{cleaned[:4]}-{cleaned[4:]}"
    return candidate if _PATTERN.match(candidate) else None
