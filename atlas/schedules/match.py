"""Expanding a schedule into scheduled deliveries and pairing reports with them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from atlas.errors import SchemaError
from atlas.i18n import _
from atlas.problems import Problem
from atlas.schedules.constants import DELIVERY_COLUMNS, LOCAL_TZ
from atlas.schedules.fields import Status


def default_period(schedule: pd.DataFrame, deliveries: pd.DataFrame) -> tuple[date, date]:
    """The period to compare when none is given: the days of the first to the last report
    (or of the one-off entries when there are no reports).

    Raises
    ------
    SchemaError
        Neither reports nor one-off entries give a period.
    """
    days = [pd.Timestamp(t).date() for t in deliveries["arrived_at"]]
    if not days:
        days = [d for d in schedule["date"] if d is not None]
    if not days:
        raise SchemaError(
            Problem(
                "error",
                _("There are no delivery reports to take the period from."),
                _("Give the period: start and end dates (YYYY-MM-DD)."),
                code="schedule.no_period",
            )
        )
    return min(days), max(days)


def expand_schedule(schedule: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Every scheduled delivery (slot) from ``start`` to ``end`` (both days included).

    Weekly entries give a slot on each of their weekdays inside their validity period (both
    ends included); one-off entries give one slot on their date (if inside their validity).

    Parameters
    ----------
    schedule
        Entries as :func:`clean_schedule` returns them.
    start, end
        The first and last day of the period (local dates).

    Returns
    -------
    DataFrame
        One row per slot, ordered by settlement, window start and schedule row:
        ``slot, settlement_id, provider, scheduled_start, scheduled_end`` (tz-aware
        timestamps in Africa/Johannesburg), ``scheduled_litres, scheduled_tanks, line``.

    Raises
    ------
    SchemaError
        ``end`` is before ``start``.
    """
    if end < start:
        raise SchemaError(
            _(
                "The period ends ({end}) before it starts ({start}): swap the dates.",
                end=end,
                start=start,
            )
        )
    out: list[dict[str, Any]] = []
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    for entry in schedule.to_dict("records"):
        first = max(start, entry["valid_from"] or start)
        last = min(end, entry["valid_to"] or end)
        if entry["date"] is not None:
            dates = [entry["date"]] if first <= entry["date"] <= last else []
        else:
            dates = [d for d in days if first <= d <= last and d.weekday() == entry["weekday"]]
        for day in dates:
            out.append(
                {
                    "settlement_id": entry["settlement_id"],
                    "provider": entry["provider"],
                    "scheduled_start": pd.Timestamp(
                        datetime.combine(day, entry["start"], tzinfo=LOCAL_TZ)
                    ),
                    "scheduled_end": pd.Timestamp(
                        datetime.combine(day, entry["end"], tzinfo=LOCAL_TZ)
                    ),
                    "scheduled_litres": entry["litres"],
                    "scheduled_tanks": entry["tanks"],
                    "line": entry["line"],
                }
            )
    columns = [
        "slot",
        "settlement_id",
        "provider",
        "scheduled_start",
        "scheduled_end",
        "scheduled_litres",
        "scheduled_tanks",
        "line",
    ]
    if not out:
        return pd.DataFrame(columns=columns)
    slots = pd.DataFrame(out).sort_values(
        ["settlement_id", "scheduled_start", "line"], kind="stable"
    )
    slots.insert(0, "slot", range(len(slots)))
    return slots.reset_index(drop=True)[columns]


def _off_window(arrived: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp) -> timedelta:
    """How far outside its window a delivery arrived (zero inside it)."""
    if arrived < start:
        return (start - arrived).to_pytimedelta()
    if arrived > end:
        return (arrived - end).to_pytimedelta()
    return timedelta(0)


def _short(slot: Mapping[Any, Any], report: Mapping[Any, Any], tolerance: float) -> bool:
    """Below the scheduled volume by more than ``tolerance``: litres when both sides give
    litres, else tanks when both give tanks; not short when the volumes cannot be compared."""
    for promised, got in (("scheduled_litres", "litres"), ("scheduled_tanks", "tanks")):
        wanted, had = slot[promised], report[got]
        if pd.notna(wanted) and pd.notna(had):
            return bool(had < wanted * (1 - tolerance) - 1e-9)
    return False


