"""Water deliveries residents saw arrive, kept in the store (DESIGN §5, §7, issue 14), so that
the schedule comparison (``atlas schedule --db``, the Water deliveries page) reads them beside,
or instead of, a delivery CSV. Here: recording one and the checks every delivery passes, and
withdrawing one; importing a file is :mod:`atlas.store.delivery_imports`, listing and the
comparison's table :mod:`atlas.store.delivery_listing`.

A delivery names a registered settlement, when it arrived, how much came (litres and/or
tanks), optionally the provider and a note; the store adds who recorded it and when. One
recorded by mistake is withdrawn (who, when, audited), never deleted. Two deliveries are the
same when they are for the same settlement and arrived in the same minute: the store keeps one.

Who may do what (roles are cumulative):

* a **viewer** may compare the schedule with the deliveries: every settlement's arrival times
  and volumes, which say nothing about a person, but never who recorded a delivery nor its note;
* a **member** records deliveries for the settlements of their own cluster and lists that
  cluster's, with who recorded them and their notes;
* a **coordinator** lists every cluster's deliveries and withdraws them.

The table holds no resident's name or contact: the ``reporter`` column of a delivery file (a
resident) is not kept; a delivery's ``reporter`` in the store is the user who recorded it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Row, insert, select, update

from atlas.errors import AccessDenied, StoreError
from atlas.i18n import N_, _
from atlas.load.numbers import read_numbers
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.reports import MAX_NOTE, clean_text, new_report_id
from atlas.store.store import Store, audit_row
from atlas.store.times import iso, now, parse_time
from atlas.store.vocabulary import CHANNELS, Role

__all__ = [
    "NewDelivery",
    "add_delivery",
    "checked_delivery",
    "delivery_query",
    "delivery_record",
    "insert_delivery",
    "kept_twice",
    "withdraw_delivery",
]

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class NewDelivery:
    """What a delivery says, before the store checks it. ``arrived_at`` is ISO 8601 (South
    African time without an offset) or an aware datetime; ``litres`` and ``tanks`` numbers
    (text such as ``"20 000"``, ``"10,000"`` or ``"2,5"`` is read as a delivery file writes it:
    :func:`atlas.load.numbers.read_numbers`)."""

    settlement_id: str
    arrived_at: str | datetime
    litres: float | str | None = None
    tanks: float | str | None = None
    provider: str | None = None
    note: str | None = None
    channel: str = "app"
    external_id: str | None = None


def _volume(value: float | str | None, what: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, bool):
            raise TypeError(what)
        # Read as a delivery file's column is (atlas.load.numbers): "10,000" is ten thousand.
        number = float(read_numbers(pd.Series([value], dtype=object)).values.iloc[0])
        if math.isnan(number) and not isinstance(value, float | int):
            raise ValueError(what)
    except (TypeError, ValueError):
        raise StoreError(
            _(
                "The {column} '{value}' is not a number: write it as a plain number, e.g. "
                "{example}.",
                column=what,
                value=value,
                example="20000" if what == "litres" else "4",
            )
        ) from None
    if not math.isfinite(number) or number < 0:
        raise StoreError(
            _(
                "The {column} {value} cannot be a volume: write 0 or more.",
                column=what,
                value=value,
            )
        )
    return number


def _is_day(text: str) -> bool:
    """Whether ``text`` is a date alone (which says nothing of when the tanker came)."""
    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def checked_delivery(conn: Connection, user: User, entry: NewDelivery) -> dict[str, Any]:
    """The delivery row ``entry`` becomes, after every check.

    Raises
    ------
    StoreError
        Something is wrong; the message says what and how to correct it.
    AccessDenied
        A member records for a settlement outside their cluster.
    """
    sid = str(entry.settlement_id or "").strip()
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
    if user.role is Role.MEMBER and settlement.cluster != user.cluster:
        raise AccessDenied(
            _(
                "{settlement} is not in your cluster ({cluster}): a member records deliveries "
                "for the settlements of their own cluster.",
                settlement=settlement.name or sid,
                cluster=user.cluster,
            )
        )
    raw = entry.arrived_at
    if isinstance(raw, str) and _is_day(raw):
        raise StoreError(
            _(
                "arrived_at '{time}' has no time of day: write when the tanker came, "
                "e.g. 2026-08-03T09:15 (South African time).",
                time=raw.strip(),
            )
        )
    try:
        arrived = parse_time(raw, what="arrived_at")
    except ValueError as exc:
        raise StoreError(str(exc)) from None
    litres, tanks = _volume(entry.litres, "litres"), _volume(entry.tanks, "tanks")
    if litres is None and tanks is None:
        raise StoreError(
            _(
                "Say how much water came: the litres, the number of tanks, or both (a delivery "
                "without a volume could never be found short, and would count as in full)."
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
    return {
        "external_id": clean_text(entry.external_id, 200, N_("external id")),
        "settlement_id": sid,
        "arrived_at": arrived,
        "litres": litres,
        "tanks": tanks,
        "provider": clean_text(entry.provider, 300, N_("provider")),
        "note": clean_text(entry.note, MAX_NOTE, N_("note")),
        "channel": channel,
    }


def _same_delivery(conn: Connection, row: Mapping[str, Any]) -> str | None:
    """The delivery (not withdrawn) of the same settlement that arrived in the same minute."""
    t = schema.deliveries
    minute = row["arrived_at"].replace(second=0, microsecond=0)
    found = conn.execute(
        select(t.c.id).where(
            t.c.settlement_id == row["settlement_id"],
            t.c.arrived_at >= minute,
            t.c.arrived_at < minute + _MINUTE,
            t.c.withdrawn_at.is_(None),
        )
    ).scalar()
    return None if found is None else str(found)


def kept_twice(conn: Connection, row: Mapping[str, Any]) -> str | None:
    """Why ``row`` cannot be kept (another delivery is the same), or None."""
    same = _same_delivery(conn, row)
    if same is None:
        return None
    return _(
        "A delivery to {settlement} that arrived at {time} is already recorded (delivery "
        "{delivery}): a delivery is kept once. If that one is wrong, a coordinator withdraws it "
        "and the delivery can be recorded again.",
        settlement=row["settlement_id"],
        time=iso(row["arrived_at"]),
        delivery=same,
    )


def insert_delivery(conn: Connection, user: User, row: Mapping[str, Any], at: datetime) -> str:
    """Insert a checked row as a delivery recorded by ``user`` at ``at``; returns its id."""
    did = new_report_id()
    values = {"id": did, **row, "reporter": user.name, "recorded_at": at}
    conn.execute(insert(schema.deliveries), values)
    return did


def add_delivery(store: Store, actor: User, entry: NewDelivery) -> str:
    """Keep a delivery someone saw arrive; returns its id.

    Examples
    --------
    >>> import tempfile, pathlib, atlas
    >>> from atlas import store as st
    >>> db = st.open_store(pathlib.Path(tempfile.mkdtemp()) / "atlas.sqlite")
    >>> _ = st.sync_register(db, atlas.compute_gaps(atlas.load_sample(),
    ...     atlas.load_standard("cape-town")))
    >>> admin = st.add_user(db, None, "thandi", "admin", "a long password")
    >>> did = st.add_delivery(db, admin, st.NewDelivery("SET-001", "2026-08-03T08:33", 20000))
    >>> st.delivery_frame(db, admin)[["settlement_id", "litres", "reporter"]].values.tolist()
    [['SET-001', 20000.0, 'thandi']]
    >>> db.close()

    Raises
    ------
    AccessDenied
        The actor is a viewer, or a member recording outside their cluster.
    StoreError
        The delivery is wrong, its external id is taken, or the same delivery (settlement and
        minute of arrival) is recorded already.
    """
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.MEMBER, _("recording a delivery"))
        row = checked_delivery(conn, user, entry)
        serialise_report_writers(conn)
        if row["external_id"] is not None:
            taken = conn.execute(
                select(schema.deliveries.c.id).where(
                    schema.deliveries.c.external_id == row["external_id"]
                )
            ).scalar()
            if taken is not None:
                raise StoreError(
                    _(
                        "A delivery with external id {external_id} is already kept (as "
                        "{delivery}): each external id is used once.",
                        external_id=row["external_id"],
                        delivery=taken,
                    )
                )
        twice = kept_twice(conn, row)
        if twice is not None:
            raise StoreError(twice)
        stamp = now()
        did = insert_delivery(conn, user, row, stamp)
        audit_row(
            conn,
            user.name,
            "delivery.added",
            did,
            at=stamp,
            settlement=row["settlement_id"],
            channel=row["channel"],
        )
    return did


def delivery_query() -> Any:
    """Deliveries with their settlement's name and cluster (a SELECT to add WHERE clauses to)."""
    d, s = schema.deliveries, schema.settlements
    return select(d, s.c.name.label("settlement_name"), s.c.cluster).join(
        s, s.c.settlement_id == d.c.settlement_id
    )


