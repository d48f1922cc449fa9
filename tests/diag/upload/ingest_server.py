"""A small real HTTP server on loopback that implements the ingest contract (INTERFACES.md), for the upload tests.

`POST /api/v1/reports`: gzip or plain JSON body, validated as a Report; 201 for a new report_id, 200 with the same
reference for one it already has; 413 above `max_bytes`; 422 with pydantic's details; `X-Ingest-Key` checked when
set. Tests can script the first answers (a 503, a 429 with Retry-After, a hang) to exercise the client's retries.
It also answers absolute-form request targets, so it doubles as the HTTP proxy in the proxy test.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import ssl
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pydantic import ValidationError

from reports.model import Report


@dataclass
class Scripted:
    """One scripted answer: an HTTP status with headers, or a hang of `hang` seconds before answering."""

    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    report_id: str | None
    status: int


class IngestServer:
    def __init__(self, *, max_bytes: int = 1_000_000, ingest_key: str | None = None) -> None:
        self.max_bytes = max_bytes
        self.ingest_key = ingest_key
        self.answer_delay = 0.0  # seconds each accepted report takes, to widen races in concurrency tests
        self.script: list[Scripted] = []
        self.requests: list[Seen] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="ingest", daemon=True)
        self.scheme = "http"

    def use_tls(self, certfile: str, keyfile: str) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certfile, keyfile)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def endpoint(self) -> str:
        host = "localhost" if self.scheme == "https" else "127.0.0.1"
        return f"{self.scheme}://{host}:{self.port}"

    def start(self) -> IngestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()  # ends scripted hangs
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def posts_for(self, report_id: str) -> int:
        return sum(1 for seen in self.requests if seen.report_id == report_id)

    def accepted_counts(self) -> Counter[str]:
        """How many times each report was accepted as new (201): more than one would be a duplicate."""
        return Counter(seen.report_id for seen in self.requests if seen.status == 201 and seen.report_id)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output quiet

            def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _record(self, report_id: str | None, status: int) -> None:
                with server.lock:
                    server.requests.append(Seen(self.path, dict(self.headers.items()), report_id, status))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with server.lock:
                    scripted = server.script.pop(0) if server.script else None
                if not self.path.endswith("/api/v1/reports"):
                    self._record(None, 404)
                    self._answer(404, {"detail": "not found"})
                    return
                if scripted is not None:
                    if scripted.hang:
                        server.release.wait(scripted.hang)
                    self._record(None, scripted.status)
                    self._answer(scripted.status, {"detail": "scripted"}, scripted.headers)
                    return
                if server.ingest_key is not None and self.headers.get("X-Ingest-Key") != server.ingest_key:
                    self._record(None, 401)
                    self._answer(401, {"detail": "bad ingest key"})
                    return
                if length > server.max_bytes:
                    self._record(None, 413)
                    self._answer(413, {"detail": "too large"})
                    return
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                try:
                    report = Report.model_validate_json(raw)
                except ValidationError as exc:
                    self._record(None, 422)
                    self._answer(422, {"detail": json.loads(exc.json(include_url=False))})
                    return
                report_id = str(report.report_id)
                if server.answer_delay:
                    server.release.wait(server.answer_delay)
                reference = "R-" + hashlib.sha256(report_id.encode()).hexdigest()[:6].upper()
                with server.lock:
                    status = 200 if report_id in server.stored else 201
                    server.stored.setdefault(report_id, json.loads(raw))
                self._record(report_id, status)
                self._answer(status, {"report_id": report_id, "reference": reference})

        return Handler
