"""Water delivery schedules against what arrived (DESIGN §5, issue 6).

A *schedule* lists when water tankers or tank refills are promised per settlement: a weekly
entry (``weekday``) with an optional validity period, or a one-off ``date``; a time window
(``start``–``end``, local time in Africa/Johannesburg) and the volume (``litres`` and/or
``tanks``). *Delivery reports* are what residents noted: ``settlement_id``, ``arrived_at``, the
volume, and optionally a reporter and a note.

For a period the schedule is expanded into scheduled deliveries (*slots*). Each report is paired
with at most one slot of the same settlement on the same local day, the nearest in time first
(ties broken by slot start, arrival and file order, so the pairing is deterministic). A slot is

* ``late`` when its report arrived outside the window by more than the time tolerance
  (default 2 hours), even if it was also short;
* ``short`` when the volume reported is below the volume scheduled by more than the volume
  tolerance (default 10 %);
* ``delivered`` otherwise (on time and in full);
* ``missed`` when no report is paired with it.

A report paired with no slot is ``unscheduled``. Compliance is the share of slots delivered on
time and in full. Rows that cannot be used (unknown settlement, unreadable time or date, negative
volume, window ending before it starts…) are reported with their spreadsheet row numbers (the
header is row 1) and left out; the other rows are used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from atlas.errors import DataFileError, MappingError, SchemaError, ValidationError
from atlas.mapping import Constant
from atlas.phrases import format_number
from atlas.report import Problem, Report

__all__ = [
    "BASIC_LITRES_PER_PERSON_DAY",
    "DELIVERY_COLUMNS",
    "LEVELS",
    "LOCAL_TZ",
    "ROLLUP_COLUMNS",
    "SCHEDULE_TABLES",
    "STATUSES",
    "STATUS_WORDS",
    "Comparison",
    "TableField",
    "classify_deliveries",
    "clean_deliveries",
    "clean_schedule",
    "compare_files",
    "compliance",
    "compliance_sentence",
    "default_period",
    "expand_schedule",
    "outcome_records",
    "parse_table_mapping",
    "read_deliveries",
    "read_schedule",
    "read_table",
    "timeline_frame",
]

#: Schedules are written in South African local time (UTC+2 all year).
LOCAL_TZ = ZoneInfo("Africa/Johannesburg")
#: The national basic water supply: 25 litres per person per day (Water Services Act, reg. 3).
BASIC_LITRES_PER_PERSON_DAY = 25.0
#: Outcomes of a scheduled delivery, then of a report that matches no schedule entry.
STATUSES = ("delivered", "late", "short", "missed", "unscheduled")
#: Roll-up levels of :func:`compliance` (besides ``delivery``, the outcomes themselves).
LEVELS = ("settlement", "cluster", "provider", "week", "month")
#: Fields of the delivery-level output, in order.
DELIVERY_COLUMNS = [
    "settlement_id",
    "provider",
    "scheduled_start",
    "scheduled_end",
    "arrived_at",
    "scheduled_litres",
    "delivered_litres",
    "status",
]
#: Fields of a roll-up after its key, in order.
ROLLUP_COLUMNS = [
    "scheduled",
    "delivered",
    "late",
    "short",
    "missed",
    "unscheduled",
    "compliance",
    "litres_per_person_day",
]
_KEYS = {
    "settlement": "settlement_id",
    "cluster": "cluster",
    "provider": "provider",
    "week": "week",
    "month": "month",
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(\d{1,2})[:h](\d{2})(?::(\d{2}))?$")
_NOT_GIVEN = "(not given)"


@dataclass(frozen=True)
class TableField:
    """A canonical column of a schedule or delivery table and the names it is also known by."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()