def delivery_record(row: Row[Any]) -> dict[str, Any]:
    """One delivery of :func:`delivery_query` as people and programs read it (times in ISO
    8601, South African time)."""
    return {
        "id": row.id,
        "external_id": row.external_id,
        "settlement_id": row.settlement_id,
        "settlement_name": row.settlement_name,
        "cluster": row.cluster,
        "arrived_at": iso(row.arrived_at),
        "litres": row.litres,
        "tanks": row.tanks,
        "provider": row.provider,
        "note": row.note,
        "channel": row.channel,
        "reporter": row.reporter,
        "recorded_at": iso(row.recorded_at),
        "withdrawn_at": iso(row.withdrawn_at),
        "withdrawn_by": row.withdrawn_by,
    }


def withdraw_delivery(store: Store, actor: User, delivery_id: str, note: str) -> dict[str, Any]:
    """Withdraw a delivery recorded by mistake (coordinators): it stays in the store with who
    withdrew it and when, and the schedule comparison leaves it out. ``note`` says why; it is
    written in the audit log, so it names no resident. Returns the delivery's record.

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        No such delivery, no note, or it is withdrawn already.
    """
    reason = clean_text(note, MAX_NOTE, N_("note"))
    if reason is None:
        raise StoreError(_("Say why the delivery is withdrawn (e.g. recorded twice) in the note."))
    t = schema.deliveries
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("withdrawing a delivery"))
        row = conn.execute(delivery_query().where(t.c.id == delivery_id)).first()
        if row is None:
            raise StoreError(
                _("There is no delivery '{delivery}': check the id.", delivery=delivery_id)
            )
        stamp = now()
        changed = conn.execute(
            update(t)
            .where(t.c.id == delivery_id, t.c.withdrawn_at.is_(None))
            .values(withdrawn_at=stamp, withdrawn_by=user.name)
        ).rowcount
        if not changed:
            raise StoreError(
                _(
                    "Delivery {delivery} is withdrawn already (by {user}, {when}).",
                    delivery=delivery_id,
                    user=row.withdrawn_by,
                    when=iso(row.withdrawn_at),
                )
            )
        audit_row(
            conn,
            user.name,
            "delivery.withdrawn",
            delivery_id,
            at=stamp,
            settlement=row.settlement_id,
            reason=reason,
        )
        return delivery_record(conn.execute(delivery_query().where(t.c.id == delivery_id)).one())
