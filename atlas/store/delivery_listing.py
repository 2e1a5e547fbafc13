"""Who sees which deliveries, and the deliveries as the schedule comparison reads them.

:func:`list_deliveries` gives a member their own cluster's deliveries and a coordinator every
one, with who recorded each and its note. :func:`delivery_frame` gives every role the table
:func:`atlas.schedules.classify_deliveries` reads (a viewer without who recorded and notes), and
:func:`combine_deliveries` puts it beside a delivery file's, counting a delivery found in both
(same settlement, same minute of arrival) once.

Examples
--------
>>> import pandas as pd
>>> from atlas.schedules import LOCAL_TZ
>>> def table(*rows):
...     return pd.DataFrame([{"line": n, "settlement_id": s,
...         "arrived_at": pd.Timestamp(t, tz=LOCAL_TZ), "litres": 20000.0, "tanks": 4.0,
...         "reporter": None, "note": None} for n, (s, t) in enumerate(rows, start=2)])
>>> both = combine_deliveries(table(("S1", "2026-08-03 08:33")),
...     table(("S1", "2026-08-03 08:33:40"), ("S2", "2026-08-03 09:00")))
>>> both.frame[["line", "settlement_id"]].values.tolist(), both.in_both
([[2, 'S1'], [3, 'S2']], 1)
>>> for sentence in both.sentences("deliveries.csv"):
...     print(sentence)
Deliveries compared: 1 from deliveries.csv and 2 recorded in the store.
1 delivery was both in deliveries.csv and in the store: it is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from atlas.errors import AccessDenied, StoreError, ValidationError
from atlas.i18n import N_, _, format_number, ngettext
from atlas.schedules import (
    LOCAL_TZ,
    Comparison,
    classify_deliveries,
    read_deliveries,
    read_schedule,
)
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.deliveries import delivery_query, delivery_record
from atlas.store.store import Store
from atlas.store.vocabulary import Role

__all__ = [
    "FRAME_COLUMNS",
    "CombinedDeliveries",
    "combine_deliveries",
    "compare_with_store",
    "delivery_frame",
    "list_deliveries",
]

#: The columns of :func:`delivery_frame`: those :func:`atlas.schedules.clean_deliveries` returns.
FRAME_COLUMNS = ["line", "settlement_id", "arrived_at", "litres", "tanks", "reporter", "note"]


def _day(value: date | str | None, refused: str) -> date | None:
    """``value`` as a date; ``refused`` is the message (its ``{value}`` filled) when it is not."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise StoreError(_(refused, value=value)) from None


def _filtered(
    query: Any, cluster: str | None, start: date | str | None, end: date | str | None
) -> Any:
    """``query`` kept to a cluster and to the local days ``start`` to ``end`` (both included)."""
    first = _day(start, N_("The first day '{value}' is not a date: write YYYY-MM-DD."))
    last = _day(end, N_("The last day '{value}' is not a date: write YYYY-MM-DD."))
    if first is not None and last is not None and last < first:
        raise StoreError(
            _(
                "The period ends ({last}) before it starts ({first}): swap the dates.",
                last=last,
                first=first,
            )
        )
    arrived = schema.deliveries.c.arrived_at
    if cluster is not None:
        query = query.where(schema.settlements.c.cluster == cluster)
    if first is not None:
        query = query.where(arrived >= datetime.combine(first, time(), tzinfo=LOCAL_TZ))
    if last is not None:
        following = last + timedelta(days=1)
        query = query.where(arrived < datetime.combine(following, time(), tzinfo=LOCAL_TZ))
    return query


