"""The staff API with Bearer tokens: list with filters and paging, get, update, CSV export."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.server.conftest import report_dict

URL = "/api/v1/reports"


def test_every_staff_endpoint_needs_a_valid_token(client: TestClient, staff_token: str) -> None:
    for method, path in [
        ("GET", URL),
        ("GET", f"{URL}/ABCD-EFGH"),
        ("PATCH", f"{URL}/ABCD-EFGH"),
        ("GET", f"{URL}/export.csv"),
    ]:
        answer = client.request(method, path, json={})
        assert answer.status_code == 401, path
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        wrong = client.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401


def test_list_filter_get_and_update(client: TestClient, auth: dict[str, str]) -> None:
    healthy = client.post(URL, json=report_dict("healthy")).json()
    blackhole = client.post(URL, json=report_dict("blackhole")).json()
    listed = client.get(URL, headers=auth).json()
    assert listed["total"] == 2
    assert [item["reference"] for item in listed["items"]] == [blackhole["reference"], healthy["reference"]]
    only = client.get(URL, params={"finding": "pmtud_blackhole"}, headers=auth).json()
    assert [item["reference"] for item in only["items"]] == [blackhole["reference"]]
    paged = client.get(URL, params={"per_page": 1, "page": 2}, headers=auth).json()
    assert [item["reference"] for item in paged["items"]] == [healthy["reference"]]
    assert client.get(URL, params={"per_page": 500}, headers=auth).status_code == 422

    by_reference = client.get(f"{URL}/{blackhole['reference'].lower()}", headers=auth)
    by_id = client.get(f"{URL}/{blackhole['report_id']}", headers=auth)
    assert by_reference.status_code == by_id.status_code == 200
    assert by_reference.json() == by_id.json()
    assert by_id.json()["report"]["report_id"] == blackhole["report_id"]

    changed = client.patch(
        f"{URL}/{blackhole['reference']}",
        json={"status": "resolved", "assignee": "alice", "notes": "MTU 1380 fixed it"},
        headers=auth,
    )
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["assignee"], changed.json()["notes"]) == (
        "resolved",
        "alice",
        "MTU 1380 fixed it",
    )
    resolved = client.get(URL, params={"status": "resolved"}, headers=auth).json()
    assert [item["reference"] for item in resolved["items"]] == [blackhole["reference"]]
    assert client.patch(f"{URL}/{blackhole['reference']}", json={"status": "closed"}, headers=auth).status_code == 422
    assert client.get(f"{URL}/ZZZZ-ZZZZ", headers=auth).status_code == 404


def test_csv_export_escapes_formulas(client: TestClient, app: FastAPI, auth: dict[str, str]) -> None:
    reference = client.post(URL, json=report_dict()).json()["reference"]
    client.patch(f"{URL}/{reference}", json={"assignee": '=HYPERLINK("http://evil.invalid","x")'}, headers=auth)
    answer = client.get(f"{URL}/export.csv", headers=auth)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 1
    assert rows[0]["reference"] == reference
    assert rows[0]["assignee"] == """'=HYPERLINK("http://evil.invalid","x")"""
    assert rows[0]["min_pmtu"] == "1400"