#: The canonical columns of the two tables, with aliases (matched case-insensitively).
SCHEDULE_TABLES: dict[str, tuple[TableField, ...]] = {
    "schedule": (
        TableField(
            "settlement_id", True, ("id", "settlement", "sett_id", "settlement_code", "code")
        ),
        TableField("provider", False, ("supplier", "contractor", "operator", "service_provider")),
        TableField("weekday", False, ("day", "day_of_week", "dow", "week_day")),
        TableField("date", False, ("delivery_date", "on_date", "once_on")),
        TableField("start", True, ("window_start", "start_time", "time_from", "from_time")),
        TableField("end", True, ("window_end", "end_time", "time_to", "to_time", "until")),
        TableField("litres", False, ("liters", "volume", "volume_l", "litres_scheduled")),
        TableField("tanks", False, ("tankers", "loads", "tank_count", "num_tanks")),
        TableField("valid_from", False, ("from_date", "effective_from", "start_date")),
        TableField("valid_to", False, ("to_date", "effective_to", "end_date")),
    ),
    "deliveries": (
        TableField(
            "settlement_id", True, ("id", "settlement", "sett_id", "settlement_code", "code")
        ),
        TableField(
            "arrived_at",
            True,
            ("arrival", "arrived", "arrival_time", "date_time", "datetime", "timestamp"),
        ),
        TableField("litres", False, ("liters", "volume", "volume_l", "litres_delivered")),
        TableField("tanks", False, ("tankers", "loads", "tank_count", "num_tanks")),
        TableField("reporter", False, ("reported_by", "recorder", "recorded_by")),
        TableField("note", False, ("notes", "comment", "comments", "remarks")),
    ),
}

Status = Literal["delivered", "late", "short", "missed", "unscheduled"]


# --------------------------------------------------------------------------------------------
# Reading and mapping


def parse_table_mapping(items: Iterable[str]) -> dict[str, dict[str, str | Constant]]:
    """Parse mappings ``schedule.FIELD=COLUMN`` and ``deliveries.FIELD=COLUMN``.

    A quoted value (``"schedule.provider='Metro Water'"``) is a constant for every row, as in
    :func:`atlas.mapping.parse_mapping`.

    Parameters
    ----------
    items
        Strings such as ``deliveries.arrived_at=When``.

    Returns
    -------
    dict
        ``{table: {field: column or Constant}}``.

    Raises
    ------
    MappingError
        An item is malformed or names an unknown table or field.
    """
    result: dict[str, dict[str, str | Constant]] = {}
    for item in items:
        target, sep, source = item.partition("=")
        table, dot, field_name = target.strip().partition(".")
        source = source.strip()
        if not sep or not dot or not field_name or not source:
            raise MappingError(
                f"Cannot read the mapping '{item}'. Write TABLE.FIELD=COLUMN (e.g. "
                "deliveries.arrived_at=When) or TABLE.FIELD='value' for a constant."
            )
        if table not in SCHEDULE_TABLES:
            raise MappingError(
                f"The mapping '{item}' names an unknown table '{table}'. "
                f"Tables are: {', '.join(SCHEDULE_TABLES)}."
            )
        names = [f.name for f in SCHEDULE_TABLES[table]]
        if field_name not in names:
            raise MappingError(
                f"The mapping '{item}' names an unknown {table} field '{field_name}'. "
                f"Fields are: {', '.join(names)}."
            )
        value: str | Constant
        if len(source) >= 2 and source[0] == source[-1] == "'":
            value = Constant(source[1:-1])
        elif len(source) >= 2 and source[0] == source[-1] == '"':
            value = source[1:-1]
        else:
            value = source
        result.setdefault(table, {})[field_name] = value
    return result


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV as text (empty cells as None), as a spreadsheet exports it.

    Raises
    ------
    DataFileError
        The file is missing or not readable as CSV.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"File not found: '{path}'. Check the path and the file name.")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(f"Could not read '{path.name}' as CSV ({exc}).") from None
    return table.astype(object).where(table != "", None)


def _lookup(columns: Sequence[str], name: str) -> str | None:
    if name in columns:
        return name
    matches = [c for c in columns if c.strip().lower() == name.lower()]
    return matches[0] if len(matches) == 1 else None


