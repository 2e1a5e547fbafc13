# i18n-ignore-file: database migration
"""The first store: settlements register, service points, users, reports, history, audit.

A frozen copy of the tables as they were first created (never import the live schema here: a
migration must create the same tables whatever the code is today). The audit log and the report
history refuse UPDATE and DELETE, on SQLite and on PostgreSQL.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
APPEND_ONLY = ("audit", "report_history")


def upgrade() -> None:
    op.create_table(
        "settlements",
        sa.Column("settlement_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(300)),
        sa.Column("cluster", sa.String(300)),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("registered_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_settlements_cluster", "settlements", ["cluster"])
    op.create_table(
        "services",
        sa.Column("service_id", sa.String(200), primary_key=True),
        sa.Column("settlement_id", sa.String(200)),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(200)),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_index("ix_services_settlement_id", "services", ["settlement_id"])
    op.create_table(
        "users",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("name_key", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("cluster", sa.String(300)),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", sa.String(100)),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("external_id", sa.String(200), unique=True),
        sa.Column(
            "settlement_id",
            sa.String(200),
            sa.ForeignKey("settlements.settlement_id"),
            nullable=False,
        ),
        sa.Column("service_id", sa.String(200)),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("problem", sa.String(40), nullable=False),
        sa.Column("observed_at", TIME, nullable=False),
        sa.Column("requested_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("contact", sa.Text),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("reporter", sa.String(100), nullable=False),
        sa.Column("reference", sa.String(200)),
        sa.Column("agency_responsible", sa.String(300)),
        sa.Column("duplicate_of", sa.String(32)),
        sa.Column("lon", sa.Float),
        sa.Column("lat", sa.Float),
    )
    op.create_index("ix_reports_settlement_id", "reports", ["settlement_id"])
    op.create_index("ix_reports_service_id", "reports", ["service_id"])
    op.create_index("ix_reports_state", "reports", ["state"])
    op.create_table(
        "report_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("report_id", sa.String(32), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("state_from", sa.String(20)),
        sa.Column("state_to", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("reference", sa.String(200)),
        sa.Column("duplicate_of", sa.String(32)),
    )
    op.create_index("ix_report_history_report", "report_history", ["report_id", "id"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(300)),
        sa.Column("detail", sa.Text),
    )
    _append_only()


def _append_only() -> None:
    if op.get_context().dialect.name == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        return
    op.execute(
        "CREATE FUNCTION atlas_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION atlas_append_only()"
        )


def downgrade() -> None:
    for table in ("audit", "report_history", "reports", "users", "services", "settlements"):
        op.drop_table(table)
    if op.get_context().dialect.name != "sqlite":
        op.execute("DROP FUNCTION IF EXISTS atlas_append_only()")
