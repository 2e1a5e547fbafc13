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
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, select

from atlas.errors import AccessDenied, DataFileError, StoreError
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.deliveries import NewDelivery, checked_delivery, insert_delivery, kept_twice
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.imports import BATCH, ImportResult
from atlas.store.store import Store, audit_row
from atlas.store.times import now
from atlas.store.vocabulary import Role

__all__ = ["COLUMNS", "REQUIRED", "import_deliveries", "read_delivery_rows"]

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
        raise DataFileError(f"There is no file {source}: check the path.") from None
    except UnicodeDecodeError:
        raise DataFileError(
            f"{source.name} is not UTF-8 text: save it as 'CSV UTF-8' and import it again."
        ) from None
    except OSError as exc:
        raise DataFileError(f"Cannot read {source}: {exc.strerror}.") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise DataFileError(
                f"{source.name} has no column {', '.join(missing)}: a deliveries file has the "
                f"columns {', '.join(COLUMNS)} (the first line names them)."
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
            f"{source.name} is not a readable CSV file (line {reader.line_num}): {exc}."
        ) from None
    return rows


def _entry(values: Mapping[str, str]) -> NewDelivery:
    return NewDelivery(
        settlement_id=values.get("settlement_id", ""),
        arrived_at=values.get("arrived_at", ""),
        litres=values.get("litres") or None,
        tanks=values.get("tanks") or None,
        provider=values.get("provider") or None,
        note=values.get("note") or None,
        channel=values.get("channel") or "paper",
        external_id=values.get("external_id") or None,
    )


def _import_row(conn: Connection, user: User, values: Mapping[str, str], at: datetime) -> str:
    """Keep one row of a file: ``added`` or ``unchanged``; raises StoreError with the reason
    it is rejected (or AccessDenied)."""
    row = checked_delivery(conn, user, _entry(values))
    if row["external_id"] is None:
        raise StoreError(
            "No external_id: give every row its own id (the form's or the paper's number), "
            "so that importing the file again adds nothing twice."
        )
    t = schema.deliveries
    kept = conn.execute(select(t).where(t.c.external_id == row["external_id"])).first()
    if kept is not None:
        if all(getattr(kept, name) == row[name] for name in _COMPARED):
            return "unchanged"
        raise StoreError(
            f"external_id {row['external_id']} is already kept (delivery {kept.id}) with other "
            "values; the store never overwrites a delivery: a coordinator withdraws it, and it "
            "is recorded again under a new external_id."
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
) -> ImportResult:
    """Import deliveries from a CSV file (:data:`COLUMNS`; or rows of
    :func:`read_delivery_rows`), each row checked like :func:`add_delivery`. Idempotent on
    ``external_id``: a row kept already with the same values is *unchanged*, with other values
    *rejected*; every rejected line says why. Batches are committed one by one
    (``progress(rows_done, added)`` after each).

    Raises
    ------
    AccessDenied
        The actor is a viewer.
    DataFileError
        The file cannot be read or lacks a required column.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.MEMBER, "importing deliveries")
    items = read_delivery_rows(rows) if isinstance(rows, str | Path) else list(rows)
    result = ImportResult()
    first_line: dict[str, int] = {}
    for line, values in items:
        first_line.setdefault((values.get("external_id") or "").strip(), line)
    done = 0
    for start in range(0, len(items), batch):
        added = 0
        with writing(store.engine) as conn:
            user = acting(conn, actor, Role.MEMBER, "importing deliveries")
            serialise_report_writers(conn)
            stamp = now()
            for line, values in items[start : start + batch]:
                external_id = (values.get("external_id") or "").strip()
                if external_id and first_line[external_id] != line:
                    reason = (
                        f"external_id {external_id} is on line {first_line[external_id]} "
                        "already: give every row its own id."
                    )
                    result.rejected.append({"line": line, "reason": reason})
                    continue
                try:
                    outcome = _import_row(conn, user, values, stamp)
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
