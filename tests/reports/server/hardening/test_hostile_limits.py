"""Hostile uploads hit limits, never a 500 (issue 10): oversized strings and arrays, deeply nested JSON (plain and
gzipped), numbers JSON allows but no measurement is, and CSV cells a spreadsheet would run. In-process (ASGI), on
SQLite and PostgreSQL: a report that got in must also come back out of storage.
"""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.load import MAX_REPORT_BYTES
from reports.model import MAX_ITEMS, MAX_NAME, MAX_TEXT
from reports.server.csv_export import FORMULA_STARTS, escape_cell
from reports.server.settings import MAX_BODY_BYTES
from tests.conftest import count_figure
from tests.server.conftest import report_dict

URL = "/api/v1/reports"
Mutation = Callable[[dict[str, Any]], None]


@pytest.fixture
def client(make_app: Callable[..., FastAPI]) -> Iterator[TestClient]:
    with TestClient(make_app(rate_limit_per_minute=0)) as test_client:
        yield test_client


@pytest.fixture
def auth(client: TestClient) -> dict[str, str]:
    app: Any = client.app
    return {"Authorization": f"Bearer {app.state.accounts.create_staff('alice', 'correct horse battery')}"}


def _post(client: TestClient, body: bytes, gzipped: bool = False) -> Any:
    headers = {"Content-Type": "application/json"}
    if gzipped:
        body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
    answer = client.post(URL, content=body, headers=headers)
    count_figure("inputs tried: hostile uploads")
    assert answer.status_code != 500
    return answer


