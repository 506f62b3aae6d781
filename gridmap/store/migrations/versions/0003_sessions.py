"""Server-side login sessions and counted logins of unknown names.

Revision ID: 0003_sessions
Revises: 0002_issue_photos
Create Date: 2026-12-05

Adds ``sessions`` (one row per browser login: the SHA-256 of the cookie token,
the user, created / last seen / absolute and idle expiry, the user agent, and
when and why it was revoked) and ``login_attempts`` (failed logins of names
that are not users, counted like real users' so a lock message does not tell
whether a name exists).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import UTCDateTime

revision = "0003_sessions"
down_revision = "0002_issue_photos"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False,
                  comment="SHA-256 of the cookie token (the token itself is never stored)"),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False,
                  comment="absolute end of the session"),
        sa.Column("idle_expires_at", UTCDateTime(), nullable=False,
                  comment="end unless used again before then"),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=20), nullable=True,
                  comment="logout, ended, disabled, role_changed, password_reset, "
                          "password_changed"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sessions_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sessions_token_hash")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)
    op.create_table(
        "login_attempts",
        sa.Column("username", sa.String(length=100), nullable=False,
                  comment="a name that is not a user: counted like one, so locks do not tell"),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(), nullable=True),
        sa.Column("locked_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_login_attempts")),
    )


def downgrade() -> None:
    op.drop_table("login_attempts")
    op.drop_index(op.f("ix_sessions_user_id"), table_name="sessions")
    op.drop_table("sessions")