def list_deliveries(
    store: Store,
    actor: User,
    *,
    cluster: str | None = None,
    settlement_id: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
    withdrawn: bool = False,
) -> list[dict[str, Any]]:
    """The deliveries the actor may list, by time of arrival: a member their own cluster's, a
    coordinator every cluster's; those withdrawn only when ``withdrawn``. ``start`` and ``end``
    are local days (both included).

    Raises
    ------
    AccessDenied
        A viewer, or a member asking for another cluster.
    StoreError
        A day that is not a date, or a period ending before it starts.
    """
    with store.engine.connect() as conn:
        user = acting(conn, actor, Role.MEMBER, _("listing deliveries"))
        if user.role is Role.MEMBER:
            if cluster not in (None, user.cluster):
                raise AccessDenied(
                    _(
                        "{name} is a member of {cluster}: a member sees the deliveries of their "
                        "own cluster only.",
                        name=user.name,
                        cluster=user.cluster,
                    )
                )
            cluster = user.cluster
        query = _filtered(delivery_query(), cluster, start, end)
        if settlement_id is not None:
            query = query.where(schema.deliveries.c.settlement_id == settlement_id)
        if not withdrawn:
            query = query.where(schema.deliveries.c.withdrawn_at.is_(None))
        rows = conn.execute(query.order_by(schema.deliveries.c.arrived_at, schema.deliveries.c.id))
        return [delivery_record(r) for r in rows]


def delivery_frame(
    store: Store,
    actor: User,
    *,
    cluster: str | None = None,
    start: date | str | None = None,
    end: date | str | None = None,
) -> pd.DataFrame:
    """The deliveries kept (not withdrawn) as :func:`atlas.schedules.classify_deliveries`
    reads them: exactly the table :func:`atlas.schedules.clean_deliveries` returns, by time of
    arrival. ``line`` numbers them 1, 2, … in that order; ``arrived_at`` is a tz-aware
    Timestamp in Africa/Johannesburg; ``litres`` and ``tanks`` floats (NaN when not given);
    ``reporter`` (the user who recorded it) and ``note`` only where the actor may list the
    delivery (:func:`list_deliveries`), else None. Every role may ask (a viewer compares the
    schedule; the times and volumes are not about a person).

    Raises
    ------
    AccessDenied
        The actor is not (or no longer) a user of the store.
    StoreError
        A day that is not a date, or a period ending before it starts.
    """
    d = schema.deliveries
    with store.engine.connect() as conn:
        user = acting(conn, actor, Role.VIEWER, _("comparing deliveries with the schedule"))
        query = _filtered(delivery_query().where(d.c.withdrawn_at.is_(None)), cluster, start, end)
        rows = conn.execute(query.order_by(d.c.arrived_at, d.c.recorded_at, d.c.id)).all()
    out = []
    for line, row in enumerate(rows, start=1):
        shown = user.can(Role.COORDINATOR) or (
            user.role is Role.MEMBER and row.cluster == user.cluster
        )
        out.append(
            {
                "line": line,
                "settlement_id": row.settlement_id,
                "arrived_at": pd.Timestamp(row.arrived_at.astimezone(LOCAL_TZ)),
                "litres": np.nan if row.litres is None else float(row.litres),
                "tanks": np.nan if row.tanks is None else float(row.tanks),
                "reporter": row.reporter if shown else None,
                "note": row.note if shown else None,
            }
        )
    return pd.DataFrame(out, columns=FRAME_COLUMNS) if out else pd.DataFrame(columns=FRAME_COLUMNS)


@dataclass(frozen=True)
class CombinedDeliveries:
    """A delivery file's table and the store's together (:func:`combine_deliveries`): the
    table, and how many deliveries came from each, were in both, or were left out."""

    frame: pd.DataFrame
    from_file: int
    from_store: int
    in_both: int = 0
    left_out: int = 0

    def sentences(self, file: str | None, store: str = N_("the store")) -> list[str]:
        """Which deliveries were compared, in plain words: ``file`` names the delivery file
        (None: none was used), ``store`` the store (``the atlas``, on a page), translated
        here."""
        store = _(store)
        lines = [
            _(
                "Deliveries compared: {from_file} from {file} and {from_store} recorded in "
                "{store}.",
                from_file=format_number(self.from_file),
                file=file,
                from_store=format_number(self.from_store),
                store=store,
            )
            if file is not None
            else _(
                "Deliveries compared: {from_store} recorded in {store}.",
                from_store=format_number(self.from_store),
                store=store,
            )
        ]
        if self.in_both:
            lines.append(
                ngettext(
                    "{n} delivery was both in {file} and in {store}: it is counted once.",
                    "{n} deliveries were both in {file} and in {store}: each is counted once.",
                    self.in_both,
                    file=file,
                    store=store,
                )
            )
        if self.left_out:
            lines.append(
                ngettext(
                    "{n} delivery recorded in {store} is for a settlement not in the "
                    "settlements layer, and left out.",
                    "{n} deliveries recorded in {store} are for settlements not in the "
                    "settlements layer, and left out.",
                    self.left_out,
                    store=store,
                )
            )
        return lines


