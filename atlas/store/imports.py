"""Reports from a CSV file: each row checked like a typed report, idempotent on ``external_id``.

Rows are written in batches, each its own transaction: when a batch is committed the import
says so (``progress``), and those reports are kept whatever happens next, even a kill. Running
the same file again adds nothing twice: a row whose ``external_id`` is already kept with the
same values is *unchanged*; with other values it is *rejected* (the store never overwrites a
report; change it with ``update_report``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from atlas.errors import AccessDenied, DataFileError, StoreError
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.reports import NewReport, checked_row, insert_report
from atlas.store.store import Store, audit_row
from atlas.store.times import now
from atlas.store.vocabulary import Role

__all__ = ["BATCH", "COLUMNS", "REQUIRED", "ImportResult", "import_reports", "read_report_rows"]

#: The columns of a reports file, in order.
COLUMNS = (
    "external_id",
    "settlement_id",
    "service_id",
    "category",
    "problem",
    "observed_at",
    "note",
    "contact",
    "channel",
)
#: The columns every file must have (the others may be left out or empty).
REQUIRED = ("external_id", "settlement_id", "category", "problem", "observed_at")
#: Rows written per transaction.
BATCH = 100
#: What is compared to tell an unchanged row from a changed one.
_COMPARED = (
    "settlement_id",
    "service_id",
    "category",
    "problem",
    "observed_at",
    "description",
    "contact",
    "channel",
)


@dataclass
class ImportResult:
    """What an import did: rows added, rows already kept as they are, rows refused (with the
    file's line number and the reason)."""

    added: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """``{"added": N, "unchanged": N, "rejected": [{"line": N, "reason": …}]}``."""
        return {"added": self.added, "unchanged": self.unchanged, "rejected": list(self.rejected)}


def read_report_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a reports CSV with the line each starts on (the header is line 1).

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
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise DataFileError(
                f"{source.name} has no column {', '.join(missing)}: a reports file has the "
                f"columns {', '.join(COLUMNS)} (the first line names them)."
            )
        rows = []
        while True:
            # A row starts on the line after the previous one ended (a quoted note may span
            # several lines; blank lines are skipped but still counted).
            start = reader.line_num + 1
            fields = next(reader, None)
            if fields is None:
                break
            if not any(f.strip() for f in fields):
                continue
            values = dict(zip(header, (f.strip() for f in fields), strict=False))
            rows.append((start, {k: values.get(k, "") for k in header}))
    except csv.Error as exc:
        raise DataFileError(
            f"{source.name} is not a readable CSV file (line {reader.line_num}): {exc}."
        ) from None
    return rows


def _entry(values: Mapping[str, str]) -> NewReport:
    return NewReport(
        settlement_id=values.get("settlement_id", ""),
        category=values.get("category", ""),
        problem=values.get("problem", ""),
        observed_at=values.get("observed_at", ""),
        service_id=values.get("service_id") or None,
        note=values.get("note") or None,
        contact=values.get("contact") or None,
        channel=values.get("channel") or "paper",
        external_id=values.get("external_id") or None,
    )


def _same(kept: Any, row: Mapping[str, Any]) -> bool:
    return all(getattr(kept, name) == row[name] for name in _COMPARED)


def _write_batch(
    conn: Connection,
    user: User,
    batch: Iterable[tuple[int, Mapping[str, str]]],
    result: ImportResult,
    first_line: Mapping[str, int],
) -> int:
    added = 0
    stamp = now()
    for line, values in batch:
        external_id = (values.get("external_id") or "").strip()
        if external_id and first_line.get(external_id, line) != line:
            result.rejected.append(
                {
                    "line": line,
                    "reason": f"external_id {external_id} is on line "
                    f"{first_line[external_id]} already: give every row its own id.",
                }
            )
            continue
        try:
            row = checked_row(conn, user, _entry(values))
        except (StoreError, AccessDenied) as exc:
            result.rejected.append({"line": line, "reason": str(exc)})
            continue
        if row["external_id"] is None:
            result.rejected.append(
                {
                    "line": line,
                    "reason": "No external_id: give every row its own id (the form's or the "
                    "paper's number), so that importing the file again adds nothing twice.",
                }
            )
            continue
        kept = conn.execute(
            select(schema.reports).where(schema.reports.c.external_id == row["external_id"])
        ).first()
        if kept is None:
            insert_report(conn, user, row, stamp)
            added += 1
        elif _same(kept, row):
            result.unchanged += 1
        else:
            result.rejected.append(
                {
                    "line": line,
                    "reason": f"external_id {row['external_id']} is already kept (report "
                    f"{kept.id}) with other values; the store never overwrites a report: "
                    "a coordinator changes its state instead.",
                }
            )
    result.added += added
    return added


def import_reports(
    store: Store,
    actor: User,
    rows: str | Path | Iterable[tuple[int, Mapping[str, str]]],
    *,
    progress: Callable[[int, int], None] = lambda _done, _added: None,
    batch: int = BATCH,
) -> ImportResult:
    """Import reports from a CSV file (or rows of :func:`read_report_rows`).

    ``progress(rows_done, added)`` is called after each batch is committed: from then on
    those reports are kept.

    Raises
    ------
    AccessDenied
        The actor is a viewer.
    DataFileError
        The file cannot be read or lacks a required column.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.MEMBER, "importing reports")
    items = read_report_rows(rows) if isinstance(rows, str | Path) else list(rows)
    result = ImportResult()
    first_line: dict[str, int] = {}
    for line, values in items:
        external_id = (values.get("external_id") or "").strip()
        if external_id:
            first_line.setdefault(external_id, line)
    done = 0
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        with writing(store.engine) as conn:
            user = acting(conn, actor, Role.MEMBER, "importing reports")
            serialise_report_writers(conn)
            added = _write_batch(conn, user, chunk, result, first_line)
            if added:
                audit_row(conn, user.name, "reports.imported", None, added=added)
        done += len(chunk)
        progress(done, result.added)
    return result
