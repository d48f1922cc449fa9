"""Fixtures for the server's hardening tests (issue 10): databases, a real `vpndiag serve`, a staff login.

The storage fixtures follow tests/server/conftest.py: SQLite always, PostgreSQL from VPNDIAG_TEST_PG_URL (skipped
with the reason without it, a failure under VPNDIAG_REQUIRE_LAB=1).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reports.server.accounts import Accounts
from reports.server.db import migrate, open_engine
from tests.server.conftest import _empty_postgres, require_postgres

PASSWORD = "correct horse battery"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def server_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL for a `vpndiag serve` child process."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    url = require_postgres()
    _empty_postgres(url)
    return url


def create_staff(db_url: str, name: str = "alice") -> str:
    """A staff account in a (migrated) database; returns its API token."""
    engine = open_engine(db_url)
    try:
        migrate(engine)
        token: str = Accounts(engine).create_staff(name, PASSWORD)
    finally:
        engine.dispose()
    return token
