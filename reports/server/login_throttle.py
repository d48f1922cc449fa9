"""Failed staff logins, counted in the database so that every server process (--workers, several hosts) sees them.

After `per_name` failures for one login name, or `per_address` from one client address, within the window, further
attempts are refused without checking the password until enough of those failures have left the window. Unknown
names are counted like known ones, so the answers don't tell which names exist.

An attempt is written down as a failure before its password is checked and forgotten when it succeeds: many guesses
sent at once can't all pass the count while argon2 is still busy with the first.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Engine, delete, insert, select, text

from reports.server.settings import LoginLimits
from reports.server.store import as_utc, utcnow
from reports.server.tables import login_failures

# Arbitrary, fixed: the PostgreSQL advisory lock that makes attempts count one at a time (see start_attempt).
THROTTLE_LOCK_KEY = 7_370_624_202


def seconds_to_wait(failures: Sequence[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Whole seconds until fewer than `limit` of these failures lie within `window` before now; 0 if already so."""
    recent = sorted(when for when in map(as_utc, failures) if when > now - window)
    if len(recent) < limit:
        return 0
    # Free again once only the newest limit-1 failures are left in the window.
    free_at = recent[len(recent) - limit] + window
    return max(1, math.ceil((free_at - now).total_seconds()))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class LoginThrottle:
    def __init__(self, engine: Engine, limits: LoginLimits, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.limits = limits
        self._clock = clock

    def start_attempt(self, name: str, address: str) -> int:
        """0 when the password may be checked (the attempt now counts as a failure), else seconds to wait."""
        now = self._clock()
        cutoff = now - self.limits.window
        name_key, address_key = _digest(name.strip()), _digest(address)
        with self.engine.begin() as connection:
            # Attempts are counted one at a time, else two at once both see the count below the limit: SQLite's
            # write lock (taken by the insert) does that, PostgreSQL needs a lock for it (40 at once let 7 in).
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": THROTTLE_LOCK_KEY})
            attempt_id = connection.execute(
                insert(login_failures)
                .values(name_digest=name_key, address_digest=address_key, failed_at=now)
                .returning(login_failures.c.id)
            ).scalar_one()
            connection.execute(delete(login_failures).where(login_failures.c.failed_at <= cutoff))
            earlier = login_failures.c.id != attempt_id
            wait = max(
                self._wait(connection, (login_failures.c.name_digest == name_key) & earlier, self.limits.per_name, now),
                self._wait(
                    connection, (login_failures.c.address_digest == address_key) & earlier, self.limits.per_address, now
                ),
            )
            if wait:
                # A refused attempt checked no password, so it is no failure: waiting is enough to be let in again.
                connection.execute(delete(login_failures).where(login_failures.c.id == attempt_id))
        return wait

    def _wait(self, connection: Connection, which: ColumnElement[bool], limit: int, now: datetime) -> int:
        newest = connection.execute(
            select(login_failures.c.failed_at)
            .where(which, login_failures.c.failed_at > now - self.limits.window)
            .order_by(login_failures.c.failed_at.desc())
            .limit(limit)
        ).scalars()
        return seconds_to_wait(list(newest), limit, self.limits.window, now)

    def succeeded(self, name: str) -> None:
        """The name logged in: its failures (and the attempt just made) are forgotten."""
        with self.engine.begin() as connection:
            connection.execute(delete(login_failures).where(login_failures.c.name_digest == _digest(name.strip())))
