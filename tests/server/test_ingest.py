"""The upload endpoint, on SQLite and PostgreSQL: the contract diag/upload relies on."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from reports.model import Report
from reports.server.diagnosis import rediagnose
from reports.server.reference import normalize_reference
from reports.server.tables import report_bodies, report_findings, reports
from tests.server.conftest import report_dict

URL = "/api/v1/reports"


def count_rows(app: FastAPI, table: Any = reports) -> int:
    with app.state.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_new_report_201_then_retry_200_with_the_same_reference(client: TestClient, app: FastAPI) -> None:
    data = report_dict()
    first = client.post(URL, json=data)
    again = client.post(URL, json=data)
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["report_id"] == data["report_id"]
    assert normalize_reference(first.json()["reference"]) == first.json()["reference"]
    assert count_rows(app) == 1


def test_gzip_body_is_accepted(client: TestClient, app: FastAPI) -> None:
    body = gzip.compress(json.dumps(report_dict()).encode())
    answer = client.post(URL, content=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert answer.status_code == 201
    assert count_rows(app) == 1


def test_stored_columns_follow_the_report(client: TestClient, app: FastAPI) -> None:
    data = report_dict()
    client.post(URL, json=data)
    with app.state.engine.connect() as connection:
        row = connection.execute(select(reports, report_bodies).join(report_bodies)).one()
        findings = sorted(r.finding_id for r in connection.execute(select(report_findings)))
    assert row.os == "windows"
    assert row.protocol == data["vpn"]["protocol"]
    assert row.min_pmtu == min(p["pmtu"] for p in data["paths"] if p["pmtu"] is not None)
    assert findings == sorted({f["id"] for f in data["findings"]})
    assert json.loads(row.report_json)["report_id"] == data["report_id"]


def test_server_rediagnoses_and_keeps_the_customers_diagnosis(client: TestClient, app: FastAPI) -> None:
    data = report_dict()
    data["findings"][0]["title"] = "what an old version told the customer"
    report = Report.model_validate(data)
    client.post(URL, content=report.model_dump_json())
    with app.state.engine.connect() as connection:
        stored = connection.execute(select(report_bodies.c.server_diagnosis_json, report_bodies.c.report_json)).one()
    server = json.loads(stored.server_diagnosis_json)
    assert server == json.loads(rediagnose(report).model_dump_json())
    assert "pmtud_blackhole" in {finding["id"] for finding in server["findings"]}
    assert json.loads(stored.report_json)["findings"][0]["title"] == "what an old version told the customer"


def test_invalid_report_is_422_with_field_errors(client: TestClient, app: FastAPI) -> None:
    data = report_dict()
    data["paths"][0]["pmtu"] = "large"
    del data["system"]
    answer = client.post(URL, json=data)
    assert answer.status_code == 422
    locations = {tuple(item["loc"]) for item in answer.json()["detail"]}
    assert ("system",) in locations
    assert ("paths", 0, "pmtu") in locations
    assert count_rows(app) == 0


def test_garbage_is_422_never_500(client: TestClient) -> None:
    bodies = [
        b"",
        b"not json",
        b"[]",
        b"null",
        b'{"report_id": 5}',
        b"[" * 100_000,
        "\udcff".encode("utf-8", "surrogatepass"),
    ]
    for body in bodies:
        answer = client.post(URL, content=body, headers={"Content-Type": "application/json"})
        assert answer.status_code == 422, body[:20]
        assert isinstance(answer.json()["detail"], list)


def test_body_over_the_limit_is_413(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=0, max_body_bytes=4096)
    with TestClient(app) as client:
        big = json.dumps(report_dict(privacy={"message": "x" * 8000})).encode()
        answer = client.post(URL, content=big, headers={"Content-Type": "application/json"})
        assert answer.status_code == 413

        def chunks() -> Any:  # no Content-Length: the limit must hold while streaming
            for start in range(0, len(big), 1000):
                yield big[start : start + 1000]

        assert client.post(URL, content=chunks()).status_code == 413
        assert count_rows(app) == 0


def test_gzip_bomb_is_413_without_inflating_it(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=0, max_report_bytes=1_000_000)
    bomb = gzip.compress(b"{" + b" " * 50_000_000 + b"}")
    assert len(bomb) < 100_000
    with TestClient(app) as client:
        answer = client.post(URL, content=bomb, headers={"Content-Encoding": "gzip"})
    assert answer.status_code == 413


def test_broken_gzip_is_400_and_unknown_encoding_415(client: TestClient) -> None:
    body = gzip.compress(json.dumps(report_dict()).encode())
    assert client.post(URL, content=b"\x1f\x8b garbage", headers={"Content-Encoding": "gzip"}).status_code == 400
    assert client.post(URL, content=body[: len(body) // 2], headers={"Content-Encoding": "gzip"}).status_code == 400
    assert client.post(URL, content=body, headers={"Content-Encoding": "br"}).status_code == 415


def test_ingest_key_is_required_when_set(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=0, ingest_key="s3cret")
    with TestClient(app) as client:
        assert client.post(URL, json=report_dict()).status_code == 401
        assert client.post(URL, json=report_dict(), headers={"X-Ingest-Key": "wrong"}).status_code == 401
        assert client.post(URL, json=report_dict(), headers={"X-Ingest-Key": "s3cret"}).status_code == 201


def test_rate_limit_answers_429_with_retry_after(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(rate_limit_per_minute=6, rate_limit_burst=2)
    with TestClient(app) as client:
        assert [client.post(URL, json=report_dict()).status_code for _ in range(2)] == [201, 201]
        limited = client.post(URL, json=report_dict())
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) == 10
    assert count_rows(app) == 2


def test_concurrent_duplicates_are_stored_once_with_one_answer(client: TestClient, app: FastAPI) -> None:
    body = json.dumps(report_dict())
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(12)

    def upload() -> None:
        start.wait()
        response = client.post(URL, content=body, headers={"Content-Type": "application/json"})
        answers.append((response.status_code, response.json()["reference"]))

    threads = [threading.Thread(target=upload) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 12
    assert sorted(status for status, _ in answers) == [200] * 11 + [201]
    assert len({reference for _, reference in answers}) == 1
    assert count_rows(app) == 1


def test_openapi_documents_the_upload_body_and_answers(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    upload = document["paths"]["/api/v1/reports"]["post"]
    assert upload["requestBody"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Report"
    assert {"200", "201", "413", "422", "429"} <= set(upload["responses"])
    assert "report_id" in document["components"]["schemas"]["Report"]["properties"]
    assert client.get("/healthz").json() == {"status": "ok"}


def test_concurrent_distinct_uploads_all_land_with_distinct_references(client: TestClient, app: FastAPI) -> None:
    bodies = [json.dumps(report_dict()) for _ in range(30)]
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(len(bodies))

    def upload(body: str) -> None:
        start.wait()
        response = client.post(URL, content=body, headers={"Content-Type": "application/json"})
        answers.append((response.status_code, response.json()["reference"]))

    threads = [threading.Thread(target=upload, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in answers] == [201] * len(bodies)
    assert len({reference for _, reference in answers}) == len(bodies)
    assert count_rows(app) == len(bodies)


def test_names_longer_than_the_indexed_columns_still_store(client: TestClient, app: FastAPI) -> None:
    data = report_dict()
    data["vpn"]["protocol"] = "p" * 256  # the model allows 256; PostgreSQL would refuse it in a 64-character column
    assert client.post(URL, json=data).status_code == 201
    with app.state.engine.connect() as connection:
        assert connection.execute(select(reports.c.protocol)).scalar_one() == "p" * 64
