"""A real HTTP server on loopback that speaks the ingest contract (INTERFACES.md), for the send flow."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REFERENCE = "K7QP-4M2X"


@dataclass
class Ingest:
    url: str
    received: list[dict[str, object]] = field(default_factory=list)


@contextmanager
def ingest_server() -> Iterator[Ingest]:
    ingest = Ingest(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/api/v1/reports":
                self.send_error(404)
                return
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            body = json.loads(raw)
            ingest.received.append(body)
            answer = json.dumps({"report_id": body["report_id"], "reference": REFERENCE}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ingest.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ingest
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
