"""Residents' reports: adding one and the checks every report passes (DESIGN §7). Who sees
which reports is :mod:`atlas.store.listing`; their lifecycle :mod:`atlas.store.lifecycle`.

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pyproj import Geod
from sqlalchemy import Connection, insert, select

from atlas.errors import AccessDenied, StoreError
from atlas.i18n import N_, _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.store import Store, audit_row
from atlas.store.times import now, parse_time
from atlas.store.vocabulary import CHANNELS, OPEN_STATES, PROBLEMS, Role

__all__ = [
    "DUPLICATE_DISTANCE_M",
    "MAX_CONTACT",
    "MAX_NOTE",
    "AddedReport",
    "NewReport",
    "add_report",
    "checked_row",
    "clean_text",
    "insert_report",
    "nearest_services",
    "new_report_id",
    "possible_duplicates",
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


def clean_text(value: str | None, limit: int, what: str) -> str | None:
    """``value`` trimmed (a contact on one line), None when empty.

    Raises
    ------
    StoreError
        It is longer than ``limit`` characters.
    """
    if value is None:
        return None
    text = " ".join(str(value).split()) if what == "contact" else str(value).strip()
    if not text:
        return None
    if len(text) > limit:
        raise StoreError(
            _(
                "The {field} is {length} characters long: keep it under {limit}.",
                field=_(what),
                length=len(text),
                limit=limit,
            )
        )
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
            _(
                "There is no settlement '{settlement}' in the register: check the id (the "
                "settlement profile shows it), or ask a coordinator to register the settlements "
                "again.",
                settlement=sid,
            )
        )
    if actor.role is Role.MEMBER and settlement.cluster != actor.cluster:
        raise AccessDenied(
            _(
                "{settlement} is not in your cluster ({cluster}): a member reports for the "
                "settlements of their own cluster. Ask a coordinator to add it.",
                settlement=settlement.name or sid,
                cluster=actor.cluster,
            )
        )
    category = str(entry.category).strip().lower()
    if category not in PROBLEMS:
        raise StoreError(
            _(
                "'{category}' is not a service category: use one of {categories}.",
                category=entry.category,
                categories=", ".join(PROBLEMS),
            )
        )
    problem = str(entry.problem).strip().lower()
    if problem not in PROBLEMS[category]:
        raise StoreError(
            # TRANSLATORS: {category} is a service category's code, e.g. "water".
            _(
                "'{problem}' is not a {category} problem: use one of {problems}.",
                problem=entry.problem,
                category=category,
                problems=", ".join(PROBLEMS[category]),
            )
        )
    channel = str(entry.channel or "app").strip().lower()
    if channel not in CHANNELS:
        raise StoreError(
            _(
                "'{channel}' is not a channel: use one of {channels}.",
                channel=entry.channel,
                channels=", ".join(CHANNELS),
            )
        )
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
                _(
                    "There is no service point '{service}' in the register: check the id, or "
                    "leave the service point out and say where in the note.",
                    service=service_id,
                )
            )
        if service.category != category:
            raise StoreError(
                # TRANSLATORS: {kind} and {category} are service categories' codes ("water").
                _(
                    "The service point {service} is a {kind} point, not {category}: choose the "
                    "right category or another point.",
                    service=service_id,
                    kind=service.category,
                    category=category,
                )
            )
        if service.settlement_id not in (None, sid):
            raise StoreError(
                _(
                    "The service point {service} serves settlement {served}, not {settlement}: "
                    "choose the settlement it serves, or another point.",
                    service=service_id,
                    served=service.settlement_id,
                    settlement=sid,
                )
            )
        lon, lat = service.lon, service.lat
    if (lon is None) != (lat is None):
        raise StoreError(_("Give both a longitude and a latitude for the place, or neither."))
    if lon is not None and lat is not None:
        lon, lat = float(lon), float(lat)
        if not (
            math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90
        ):
            raise StoreError(
                _(
                    "({lon}, {lat}) is not a place: give longitude and latitude in degrees.",
                    lon=lon,
                    lat=lat,
                )
            )
    return {
        "external_id": clean_text(entry.external_id, 200, N_("external id")),
        "settlement_id": sid,
        "service_id": service_id,
        "category": category,
        "problem": problem,
        "observed_at": observed,
        "description": clean_text(entry.note, MAX_NOTE, N_("note")),
        "contact": clean_text(entry.contact, MAX_CONTACT, N_("contact")),
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
            *_azimuths, metres = _GEOD.inv(row["lon"], row["lat"], lon, lat)
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
        user = acting(conn, actor, Role.MEMBER, _("adding a report"))
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
                    _(
                        "A report with external id {external_id} is already kept (as "
                        "{report}): each external id is used once.",
                        external_id=row["external_id"],
                        report=taken[0],
                    )
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
        user = acting(conn, actor, Role.MEMBER, _("choosing a service point"))
        settlement = conn.execute(
            select(schema.settlements).where(schema.settlements.c.settlement_id == settlement_id)
        ).first()
        if settlement is None:
            return []
        if user.role is Role.MEMBER and settlement.cluster != user.cluster:
            raise AccessDenied(
                _(
                    "{settlement} is not in your cluster ({cluster}).",
                    settlement=settlement_id,
                    cluster=user.cluster,
                )
            )
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