def _map_columns(
    frame: pd.DataFrame, table: str, mapping: Mapping[str, str | Constant] | None
) -> tuple[pd.DataFrame, list[Problem]]:
    """The canonical columns of ``table`` (missing optional ones empty) and how each was found."""
    fields = SCHEDULE_TABLES[table]
    mapping = dict(mapping or {})
    columns = [str(c) for c in frame.columns]
    problems: list[Problem] = []
    unknown = sorted(set(mapping) - {f.name for f in fields})
    if unknown:
        problems.append(
            Problem(
                "error",
                f"The mapping names unknown {table} fields: {', '.join(unknown)}.",
                f"Use the fields {', '.join(f.name for f in fields)}.",
            )
        )
    explicit = {v for v in mapping.values() if isinstance(v, str)}
    taken: set[str] = set()
    data: dict[str, Any] = {}
    for spec in fields:
        source = mapping.get(spec.name)
        column: str | None = None
        if isinstance(source, Constant):
            data[spec.name] = [source.value] * len(frame)
            problems.append(
                Problem("info", f"{spec.name} is set to {source.value!r} for every row (mapping).")
            )
            continue
        if isinstance(source, str):
            column = _lookup(columns, source)
            if column is None:
                problems.append(
                    Problem(
                        "error",
                        f"The mapping {table}.{spec.name}={source} names a column the file "
                        "does not have.",
                        f"Use one of the file's columns: {', '.join(columns) or '(none)'}.",
                        column=source,
                    )
                )
            else:
                problems.append(Problem("info", f"{spec.name} <- column '{column}' (mapping)."))
        else:
            for candidate in (spec.name, *spec.aliases):
                found = _lookup(columns, candidate)
                if found and found not in taken and found not in explicit:
                    column = found
                    how = "canonical name" if found.lower() == spec.name else "recognised alias"
                    problems.append(Problem("info", f"{spec.name} <- column '{found}' ({how})."))
                    break
        if column is None:
            if spec.required and not isinstance(source, str):
                problems.append(
                    Problem(
                        "error",
                        f"Required {table} column '{spec.name}' is missing: no column is called "
                        f"{spec.name} or one of its aliases ({', '.join(spec.aliases)}).",
                        f"Rename a column or map one with --map {table}.{spec.name}=COLUMN. "
                        f"The file's columns are: {', '.join(columns) or '(none)'}.",
                        column=spec.name,
                    )
                )
            data[spec.name] = [None] * len(frame)
            continue
        taken.add(column)
        data[spec.name] = [
            None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip() or None
            for v in frame[column].to_numpy(dtype=object)
        ]
    return pd.DataFrame(data, index=frame.index, dtype=object), problems


class _Rows:
    """Collects row problems by kind, so a report lists each kind once with all its rows."""

    def __init__(self) -> None:
        self.kinds: dict[tuple[str, str, str], tuple[list[int], list[str]]] = {}
        self.bad: set[int] = set()

    def add(
        self, line: int, message: str, fix: str, column: str, value: object, *, drop: bool = True
    ) -> None:
        rows, values = self.kinds.setdefault((message, fix, column), ([], []))
        rows.append(line)
        values.append("" if value is None else str(value))
        if drop:
            self.bad.add(line)

    def problems(self, severity: Literal["warning", "info"] = "warning") -> list[Problem]:
        return [
            Problem(severity, message, fix, column=column, rows=tuple(rows), values=tuple(values))
            for (message, fix, column), (rows, values) in self.kinds.items()
        ]


