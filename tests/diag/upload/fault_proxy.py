"""A TCP proxy on loopback that injects faults between the client and a real ingest server (issue 10).

Each connection gets one fault, drawn from the weights: pass it through, reset it at once, reset it after the server
has stored the report (the answer is lost), close it without an answer, answer 5xx itself, or hold it longer than the
client waits (the server stores it after the client gave up). `down()` / `up()` make the whole endpoint refuse
connections; `restart_backend()` stops the server and starts a new one that keeps what was stored, like a restart
over a persistent database. Every forwarded response carries `Connection: close`, so each request meets its own fault.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from collections import Counter

from tests.diag.upload.ingest_server import IngestServer

FAULTS = ("pass", "reset_at_once", "reset_after_store", "close_no_answer", "answer_5xx", "slow", "delay")
IO_TIMEOUT_S = 5.0
MAX_HEADER_BYTES = 64 * 1024


def _reset(sock: socket.socket) -> None:
    """Close with RST instead of FIN (SO_LINGER with a zero timeout, socket(7))."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        sock.close()


def _read_message(sock: socket.socket) -> bytes | None:
    """One HTTP/1.1 message (headers and a Content-Length body), or None when the peer closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > MAX_HEADER_BYTES:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _closing(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    return head + b"\r\nConnection: close\r\n\r\n" + body


class FaultProxy:
    def __init__(self, backend: IngestServer, weights: dict[str, float], seed: int, slow_s: float) -> None:
        self.backend = backend
        self.weights = weights
        self.rng = random.Random(seed)
        self.slow_s = slow_s
        self.injected: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._port = 0
        self._threads: list[threading.Thread] = []
        self.up()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        listener.listen(64)
        self._port = listener.getsockname()[1]
        self._listener = listener
        thread = threading.Thread(target=self._accept, args=(listener,), name="fault-proxy", daemon=True)
        thread.start()
        self._threads.append(thread)

    def down(self) -> None:
        """Nothing listens: connecting is refused (the server is down)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
            self.count("server down")

    def restart_backend(self) -> None:
        """Stop the server and start a new one that keeps what was stored (a restart over a persistent store)."""
        old = self.backend
        old.stop()
        new = IngestServer(max_bytes=old.max_bytes)
        new.stored, new.requests = old.stored, old.requests
        self.backend = new.start()
        self.count("server restart")

    def close(self) -> None:
        self.stopping.set()
        self.down()
        for thread in self._threads:
            thread.join(timeout=IO_TIMEOUT_S)

    def count(self, fault: str) -> None:
        with self.lock:
            self.injected[fault] += 1

    def _draw(self) -> str:
        with self.lock:
            names = sorted(self.weights)
            return self.rng.choices(names, weights=[self.weights[n] for n in names])[0]

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by down()
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(IO_TIMEOUT_S)
        fault = self._draw()
        if fault != "pass":
            self.count(fault)
        try:
            self._serve_with(client, fault)
        except OSError:
            client.close()

    def _serve_with(self, client: socket.socket, fault: str) -> None:
        if fault == "reset_at_once":
            _reset(client)
            return
        request = _read_message(client)
        if request is None:
            client.close()
            return
        if fault == "close_no_answer":
            client.close()
            return
        if fault == "answer_5xx":
            status = self.rng.choice([b"500 Internal Server Error", b"502 Bad Gateway", b"503 Service Unavailable"])
            client.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            client.close()
            return
        if fault in ("slow", "delay"):
            # slow: longer than the client waits; delay: a short stall the client rides out
            self.stopping.wait(self.slow_s if fault == "slow" else self.slow_s / 10)
        with socket.create_connection(("127.0.0.1", self.backend.port), timeout=IO_TIMEOUT_S) as upstream:
            upstream.sendall(request)
            response = _read_message(upstream)
        if response is None or fault == "reset_after_store":
            _reset(client)
            return
        client.sendall(_closing(response))
        client.close()
