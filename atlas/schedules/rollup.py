"""Compliance roll-ups, output records, plain words, and the whole comparison of two files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from atlas.errors import SchemaError, ValidationError
from atlas.i18n import N_, _, format_number, ngettext
from atlas.problems import Report
from atlas.schedules.constants import _KEYS, DELIVERY_COLUMNS, LEVELS, ROLLUP_COLUMNS, STATUSES
from atlas.schedules.match import classify_deliveries
from atlas.schedules.read import read_deliveries, read_schedule


def _period_key(moment: pd.Timestamp, by: str) -> str:
    day = moment.date()
    if by == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    return f"{day.year:04d}-{day.month:02d}"


def compliance(
    outcomes: pd.DataFrame,
    level: str = "settlement",
    *,
    settlements: pd.DataFrame | None = None,
    period: tuple[date, date] | None = None,
) -> pd.DataFrame:
    """Counts and compliance of classified deliveries per settlement, cluster, provider, week
    or month.

    Parameters
    ----------
    outcomes
        The delivery level, as :func:`classify_deliveries` returns it.
    level
        ``settlement``, ``cluster``, ``provider``, ``week`` (key: the Monday, ``YYYY-MM-DD``)
        or ``month`` (key: ``YYYY-MM``). Weeks and months go by the scheduled day (the
        arrival day for unscheduled reports).
    settlements
        ``settlement_id`` with ``population`` and ``cluster`` (a settlements layer); needed for
        the cluster level and for litres per person per day.
    period
        The first and last day compared, for litres per person per day; by default the
        period stored by :func:`classify_deliveries`.

    Returns
    -------
    DataFrame
        The key column, then :data:`ROLLUP_COLUMNS`, ordered by key. ``scheduled`` counts the
        scheduled deliveries (delivered + late + short + missed); ``compliance`` is
        ``delivered / scheduled`` (NaN when nothing was scheduled). ``litres_per_person_day``
        is the litres reported (matched and unscheduled, counted where known) per person of
        the settlements with a known population, per day of the period; NaN without a
        population, and always NaN for weeks and months. Compare it with
        :data:`BASIC_LITRES_PER_PERSON_DAY`.

    Raises
    ------
    SchemaError
        An unknown level, or the cluster level without settlements.
    """
    if level not in _KEYS:
        raise SchemaError(
            _(
                "Unknown level '{level}'. Use one of: delivery, {levels}.",
                level=level,
                levels=", ".join(LEVELS),
            )
        )
    key = _KEYS[level]
    table = outcomes.copy()
    people: dict[str, float] = {}
    if settlements is not None:
        known = settlements.dropna(subset=["settlement_id"])
        people = {
            str(s): float(p)
            for s, p in zip(known["settlement_id"], known["population"], strict=True)
            if pd.notna(p) and p > 0
        }
        clusters = {
            str(s): c
            for s, c in zip(known["settlement_id"], known["cluster"], strict=True)
            if c is not None and not (isinstance(c, float) and np.isnan(c))
        }
        table["cluster"] = table["settlement_id"].map(clusters)
    elif level == "cluster":
        raise SchemaError(_("The cluster level needs the settlements layer (for their clusters)."))
    if level in ("week", "month"):
        when = table["scheduled_start"].where(table["scheduled_start"].notna(), table["arrived_at"])
        table[key] = [_period_key(pd.Timestamp(t), level) for t in when]
    columns = [key, *ROLLUP_COLUMNS]
    table = table[table[key].notna()]
    if table.empty:
        return pd.DataFrame(columns=columns)
    counts = pd.crosstab(table[key], table["status"]).reindex(columns=list(STATUSES), fill_value=0)
    out = counts.astype(int)
    out["scheduled"] = out[["delivered", "late", "short", "missed"]].sum(axis=1)
    # Exact shares and litres (DESIGN §2 rule 10): tables for people round them
    # (:func:`atlas.schedules.compliance_table`).
    out["compliance"] = out["delivered"] / out["scheduled"].where(out["scheduled"] > 0)
    period = period or outcomes.attrs.get("period")
    lpd: dict[Any, float] = {}
    if period is not None and people and level not in ("week", "month"):
        days = (period[1] - period[0]).days + 1
        with_people = table[table["settlement_id"].isin(list(people))]
        for group, rows in with_people.groupby(key):
            population = sum(people[s] for s in rows["settlement_id"].unique())
            lpd[group] = float(rows["delivered_litres"].sum()) / population / days
    out["litres_per_person_day"] = [lpd.get(k, np.nan) for k in out.index]
    out = out.reset_index().rename(columns={"index": key})
    out.columns.name = None
    return out[columns].sort_values(key, kind="stable").reset_index(drop=True)


def _iso(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).isoformat()


#: The roll-up fields that are measures (floats), not counts.
_SHARES = frozenset({"compliance", "litres_per_person_day"})


def outcome_records(table: pd.DataFrame, level: str = "delivery") -> list[dict[str, Any]]:
    """The CLI's records: exactly the fields of the issue for ``level``, values exact.

    The delivery level has :data:`DELIVERY_COLUMNS` with ISO date-times (``+02:00``) and the
    litres as given (whole litres as ints); the roll-ups have their key and
    :data:`ROLLUP_COLUMNS`: counts as ints, ``compliance`` and ``litres_per_person_day`` as
    floats, never rounded (a table for people rounds them:
    :func:`atlas.schedules.compliance_table`). Missing values are None.
    """
    if level == "delivery":
        records: list[dict[str, Any]] = []
        for row in table.to_dict("records"):
            record: dict[str, Any] = {}
            for column in DELIVERY_COLUMNS:
                value = row[column]
                if column in ("scheduled_start", "scheduled_end", "arrived_at"):
                    record[column] = _iso(value)
                elif column.endswith("litres"):
                    record[column] = None if pd.isna(value) else _number(value)
                else:
                    record[column] = None if value is None or pd.isna(value) else str(value)
            records.append(record)
        return records
    key = _KEYS[level]
    out = []
    for row in table.to_dict("records"):
        record = {key: row[key]}
        for column in ROLLUP_COLUMNS:
            value = row[column]
            if pd.isna(value):
                record[column] = None
            elif column in _SHARES:
                record[column] = float(value)
            else:
                record[column] = int(value)
        out.append(record)
    return out


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def compliance_sentence(scheduled: int, delivered: int) -> str:
    """``4 of 12 scheduled deliveries arrived on time and in full`` (plain words)."""
    if scheduled == 0:
        return _("No deliveries were scheduled in this period")
    return ngettext(
        "{delivered} of {n} scheduled delivery arrived on time and in full",
        "{delivered} of {n} scheduled deliveries arrived on time and in full",
        scheduled,
        delivered=format_number(delivered),
    )


@dataclass(frozen=True)
class Comparison:
    """A schedule compared with the reports: the delivery level, its period and the checks.

    Parameters
    ----------
    outcomes
        The delivery level (see :func:`classify_deliveries`).
    period
        The first and last day compared.
    reports
        What reading the schedule and the reports found (mapping notes, rows left out).
    """

    outcomes: pd.DataFrame
    period: tuple[date, date]
    reports: tuple[Report, ...]


def compare_files(
    schedule: str | Path,
    deliveries: str | Path,
    settlement_ids: Iterable[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    late_tolerance: timedelta = timedelta(hours=2),
    short_tolerance: float = 0.10,
    tank_litres: float | None = None,
) -> Comparison:
    """Read a schedule and delivery reports and classify every delivery of the period.

    Parameters
    ----------
    schedule, deliveries
        The two CSV files.
    settlement_ids, start, end, late_tolerance, short_tolerance, tank_litres
        As for :func:`clean_schedule` and :func:`classify_deliveries`.

    Raises
    ------
    ValidationError
        A file cannot be used at all (a required column is missing); its report says why.
    DataFileError, SchemaError
        A file cannot be read; the period is empty.
    """
    ids = None if settlement_ids is None else list(settlement_ids)
    entries, schedule_report = read_schedule(schedule, settlement_ids=ids)
    reports, deliveries_report = read_deliveries(deliveries, settlement_ids=ids)
    for report in (schedule_report, deliveries_report):
        if not report.ok:
            raise ValidationError(report)
    outcomes = classify_deliveries(
        entries,
        reports,
        start,
        end,
        late_tolerance=late_tolerance,
        short_tolerance=short_tolerance,
        tank_litres=tank_litres,
    )
    period: tuple[date, date] = outcomes.attrs["period"]
    return Comparison(outcomes, period, (schedule_report, deliveries_report))


#: Plain labels of the statuses, for pages and charts.
#: Marked for the catalogue: translate where shown, ``_(STATUS_WORDS[status])``.
STATUS_WORDS = {
    "delivered": N_("on time and in full"),
    "late": N_("late"),
    "short": N_("short"),
    "missed": N_("missed"),
    "unscheduled": N_("not on the schedule"),
}


def timeline_frame(outcomes: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per delivery for a timeline chart: ``settlement`` (name and id), ``day`` (the
    scheduled day, or the arrival day when unscheduled, as a naive local timestamp), ``status``,
    ``outcome`` (plain words), ``window`` (``08:00–10:00`` or empty), ``arrived`` (``09:12``
    or empty), ``scheduled_litres``, ``delivered_litres``."""
    names = names or {}
    rows = []
    for row in outcomes.to_dict("records"):
        start, arrived = row["scheduled_start"], row["arrived_at"]
        when = start if pd.notna(start) else arrived
        label = names.get(row["settlement_id"])
        rows.append(
            {
                "settlement": f"{label} ({row['settlement_id']})"
                if label
                else row["settlement_id"],
                "day": pd.Timestamp(when).tz_localize(None).normalize(),
                "status": row["status"],
                "outcome": _(STATUS_WORDS[row["status"]]),
                "window": (
                    f"{start:%H:%M}–{row['scheduled_end']:%H:%M}" if pd.notna(start) else ""
                ),
                "arrived": f"{arrived:%H:%M}" if pd.notna(arrived) else "",
                "scheduled_litres": row["scheduled_litres"],
                "delivered_litres": row["delivered_litres"],
            }
        )
    columns = ["settlement", "day", "status", "outcome", "window", "arrived"]
    return pd.DataFrame(rows, columns=[*columns, "scheduled_litres", "delivered_litres"])