def _key(settlement_id: Any, arrived: Any) -> tuple[str, datetime]:
    """A delivery as it is matched between a file and the store: settlement and minute."""
    return str(settlement_id), pd.Timestamp(arrived).floor("min").to_pydatetime()


def combine_deliveries(
    from_file: pd.DataFrame | None,
    from_store: pd.DataFrame | None,
    settlement_ids: Iterable[str] | None = None,
) -> CombinedDeliveries:
    """The deliveries of a file (:func:`atlas.schedules.clean_deliveries`) and of the store
    (:func:`delivery_frame`) in one table of the same shape, each delivery once.

    A store delivery for the same settlement as a file's, arriving in the same minute, is the
    same delivery: the file's row is kept and the store's counted in ``in_both``. Store
    deliveries of settlements not in ``settlement_ids`` (when given) are left out and counted
    in ``left_out``. The store's rows follow the file's, their ``line`` numbered on after the
    file's last (so that every row of the table has its own).
    """
    empty = pd.DataFrame(columns=FRAME_COLUMNS)
    file_rows = empty if from_file is None else from_file
    stored = empty if from_store is None else from_store
    left_out = 0
    if settlement_ids is not None and len(stored):
        known = stored["settlement_id"].astype(str).isin({str(s) for s in settlement_ids})
        left_out = int((~known).sum())
        stored = stored[known]
    pairs = zip(file_rows["settlement_id"], file_rows["arrived_at"], strict=True)
    seen = {_key(s, t) for s, t in pairs}
    pairs = zip(stored["settlement_id"], stored["arrived_at"], strict=True)
    twice = np.array([_key(s, t) in seen for s, t in pairs], dtype=bool)
    considered = len(stored)
    stored = stored[~twice] if len(stored) else stored
    first = int(file_rows["line"].max()) + 1 if len(file_rows) else 1
    stored = stored.assign(line=list(range(first, first + len(stored))))
    if not len(stored):
        frame = file_rows.reset_index(drop=True)
    elif not len(file_rows):
        frame = stored.reset_index(drop=True)
    else:
        frame = pd.concat([file_rows, stored], ignore_index=True)
    counts = (0 if from_file is None else len(file_rows), considered, int(twice.sum()), left_out)
    return CombinedDeliveries(frame[FRAME_COLUMNS], *counts)


def compare_with_store(
    schedule: str | Path,
    deliveries: str | Path | None,
    recorded: pd.DataFrame,
    settlement_ids: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    late_tolerance: timedelta = timedelta(hours=2),
    short_tolerance: float = 0.10,
    tank_litres: float | None = None,
) -> tuple[Comparison, CombinedDeliveries]:
    """:func:`atlas.schedules.compare_files` with the deliveries recorded in the store
    (``recorded``, a :func:`delivery_frame`) beside the delivery file's, each delivery once
    (:func:`combine_deliveries`); ``deliveries`` None compares the store's alone.

    Raises
    ------
    ValidationError
        A file cannot be used at all (a required column is missing); its report says why.
    DataFileError, SchemaError
        A file cannot be read; the period is empty.
    """
    ids = None if settlement_ids is None else [str(s) for s in settlement_ids]
    entries, schedule_report = read_schedule(schedule, settlement_ids=ids)
    reports = [schedule_report]
    from_file = None
    if deliveries is not None:
        from_file, deliveries_report = read_deliveries(deliveries, settlement_ids=ids)
        reports.append(deliveries_report)
    for report in reports:
        if not report.ok:
            raise ValidationError(report)
    combined = combine_deliveries(from_file, recorded, ids)
    outcomes = classify_deliveries(
        entries,
        combined.frame,
        start,
        end,
        late_tolerance=late_tolerance,
        short_tolerance=short_tolerance,
        tank_litres=tank_litres,
    )
    return Comparison(outcomes, outcomes.attrs["period"], tuple(reports)), combined
