"""The storage schema as SQLAlchemy Core tables; the migrations in migrations/versions create exactly this.

tests/server/test_storage.py compares a migrated database with these tables, so the two can't drift apart.
The full report is kept as JSON in report_bodies; the narrow `reports` row holds what lists filter, sort and count.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # The client's id: the unique constraint makes a retried or duplicated upload land once.
    Column("report_id", String(36), nullable=False, unique=True),
    Column("reference", String(9), nullable=False, unique=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False, server_default="new"),
    Column("assignee", String(128), nullable=True),
    Column("notes", Text, nullable=False, server_default=""),
    Column("os", String(16), nullable=False),
    Column("protocol", String(64), nullable=True),
    Column("min_pmtu", Integer, nullable=True),
    Column("lang", String(2), nullable=False),
    # Space-separated, with a space at each end, of the findings that count (the server's when it re-diagnosed).
    Column("finding_ids", Text, nullable=False),
    # Lower-case text that free-text search looks in: reference, adapters, findings, the customer's message.
    Column("search_text", Text, nullable=False),
    Index("ix_reports_received_at", "received_at"),
    Index("ix_reports_status_received_at", "status", "received_at"),
    Index("ix_reports_min_pmtu", "min_pmtu"),
    Index("ix_reports_protocol_received_at", "protocol", "received_at"),
)

# The full report apart from the columns above, so that scans and counts over `reports` read small rows only.
report_bodies = Table(
    "report_bodies",
    metadata,
    Column("report_pk", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("report_json", Text, nullable=False),
    # The server's own diagnosis ({"findings": [...], "fixes": [...]}), null when the rules did not run.
    Column("server_diagnosis_json", Text, nullable=True),
)

# One row per (report, finding): the finding filter and the dashboard's counts use an index instead of a scan.
report_findings = Table(
    "report_findings",
    metadata,
    Column("report_pk", Integer, ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("finding_id", String(64), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_report_findings_finding_received", "finding_id", "received_at"),
)

staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Only hashes of tokens and session ids are stored: a copy of the database lets nobody in.
staff_tokens = Table(
    "staff_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# One row per failed staff login, kept only for the throttle's window (reports/server/login_throttle.py). Name and
# address are stored as SHA-256: a password typed into the name field must not sit in the database in clear.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name_digest", String(64), nullable=False),
    Column("address_digest", String(64), nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_name_failed_at", "name_digest", "failed_at"),
    Index("ix_login_failures_address_failed_at", "address_digest", "failed_at"),
    Index("ix_login_failures_failed_at", "failed_at"),
)
