"""Who is responsible, and what the cluster sent them: contacts and submissions.

* ``contacts``: public officials' work details (a ward councillor, a department for a
  category, the IDP office, the MPAC chair, the speaker, a contractor for a provider), valid
  from/to, with their source. Shown to every role; never a resident's details.
* ``submissions``: what the cluster sent to whom, when, under which municipal reference, when
  a response is due, and the response.

A frozen copy of the tables as first created (never import the live schema here).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("office", sa.String(300)),
        sa.Column("phone", sa.String(100)),
        sa.Column("email", sa.String(300)),
        sa.Column("ward_id", sa.String(200)),
        sa.Column("category", sa.String(40)),
        sa.Column("provider", sa.String(300)),
        sa.Column("valid_from", sa.Date),
        sa.Column("valid_to", sa.Date),
        sa.Column("source", sa.String(500)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_contacts_role", "contacts", ["role"])
    op.create_index("ix_contacts_ward_id", "contacts", ["ward_id"])
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("cluster", sa.String(300), nullable=False),
        sa.Column("recipient", sa.String(500), nullable=False),
        sa.Column("recipient_role", sa.String(30)),
        sa.Column("contact_id", sa.String(32), sa.ForeignKey("contacts.id")),
        sa.Column("sent", sa.Date, nullable=False),
        sa.Column("reference", sa.String(200)),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("response", sa.Text),
        sa.Column("answered", sa.Date),
        sa.Column("pack_sha256", sa.String(64)),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_submissions_cluster", "submissions", ["cluster"])


def downgrade() -> None:
    op.drop_table("submissions")
    op.drop_table("contacts")
