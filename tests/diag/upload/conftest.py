from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from reports.model import Report
from tests.conftest import EXAMPLES
from tests.diag.upload.ingest_server import IngestServer


@pytest.fixture
def ingest() -> Iterator[IngestServer]:
    server = IngestServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def example_report(name: str = "blackhole") -> Report:
    return Report.model_validate_json((EXAMPLES / f"{name}.json").read_text())
