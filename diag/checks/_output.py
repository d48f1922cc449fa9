"""Reading OS tools' JSON output defensively: anything unexpected is `OutputUnreadable` with a sentence.

PowerShell's ConvertTo-Json and `ip -j` print one object or a list of objects, but a customer's machine can print
anything instead (an error text, a truncated file, another tool of the same name). Fields of the wrong type read
as missing, so one odd field costs that fact, not the whole check.
"""

from __future__ import annotations

import json
from typing import Any

from diag.errors import OutputUnreadable

# Python's int() refuses longer digit strings (sys.int_info.default_max_str_digits = 4300); no real value
# from an OS tool comes near this.
MAX_DIGITS = 30


def json_entries(text: str, tool: str) -> list[dict[str, Any]]:
    """The objects of a JSON list (or the single object) that `tool` printed; empty output is no entries."""
    text = text.lstrip("\ufeff").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise OutputUnreadable(f"{tool} did not print readable JSON ({_short(exc)}).") from None
    entries = data if isinstance(data, list) else [data]
    if not all(isinstance(entry, dict) for entry in entries):
        raise OutputUnreadable(f"{tool} printed JSON that is not a list of objects.")
    return entries


def text_field(entry: dict[str, Any], key: str) -> str | None:
    """A string field; missing, null or another type reads as None."""
    value = entry.get(key)
    return value if isinstance(value, str) else None


def int_field(entry: dict[str, Any], key: str) -> int | None:
    """An integer field, also when written as a decimal string; anything else reads as None."""
    value = entry.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return parse_int(value) if isinstance(value, str) else None


def parse_int(text: str, base: int = 10) -> int | None:
    """An integer written in `text` (base 0: 0x.. hex too), or None."""
    if len(text.strip()) > MAX_DIGITS:
        return None
    try:
        return int(text, base)
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    message = str(exc) or type(exc).__name__
    return message if len(message) <= 80 else message[:77] + "..."
