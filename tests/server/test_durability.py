"""Every upload the server acknowledged survives `kill -9` of the server process (SQLite WAL + synchronous=NORMAL
keeps commits across a process crash; PostgreSQL commits durably), and a retry after the restart lands once."""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
from sqlalchemy import create_engine, func, select

from reports.server.tables import reports
from tests.server.conftest import RunningServer, report_dict

CLIENTS = 10
KILL_AFTER = 60


async def _upload_until_killed(server: RunningServer, bodies: list[str]) -> dict[str, str]:
    acknowledged: dict[str, str] = {}
    pending = list(enumerate(bodies))

    async def client(http: httpx.AsyncClient) -> None:
        while pending:
            _, body = pending.pop()
            try:
                answer = await http.post("/api/v1/reports", content=body, headers={"Content-Type": "application/json"})
            except httpx.TransportError:
                return  # the server is gone
            if answer.status_code == 201:
                acknowledged[json.loads(body)["report_id"]] = answer.json()["reference"]
                if len(acknowledged) == KILL_AFTER:
                    server.process.send_signal(signal.SIGKILL)

    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        await asyncio.gather(*(client(http) for _ in range(CLIENTS)))
    return acknowledged


def test_acknowledged_uploads_survive_kill_9_and_retries_land_once(db_url: str) -> None:
    bodies = [json.dumps(report_dict()) for _ in range(400)]
    server = RunningServer(db_url, "--rate-limit", "0")
    try:
        acknowledged = asyncio.run(_upload_until_killed(server, bodies))
    finally:
        server.stop()
    assert server.process.returncode == -signal.SIGKILL
    assert len(acknowledged) >= KILL_AFTER
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            stored = dict(connection.execute(select(reports.c.report_id, reports.c.reference)).tuples().all())
    finally:
        engine.dispose()
    assert {rid: stored.get(rid) for rid in acknowledged} == acknowledged  # none lost, same reference
    restarted = RunningServer(db_url, "--rate-limit", "0")
    try:
        with httpx.Client(base_url=restarted.base, timeout=10) as http:
            retried = [
                http.post("/api/v1/reports", content=body, headers={"Content-Type": "application/json"})
                for body in bodies
            ]
        assert all(answer.status_code in (200, 201) for answer in retried)
        for body, answer in zip(bodies, retried, strict=True):
            report_id = json.loads(body)["report_id"]
            if report_id in stored:
                assert answer.status_code == 200
                assert answer.json()["reference"] == stored[report_id]
    finally:
        restarted.stop()
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(reports)).scalar_one() == len(bodies)
    finally:
        engine.dispose()