def _set(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _many(path: str, count: int) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = [copy.deepcopy(node[last][0]) for _ in range(count)]

    return mutate


OVERSIZED = {
    "adapter name one past the limit": (_set("adapters.0.name", "n" * (MAX_NAME + 1)), ("adapters", 0, "name")),
    "message one past the limit": (_set("privacy.message", "m" * (MAX_TEXT + 1)), ("privacy", "message")),
    "finding detail one past the limit": (_set("findings.0.detail", "d" * (MAX_TEXT + 1)), ("findings", 0, "detail")),
    "evidence key one past the limit": (_set("findings.0.evidence", {"k" * (MAX_NAME + 1): 1}), ("findings", 0)),
    "adapters one past the limit": (_many("adapters", MAX_ITEMS + 1), ("adapters",)),
    "probes one past the limit": (_many("paths.0.probes", 4097), ("paths", 0, "probes")),
    "paths one past the limit": (_many("paths", 65), ("paths",)),
}


@pytest.mark.parametrize("name", list(OVERSIZED))
def test_oversized_strings_and_arrays_are_422_naming_the_field(client: TestClient, name: str) -> None:
    mutate, where = OVERSIZED[name]
    data = report_dict()
    mutate(data)
    answer = _post(client, json.dumps(data).encode(), gzipped=True)
    assert answer.status_code == 422, answer.text
    locations = [tuple(error["loc"]) for error in answer.json()["detail"]]
    assert any(location[: len(where)] == where for location in locations), locations


def test_the_limits_themselves_are_accepted(client: TestClient) -> None:
    """The edge of each limit is a valid report: limits refuse only what is past them."""
    data = report_dict()
    data["adapters"][0]["name"] = "n" * MAX_NAME
    data["privacy"] = {"consent": True, "message": "m" * MAX_TEXT}
    _many("adapters", MAX_ITEMS)(data)
    _many("paths.0.probes", 4096)(data)
    assert _post(client, json.dumps(data).encode(), gzipped=True).status_code == 201


def test_a_body_over_the_wire_limit_is_413_before_it_is_parsed(client: TestClient) -> None:
    data = report_dict()
    data["privacy"] = {"consent": True, "message": "x" * 100}
    body = json.dumps(data).encode()
    padded = body[:-1] + b" " * (MAX_BODY_BYTES + 1 - len(body)) + b"}"  # whitespace: valid JSON, just large
    assert _post(client, padded).status_code == 413


@pytest.mark.parametrize("depth", [1_000, 100_000, 1_000_000])
def test_deeply_nested_json_is_refused_not_a_crash(client: TestClient, depth: int) -> None:
    """Gzipped, a million levels fit the wire limit and decompress under the report limit: the parser must refuse."""
    nested = b"[" * depth + b"]" * depth
    inside_a_field = json.dumps(report_dict()).encode().replace(b'"wireguard"', nested, 1)
    for body in (nested, inside_a_field):
        assert len(body) < MAX_REPORT_BYTES
        answer = _post(client, body, gzipped=True)
        assert answer.status_code == 422, answer.text[:300]


def test_a_nested_gzip_bomb_is_413_without_inflating_it(client: TestClient) -> None:
    depth = 20 * 1024 * 1024  # 40 MiB of brackets, about 40 KiB gzipped
    answer = _post(client, b"[" * depth + b"]" * depth, gzipped=True)
    assert answer.status_code == 413


NUMBER_LITERALS = {
    "overflow": b"1e999",
    "negative overflow": b"-1e999",
    "NaN": b"NaN",
    "Infinity": b"Infinity",
    "-Infinity": b"-Infinity",
    "5001 digits": b"1" + b"0" * 5000,
    "underflow": b"1e-999999",
}


@pytest.mark.parametrize("literal", list(NUMBER_LITERALS.values()), ids=list(NUMBER_LITERALS))
def test_numbers_no_measurement_can_be_are_refused_and_storage_stays_readable(
    client: TestClient, auth: dict[str, str], literal: bytes
) -> None:
    """1e999 parses as infinity; stored, it was written back as null and the staff pages for it answered 500."""
    data = report_dict()
    body = json.dumps(data).encode().replace(b'"elapsed_ms": 212.0', b'"elapsed_ms": ' + literal, 1)
    assert body != json.dumps(data).encode()
    answer = _post(client, body)
    if answer.status_code == 201:  # only a finite number may get in (1e-999999 is 0.0)
        stored = client.get(f"{URL}/{data['report_id']}", headers=auth)
        assert stored.status_code == 200
        assert stored.json()["report"]["paths"][0]["elapsed_ms"] == float(literal)
    else:
        assert answer.status_code == 422, answer.text
    pages = client.get(URL, headers=auth)
    assert pages.status_code == 200


def test_csv_export_escapes_every_cell_a_spreadsheet_would_run(client: TestClient, auth: dict[str, str]) -> None:
    formulas = ['=HYPERLINK("http://x.invalid","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    for formula in formulas:
        data = report_dict()
        data["vpn"]["protocol"] = formula
        uploaded = _post(client, json.dumps(data).encode())
        assert uploaded.status_code == 201
        changed = client.patch(f"{URL}/{data['report_id']}", json={"assignee": formula}, headers=auth)
        assert changed.status_code == 200
    exported = client.get(f"{URL}/export.csv", headers=auth)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == len(formulas)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), (column, cell)
    assert sorted(row["protocol"] for row in rows) == sorted("'" + formula for formula in formulas)


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_a_csv_cell_never_starts_a_formula_and_loses_nothing(text: str) -> None:
    cell = escape_cell(text)
    count_figure("inputs tried: CSV cells")
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text


def test_a_report_id_that_is_not_a_uuid_and_unknown_keys_are_422(client: TestClient) -> None:
    data = report_dict(report_id="../../etc/passwd")
    assert _post(client, json.dumps(data).encode()).status_code == 422
    data = report_dict()
    data["system"]["__class__"] = {"x": 1}
    assert _post(client, json.dumps(data).encode()).status_code == 422
    assert str(uuid.UUID(report_dict()["report_id"]))


def test_a_rule_that_fails_costs_the_servers_diagnosis_not_the_upload(
    client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injected: the rules raise on ingest. The report is still stored (201), with no server diagnosis."""

    def broken_rules(report: Any, lang: Any = None) -> Any:
        raise ZeroDivisionError("a rules bug")

    monkeypatch.setattr("reports.server.diagnosis.diagnose", broken_rules)
    data = report_dict()
    answer = _post(client, json.dumps(data).encode())
    assert answer.status_code == 201
    stored = client.get(f"{URL}/{data['report_id']}", headers=auth).json()
    assert stored["server_diagnosis"] is None
    assert stored["report"]["findings"] == data["findings"]
    count_figure("faults injected: rules failing on ingest")


def test_nul_characters_are_stored_not_refused_forever(client: TestClient, auth: dict[str, str]) -> None:
    """PostgreSQL refuses U+0000 in text: a report carrying one was answered 503 on every retry (never stored)."""
    data = report_dict()
    data["adapters"][0]["name"] = "wg\x000"
    data["vpn"]["protocol"] = "wire\x00guard"
    data["privacy"] = {"consent": True, "message": "it drops\x00 every few minutes"}
    assert _post(client, json.dumps(data).encode()).status_code == 201
    stored = client.get(f"{URL}/{data['report_id']}", headers=auth).json()
    assert stored["report"]["adapters"][0]["name"] == "wg\x000"  # the report itself is kept exactly
    assert stored["protocol"] == "wireguard"
    for query in ({"q": "wg\x000"}, {"q": "\x00"}, {"protocol": "wire\x00guard"}, {"finding": "\x00"}):
        listed = client.get(URL, params=query, headers=auth)
        count_figure("inputs tried: hostile uploads")
        assert listed.status_code == 200, query
    assert client.get(URL, params={"q": "wg\x000"}, headers=auth).json()["total"] == 1
    changed = client.patch(f"{URL}/{data['report_id']}", json={"notes": "a\x00b", "assignee": "\x00bob"}, headers=auth)
    assert changed.status_code == 200
    assert (changed.json()["notes"], changed.json()["assignee"]) == ("ab", "bob")


def test_staff_list_filters_out_of_range_are_named_not_a_500(client: TestClient) -> None:
    app: Any = client.app
    app.state.accounts.create_staff("carol", "correct horse battery")
    login = client.get("/staff/login")
    csrf = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post(
        "/staff/login",
        data={"name": "carol", "password": "correct horse battery", "csrf_token": csrf, "next": "/staff/reports"},
    )
    for query in ("pmtu_min=99999999999999999999", "pmtu_max=-1", "page=99999999999999999999", "q=%00"):
        page = client.get(f"/staff/reports?{query}")
        count_figure("inputs tried: hostile uploads")
        assert page.status_code == 200, query
    assert "must be from 0 to 65535" in client.get("/staff/reports?pmtu_min=99999999999999999999").text
