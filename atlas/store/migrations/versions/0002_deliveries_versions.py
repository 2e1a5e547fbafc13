"""Water deliveries residents record, and every external id a report has been known by.

* ``deliveries``: a tanker delivery someone saw arrive (when, how much, by whom), read by the
  water schedule comparison beside a delivery CSV. A delivery recorded by mistake is withdrawn
  (who, when), never deleted.
* ``report_versions``: the ids a report came in under — its first form submission and each
  edit of it (a KoboToolbox or ODK record whose ``meta/deprecatedID`` names an earlier one), so
  that importing an export again finds the report whichever version it holds.

A frozen copy of the tables as first created (never import the live schema here).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("external_id", sa.String(200), unique=True),
        sa.Column(
            "settlement_id",
            sa.String(200),
            sa.ForeignKey("settlements.settlement_id"),
            nullable=False,
        ),
        sa.Column("arrived_at", TIME, nullable=False),
        sa.Column("litres", sa.Float),
        sa.Column("tanks", sa.Float),
        sa.Column("provider", sa.String(300)),
        sa.Column("note", sa.Text),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("reporter", sa.String(100), nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
        sa.Column("withdrawn_at", TIME),
        sa.Column("withdrawn_by", sa.String(100)),
    )
    op.create_index("ix_deliveries_settlement_id", "deliveries", ["settlement_id"])
    op.create_index("ix_deliveries_arrived_at", "deliveries", ["arrived_at"])
    op.create_table(
        "report_versions",
        sa.Column("external_id", sa.String(200), primary_key=True),
        sa.Column("report_id", sa.String(32), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("recorded_at", TIME, nullable=False),
    )
    op.create_index("ix_report_versions_report_id", "report_versions", ["report_id"])


def downgrade() -> None:
    op.drop_table("report_versions")
    op.drop_table("deliveries")
