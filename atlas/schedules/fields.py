"""Schedule and delivery-report tables: canonical fields, column mapping, value parsers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from atlas.errors import DataFileError
from atlas.i18n import _
from atlas.load.columns import Constant, parse_mapping
from atlas.load.numbers import NumberReading
from atlas.problems import Problem
from atlas.schedules.constants import _TIME, _WEEKDAYS, LOCAL_TZ
from atlas.schedules.values import refusal


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

    :func:`atlas.load.columns.parse_mapping` over the schedule tables: a quoted value
    (``"schedule.provider='Metro Water'"``) is a constant for every row.

    Raises
    ------
    MappingError
        An item is malformed or names an unknown table or field.
    """
    fields = {table: [f.name for f in spec] for table, spec in SCHEDULE_TABLES.items()}
    return parse_mapping(items, fields, what="table", example="deliveries.arrived_at=When")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV as text (empty cells as None), as a spreadsheet exports it.

    Raises
    ------
    DataFileError
        The file is missing or not readable as CSV.
    """
    path = Path(path)
    if not path.exists():
        raise DataFileError(
            _("File not found: '{path}'. Check the path and the file name.", path=path)
        )
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileError(
            _("Could not read '{name}' as CSV ({error}).", name=path.name, error=exc)
        ) from None
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
                _(
                    "The mapping names unknown {table} fields: {fields}.",
                    table=table,
                    fields=", ".join(unknown),
                ),
                _("Use the fields {fields}.", fields=", ".join(f.name for f in fields)),
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
                Problem(
                    "info",
                    _(
                        "{field} is set to {value} for every row (mapping).",
                        field=spec.name,
                        value=repr(source.value),
                    ),
                )
            )
            continue
        if isinstance(source, str):
            column = _lookup(columns, source)
            if column is None:
                problems.append(
                    Problem(
                        "error",
                        _(
                            "The mapping {table}.{field}={column} names a column the file does "
                            "not have.",
                            table=table,
                            field=spec.name,
                            column=source,
                        ),
                        _(
                            "Use one of the file's columns: {columns}.",
                            columns=", ".join(columns) or _("(none)"),
                        ),
                        column=source,
                    )
                )
            else:
                problems.append(
                    Problem(
                        "info",
                        _(
                            "{field} <- column '{column}' (mapping).",
                            field=spec.name,
                            column=column,
                        ),
                    )
                )
        else:
            for candidate in (spec.name, *spec.aliases):
                found = _lookup(columns, candidate)
                if found and found not in taken and found not in explicit:
                    column = found
                    how = (
                        _(
                            "{field} <- column '{column}' (canonical name).",
                            field=spec.name,
                            column=found,
                        )
                        if found.lower() == spec.name
                        else _(
                            "{field} <- column '{column}' (recognised alias).",
                            field=spec.name,
                            column=found,
                        )
                    )
                    problems.append(Problem("info", how))
                    break
        if column is None:
            if spec.required and not isinstance(source, str):
                problems.append(
                    Problem(
                        "error",
                        _(
                            "Required {table} column '{field}' is missing: no column is called "
                            "{field} or one of its aliases ({aliases}). The file's columns are: "
                            "{columns}.",
                            table=table,
                            field=spec.name,
                            aliases=", ".join(spec.aliases),
                            columns=", ".join(columns) or _("(none)"),
                        ),
                        _(
                            "Rename a column, or map one: mapping={{'{field}': 'COLUMN'}}.",
                            field=spec.name,
                        ),
                        column=spec.name,
                        code="table.missing",
                        params={"table": table, "field": spec.name},
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

    def __init__(self, table: str = "") -> None:
        self.table = table
        self.kinds: dict[tuple[str, str, str, str], tuple[list[int], list[str]]] = {}
        self.bad: set[int] = set()

    def add(
        self,
        line: int,
        message: str,
        fix: str,
        column: str,
        value: object,
        *,
        drop: bool = True,
        code: str = "",
    ) -> None:
        rows, values = self.kinds.setdefault((message, fix, column, code), ([], []))
        rows.append(line)
        values.append("" if value is None else str(value))
        if drop:
            self.bad.add(line)

    def problems(self, severity: Literal["warning", "info"] = "warning") -> list[Problem]:
        return [
            Problem(
                severity,
                message,
                fix,
                column=column,
                rows=tuple(rows),
                values=tuple(values),
                code=code,
                params={"table": self.table, "column": column} if code else {},
            )
            for (message, fix, column, code), (rows, values) in self.kinds.items()
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
            _("Rows without a settlement_id are left out."),
            _("Fill in the settlement_id."),
            "settlement_id",
            "",
        )
        return False
    if known is not None and value not in known:
        rows.add(
            line,
            _("Rows naming a settlement that is not in the settlements layer are left out."),
            _("Check the id against the settlements layer (ids are matched exactly)."),
            "settlement_id",
            value,
        )
        return False
    return True


def _volumes(
    rows: _Rows, line: int, record: Mapping[Any, Any], readings: Mapping[str, NumberReading]
) -> tuple[float | None, float | None, bool]:
    """The litres and tanks of the row on spreadsheet ``line`` (read by column: ``readings``),
    and whether the row may be used."""
    out: list[float | None] = []
    ok = True
    for name in ("litres", "tanks"):
        reading = readings[name]
        refused = refusal(reading, line - 2, name)
        value = reading.values.iloc[line - 2]
        if refused is not None:
            rows.add(line, *refused, name, record[name], code="table.number_refused")
            ok = False
            out.append(None)
        elif pd.notna(value) and value < 0:
            rows.add(
                line,
                _("Rows with a negative {column} are left out.", column=name),
                _("Write the {column} as a positive number.", column=name),
                name,
                record[name],
                code="table.negative",
            )
            ok = False
            out.append(None)
        else:
            out.append(None if pd.isna(value) else float(value))
    return out[0], out[1], ok
