"""What `vpndiag serve` was asked for; everything else in the server reads it from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from reports.load import MAX_REPORT_BYTES

# A real report is a few tens of kilobytes; 2 MiB on the wire leaves room for the largest the model allows gzipped.
MAX_BODY_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class LoginLimits:
    """Failed staff logins allowed within `window` before further attempts are refused (login_throttle.py)."""

    # 5 wrong passwords are plenty for a person who mistypes; a guesser gets 20 an hour per name.
    per_name: int = 5
    # Higher than per_name: several staff may log in from behind one office NAT.
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class ServerSettings:
    db_url: str
    ingest_key: str | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    # Decompressed: a small gzip body may not expand past what any report can be (no gzip bombs).
    max_report_bytes: int = MAX_REPORT_BYTES
    # Uploads per client address: a steady rate with a burst for an outbox emptying itself; 0 turns the limit off.
    rate_limit_per_minute: float = 60.0
    rate_limit_burst: int = 20
    # Reports received more than this many days ago are deleted (reports/server/retention.py); None keeps them all.
    retention_days: int | None = None
    login_limits: LoginLimits = LoginLimits()
