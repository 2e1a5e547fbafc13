"""Deliveries from a CSV file: each row checked like a delivery recorded by hand
(:func:`atlas.store.add_delivery`), idempotent on ``external_id``.

The file has the columns of the delivery file the schedule comparison reads
(:func:`atlas.schedules.read_deliveries`: ``settlement_id, arrived_at, litres, tanks, reporter,
note``) plus ``external_id``, and optionally ``provider`` and ``channel`` (``paper`` when not
given). Its ``reporter`` (a resident's name) is not kept: the store records who imported the
row. Rows are written in batches, each its own transaction, as :mod:`atlas.store.imports` does
for reports; running the same file again adds nothing twice: a row whose ``external_id`` is
kept with the same values is *unchanged*, with other values *rejected* (never overwritten).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select

from atlas.errors import AccessDenied, DataFileError, StoreError
from atlas.i18n import _
from atlas.load.numbers import read_numbers
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.deliveries import NewDelivery, checked_delivery, insert_delivery, kept_twice
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.imports import BATCH, ImportResult
from atlas.store.store import Store, audit_row
from atlas.store.times import now
from atlas.store.vocabulary import Role

__all__ = ["COLUMNS", "REQUIRED", "DeliveryImport", "import_deliveries", "read_delivery_rows"]

#: The columns of a deliveries file, in order (``reporter`` is read and not kept).
COLUMNS = (
    "external_id",
    "settlement_id",
    "arrived_at",
    "litres",
    "tanks",
    "provider",
    "reporter",
    "note",
    "channel",
)
#: The columns every file must have (the others may be left out or empty).
REQUIRED = ("external_id", "settlement_id", "arrived_at")
#: What is compared to tell an unchanged row from a changed one.
_COMPARED = ("settlement_id", "arrived_at", "litres", "tanks", "provider", "note", "channel")


def read_delivery_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a deliveries CSV with the line each starts on (the header is line 1).

    Raises
    ------
    DataFileError
        The file cannot be read, is not UTF-8 text, or lacks a required column.
    """
    source = Path(path)
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(_("There is no file {file}: check the path.", file=source)) from None
    except UnicodeDecodeError:
        raise DataFileError(
            _(
                "{file} is not UTF-8 text: save it as 'CSV UTF-8' and import it again.",
                file=source.name,
            )
        ) from None
    except OSError as exc:
        raise DataFileError(
            _("Cannot read {file}: {reason}.", file=source, reason=exc.strerror)
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise DataFileError(
                _(
                    "{file} has no column {missing}: a deliveries file has the columns "
                    "{columns} (the first line names them).",
                    file=source.name,
                    missing=", ".join(missing),
                    columns=", ".join(COLUMNS),
                )
            )
        while True:
            # A row starts on the line after the previous one ended (a quoted note may span
            # several lines; blank lines are skipped but still counted).
            start = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                break
            if any(f.strip() for f in fields):
                values = dict(zip(header, (f.strip() for f in fields), strict=False))
                rows.append((start, {k: values.get(k, "") for k in header}))
    except csv.Error as exc:
        raise DataFileError(
            _(
                "{file} is not a readable CSV file (line {line}): {reason}.",
                file=source.name,
                line=reader.line_num,
                reason=exc,
            )
        ) from None
    return rows


@dataclass
class DeliveryImport(ImportResult):
    """What an import of deliveries did (:class:`~atlas.store.ImportResult`), and how the
    file's numbers were read: ``warnings`` name the convention understood in a column
    (``10,000`` read as ten thousand litres) and the lines that needed it."""

    warnings: list[str] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """:meth:`ImportResult.to_record`, with ``"warnings": [...]`` when there are some."""
        record = super().to_record()
        return record | {"warnings": list(self.warnings)} if self.warnings else record


_VOLUMES = ("litres", "tanks")


def _volumes(
    items: Sequence[tuple[int, Mapping[str, str]]],
) -> tuple[list[dict[str, float | str | None]], list[str]]:
    """The litres and tanks of every row, each column read as one (``10,000`` is ten thousand
    in a column that writes thousands so): a number, the text when it was refused (the row's
    check says why), or None when empty; and a warning per column read with a convention."""
    out: list[dict[str, float | str | None]] = [{} for _item in items]
    warnings = []
    for name in _VOLUMES:
        texts = pd.Series([values.get(name) or None for _line, values in items], dtype=object)
        reading = read_numbers(texts, integer=name == "litres")
        refused = dict(zip(reading.refused, reading.reasons, strict=False))
        for i, value in enumerate(reading.values):
            if i + 1 in refused:
                text = str(texts.iloc[i])
                out[i][name] = _AMBIGUOUS if refused[i + 1] == "ambiguous" else text
            else:
                out[i][name] = None if pd.isna(value) else float(value)
        if reading.convention is not None:
            lines = ", ".join(str(items[p - 1][0]) for p in reading.changed)
            # TRANSLATORS: {column} is a column's name (litres), {convention} how its numbers
            # were read, e.g. "a comma as thousands separator ('10,000' = 10000)".
            warnings.append(
                _(
                    "{column} read with {convention} (lines {lines}).",
                    column=name,
                    convention=reading.convention,
                    lines=lines,
                )
            )
    return out, warnings


#: Marks a volume that could be read two ways in its column.
_AMBIGUOUS = "\0ambiguous"


def _entry(values: Mapping[str, str], volumes: Mapping[str, float | str | None]) -> NewDelivery:
    for name in _VOLUMES:
        if volumes.get(name) == _AMBIGUOUS:
            raise StoreError(
                _(
                    "The {column} '{value}' could be read two ways: the column mixes a comma "
                    "and a dot, and no value shows which one is the decimal separator. Write "
                    "the {column} of the whole file in one way, e.g. 10000 or 10 000, and "
                    "import it again.",
                    column=name,
                    value=values.get(name, "").strip(),
                )
            )
    return NewDelivery(
        settlement_id=values.get("settlement_id", ""),
        arrived_at=values.get("arrived_at", ""),
        litres=volumes.get("litres"),
        tanks=volumes.get("tanks"),
        provider=values.get("provider") or None,
        note=values.get("note") or None,
        channel=values.get("channel") or "paper",
        external_id=values.get("external_id") or None,
    )


def _repeated(line: int, earlier: int, kept: Mapping[str, str], values: Mapping[str, str]) -> str:
    """Why a line whose external_id is on an earlier line of the file is not imported."""
    if _cells(kept) == _cells(values):
        return _(
            "it repeats line {line} (the same external_id and values): the delivery is "
            "imported once.",
            line=earlier,
        )
    return _(
        "external_id {external_id} is on line {line} already: give every row its own id.",
        external_id=values["external_id"].strip(),
        line=earlier,
    )


def _cells(values: Mapping[str, str]) -> dict[str, str]:
    return {k: (v or "").strip() for k, v in values.items() if (v or "").strip()}


def _import_row(
    conn: Connection,
    user: User,
    values: Mapping[str, str],
    volumes: Mapping[str, float | str | None],
    at: datetime,
) -> str:
    """Keep one row of a file: ``added`` or ``unchanged``; raises StoreError with the reason
    it is rejected (or AccessDenied)."""
    row = checked_delivery(conn, user, _entry(values, volumes))
    if row["external_id"] is None:
        raise StoreError(
            _(
                "No external_id: give every row its own id (the form's or the paper's number), "
                "so that importing the file again adds nothing twice."
            )
        )
    t = schema.deliveries
    kept = conn.execute(select(t).where(t.c.external_id == row["external_id"])).first()
    if kept is not None:
        if all(getattr(kept, name) == row[name] for name in _COMPARED):
            return "unchanged"
        raise StoreError(
            _(
                "external_id {external_id} is already kept (delivery {delivery}) with other "
                "values; the store never overwrites a delivery: a coordinator withdraws it, and "
                "it is recorded again under a new external_id.",
                external_id=row["external_id"],
                delivery=kept.id,
            )
        )
    twice = kept_twice(conn, row)
    if twice is not None:
        raise StoreError(twice)
    insert_delivery(conn, user, row, at)
    return "added"


def import_deliveries(
    store: Store,
    actor: User,
    rows: str | Path | Iterable[tuple[int, Mapping[str, str]]],
    *,
    progress: Callable[[int, int], None] = lambda _done, _added: None,
    batch: int = BATCH,
) -> DeliveryImport:
    """Import deliveries from a CSV file (:data:`COLUMNS`; or rows of
    :func:`read_delivery_rows`), each row checked like :func:`add_delivery`. Idempotent on
    ``external_id``: a row kept already with the same values is *unchanged*, with other values
    *rejected*; every rejected line says why, and a line repeating an earlier line of the file
    is imported once. Litres and tanks are read one column at a time
    (:func:`atlas.load.numbers.read_numbers`: ``10,000`` is ten thousand), the convention
    understood named in the result's ``warnings``. Batches are committed one by one
    (``progress(rows_done, added)`` after each).

    Raises
    ------
    AccessDenied
        The actor is a viewer.
    DataFileError
        The file cannot be read or lacks a required column.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.MEMBER, _("importing deliveries"))
    items = read_delivery_rows(rows) if isinstance(rows, str | Path) else list(rows)
    volumes, warnings = _volumes(items)
    result = DeliveryImport(warnings=warnings)
    first: dict[str, tuple[int, Mapping[str, str]]] = {}
    for line, values in items:
        first.setdefault((values.get("external_id") or "").strip(), (line, values))
    done = 0
    for start in range(0, len(items), batch):
        added = 0
        with writing(store.engine) as conn:
            user = acting(conn, actor, Role.MEMBER, _("importing deliveries"))
            serialise_report_writers(conn)
            stamp = now()
            for offset, (line, values) in enumerate(items[start : start + batch]):
                external_id = (values.get("external_id") or "").strip()
                if external_id and first[external_id][0] != line:
                    result.rejected.append(
                        {"line": line, "reason": _repeated(line, *first[external_id], values)}
                    )
                    continue
                try:
                    outcome = _import_row(conn, user, values, volumes[start + offset], stamp)
                except (StoreError, AccessDenied) as exc:
                    result.rejected.append({"line": line, "reason": str(exc)})
                    continue
                added += outcome == "added"
                result.unchanged += outcome == "unchanged"
            if added:
                audit_row(conn, user.name, "deliveries.imported", None, at=stamp, added=added)
        result.added += added
        done += len(items[start : start + batch])
        progress(done, result.added)
    return result
