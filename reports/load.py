"""Reading a report from bytes or a file, with errors a person can act on."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from reports.errors import ReportInvalid
from reports.model import Report

MAX_REPORT_BYTES = 8 * 1024 * 1024


def describe_validation_error(error: ValidationError, limit: int = 10) -> str:
    """One line per problem: the field's path and what is wrong with it."""
    lines = []
    for item in error.errors()[:limit]:
        where = ".".join(str(part) for part in item["loc"]) or "(top level)"
        lines.append(f"  {where}: {item['msg']}")
    more = error.error_count() - limit
    if more > 0:
        lines.append(f"  ... and {more} more")
    return "\n".join(lines)


def parse_report(data: bytes | str, source: str = "report") -> Report:
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportInvalid(f"{source} is not valid JSON ({exc}). Is it a vpndiag report file?") from None
    except RecursionError:
        raise ReportInvalid(f"{source} is nested too deeply to be a vpndiag report.") from None
    try:
        return Report.model_validate(raw)
    except ValidationError as exc:
        raise ReportInvalid(f"{source} is not a valid vpndiag report:\n{describe_validation_error(exc)}") from None


def load_report(path: Path) -> Report:
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise ReportInvalid(f"{path} is {size} bytes, larger than any vpndiag report ({MAX_REPORT_BYTES}).")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportInvalid(f"{path} does not exist. Check the file name.") from None
    except IsADirectoryError:
        raise ReportInvalid(f"{path} is a folder; give the report file inside it.") from None
    except PermissionError:
        raise ReportInvalid(f"{path} cannot be read (permission denied).") from None
    return parse_report(data, str(path))
