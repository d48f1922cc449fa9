"""Ingest throughput and the staff list page at scale, against `vpndiag serve` started as a real child process.

1. /healthz with C concurrent clients (the floor: what the HTTP stack alone costs on this machine),
2. report uploads (POST /api/v1/reports, each a distinct report) with the same C clients,
   then stored vs acknowledged: every acknowledged report_id must be in the database (zero lost),
3. the staff list page (/staff/reports, logged in) and the staff API list with 100,000 stored reports
   (bulk-inserted straight into the database), first page, a finding filter, a text search and a deep page.

Run: .venv/bin/python bench/ingest.py [--clients 50] [--uploads 5000] [--stored 100000] [--db URL] [--client raw]
Targets (2 cores, SQLite): >= 500 reports/s, p99 < 100 ms at 50 clients, zero lost; list page < 100 ms at 100k.

The load generator shares the 2 cores with the server, so by default it is a minimal HTTP/1.1 client (~0.1 ms of
CPU a request, the "cli CPU ms" column). `--client httpx` uses httpx, the client customers' uploads use: with 50
concurrent connections it spends ~5 ms of CPU a request itself and measures mostly itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.model import Report  # noqa: E402
from reports.server.db import migrate, open_engine  # noqa: E402
from reports.server.diagnosis import rediagnose  # noqa: E402
from reports.server.reference import new_reference  # noqa: E402
from reports.server.summary import indexed_facts  # noqa: E402
from reports.server.tables import report_bodies, report_findings, reports  # noqa: E402

EXAMPLE = json.loads((ROOT / "schema" / "examples" / "blackhole.json").read_text())
PASSWORD = "bench password"


@dataclass
class Run:
    name: str
    latencies: list[float]
    seconds: float
    errors: int
    server_cpu_ms: float | None = None  # the server's CPU time per request (all its processes): load-independent
    client_cpu_ms: float | None = None  # the load generator's own CPU per request (it shares the cores)

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered) * 1000 if ordered else float("nan")
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else float("nan")
        rate = len(ordered) / self.seconds if self.seconds else 0.0
        cpu = f"{self.server_cpu_ms:>10.2f}" if self.server_cpu_ms is not None else f"{'':>10}"
        own = f"{self.client_cpu_ms:>10.2f}" if self.client_cpu_ms is not None else f"{'':>10}"
        return f"{self.name:44} {len(ordered):>7} {rate:>9.0f} {p50:>8.1f} {p99:>8.1f} {self.errors:>6} {cpu} {own}"


HEADER = (
    f"{'case':44} {'done':>7} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'srv CPU ms':>10} "
    f"{'cli CPU ms':>10}"
)
SERVER_PID: int | None = None


def server_cpu_seconds() -> float:
    """User + system CPU time of the server process and its worker processes so far."""
    if SERVER_PID is None:
        return 0.0
    try:
        server = psutil.Process(SERVER_PID)
        processes = [server, *server.children(recursive=True)]
        return sum(p.cpu_times().user + p.cpu_times().system for p in processes)
    except psutil.Error:
        return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(db: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "diag", "serve", "--http", f"127.0.0.1:{port}", "--db", db, "--rate-limit", "0"]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("vpndiag serve did not start")


def report_body() -> tuple[str, bytes]:
    report_id = str(uuid.uuid4())
    return report_id, json.dumps({**EXAMPLE, "report_id": report_id}).encode()


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client (a few microseconds a request) for measuring the server, not httpx."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def hammer_raw(
    name: str, port: int, clients: int, jobs: list[tuple[str, str, bytes, dict[str, str]]]
) -> tuple[Run, list[int | None]]:
    queue = list(range(len(jobs)))[::-1]
    latencies: list[float] = []
    answers: list[int | None] = [None] * len(jobs)
    errors = 0

    async def worker() -> None:
        nonlocal errors
        connection = RawConnection("127.0.0.1", port)
        try:
            while queue:
                n = queue.pop()
                started = time.perf_counter()
                try:
                    status = await connection.send(*jobs[n])
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    errors += 1
                    await connection.close()
                    connection = RawConnection("127.0.0.1", port)
                    continue
                latencies.append(time.perf_counter() - started)
                answers[n] = status
                if status >= 400:
                    errors += 1
        finally:
            await connection.close()

    started, cpu_before, own_before = time.perf_counter(), server_cpu_seconds(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(clients)))
    cpu_ms = (server_cpu_seconds() - cpu_before) * 1000 / max(1, len(jobs))
    own_ms = (time.process_time() - own_before) * 1000 / max(1, len(jobs))
    run = Run(name, latencies, time.perf_counter() - started, errors, cpu_ms if SERVER_PID else None, own_ms)
    return run, answers


async def load_phase_raw(port: int, clients: int, uploads: int) -> tuple[list[Run], set[str]]:
    health: list[tuple[str, str, bytes, dict[str, str]]] = [("GET", "/healthz", b"", {}) for _ in range(uploads)]
    await hammer_raw("warm-up", port, clients, health[:200])
    health_run, _ = await hammer_raw(f"GET /healthz (baseline), {clients} raw clients", port, clients, health)
    bodies = [report_body() for _ in range(uploads)]
    posts = [("POST", "/api/v1/reports", body, {"Content-Type": "application/json"}) for _, body in bodies]
    ingest_run, answers = await hammer_raw(f"POST /api/v1/reports, {clients} raw clients", port, clients, posts)
    acknowledged = {report_id for (report_id, _), status in zip(bodies, answers, strict=True) if status == 201}
    return [health_run, ingest_run], acknowledged


async def hammer(
    name: str, clients: int, jobs: list[httpx.Request], client: httpx.AsyncClient
) -> tuple[Run, list[httpx.Response | None]]:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(jobs)):
        queue.put_nowait(n)
    latencies: list[float] = []
    answers: list[httpx.Response | None] = [None] * len(jobs)
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while not queue.empty():
            n = queue.get_nowait()
            started = time.perf_counter()
            try:
                answer = await client.send(jobs[n])
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            answers[n] = answer
            if answer.status_code >= 400:
                errors += 1

    started, cpu_before, own_before = time.perf_counter(), server_cpu_seconds(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(clients)))
    cpu_ms = (server_cpu_seconds() - cpu_before) * 1000 / max(1, len(jobs))
    own_ms = (time.process_time() - own_before) * 1000 / max(1, len(jobs))
    run = Run(name, latencies, time.perf_counter() - started, errors, cpu_ms if SERVER_PID else None, own_ms)
    return run, answers


async def load_phase(base: str, clients: int, uploads: int) -> tuple[list[Run], set[str]]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        warm = [client.build_request("GET", "/healthz") for _ in range(200)]
        await hammer("warm-up", clients, warm, client)
        health = [client.build_request("GET", "/healthz") for _ in range(uploads)]
        health_run, _ = await hammer(f"GET /healthz (baseline), {clients} clients", clients, health, client)
        bodies = [report_body() for _ in range(uploads)]
        posts = [
            client.build_request("POST", "/api/v1/reports", content=body, headers={"Content-Type": "application/json"})
            for _, body in bodies
        ]
        ingest_run, answers = await hammer(f"POST /api/v1/reports, {clients} clients", clients, posts, client)
    acknowledged = {
        report_id
        for (report_id, _), answer in zip(bodies, answers, strict=True)
        if answer is not None and answer.status_code == 201
    }
    return [health_run, ingest_run], acknowledged


def stored_ids(db: str) -> set[str]:
    engine = open_engine(db)
    try:
        with engine.connect() as connection:
            return {row[0] for row in connection.execute(reports.select().with_only_columns(reports.c.report_id))}
    finally:
        engine.dispose()


def bulk_insert(db: str, target: int) -> float:
    """Fill the database up to `target` reports with realistic rows, straight through SQLAlchemy."""
    engine = open_engine(db)
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            have = connection.execute(select(func.count()).select_from(reports)).scalar_one()
        findings_cycle = [("pmtud_blackhole", "tunnel_mtu_too_large"), ("icmp_blocked",), (), ("pmtud_blackhole",)]
        protocols = ["wireguard", "openvpn-udp", "ikev2", "wireguard"]
        oses = ["windows", "macos", "linux", "windows"]
        mtus = [1400, 1492, 1500, None, 1380, 1420, 1280]
        now = datetime.now(UTC)
        batch = 5000
        report_json = json.dumps(EXAMPLE)
        example = Report.model_validate(EXAMPLE)
        example_text = indexed_facts(example, rediagnose(example)).search_text
        for start in range(have, target, batch):
            rows: list[dict[str, Any]] = []
            finding_rows: list[dict[str, Any]] = []
            for n in range(start, min(target, start + batch)):
                received = now - timedelta(seconds=(target - n) * 6)
                ids = findings_cycle[n % 4]
                rows.append(
                    {
                        "report_id": str(uuid.uuid4()),
                        "reference": new_reference(),
                        "received_at": received,
                        "created_at": received,
                        "updated_at": received,
                        "status": ["new", "in_progress", "resolved"][n % 3],
                        "assignee": None,
                        "notes": "",
                        "os": oses[n % 4],
                        "protocol": protocols[n % 4],
                        "min_pmtu": mtus[n % 7],
                        "lang": "en",
                        "finding_ids": f" {' '.join(ids)} ",
                        # The example's real search text (adapters, targets, finding titles) made unique per row.
                        "search_text": f"bench customer {n}\n{example_text}",
                    }
                )
            with engine.begin() as connection:
                pks = (
                    connection.execute(reports.insert().returning(reports.c.id, sort_by_parameter_order=True), rows)
                    .scalars()
                    .all()
                )
                for pk, row in zip(pks, rows, strict=True):
                    finding_rows += [
                        {"report_pk": pk, "finding_id": f, "received_at": row["received_at"]}
                        for f in row["finding_ids"].split()
                    ]
                if finding_rows:
                    connection.execute(report_findings.insert(), finding_rows)
                connection.execute(
                    report_bodies.insert(),
                    [{"report_pk": pk, "report_json": report_json, "server_diagnosis_json": None} for pk in pks],
                )
    finally:
        engine.dispose()
    return time.perf_counter() - started


def staff_token(db: str) -> str:
    created = subprocess.run(
        [sys.executable, "-m", "diag", "staff", "create", "bench", "--db", db, "--password", PASSWORD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.strip().splitlines()[-1]


async def page_phase(base: str, token: str, rounds: int) -> list[Run]:
    runs = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        form = await client.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None
        await client.post("/staff/login", data={"name": "bench", "password": PASSWORD, "csrf_token": csrf.group(1)})
        cases = {
            "staff page /staff/reports (first page)": "/staff/reports",
            "staff page, finding=pmtud_blackhole": "/staff/reports?finding=pmtud_blackhole",
            "staff page, status=new, MTU 1380-1420": "/staff/reports?status=new&pmtu_min=1380&pmtu_max=1420",
            "staff page, free text 'customer 4242'": "/staff/reports?q=customer+4242",
            "staff page 1000 (deep paging)": "/staff/reports?page=1000",
            "staff API GET /api/v1/reports": "/api/v1/reports",
            "dashboard /staff/dashboard": "/staff/dashboard",
        }
        for name, path in cases.items():
            headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api") else {}
            jobs = [client.build_request("GET", path, headers=headers) for _ in range(rounds)]
            await hammer(name, 1, jobs[:2], client)  # warm the page cache and the template
            run, answers = await hammer(name, 1, jobs, client)
            if any(answer is None or answer.status_code != 200 for answer in answers):
                run.errors = max(run.errors, 1)
            runs.append(run)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--uploads", type=int, default=5000)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30, help="requests per list-page case")
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: cores)")
    parser.add_argument(
        "--client",
        choices=["httpx", "raw", "both"],
        default="raw",
        help="httpx: the async client customers' uploads use; raw: a minimal HTTP/1.1 client, so that on 2 shared "
        "cores the figures measure the server rather than the load generator",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        engine = open_engine(db)
        migrate(engine)
        engine.dispose()
        port = free_port()
        server = start_server(db, port, args.workers)
        global SERVER_PID
        SERVER_PID = server.pid
        load_before = os.getloadavg()[0]
        base = f"http://127.0.0.1:{port}"
        try:
            load_runs: list[Run] = []
            acknowledged: set[str] = set()
            if args.client in ("httpx", "both"):
                runs, acked = asyncio.run(load_phase(base, args.clients, args.uploads))
                load_runs += runs
                acknowledged |= acked
            if args.client in ("raw", "both"):
                runs, acked = asyncio.run(load_phase_raw(port, args.clients, args.uploads))
                load_runs += runs
                acknowledged |= acked
            stored = stored_ids(db)
            lost = acknowledged - stored
            fill_seconds = bulk_insert(db, args.stored)
            page_runs = asyncio.run(page_phase(base, staff_token(db), args.rounds))
        finally:
            server.terminate()
            server.wait(timeout=15)
        print(
            f"vpndiag serve on loopback, {os.cpu_count()} cores, database {db.split(':')[0]}, {args.workers} server "
            "process(es); "
            f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work on the machine)"
        )
        print(HEADER)
        for run in load_runs:
            print(run.row())
        print(
            f"uploads acknowledged (201): {len(acknowledged)}   stored: {len(acknowledged & stored)}   lost: {len(lost)}"
        )
        print(f"bulk insert up to {args.stored} stored reports: {fill_seconds:.1f} s")
        print(HEADER)
        for run in page_runs:
            print(run.row())


if __name__ == "__main__":
    main()
