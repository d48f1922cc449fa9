"""Staff accounts: argon2-hashed passwords, API tokens and web sessions (only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from reports.errors import VpndiagError
from reports.server.store import as_utc, utcnow
from reports.server.tables import staff, staff_tokens, web_sessions

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(VpndiagError):
    """A staff account can't be created as asked."""


@dataclass(frozen=True)
class Staff:
    id: int
    name: str


@dataclass(frozen=True)
class StaffAccess:
    """An account with how many ways in it has besides its password (`vpndiag staff list`)."""

    name: str
    tokens: int
    sessions: int


@dataclass(frozen=True)
class Session:
    staff: Staff
    csrf_token: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Accounts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_staff(self, name: str, password: str) -> str:
        """Create the account (or set a new password for an existing one) and return a new API token."""
        name = name.strip()
        if not name or len(name) > 128:
            raise AccountError("A staff name needs 1 to 128 characters.")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"The password needs at least {MIN_PASSWORD_LENGTH} characters; choose a longer one.")
        password_hash = _hasher.hash(password)
        token = secrets.token_urlsafe(32)
        now = utcnow()
        with self.engine.begin() as connection:
            staff_id = connection.execute(select(staff.c.id).where(staff.c.name == name)).scalar_one_or_none()
            if staff_id is None:
                try:
                    staff_id = connection.execute(
                        insert(staff)
                        .values(name=name, password_hash=password_hash, created_at=now)
                        .returning(staff.c.id)
                    ).scalar_one()
                except IntegrityError:
                    raise AccountError(f"The staff account {name!r} was created at the same time; run again.") from None
            else:
                connection.execute(update(staff).where(staff.c.id == staff_id).values(password_hash=password_hash))
            connection.execute(
                insert(staff_tokens).values(token_hash=_digest(token), staff_id=staff_id, created_at=now)
            )
        return token

    def check_password(self, name: str, password: str) -> Staff | None:
        with self.engine.connect() as connection:
            found = connection.execute(
                select(staff.c.id, staff.c.name, staff.c.password_hash).where(staff.c.name == name.strip())
            ).one_or_none()
        try:
            _hasher.verify(found.password_hash if found else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return Staff(found.id, found.name) if found else None

    def staff_for_token(self, token: str) -> Staff | None:
        query = (
            select(staff.c.id, staff.c.name)
            .join(staff_tokens, staff_tokens.c.staff_id == staff.c.id)
            .where(staff_tokens.c.token_hash == _digest(token))
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).one_or_none()
        return Staff(found.id, found.name) if found else None

    def start_session(self, member: Staff) -> tuple[str, Session]:
        """A new web session: the cookie value to set, and the session with its CSRF token."""
        session_id = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = utcnow()
        with self.engine.begin() as connection:
            connection.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            connection.execute(
                insert(web_sessions).values(
                    session_hash=_digest(session_id),
                    staff_id=member.id,
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=now + SESSION_LIFETIME,
                )
            )
        return session_id, Session(member, csrf_token)

    def session(self, session_id: str) -> Session | None:
        query = (
            select(staff.c.id, staff.c.name, web_sessions.c.csrf_token, web_sessions.c.expires_at)
            .join(web_sessions, web_sessions.c.staff_id == staff.c.id)
            .where(web_sessions.c.session_hash == _digest(session_id))
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).one_or_none()
        if found is None or as_utc(found.expires_at) < utcnow():
            return None
        return Session(Staff(found.id, found.name), found.csrf_token)

    def end_session(self, session_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(web_sessions).where(web_sessions.c.session_hash == _digest(session_id)))

    def revoke(self, name: str) -> StaffAccess:
        """Delete the person's API tokens and web sessions (the password stays); how many of each were deleted."""
        with self.engine.begin() as connection:
            staff_id = connection.execute(select(staff.c.id).where(staff.c.name == name.strip())).scalar_one_or_none()
            if staff_id is None:
                raise AccountError(f"There is no staff account {name.strip()!r}; `vpndiag staff list` shows them.")
            tokens = connection.execute(delete(staff_tokens).where(staff_tokens.c.staff_id == staff_id)).rowcount
            sessions = connection.execute(delete(web_sessions).where(web_sessions.c.staff_id == staff_id)).rowcount
        return StaffAccess(name.strip(), tokens, sessions)

    def list_staff(self) -> list[StaffAccess]:
        """Every account by name, with its API tokens and unexpired web sessions."""
        tokens = select(func.count()).where(staff_tokens.c.staff_id == staff.c.id).scalar_subquery()
        sessions = (
            select(func.count())
            .where(web_sessions.c.staff_id == staff.c.id, web_sessions.c.expires_at >= utcnow())
            .scalar_subquery()
        )
        with self.engine.connect() as connection:
            rows = connection.execute(select(staff.c.name, tokens, sessions).order_by(staff.c.name)).all()
        return [StaffAccess(name, token_count, session_count) for name, token_count, session_count in rows]
