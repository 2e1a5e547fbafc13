"""Checking schedule and delivery-report tables: bad rows reported by spreadsheet row number and
left out, the rest used."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from atlas.i18n import _
from atlas.load.columns import Constant
from atlas.problems import Problem, Report
from atlas.schedules.constants import _NOT_GIVEN
from atlas.schedules.duplicates import delivery_duplicates, schedule_duplicates
from atlas.schedules.fields import (
    _check_settlement,
    _map_columns,
    _parse_date,
    _parse_moment,
    _parse_time,
    _parse_weekday,
    _Rows,
    _volumes,
    read_table,
)
from atlas.schedules.values import (
    _bad_day,
    _nothing_usable,
    _promised,
    convention_problems,
    volume_columns,
)


def _known(settlement_ids: Iterable[str] | None) -> frozenset[str] | None:
    return None if settlement_ids is None else frozenset(str(s) for s in settlement_ids)


def clean_schedule(
    frame: pd.DataFrame,
    *,
    mapping: Mapping[str, str | Constant] | None = None,
    settlement_ids: Iterable[str] | None = None,
    source: str = "",
) -> tuple[pd.DataFrame, Report]:
    """Map and check a schedule table as read (text cells, file order).

    Parameters
    ----------
    frame
        The table with the file's own column names, one row per file row in order.
    mapping
        Canonical field -> column name or :class:`~atlas.load.columns.Constant`.
    settlement_ids
        The known settlements; rows naming others are left out. None accepts any id.
    source
        Where the table came from, for the report.

    Returns
    -------
    (DataFrame, Report)
        Usable entries with columns ``line, settlement_id, provider, weekday`` (0 = Monday, or
        None), ``date`` (a :class:`datetime.date` or None), ``start, end``
        (:class:`datetime.time`), ``litres, tanks`` (float or NaN), ``valid_from, valid_to``
        (date or None); and the report. Structural problems (a required column missing, a
        mapping naming a missing column, no usable row at all) are errors and leave no
        entries; bad rows are warnings naming their spreadsheet rows (the header is row 1), as
        are exact repeats (left out), rows for the same window promising other volumes (kept)
        and volumes read with thousands separators or a decimal comma.
    """
    mapped, problems = _map_columns(frame.reset_index(drop=True), "schedule", mapping)
    columns = ("line", "settlement_id", "provider", "weekday", "date", "start", "end")
    empty = pd.DataFrame(columns=[*columns, "litres", "tanks", "valid_from", "valid_to"])
    if mapped["weekday"].isna().all() and mapped["date"].isna().all() and len(mapped):
        problems.append(
            Problem(
                "error",
                _("The schedule has no weekday or date: each entry needs one or the other."),
                _(
                    "Add a 'weekday' column (Monday…Sunday) for weekly entries or a 'date' column "
                    "(YYYY-MM-DD) for one-off entries, or map one: mapping={'weekday': 'COLUMN'}."
                ),
                code="schedule.no_day",
                params={"table": "schedule", "field": "weekday"},
            )
        )
    report = Report("schedule", source, tuple(problems))
    if not report.ok:
        return empty, report
    if not any(p.column == "provider" for p in problems) and mapped["provider"].isna().all():
        problems.append(
            Problem(
                "warning",
                _(
                    "The schedule names no provider: every entry's provider is '{provider}'.",
                    provider=_NOT_GIVEN,
                ),
                _("Add a 'provider' column to compare providers."),
            )
        )
    known = _known(settlement_ids)
    rows = _Rows("schedule")
    volumes = volume_columns(mapped)
    problems.extend(convention_problems(volumes, "schedule"))
    out: list[dict[str, Any]] = []
    for i, record in enumerate(mapped.to_dict("records")):
        line = i + 2
        ok = _check_settlement(rows, line, record["settlement_id"], known)
        weekday = date_ = None
        if record["weekday"] is not None and record["date"] is not None:
            rows.add(
                line,
                _(
                    "Rows with both a weekday and a date are left out: an entry is weekly or one-off."
                ),
                _("Keep the weekday for a weekly entry or the date for a one-off delivery."),
                "weekday",
                f"{record['weekday']} / {record['date']}",
            )
            ok = False
        elif record["weekday"] is None and record["date"] is None:
            rows.add(
                line,
                _("Rows with neither a weekday nor a date are left out."),
                _("Give a weekday (Monday…Sunday) or a date (YYYY-MM-DD)."),
                "weekday",
                "",
            )
            ok = False
        elif record["weekday"] is not None:
            weekday = _parse_weekday(record["weekday"])
            if weekday is None:
                rows.add(
                    line,
                    _("Rows whose weekday is not a day of the week are left out."),
                    _("Write the day in English: Monday, Tuesday… (Mon, Tue… also work)."),
                    "weekday",
                    record["weekday"],
                )
                ok = False
        else:
            date_ = _parse_date(record["date"])
            if date_ is None:
                why = (
                    _("Rows whose date cannot be read are left out."),
                    _("Write dates as YYYY-MM-DD, e.g. 2026-08-03."),
                )
                _bad_day(rows, line, "date", record["date"], why)
                ok = False
        times: dict[str, time | None] = {}
        for name in ("start", "end"):
            times[name] = None if record[name] is None else _parse_time(record[name])
            if times[name] is None:
                rows.add(
                    line,
                    _("Rows whose window start is missing or not a time are left out.")
                    if name == "start"
                    else _("Rows whose window end is missing or not a time are left out."),
                    _("Write times as HH:MM in 24-hour local time, e.g. 08:00."),
                    name,
                    record[name],
                )
                ok = False
        start, end = times["start"], times["end"]
        if start is not None and end is not None and end < start:
            rows.add(
                line,
                _("Rows whose window ends before it starts are left out."),
                _(
                    "Check the times (24-hour clock); windows over midnight are not supported: "
                    "split them into two entries."
                ),
                "end",
                f"{record['start']}–{record['end']}",
            )
            ok = False
        litres, tanks, volume_ok = _volumes(rows, line, record, volumes)
        ok = ok and volume_ok and _promised(rows, line, record, litres, tanks)
        validity: dict[str, date | None] = {}
        for name in ("valid_from", "valid_to"):
            validity[name] = None if record[name] is None else _parse_date(record[name])
            if record[name] is not None and validity[name] is None:
                why = (
                    _("Rows whose {column} cannot be read are left out.", column=name),
                    _("Write dates as YYYY-MM-DD, or leave the cell empty for no limit."),
                )
                _bad_day(rows, line, name, record[name], why)
                ok = False
        vf, vt = validity["valid_from"], validity["valid_to"]
        if vf is not None and vt is not None and vt < vf:
            rows.add(
                line,
                _("Rows whose validity ends before it starts are left out."),
                _("Check valid_from and valid_to."),
                "valid_to",
                f"{record['valid_from']}–{record['valid_to']}",
            )
            ok = False
        if not ok:
            continue
        if litres is None and tanks is None:
            rows.add(
                line,
                _("Entries without litres or tanks: their deliveries cannot be judged short."),
                _("Add the promised volume to judge whether deliveries were in full."),
                "litres",
                "",
                drop=False,
            )
        out.append(
            {
                "line": line,
                "settlement_id": record["settlement_id"],
                "provider": record["provider"] or _NOT_GIVEN,
                "weekday": weekday,
                "date": date_,
                "start": start,
                "end": end,
                "litres": np.nan if litres is None else litres,
                "tanks": np.nan if tanks is None else tanks,
                "valid_from": vf,
                "valid_to": vt,
            }
        )
    kept, repeats = schedule_duplicates(out)
    found = [*problems[len(report.problems) :], *rows.problems(), *repeats]
    found.extend(_nothing_usable("schedule", len(mapped), len(kept)))
    table = pd.DataFrame(kept, columns=empty.columns) if kept else empty
    return table, report.extended(found)


def clean_deliveries(
    frame: pd.DataFrame,
    *,
    mapping: Mapping[str, str | Constant] | None = None,
    settlement_ids: Iterable[str] | None = None,
    source: str = "",
) -> tuple[pd.DataFrame, Report]:
    """Map and check a delivery-report table as read (text cells, file order).

    Parameters
    ----------
    frame, mapping, settlement_ids, source
        As for :func:`clean_schedule`.

    Returns
    -------
    (DataFrame, Report)
        Usable reports with columns ``line, settlement_id, arrived_at`` (a tz-aware
        :class:`pandas.Timestamp` in Africa/Johannesburg; an ``arrived_at`` without an offset
        is local time), ``litres, tanks`` (float or NaN), ``reporter, note``; and the report.
        Reports of the same settlement arriving in the same minute are one delivery: the first
        is kept, the others left out with a warning naming them.
    """
    mapped, problems = _map_columns(frame.reset_index(drop=True), "deliveries", mapping)
    columns = ["line", "settlement_id", "arrived_at", "litres", "tanks", "reporter", "note"]
    report = Report("deliveries", source, tuple(problems))
    if not report.ok:
        return pd.DataFrame(columns=columns), report
    known = _known(settlement_ids)
    rows = _Rows("deliveries")
    volumes = volume_columns(mapped)
    out: list[dict[str, Any]] = []
    for i, record in enumerate(mapped.to_dict("records")):
        line = i + 2
        ok = _check_settlement(rows, line, record["settlement_id"], known)
        moment = None if record["arrived_at"] is None else _parse_moment(record["arrived_at"])
        if moment is None:
            why = (
                _("Rows whose arrival date and time is missing or cannot be read are left out."),
                _("Write arrived_at as YYYY-MM-DD HH:MM (local time), e.g. 2026-08-03 09:15."),
            )
            _bad_day(rows, line, "arrived_at", record["arrived_at"], why)
            ok = False
        litres, tanks, volume_ok = _volumes(rows, line, record, volumes)
        if not (ok and volume_ok) or moment is None:
            continue
        if litres is None and tanks is None:
            rows.add(
                line,
                _("Reports without litres or tanks: these deliveries cannot be judged short."),
                _("Note the litres or the number of tanks delivered."),
                "litres",
                "",
                drop=False,
            )
        out.append(
            {
                "line": line,
                "settlement_id": record["settlement_id"],
                "arrived_at": pd.Timestamp(moment),
                "litres": np.nan if litres is None else litres,
                "tanks": np.nan if tanks is None else tanks,
                "reporter": record["reporter"],
                "note": record["note"],
            }
        )
    kept, repeats = delivery_duplicates(out)
    found = [*convention_problems(volumes, "deliveries"), *rows.problems(), *repeats]
    found.extend(_nothing_usable("deliveries", len(mapped), len(kept)))
    table = pd.DataFrame(kept, columns=columns) if kept else pd.DataFrame(columns=columns)
    return table, report.extended(found)


def read_schedule(
    path: str | Path,
    *,
    mapping: Mapping[str, str | Constant] | None = None,
    settlement_ids: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, Report]:
    """Read and check a schedule CSV (see :func:`clean_schedule`)."""
    return clean_schedule(
        read_table(path), mapping=mapping, settlement_ids=settlement_ids, source=str(path)
    )


def read_deliveries(
    path: str | Path,
    *,
    mapping: Mapping[str, str | Constant] | None = None,
    settlement_ids: Iterable[str] | None = None,
) -> tuple[pd.DataFrame, Report]:
    """Read and check a delivery-report CSV (see :func:`clean_deliveries`)."""
    return clean_deliveries(
        read_table(path), mapping=mapping, settlement_ids=settlement_ids, source=str(path)
    )


# --------------------------------------------------------------------------------------------
# Expanding and matching