def _parse_time(text: str) -> time | None:
    match = _TIME.match(text.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _parse_weekday(text: str) -> int | None:
    word = text.strip().lower().rstrip(".")
    for number, name in enumerate(_WEEKDAYS):
        if word == name or (len(word) >= 3 and name.startswith(word)):
            return number
    return None


def _parse_volume(text: str | None) -> float | Literal[False] | None:
    """A volume as a float, None when empty, False when unreadable."""
    if text is None:
        return None
    try:
        value = float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        return False
    return value if np.isfinite(value) else False


def _parse_moment(text: str) -> datetime | None:
    """An ISO date-time in local time (converted when it has an offset), or None."""
    stripped = text.strip()
    if len(stripped) <= 10:  # a date alone has no time of arrival
        return None
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(LOCAL_TZ)


def _check_settlement(
    rows: _Rows, line: int, value: str | None, known: frozenset[str] | None
) -> bool:
    if value is None:
        rows.add(
            line,
            "Rows without a settlement_id are left out.",
            "Fill in the settlement_id.",
            "settlement_id",
            "",
        )
        return False
    if known is not None and value not in known:
        rows.add(
            line,
            "Rows naming a settlement that is not in the settlements layer are left out.",
            "Check the id against the settlements layer (ids are matched exactly).",
            "settlement_id",
            value,
        )
        return False
    return True


def _volumes(
    rows: _Rows, line: int, record: Mapping[Any, Any]
) -> tuple[float | None, float | None, bool]:
    out: list[float | None] = []
    ok = True
    for name in ("litres", "tanks"):
        value = _parse_volume(record[name])
        if value is False:
            rows.add(
                line,
                f"Rows whose {name} is not a number are left out.",
                f"Write {name} as a plain number, e.g. 5000.",
                name,
                record[name],
            )
            ok = False
            out.append(None)
        elif value is not None and value < 0:
            rows.add(
                line,
                f"Rows with a negative {name} are left out.",
                f"Write the {name} as a positive number.",
                name,
                record[name],
            )
            ok = False
            out.append(None)
        else:
            out.append(value)
    return out[0], out[1], ok


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
        Canonical field -> column name or :class:`~atlas.mapping.Constant`.
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
        mapping naming a missing column) are errors and leave no entries; bad rows are warnings
        naming their spreadsheet rows (the header is row 1).
    """
    mapped, problems = _map_columns(frame.reset_index(drop=True), "schedule", mapping)
    columns = ("line", "settlement_id", "provider", "weekday", "date", "start", "end")
    empty = pd.DataFrame(columns=[*columns, "litres", "tanks", "valid_from", "valid_to"])
    if mapped["weekday"].isna().all() and mapped["date"].isna().all() and len(mapped):
        problems.append(
            Problem(
                "error",
                "The schedule has no weekday or date: each entry needs one or the other.",
                "Add a 'weekday' column (Monday…Sunday) for weekly entries or a 'date' column "
                "(YYYY-MM-DD) for one-off entries, or map one with --map schedule.weekday=COLUMN.",
            )
        )
    report = Report("schedule", source, tuple(problems))
    if not report.ok:
        return empty, report
    if not any(p.column == "provider" for p in problems) and mapped["provider"].isna().all():
        problems.append(
            Problem(
                "warning",
                f"The schedule names no provider: every entry's provider is '{_NOT_GIVEN}'.",
                "Add a 'provider' column to compare providers.",
            )
        )
    known = _known(settlement_ids)
    rows = _Rows()
    out: list[dict[str, Any]] = []
    for i, record in enumerate(mapped.to_dict("records")):
        line = i + 2
        ok = _check_settlement(rows, line, record["settlement_id"], known)
        weekday = date_ = None
        if record["weekday"] is not None and record["date"] is not None:
            rows.add(
                line,
                "Rows with both a weekday and a date are left out: an entry is weekly or one-off.",
                "Keep the weekday for a weekly entry or the date for a one-off delivery.",
                "weekday",
                f"{record['weekday']} / {record['date']}",
            )
            ok = False
        elif record["weekday"] is None and record["date"] is None:
            rows.add(
                line,
                "Rows with neither a weekday nor a date are left out.",
                "Give a weekday (Monday…Sunday) or a date (YYYY-MM-DD).",
                "weekday",
                "",
            )
            ok = False
        elif record["weekday"] is not None:
            weekday = _parse_weekday(record["weekday"])
            if weekday is None:
                rows.add(
                    line,
                    "Rows whose weekday is not a day of the week are left out.",
                    "Write the day in English: Monday, Tuesday… (Mon, Tue… also work).",
                    "weekday",
                    record["weekday"],
                )
                ok = False
        else:
            date_ = _parse_date(record["date"])
            if date_ is None:
                rows.add(
                    line,
                    "Rows whose date cannot be read are left out.",
                    "Write dates as YYYY-MM-DD, e.g. 2026-08-03.",
                    "date",
                    record["date"],
                )
                ok = False
        times: dict[str, time | None] = {}
        for name in ("start", "end"):
            times[name] = None if record[name] is None else _parse_time(record[name])
            if times[name] is None:
                rows.add(
                    line,
                    f"Rows whose window {name} is missing or not a time are left out.",
                    "Write times as HH:MM in 24-hour local time, e.g. 08:00.",
                    name,
                    record[name],
                )
                ok = False
        start, end = times["start"], times["end"]
        if start is not None and end is not None and end < start:
            rows.add(
                line,
                "Rows whose window ends before it starts are left out.",
                "Check the times (24-hour clock); windows over midnight are not supported: "
                "split them into two entries.",
                "end",
                f"{record['start']}–{record['end']}",
            )
            ok = False
        litres, tanks, volume_ok = _volumes(rows, line, record)
        ok = ok and volume_ok
        validity: dict[str, date | None] = {}
        for name in ("valid_from", "valid_to"):
            validity[name] = None if record[name] is None else _parse_date(record[name])
            if record[name] is not None and validity[name] is None:
                rows.add(
                    line,
                    f"Rows whose {name} cannot be read are left out.",
                    "Write dates as YYYY-MM-DD, or leave the cell empty for no limit.",
                    name,
                    record[name],
                )
                ok = False
        vf, vt = validity["valid_from"], validity["valid_to"]
        if vf is not None and vt is not None and vt < vf:
            rows.add(
                line,
                "Rows whose validity ends before it starts are left out.",
                "Check valid_from and valid_to.",
                "valid_to",
                f"{record['valid_from']}–{record['valid_to']}",
            )
            ok = False
        if not ok:
            continue
        if litres is None and tanks is None:
            rows.add(
                line,
                "Entries without litres or tanks: their deliveries cannot be judged short.",
                "Add the promised volume to judge whether deliveries were in full.",
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
    table = pd.DataFrame(out, columns=empty.columns) if out else empty
    return table, report.extended([*problems[len(report.problems) :], *rows.problems()])


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
    """
    mapped, problems = _map_columns(frame.reset_index(drop=True), "deliveries", mapping)
    columns = ["line", "settlement_id", "arrived_at", "litres", "tanks", "reporter", "note"]
    report = Report("deliveries", source, tuple(problems))
    if not report.ok:
        return pd.DataFrame(columns=columns), report
    known = _known(settlement_ids)
    rows = _Rows()
    out: list[dict[str, Any]] = []
    for i, record in enumerate(mapped.to_dict("records")):
        line = i + 2
        ok = _check_settlement(rows, line, record["settlement_id"], known)
        moment = None if record["arrived_at"] is None else _parse_moment(record["arrived_at"])
        if moment is None:
            rows.add(
                line,
                "Rows whose arrival date and time is missing or cannot be read are left out.",
                "Write arrived_at as YYYY-MM-DD HH:MM (local time), e.g. 2026-08-03 09:15.",
                "arrived_at",
                record["arrived_at"],
            )
            ok = False
        litres, tanks, volume_ok = _volumes(rows, line, record)
        if not (ok and volume_ok) or moment is None:
            continue
        if litres is None and tanks is None:
            rows.add(
                line,
                "Reports without litres or tanks: these deliveries cannot be judged short.",
                "Note the litres or the number of tanks delivered.",
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
    table = pd.DataFrame(out, columns=columns) if out else pd.DataFrame(columns=columns)
    return table, report.extended(rows.problems())


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
            "There are no delivery reports to take the period from: give --from and --to "
            "(YYYY-MM-DD)."
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
        raise SchemaError(f"The period ends ({end}) before it starts ({start}): swap the dates.")
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
            "Tolerances must be a non-negative time and a share between 0 and 1 (0.1 = 10 %)."
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
    for *_, i, j in pairs:
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
        raise SchemaError(f"Unknown level '{level}'. Use one of: delivery, {', '.join(LEVELS)}.")
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
        raise SchemaError("The cluster level needs the settlements layer (for their clusters).")
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
    out["compliance"] = (out["delivered"] / out["scheduled"].where(out["scheduled"] > 0)).round(4)
    period = period or outcomes.attrs.get("period")
    lpd: dict[Any, float] = {}
    if period is not None and people and level not in ("week", "month"):
        days = (period[1] - period[0]).days + 1
        with_people = table[table["settlement_id"].isin(list(people))]
        for group, rows in with_people.groupby(key):
            population = sum(people[s] for s in rows["settlement_id"].unique())
            lpd[group] = round(float(rows["delivered_litres"].sum()) / population / days, 1)
    out["litres_per_person_day"] = [lpd.get(k, np.nan) for k in out.index]
    out = out.reset_index().rename(columns={"index": key})
    out.columns.name = None
    return out[columns].sort_values(key, kind="stable").reset_index(drop=True)


def _iso(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).isoformat()


def outcome_records(table: pd.DataFrame, level: str = "delivery") -> list[dict[str, Any]]:
    """The CLI's records: exactly the fields of the issue for ``level``.

    The delivery level has :data:`DELIVERY_COLUMNS` with ISO date-times (``+02:00``); the
    roll-ups have their key and :data:`ROLLUP_COLUMNS`. Missing values are None.
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
            record[column] = None if pd.isna(value) else _number(value)
        out.append(record)
    return out


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def compliance_sentence(scheduled: int, delivered: int) -> str:
    """``4 of 12 scheduled deliveries arrived on time and in full`` (plain words)."""
    if scheduled == 0:
        return "No deliveries were scheduled in this period"
    if scheduled == 1:
        return f"{delivered} of 1 scheduled delivery arrived on time and in full"
    return (
        f"{format_number(delivered)} of {format_number(scheduled)} scheduled deliveries "
        "arrived on time and in full"
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
STATUS_WORDS = {
    "delivered": "on time and in full",
    "late": "late",
    "short": "short",
    "missed": "missed",
    "unscheduled": "not on the schedule",
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
                "outcome": STATUS_WORDS[row["status"]],
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
