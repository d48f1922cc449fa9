"""A hypothesis strategy for any report the JSON Schema allows, generated from schema/report.schema.json.

The schema is generated from reports/model.py, so the strategy follows the contract as it changes. It covers what
pydantic emits: $ref, anyOf, enum, const, the JSON types with their bounds, patterns, date-time and uuid formats.
Lists are kept short so each example stays quick; hypothesis still finds the odd combinations.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from hypothesis import strategies as st

from tests.conftest import ROOT

SCHEMA: dict[str, Any] = json.loads((ROOT / "schema" / "report.schema.json").read_text())
MAX_LIST = 4
MAX_TEXT = 40


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = SCHEMA["$defs"][name]
    return node


def _string(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    if node.get("format") == "date-time":
        return st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
    if node.get("format") == "uuid":
        return st.uuids().map(str)
    low = node.get("minLength", 0)
    high = min(node.get("maxLength", MAX_TEXT), max(low, MAX_TEXT))
    if "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True).filter(lambda s: low <= len(s) <= high)
    return st.text(min_size=low, max_size=high)


def _number(node: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum", node.get("exclusiveMaximum"))
    if integer:
        low = None if low is None else int(low) + (1 if "exclusiveMinimum" in node else 0)
        high = None if high is None else int(high) - (1 if "exclusiveMaximum" in node else 0)
        return st.integers(min_value=low, max_value=high)
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min="exclusiveMinimum" in node,
        exclude_max="exclusiveMaximum" in node,
        allow_nan=False,
        allow_infinity=False,
    )


def _object(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    properties: dict[str, Any] = node.get("properties", {})
    required = set(node.get("required", []))
    fixed = {name: from_schema(sub) for name, sub in properties.items() if name in required}
    optional = {name: from_schema(sub) for name, sub in properties.items() if name not in required}
    extra = node.get("additionalProperties")
    extras: st.SearchStrategy[dict[str, Any]] = st.just({})
    if isinstance(extra, dict) and not properties:
        # property names are strings; the schema gives only their bounds
        keys = _string(_resolve(node.get("propertyNames", {"maxLength": 12})))
        extras = st.dictionaries(keys, from_schema(extra), max_size=MAX_LIST)
    return st.tuples(st.fixed_dictionaries(fixed, optional=optional), extras).map(lambda pair: {**pair[1], **pair[0]})


def from_schema(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    node = _resolve(node)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "anyOf" in node:
        return st.one_of([from_schema(sub) for sub in node["anyOf"]])
    kind = node.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind in ("integer", "number"):
        return _number(node, kind == "integer")
    if kind == "string":
        return _string(node)
    if kind == "array":
        items = from_schema(node.get("items", {}))
        low = node.get("minItems", 0)
        return st.lists(items, min_size=low, max_size=max(low, min(node.get("maxItems", MAX_LIST), MAX_LIST)))
    if kind == "object" or "properties" in node:
        return _object(node)
    # no type: any small JSON value
    return st.none() | st.booleans() | st.integers() | st.text(max_size=MAX_TEXT)


report_dicts = st.deferred(lambda: from_schema(SCHEMA))
