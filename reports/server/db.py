"""Opening the database and bringing its schema up to date.

SQLite (the default, one file) runs in WAL mode with synchronous=NORMAL: a commit is in the WAL file before the
server answers, so a crash or kill -9 of the server process loses no acknowledged report (the OS still holds the
write); only a power cut or kernel crash could lose the last commits (https://www.sqlite.org/pragma.html#pragma_synchronous).
PostgreSQL is chosen by URL when several server instances share one database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from reports.errors import VpndiagError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Arbitrary, fixed: PostgreSQL advisory lock key so that instances starting together migrate one at a time.
MIGRATION_LOCK_KEY = 7_370_624_201
SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseError(VpndiagError):
    """The database can't be opened or migrated."""


def default_db_url() -> str:
    """A SQLite file in VPNDIAG_DATA_DIR, or else the user data directory of this OS."""
    override = os.environ.get("VPNDIAG_DATA_DIR")
    if override:
        folder = Path(override)
    else:
        from platformdirs import user_data_dir

        folder = Path(user_data_dir("vpndiag", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'server.sqlite3'}"


def normalize_url(url: str) -> str:
    """Accept postgresql:// and postgres:// as people write them; we drive PostgreSQL with psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(url: str) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseError(
            f"The database URL {url!r} is not valid ({exc}). Use sqlite:///PATH or postgresql://..."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=8, max_overflow=16)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise DatabaseError(f"vpndiag serve stores reports in SQLite or PostgreSQL, not {parsed.get_backend_name()}.")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent; safe when several instances start at once)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except Exception as exc:
        if isinstance(exc, VpndiagError):
            raise
        safe_url = engine.url.render_as_string(hide_password=True)
        raise DatabaseError(
            f"Could not open or migrate the database {safe_url}: {exc}. Check the URL and that the database server is running."
        ) from exc
