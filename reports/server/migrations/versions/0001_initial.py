"""Initial schema: reports, their bodies and findings, staff, tokens and web sessions.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.String(36), nullable=False, unique=True),
        sa.Column("reference", sa.String(9), nullable=False, unique=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("assignee", sa.String(128), nullable=True),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("os", sa.String(16), nullable=False),
        sa.Column("protocol", sa.String(64), nullable=True),
        sa.Column("min_pmtu", sa.Integer, nullable=True),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("finding_ids", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
    )
    op.create_index("ix_reports_received_at", "reports", ["received_at"])
    op.create_index("ix_reports_status_received_at", "reports", ["status", "received_at"])
    op.create_index("ix_reports_min_pmtu", "reports", ["min_pmtu"])
    op.create_index("ix_reports_protocol_received_at", "reports", ["protocol", "received_at"])
    op.create_table(
        "report_bodies",
        sa.Column("report_pk", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("server_diagnosis_json", sa.Text, nullable=True),
    )
    op.create_table(
        "report_findings",
        sa.Column("report_pk", sa.Integer, sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("finding_id", sa.String(64), primary_key=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_report_findings_finding_received", "report_findings", ["finding_id", "received_at"])
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "staff_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("staff_tokens")
    op.drop_table("staff")
    op.drop_table("report_findings")
    op.drop_table("report_bodies")
    op.drop_table("reports")