def classify_deliveries(
    schedule: pd.DataFrame,
    deliveries: pd.DataFrame,
    start: date | None = None,
    end: date | None = None,
    *,
    late_tolerance: timedelta = timedelta(hours=2),
    short_tolerance: float = 0.10,
    tank_litres: float | None = None,
) -> pd.DataFrame:
    """Pair reports with scheduled deliveries and classify each (the delivery level).

    Parameters
    ----------
    schedule, deliveries
        Tables as :func:`clean_schedule` and :func:`clean_deliveries` return them.
    start, end
        The period (local dates, both included); by default :func:`default_period`. Reports
        are kept when their local arrival day is in the period.
    late_tolerance
        How far outside its window a delivery may arrive and still be on time.
    short_tolerance
        The share of the scheduled volume a delivery may fall short and still be in full
        (0.10: 90 % of the litres is in full, less is short).
    tank_litres
        Litres per tank, to give ``scheduled_litres``/``delivered_litres`` for entries and
        reports that count tanks only (None: those stay unknown).

    Returns
    -------
    DataFrame
        One row per slot (matched or ``missed``) and per ``unscheduled`` report, ordered by
        settlement and time: :data:`DELIVERY_COLUMNS` (timestamps tz-aware; NaT/NaN where not
        applicable) plus ``late_by`` (minutes outside the window), ``reporter``, ``note``,
        ``schedule_line`` and ``report_line`` (spreadsheet rows of the inputs).

    Raises
    ------
    SchemaError
        The period is empty or cannot be inferred.
    """
    if late_tolerance < timedelta(0) or not 0 <= short_tolerance < 1:
        raise SchemaError(
            _("Tolerances must be a non-negative time and a share between 0 and 1 (0.1 = 10 %).")
        )
    if start is None or end is None:
        first, last = default_period(schedule, deliveries)
        start, end = start or first, end or last
    slots = expand_schedule(schedule, start, end)
    reports = deliveries.copy()
    days = [pd.Timestamp(t).date() for t in reports["arrived_at"]]
    reports["day"] = days
    reports = reports[[start <= d <= end for d in days]].reset_index(drop=True)
    reports["report"] = range(len(reports))
    slot_rows = slots.to_dict("records")
    report_rows = reports.to_dict("records")
    by_day: dict[tuple[str, date], list[int]] = {}
    for i, slot in enumerate(slot_rows):
        key = (slot["settlement_id"], slot["scheduled_start"].date())
        by_day.setdefault(key, []).append(i)
    pairs: list[tuple[timedelta, pd.Timestamp, pd.Timestamp, int, int, int, int]] = []
    for j, report in enumerate(report_rows):
        for i in by_day.get((report["settlement_id"], report["day"]), []):
            slot = slot_rows[i]
            distance = _off_window(
                report["arrived_at"], slot["scheduled_start"], slot["scheduled_end"]
            )
            pairs.append(
                (
                    distance,
                    slot["scheduled_start"],
                    report["arrived_at"],
                    slot["line"],
                    report["line"],
                    i,
                    j,
                )
            )
    pairs.sort(key=lambda p: p[:5])
    slot_match: dict[int, int] = {}
    report_used: set[int] = set()
    for *_rank, i, j in pairs:
        if i in slot_match or j in report_used:
            continue
        slot_match[i] = j
        report_used.add(j)

    def litres(known: Any, tanks: Any) -> float:
        if pd.notna(known):
            return float(known)
        if tank_litres is not None and pd.notna(tanks):
            return float(tanks) * tank_litres
        return np.nan

    out: list[dict[str, Any]] = []
    for i, slot in enumerate(slot_rows):
        row: dict[str, Any] = {
            "settlement_id": slot["settlement_id"],
            "provider": slot["provider"],
            "scheduled_start": slot["scheduled_start"],
            "scheduled_end": slot["scheduled_end"],
            "arrived_at": pd.NaT,
            "scheduled_litres": litres(slot["scheduled_litres"], slot["scheduled_tanks"]),
            "delivered_litres": np.nan,
            "status": "missed",
            "late_by": np.nan,
            "reporter": None,
            "note": None,
            "schedule_line": slot["line"],
            "report_line": None,
        }
        if i in slot_match:
            report = report_rows[slot_match[i]]
            off = _off_window(report["arrived_at"], slot["scheduled_start"], slot["scheduled_end"])
            status: Status = "delivered"
            if off > late_tolerance:
                status = "late"
            elif _short(slot, report, short_tolerance):
                status = "short"
            row.update(
                arrived_at=report["arrived_at"],
                delivered_litres=litres(report["litres"], report["tanks"]),
                status=status,
                late_by=off.total_seconds() / 60,
                reporter=report["reporter"],
                note=report["note"],
                report_line=report["line"],
            )
        out.append(row)
    for j, report in enumerate(report_rows):
        if j in report_used:
            continue
        out.append(
            {
                "settlement_id": report["settlement_id"],
                "provider": None,
                "scheduled_start": pd.NaT,
                "scheduled_end": pd.NaT,
                "arrived_at": report["arrived_at"],
                "scheduled_litres": np.nan,
                "delivered_litres": litres(report["litres"], report["tanks"]),
                "status": "unscheduled",
                "late_by": np.nan,
                "reporter": report["reporter"],
                "note": report["note"],
                "schedule_line": None,
                "report_line": report["line"],
            }
        )
    columns = [
        *DELIVERY_COLUMNS,
        "late_by",
        "reporter",
        "note",
        "schedule_line",
        "report_line",
    ]
    if not out:
        empty = pd.DataFrame(columns=columns)
        empty.attrs["period"] = (start, end)
        return empty
    table = pd.DataFrame(out, columns=columns)
    when = table["scheduled_start"].where(table["scheduled_start"].notna(), table["arrived_at"])
    table["_when"] = pd.to_datetime(when, utc=True)
    table = table.sort_values(["settlement_id", "_when"], kind="stable").drop(columns="_when")
    table.attrs["period"] = (start, end)
    return table.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Roll-ups
