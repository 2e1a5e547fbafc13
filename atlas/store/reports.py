"""Residents' reports: adding one, the checks every report passes, its lifecycle, and who sees
what (DESIGN §7).

A report refers to a registered settlement and, optionally, one of its service points; it says
which category and problem, when it was observed and by which channel. Its id is random (80
bits, lowercase base32): it cannot be guessed from another report's. Every change of state is a
new history row with who, when and a note; the report row only carries the current state.

Who may do what (roles are cumulative):

* a **member** adds reports for the settlements of their own cluster, and lists that cluster's
  reports, without contact details;
* a **coordinator** lists every report, changes states, and may see reporters' contact details:
  each time they are shown or exported, an audit row says who saw whose;
* a **viewer** sees only counts (:mod:`atlas.store.summary`).
"""

from __future__ import annotations

import base64
import math
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyproj import Geod
from sqlalchemy import Connection, Row, insert, select, update

from atlas.errors import AccessDenied, StoreError
from atlas.problems import Problem
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.store import Store, audit_row
from atlas.store.times import iso, now, parse_time
from atlas.store.vocabulary import CHANNELS, NEXT_STATES, OPEN_STATES, PROBLEMS, STATES, Role

__all__ = [
    "DUPLICATE_DISTANCE_M",
    "MAX_CONTACT",
    "MAX_NOTE",
    "AddedReport",
    "NewReport",
    "add_report",
    "checked_row",
    "history",
    "list_reports",
    "nearest_services",
    "new_report_id",
    "possible_duplicates",
    "report_record",
    "reveal_contact",
    "update_report",
]

#: Open reports of the same category closer than this are offered as possible duplicates.
DUPLICATE_DISTANCE_M = 50.0
#: The longest note and contact a report keeps (characters).
MAX_NOTE = 2000
MAX_CONTACT = 200
_GEOD = Geod(ellps="WGS84")


def new_report_id() -> str:
    """A new report id: 16 lowercase letters and digits, 80 random bits.

    >>> rid = new_report_id(); len(rid), rid.isalnum(), rid == rid.lower()
    (16, True, True)
    """
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


@dataclass(frozen=True)
class NewReport:
    """What a report says, before the store checks it."""

    settlement_id: str
    category: str
    problem: str
    observed_at: str | datetime
    service_id: str | None = None
    note: str | None = None
    contact: str | None = None
    channel: str = "app"
    lon: float | None = None
    lat: float | None = None
    external_id: str | None = None


@dataclass(frozen=True)
class AddedReport:
    """A report the store has kept: its id, and the open reports it may duplicate."""

    id: str
    possible_duplicates: tuple[str, ...] = field(default_factory=tuple)

    def to_record(self) -> dict[str, Any]:
        """A JSON-friendly dict: ``{"id": …, "possible_duplicates": […]}``."""
        return {"id": self.id, "possible_duplicates": list(self.possible_duplicates)}


def _clean(value: str | None, limit: int, what: str) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()) if what == "contact" else str(value).strip()
    if not text:
        return None
    if len(text) > limit:
        raise StoreError(f"The {what} is {len(text)} characters long: keep it under {limit}.")
    return text


