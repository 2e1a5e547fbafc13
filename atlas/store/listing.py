"""Who sees which reports (DESIGN §7): a member their own cluster's, without contact details;
a coordinator every report, and reporters' contact details only when asked, each time audited.
Reports are written in Open311 GeoReport v2's terms where they overlap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select

from atlas.errors import AccessDenied, StoreError
from atlas.i18n import _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import writing
from atlas.store.store import Store, audit_row
from atlas.store.times import iso
from atlas.store.vocabulary import OPEN_STATES, STATES, Role

__all__ = ["list_reports", "report_record", "report_row", "reveal_contact"]


def _visible(user: User) -> Any:
    """The reports ``user`` may see, as a WHERE clause on reports joined to settlements."""
    if user.role is Role.MEMBER:
        return schema.settlements.c.cluster == user.cluster
    return True


_LATEST_NOTE = (
    select(schema.report_history.c.note)
    .where(
        schema.report_history.c.report_id == schema.reports.c.id,
        schema.report_history.c.note.is_not(None),
    )
    .order_by(schema.report_history.c.id.desc())
    .limit(1)
    .scalar_subquery()
)


def report_record(row: Row[Any], *, with_contact: bool = False) -> dict[str, Any]:
    """One report as people and programs read it, in Open311 GeoReport v2's terms where they
    overlap (``service_request_id``, ``status`` open or closed, ``requested_datetime``…). The
    reporter's contact only when ``with_contact``."""
    record = {
        "service_request_id": row.id,
        "external_id": row.external_id,
        "state": row.state,
        "status": "open" if row.state in OPEN_STATES else "closed",
        "settlement_id": row.settlement_id,
        "settlement_name": row.settlement_name,
        "cluster": row.cluster,
        "service_id": row.service_id,
        "category": row.category,
        "problem": row.problem,
        "description": row.description,
        "observed_at": iso(row.observed_at),
        "requested_datetime": iso(row.requested_at),
        "updated_datetime": iso(row.updated_at),
        "channel": row.channel,
        "reporter": row.reporter,
        "reference": row.reference,
        "agency_responsible": row.agency_responsible,
        "duplicate_of": row.duplicate_of,
        "status_notes": row.status_notes,
        "lon": row.lon,
        "lat": row.lat,
    }
    if with_contact:
        record["contact"] = row.contact
    return record


def _query(user: User) -> Any:
    r, s = schema.reports, schema.settlements
    return (
        select(
            r,
            s.c.name.label("settlement_name"),
            s.c.cluster,
            _LATEST_NOTE.label("status_notes"),
        )
        .join(s, s.c.settlement_id == r.c.settlement_id)
        .where(_visible(user))
    )


def list_reports(
    store: Store,
    actor: User,
    *,
    cluster: str | None = None,
    state: str | Sequence[str] | None = None,
    settlement_id: str | None = None,
    with_contacts: bool = False,
    purpose: str = "shown",
) -> list[dict[str, Any]]:
    """The reports the actor may see, oldest first (the queue's order).

    Parameters
    ----------
    cluster, state, settlement_id
        Filters (``state`` one state or several).
    with_contacts
        Add the reporters' contact details (coordinators and admins; an audit row says who
        saw them and which reports, never the details themselves).
    purpose
        ``shown`` or ``exported``, for the audit row.

    Raises
    ------
    AccessDenied
        A viewer (counts only), a member asking for another cluster, or contacts asked for by
        someone who may not see them.
    StoreError
        An unknown state.
    """
    states = [state] if isinstance(state, str) else list(state or [])
    unknown = [s for s in states if s not in STATES]
    if unknown:
        raise StoreError(
            _(
                "'{state}' is not a report state: use one of {states}.",
                state=unknown[0],
                states=", ".join(STATES),
            )
        )
    with writing(store.engine) if with_contacts else store.engine.connect() as conn:
        user = acting(conn, actor, Role.MEMBER, _("listing reports"))
        if with_contacts:
            user = acting(conn, actor, Role.COORDINATOR, _("seeing reporters' contact details"))
        if user.role is Role.MEMBER and cluster not in (None, user.cluster):
            raise AccessDenied(
                _(
                    "{name} is a member of {cluster}: a member sees the reports of their own "
                    "cluster only.",
                    name=user.name,
                    cluster=user.cluster,
                )
            )
        query = _query(user)
        if cluster is not None:
            query = query.where(schema.settlements.c.cluster == cluster)
        if states:
            query = query.where(schema.reports.c.state.in_(states))
        if settlement_id is not None:
            query = query.where(schema.reports.c.settlement_id == settlement_id)
        rows = conn.execute(
            query.order_by(schema.reports.c.requested_at, schema.reports.c.id)
        ).all()
        records = [report_record(r, with_contact=with_contacts) for r in rows]
        if with_contacts:
            shown = [r["service_request_id"] for r in records if r["contact"]]
            audit_row(conn, user.name, f"contacts.{purpose}", None, count=len(shown), reports=shown)
    return records


def reveal_contact(store: Store, actor: User, report_id: str) -> str | None:
    """The contact details of one report's reporter, for a coordinator (audited).

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        No such report.
    """
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("seeing a reporter's contact details"))
        row = conn.execute(
            select(schema.reports.c.contact).where(schema.reports.c.id == report_id)
        ).first()
        if row is None:
            raise StoreError(_("There is no report '{report}': check the id.", report=report_id))
        audit_row(conn, user.name, "contacts.shown", report_id, count=int(row[0] is not None))
        return row[0]


def report_row(conn: Connection, user: User, report_id: str) -> Row[Any]:
    row = conn.execute(_query(user).where(schema.reports.c.id == report_id)).first()
    if row is None and user.role is Role.MEMBER:
        elsewhere = conn.execute(
            select(schema.reports.c.id).where(schema.reports.c.id == report_id)
        ).first()
        if elsewhere is not None:
            raise AccessDenied(
                _(
                    "Report {report} is not in your cluster ({cluster}): a member sees the "
                    "reports of their own cluster only.",
                    report=report_id,
                    cluster=user.cluster,
                )
            )
    if row is None:
        raise StoreError(
            _("There is no report '{report}' in your cluster: check the id.", report=report_id)
            if user.role is Role.MEMBER
            else _("There is no report '{report}': check the id.", report=report_id)
        )
    return row
