"""API tokens for the JSON API (/api/v1).

Revision ID: 0004_api_tokens
Revises: 0003_sessions
Create Date: 2026-12-05

Adds the table ``api_tokens``: one row per token an admin created, holding
the sha256 hash of the token (never the token itself), its name, scope,
rights, rate limit, expiry and revocation time. Calls are audited in
``audit_log`` (``api_call`` / ``api_refused`` rows about ``api_tokens``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from gridmap.store.types import JSONType, UTCDateTime

revision = "0004_api_tokens"
down_revision = "0003_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "token_hash", sa.String(length=64), nullable=False, comment="sha256 hex of the token"
        ),
        sa.Column(
            "prefix", sa.String(length=16), nullable=False,
            comment="first characters, to recognise it",
        ),
        sa.Column(
            "scope", JSONType, nullable=True,
            comment="list of community codes; NULL: the whole street",
        ),
        sa.Column("rights", JSONType, nullable=False, comment="list of: report, read, phones"),
        sa.Column("rate_limit", sa.Integer(), nullable=False, comment="calls per minute"),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_api_tokens_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