def checked_row(conn: Connection, actor: User, entry: NewReport) -> dict[str, Any]:
    """The report row ``entry`` becomes, after every check (settlement, cluster, service
    point, category, problem, time, channel, lengths, location).

    Raises
    ------
    StoreError
        Something in the report is wrong; the message says what and how to correct it.
    AccessDenied
        A member reports for a settlement outside their cluster.
    """
    sid = str(entry.settlement_id).strip()
    settlement = conn.execute(
        select(schema.settlements).where(schema.settlements.c.settlement_id == sid)
    ).first()
    if settlement is None or not settlement.active:
        raise StoreError(
            f"There is no settlement '{sid}' in the register: check the id (the settlement "
            "profile shows it), or ask a coordinator to register the settlements again."
        )
    if actor.role is Role.MEMBER and settlement.cluster != actor.cluster:
        raise AccessDenied(
            f"{settlement.name or sid} is not in your cluster ({actor.cluster}): a member "
            "reports for the settlements of their own cluster. Ask a coordinator to add it."
        )
    category = str(entry.category).strip().lower()
    if category not in PROBLEMS:
        raise StoreError(
            f"'{entry.category}' is not a service category: use one of {', '.join(PROBLEMS)}."
        )
    problem = str(entry.problem).strip().lower()
    if problem not in PROBLEMS[category]:
        raise StoreError(
            f"'{entry.problem}' is not a {category} problem: use one of "
            f"{', '.join(PROBLEMS[category])}."
        )
    channel = str(entry.channel or "app").strip().lower()
    if channel not in CHANNELS:
        raise StoreError(f"'{entry.channel}' is not a channel: use one of {', '.join(CHANNELS)}.")
    try:
        observed = parse_time(entry.observed_at, what="observed_at")
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    lon, lat = entry.lon, entry.lat
    service_id = str(entry.service_id).strip() if entry.service_id not in (None, "") else None
    if service_id is not None:
        service = conn.execute(
            select(schema.services).where(schema.services.c.service_id == service_id)
        ).first()
        if service is None or not service.active:
            raise StoreError(
                f"There is no service point '{service_id}' in the register: check the id, or "
                "leave the service point out and say where in the note."
            )
        if service.category != category:
            raise StoreError(
                f"The service point {service_id} is a {service.category} point, not "
                f"{category}: choose the right category or another point."
            )
        if service.settlement_id not in (None, sid):
            raise StoreError(
                f"The service point {service_id} serves settlement {service.settlement_id}, "
                f"not {sid}: choose the settlement it serves, or another point."
            )
        lon, lat = service.lon, service.lat
    if (lon is None) != (lat is None):
        raise StoreError("Give both a longitude and a latitude for the place, or neither.")
    if lon is not None and lat is not None:
        lon, lat = float(lon), float(lat)
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            raise StoreError(
                f"({lon}, {lat}) is not a place: give longitude and latitude in degrees."
            )
    return {
        "external_id": _clean(entry.external_id, 200, "external id"),
        "settlement_id": sid,
        "service_id": service_id,
        "category": category,
        "problem": problem,
        "observed_at": observed,
        "description": _clean(entry.note, MAX_NOTE, "note"),
        "contact": _clean(entry.contact, MAX_CONTACT, "contact"),
        "channel": channel,
        "lon": lon,
        "lat": lat,
    }


def possible_duplicates(
    conn: Connection, row: Mapping[str, Any], *, exclude: str = ""
) -> tuple[str, ...]:
    """Open reports that may be about the same problem as ``row``: the same service point, or
    the same category within :data:`DUPLICATE_DISTANCE_M` (oldest first). Offered, never merged."""
    t = schema.reports
    candidates = conn.execute(
        select(t.c.id, t.c.service_id, t.c.lon, t.c.lat)
        .where(
            t.c.state.in_(sorted(OPEN_STATES)),
            t.c.category == row["category"],
            t.c.settlement_id == row["settlement_id"],
            t.c.id != exclude,
        )
        .order_by(t.c.requested_at)
    ).all()
    found = []
    for rid, service_id, lon, lat in candidates:
        if row["service_id"] is not None and service_id == row["service_id"]:
            found.append(rid)
        elif None not in (lon, lat, row["lon"], row["lat"]):
            _, _, metres = _GEOD.inv(row["lon"], row["lat"], lon, lat)
            if metres <= DUPLICATE_DISTANCE_M:
                found.append(rid)
    return tuple(found)


def insert_report(conn: Connection, actor: User, row: Mapping[str, Any], at: datetime) -> str:
    """Insert a checked row as a new ``reported`` report with its first history row, which is
    dated when the problem was observed (a report typed in later from paper or a form counts as
    reported from then; later changes may be dated back to that time, not before)."""
    rid = new_report_id()
    # Values as parameters, not .values(): one compiled statement for every report of an import.
    conn.execute(
        insert(schema.reports),
        {
            "id": rid,
            **row,
            "requested_at": at,
            "updated_at": at,
            "state": "reported",
            "reporter": actor.name,
        },
    )
    conn.execute(
        insert(schema.report_history),
        {
            "report_id": rid,
            "at": row["observed_at"],
            "recorded_at": at,
            "actor": actor.name,
            "state_from": None,
            "state_to": "reported",
            "note": None,
        },
    )
    return rid


