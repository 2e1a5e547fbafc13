"""The store's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

The migrations in ``migrations/versions`` create exactly these tables; ``tests/store`` checks
that the migrated database and this metadata agree, so a change here needs a new migration.
Times are kept in UTC (:class:`UTCDateTime`); reports and their history are never overwritten:
each change is a new ``report_history`` row, and ``audit`` and ``report_history`` refuse UPDATE
and DELETE (triggers, see the first migration).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

__all__ = [
    "APPEND_ONLY",
    "audit",
    "contacts",
    "deliveries",
    "metadata",
    "report_history",
    "report_versions",
    "reports",
    "services",
    "settlements",
    "submissions",
    "users",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware time kept in UTC: SQLite, which has no time zones, gets it back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps only timezone-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

#: The settlements register: what reports refer to. Settlements left out of a later sync stay
#: (their reports still point at them) but are no longer ``active``.
settlements = Table(
    "settlements",
    metadata,
    Column("settlement_id", String(200), primary_key=True),
    Column("name", String(300)),
    Column("cluster", String(300), index=True),
    Column("lon", Float),
    Column("lat", Float),
    Column("active", Boolean, nullable=False, default=True),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: The service points a report may name, with where they are (for the nearest points and the
#: 50 m duplicate check).
services = Table(
    "services",
    metadata,
    Column("service_id", String(200), primary_key=True),
    Column("settlement_id", String(200), index=True),
    Column("category", String(40), nullable=False),
    Column("kind", String(200)),
    Column("lon", Float),
    Column("lat", Float),
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("name_key", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("cluster", String(300)),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100)),
)

#: Residents' and members' reports. Field names follow Open311 GeoReport v2 where they overlap
#: (``service_request_id`` is ``id``, ``requested_datetime`` is ``requested_at``…; see
#: :mod:`atlas.store.listing`).
reports = Table(
    "reports",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("external_id", String(200), unique=True),
    Column(
        "settlement_id",
        String(200),
        ForeignKey("settlements.settlement_id"),
        nullable=False,
        index=True,
    ),
    Column("service_id", String(200), index=True),
    Column("category", String(40), nullable=False),
    Column("problem", String(40), nullable=False),
    Column("observed_at", UTCDateTime, nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("description", Text),
    Column("contact", Text),
    Column("channel", String(20), nullable=False),
    Column("reporter", String(100), nullable=False),
    Column("reference", String(200)),
    Column("agency_responsible", String(300)),
    Column("duplicate_of", String(32)),
    Column("lon", Float),
    Column("lat", Float),
)

#: Every change of a report's state: who, when it happened (``at``), when it was recorded.
report_history = Table(
    "report_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", String(32), ForeignKey("reports.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("state_from", String(20)),
    Column("state_to", String(20), nullable=False),
    Column("note", Text),
    Column("reference", String(200)),
    Column("duplicate_of", String(32)),
    Index("ix_report_history_report", "report_id", "id"),
)

#: Water deliveries residents saw arrive, for the schedule comparison (DESIGN §5): when, how
#: much, recorded by whom. A delivery recorded by mistake is withdrawn, never deleted.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("external_id", String(200), unique=True),
    Column(
        "settlement_id",
        String(200),
        ForeignKey("settlements.settlement_id"),
        nullable=False,
        index=True,
    ),
    Column("arrived_at", UTCDateTime, nullable=False, index=True),
    Column("litres", Float),
    Column("tanks", Float),
    Column("provider", String(300)),
    Column("note", Text),
    Column("channel", String(20), nullable=False),
    Column("reporter", String(100), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime),
    Column("withdrawn_by", String(100)),
)

#: Every external id a report came in under: its first form submission and each edit of it
#: (a record whose ``meta/deprecatedID`` names an earlier one), so that importing an export
#: again finds the report whichever version the export holds.
report_versions = Table(
    "report_versions",
    metadata,
    Column("external_id", String(200), primary_key=True),
    Column("report_id", String(32), ForeignKey("reports.id"), nullable=False, index=True),
    Column("recorded_at", UTCDateTime, nullable=False),
)

#: Who is responsible (DESIGN §1, §3): public officials' work details, shown to every role
#: (never a resident's). ``role`` is ward_councillor, ward_committee, department (for a
#: ``category``), idp_office, mpac_chair, speaker, contractor (for a ``provider``) or other.
contacts = Table(
    "contacts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("role", String(30), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("office", String(300)),
    Column("phone", String(100)),
    Column("email", String(300)),
    Column("ward_id", String(200), index=True),
    Column("category", String(40)),
    Column("provider", String(300)),
    Column("valid_from", Date),
    Column("valid_to", Date),
    Column("source", String(500)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

#: What the cluster sent to whom (a submission pack, a petition), the municipality's
#: reference, when a response is due and what it was. ``status`` is sent, acknowledged or
#: answered as recorded; ``overdue`` is worked out when listing (due passed, no answer).
submissions = Table(
    "submissions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("cluster", String(300), nullable=False, index=True),
    Column("recipient", String(500), nullable=False),
    Column("recipient_role", String(30)),
    Column("contact_id", String(32), ForeignKey("contacts.id")),
    Column("sent", Date, nullable=False),
    Column("reference", String(200)),
    Column("due", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("response", Text),
    Column("answered", Date),
    Column("pack_sha256", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

#: Append-only: who did what, when. Never holds a reporter's contact details.
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(60), nullable=False),
    Column("subject", String(300)),
    Column("detail", Text),
)

#: The tables whose rows may never be changed or deleted.
APPEND_ONLY = ("audit", "report_history")
