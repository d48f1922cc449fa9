"""Hostile reports: every free-text string of the report contract set to a distinct attack string.

The report is built from the model's JSON Schema, not from an example, so a string field added to reports/model.py
later is attacked too without anyone remembering to add it here: every string property without a fixed set of
values or a pattern gets a payload, every map gets a payload key, every optional part is filled in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from reports.model import Report, report_json_schema

# A valid value for each constrained string kind (patterns and formats can't carry markup).
IDENTIFIER = "hostile_probe"
TIMESTAMP = "2026-11-26T04:00:00Z"
REPORT_ID = "0b2f6a5e-9c1d-4e8a-a7b3-5d6c7e8f9a01"


def xss_payload(number: int) -> str:
    """Script in text, an attribute break-out (both quote styles) and an SVG handler; a marker to find it by.

    A rendering that fails to escape any of it opens a dialog when the browser ignores the page's CSP."""
    return (
        f"XSS{number:03d}<script>alert({number})</script><img src=x onerror=alert({number})>"
        f"\"><svg onload=alert({number})>' autofocus onfocus=alert({number}) x='"
    )


class HostileReportBuilder:
    def __init__(self, payload: Callable[[int], str] = xss_payload) -> None:
        self.payload = payload
        schema = report_json_schema()
        self.definitions: dict[str, Any] = schema.get("$defs", {})
        self.root = schema
        # json path of each attacked string -> the payload put there
        self.placed: dict[str, str] = {}

    def _next_payload(self, path: str, max_length: int | None) -> str:
        text = self.payload(len(self.placed))
        if max_length is not None:
            text = text[:max_length]
        self.placed[path] = text
        return text

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self.definitions[node["$ref"].rsplit("/", 1)[-1]]
        return node

    def fill(self, node: dict[str, Any], path: str) -> Any:
        node = self._resolve(node)
        if "const" in node:
            return node["const"]
        if "enum" in node:
            return node["enum"][0]
        if "anyOf" in node:
            options = [self._resolve(option) for option in node["anyOf"]]
            # prefer a string (it carries a payload), then anything but null
            chosen = next((o for o in options if o.get("type") == "string" and "pattern" not in o), None)
            chosen = chosen or next(o for o in options if o.get("type") != "null")
            return self.fill(chosen, path)
        kind = node.get("type")
        if kind == "object":
            return self._object(node, path)
        if kind == "array":
            return [self.fill(node["items"], f"{path}[{i}]") for i in range(max(1, node.get("minItems", 1)))]
        if kind == "string":
            return self._string(node, path)
        if kind == "integer":
            return int(min(max(1280, node.get("minimum", 0)), node.get("maximum", 1_000_000)))
        if kind == "number":
            return float(min(max(0.5, node.get("minimum", 0)), node.get("maximum", 1_000_000)))
        if kind == "boolean":
            return True
        if kind == "null" or kind is None:
            return None
        raise AssertionError(f"schema kind {kind!r} at {path} is new: teach the hostile builder about it")

    def _object(self, node: dict[str, Any], path: str) -> dict[str, Any]:
        filled = {name: self.fill(sub, f"{path}.{name}") for name, sub in node.get("properties", {}).items()}
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):  # a map with free keys: the key is attacked as well as the value
            key_schema = node.get("propertyNames", {})
            key = self._next_payload(f"{path}.<key>", key_schema.get("maxLength"))
            filled[key] = self.fill(extra, f"{path}[{key!r}]")
        return filled

    def _string(self, node: dict[str, Any], path: str) -> str:
        if node.get("format") == "date-time":
            return TIMESTAMP
        if node.get("format") == "uuid":
            return REPORT_ID
        if "pattern" in node:
            return IDENTIFIER
        return self._next_payload(path, node.get("maxLength"))

    def build(self) -> dict[str, Any]:
        data: dict[str, Any] = self.fill(self.root, "$")
        Report.model_validate(data)  # a hostile report is still a valid one: it must get past validation
        return data


def hostile_report() -> tuple[dict[str, Any], dict[str, str]]:
    """(report JSON data, {json path: payload}) with every free-text string attacked."""
    builder = HostileReportBuilder()
    data = builder.build()
    return data, builder.placed


def as_json_text(text: str) -> str:
    """How a string shows inside the page's JSON view (quotes escaped by the JSON encoder)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]