def add_report(store: Store, actor: User, entry: NewReport) -> AddedReport:
    """Keep a new report (state ``reported``); returns its id and possible duplicates.

    Raises
    ------
    AccessDenied
        The actor is a viewer, or a member reporting outside their cluster.
    StoreError
        The report is wrong (:func:`checked_row` says what).
    """
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.MEMBER, "adding a report")
        row = checked_row(conn, user, entry)
        serialise_report_writers(conn)
        if row["external_id"] is not None:
            taken = conn.execute(
                select(schema.reports.c.id).where(
                    schema.reports.c.external_id == row["external_id"]
                )
            ).first()
            if taken is not None:
                raise StoreError(
                    f"A report with external id {row['external_id']} is already kept (as "
                    f"{taken[0]}): each external id is used once."
                )
        duplicates = possible_duplicates(conn, row)
        stamp = now()
        rid = insert_report(conn, user, row, stamp)
        audit_row(
            conn,
            user.name,
            "report.added",
            rid,
            at=stamp,
            settlement=row["settlement_id"],
            category=row["category"],
            problem=row["problem"],
            channel=row["channel"],
        )
    return AddedReport(rid, duplicates)


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
        raise StoreError(f"'{unknown[0]}' is not a report state: use one of {', '.join(STATES)}.")
    with writing(store.engine) if with_contacts else store.engine.connect() as conn:
        user = acting(conn, actor, Role.MEMBER, "listing reports")
        if with_contacts:
            user = acting(conn, actor, Role.COORDINATOR, "seeing reporters' contact details")
        if user.role is Role.MEMBER and cluster not in (None, user.cluster):
            raise AccessDenied(
                f"{user.name} is a member of {user.cluster}: a member sees the reports of their "
                "own cluster only."
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
        user = acting(conn, actor, Role.COORDINATOR, "seeing a reporter's contact details")
        row = conn.execute(
            select(schema.reports.c.contact).where(schema.reports.c.id == report_id)
        ).first()
        if row is None:
            raise StoreError(f"There is no report '{report_id}': check the id.")
        audit_row(conn, user.name, "contacts.shown", report_id, count=int(row[0] is not None))
        return row[0]


def _report_row(conn: Connection, user: User, report_id: str) -> Row[Any]:
    row = conn.execute(_query(user).where(schema.reports.c.id == report_id)).first()
    if row is None and user.role is Role.MEMBER:
        elsewhere = conn.execute(
            select(schema.reports.c.id).where(schema.reports.c.id == report_id)
        ).first()
        if elsewhere is not None:
            raise AccessDenied(
                f"Report {report_id} is not in your cluster ({user.cluster}): a member sees "
                "the reports of their own cluster only."
            )
    if row is None:
        raise StoreError(
            f"There is no report '{report_id}'{' in your cluster' if user.role is Role.MEMBER else ''}: "
            "check the id."
        )
    return row


def update_report(
    store: Store,
    actor: User,
    report_id: str,
    state: str,
    *,
    note: str | None = None,
    reference: str | None = None,
    duplicate_of: str | None = None,
    agency: str | None = None,
    at: str | datetime | None = None,
) -> dict[str, Any]:
    """Move a report to ``state`` (a step its lifecycle allows), with a history row; returns
    the report as :func:`report_record` writes it (without contact).

    Parameters
    ----------
    reference
        The municipality's reference number: needed to refer a report.
    duplicate_of
        The report this one repeats: needed to mark it a duplicate.
    agency
        Who it was referred to (Open311's ``agency_responsible``).
    at
        When the change happened (default now), so that history may be entered afterwards;
        not before the report's previous change, not in the future.

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        No such report, a step the lifecycle does not allow, or a missing reference or
        duplicate.
    """
    if state not in STATES:
        raise StoreError(f"'{state}' is not a report state: use one of {', '.join(STATES)}.")
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, "changing a report's state")
        # Lock the report (PostgreSQL; SQLite's write transaction holds the whole file), so
        # that two coordinators changing it at once take turns from the same state.
        conn.execute(
            select(schema.reports.c.id).where(schema.reports.c.id == report_id).with_for_update()
        )
        row = _report_row(conn, user, report_id)
        allowed = NEXT_STATES[row.state]
        if state not in allowed:
            raise StoreError(
                f"Report {report_id} is {row.state}: it can become "
                f"{', '.join(sorted(allowed)) or 'nothing else'}, not {state}."
            )
        reference = _clean(reference, 200, "reference")
        if state == "referred" and reference is None:
            raise StoreError(
                Problem(
                    "error",
                    "A report is referred with the municipality's reference number: it is how "
                    "the cluster follows it up.",
                    "Pass reference='…'.",
                    code="report.no_reference",
                )
            )
        if state == "duplicate":
            if not duplicate_of:
                raise StoreError("Say which report this one repeats to mark it a duplicate.")
            if duplicate_of == report_id:
                raise StoreError("A report cannot be a duplicate of itself.")
            original = _report_row(conn, user, duplicate_of)
            if original.state == "duplicate":
                raise StoreError(
                    f"{duplicate_of} is itself a duplicate (of {original.duplicate_of}): mark "
                    f"this one a duplicate of {original.duplicate_of}."
                )
        elif duplicate_of:
            raise StoreError("Only a report marked duplicate names the report it repeats.")
        history_rows = conn.execute(
            select(schema.report_history.c.at).where(schema.report_history.c.report_id == report_id)
        ).all()
        last = max((h[0] for h in history_rows), default=row.observed_at)
        stamp = now()
        try:
            when = stamp if at is None else parse_time(at, what="--at")
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        if when < last:
            raise StoreError(
                f"{iso(when)} is before the report's last change ({iso(last)}): changes are "
                "recorded in the order they happened."
            )
        values: dict[str, Any] = {"state": state, "updated_at": when}
        if reference is not None:
            values["reference"] = reference
        if agency is not None:
            values["agency_responsible"] = _clean(agency, 300, "agency")
        values["duplicate_of"] = duplicate_of if state == "duplicate" else None
        conn.execute(
            update(schema.reports).where(schema.reports.c.id == report_id).values(**values)
        )
        conn.execute(
            insert(schema.report_history).values(
                report_id=report_id,
                at=when,
                recorded_at=stamp,
                actor=user.name,
                state_from=row.state,
                state_to=state,
                note=_clean(note, MAX_NOTE, "note"),
                reference=reference,
                duplicate_of=duplicate_of if state == "duplicate" else None,
            )
        )
        audit_row(
            conn,
            user.name,
            "report.updated",
            report_id,
            at=stamp,
            state_from=row.state,
            state_to=state,
        )
        return report_record(_report_row(conn, user, report_id))


def history(store: Store, actor: User, report_id: str) -> list[dict[str, Any]]:
    """Every change of one report, oldest first (members: reports of their cluster).

    Raises
    ------
    AccessDenied
        A viewer, or a member asking about another cluster's report.
    StoreError
        No such report.
    """
    with store.engine.connect() as conn:
        user = acting(conn, actor, Role.MEMBER, "reading a report's history")
        _report_row(conn, user, report_id)
        h = schema.report_history
        rows = conn.execute(select(h).where(h.c.report_id == report_id).order_by(h.c.id))
        return [
            {
                "at": iso(r.at),
                "recorded_at": iso(r.recorded_at),
                "actor": r.actor,
                "state_from": r.state_from,
                "state_to": r.state_to,
                "note": r.note,
                "reference": r.reference,
                "duplicate_of": r.duplicate_of,
            }
            for r in rows
        ]


def nearest_services(
    store: Store,
    actor: User,
    settlement_id: str,
    category: str,
    *,
    lon: float | None = None,
    lat: float | None = None,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The settlement's service points of ``category``, nearest first to (``lon``, ``lat``)
    or to the settlement's point, each with its distance in metres.

    Raises
    ------
    AccessDenied
        A viewer, or a member asking about another cluster's settlement.
    """
    with store.engine.connect() as conn:
        user = acting(conn, actor, Role.MEMBER, "choosing a service point")
        settlement = conn.execute(
            select(schema.settlements).where(schema.settlements.c.settlement_id == settlement_id)
        ).first()
        if settlement is None:
            return []
        if user.role is Role.MEMBER and settlement.cluster != user.cluster:
            raise AccessDenied(f"{settlement_id} is not in your cluster ({user.cluster}).")
        x = lon if lon is not None else settlement.lon
        y = lat if lat is not None else settlement.lat
        t = schema.services
        rows = conn.execute(
            select(t.c.service_id, t.c.kind, t.c.lon, t.c.lat).where(
                t.c.settlement_id == settlement_id, t.c.category == category, t.c.active
            )
        ).all()
    found = []
    for sid, kind, plon, plat in rows:
        metres = None
        if None not in (x, y, plon, plat):
            metres = round(float(_GEOD.inv(x, y, plon, plat)[2]), 1)
        found.append(
            {"service_id": sid, "kind": kind, "lon": plon, "lat": plat, "distance_m": metres}
        )
    found.sort(key=lambda p: (p["distance_m"] is None, p["distance_m"] or 0.0, p["service_id"]))
    return found[:limit]
