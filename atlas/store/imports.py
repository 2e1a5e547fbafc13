"""Reports from a file: each row checked like a typed report, idempotent on its external id.

Rows are written in batches, each its own transaction: when a batch is committed the import
says so (``progress``), and those reports are kept whatever happens next, even a kill. Running
the same file again adds nothing twice: a row whose ``external_id`` is already kept with the
same values is *unchanged*; with other values it is *rejected* (the store never overwrites a
report; change it with ``update_report``).

Besides the atlas's own reports table (:data:`COLUMNS`), :func:`import_reports` takes rows
already read from other files: :class:`~atlas.store.reports.NewReport` entries (a survey,
:mod:`atlas.store.surveys`), :class:`FormVersion` entries (one version of a field-form
submission, :mod:`atlas.store.fieldforms`, whose later versions correct the report: see
:mod:`atlas.store.edits`) and :class:`Refused` rows (what a reader could not make a report of,
with why); :func:`~atlas.store.tables.read_table` reads their CSV or XLSX files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from atlas.errors import AccessDenied, DataFileError, StoreError
from atlas.i18n import _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.edits import write_version
from atlas.store.engine import serialise_report_writers, writing
from atlas.store.reports import NewReport, checked_row, insert_report
from atlas.store.store import Store, audit_row
from atlas.store.tables import read_table
from atlas.store.times import now
from atlas.store.vocabulary import Role

__all__ = [
    "BATCH",
    "COLUMNS",
    "REQUIRED",
    "FormVersion",
    "ImportResult",
    "ImportRow",
    "Refused",  # i18n-ignore: a name of the API
    "import_reports",
    "read_report_rows",
]

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
    """What an import did: rows added, reports corrected by a later version of their form
    (``edited``), rows already kept as they are, rows refused (with the file's line number, or
    the sheet's row number, and the reason)."""

    added: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    edited: int = 0

    def to_record(self) -> dict[str, Any]:
        """``{"added": N, "unchanged": N, "rejected": [{"line": N, "reason": …}]}``, with
        ``"edited": N`` when a report was edited."""
        record: dict[str, Any] = {"added": self.added}
        if self.edited:
            record["edited"] = self.edited
        return record | {"unchanged": self.unchanged, "rejected": list(self.rejected)}


@dataclass(frozen=True)
class FormVersion:
    """One version of a field-form submission, as a report.

    ``report.external_id`` is this version's instance id (``uuid:…``); ``root`` the id the
    submission was first sent under, when the export says it (KoboToolbox's ``meta/rootUuid``,
    ODK Central's ``KEY``); ``replaces`` the version this one edits (``meta/deprecatedID``).
    """

    report: NewReport
    root: str | None = None
    replaces: str | None = None


@dataclass(frozen=True)
class Refused:
    """A row a reader could make no report of, and why (what is wrong, how to fix it)."""

    reason: str


#: A row of an import: the columns of a reports file, or an entry a reader made of a row.
ImportRow = Mapping[str, str] | NewReport | FormVersion | Refused


def read_report_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a reports CSV (or XLSX) file with the line each starts on (the header is
    line 1).

    Raises
    ------
    DataFileError
        The file cannot be read, is not UTF-8 text, or lacks a required column.
    """
    source = Path(path)
    header, body = read_table(source)
    header = [h.lower() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFileError(
            _(
                "{file} has no column {missing}: a reports file has the columns {columns} "
                "(the first line names them).",
                file=source.name,
                missing=", ".join(missing),
                columns=", ".join(COLUMNS),
            )
        )
    rows = []
    for line, cells in body:
        values = dict(zip(header, cells, strict=False))
        rows.append((line, {k: values.get(k, "") for k in header}))
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


def _key(item: ImportRow) -> str:
    """The external id a row comes in under (empty when it has none)."""
    if isinstance(item, Refused):
        return ""
    if isinstance(item, FormVersion):
        return (item.report.external_id or "").strip()
    if isinstance(item, NewReport):
        return (item.external_id or "").strip()
    return (item.get("external_id") or "").strip()


def _same(kept: Any, row: Mapping[str, Any]) -> bool:
    return all(getattr(kept, name) == row[name] for name in _COMPARED)


def _write_one(conn: Connection, user: User, item: ImportRow, stamp: datetime) -> str:
    """Write one row: ``added``, ``edited`` or ``unchanged``; a refused row raises StoreError
    (or AccessDenied) saying why."""
    if isinstance(item, Refused):
        raise StoreError(item.reason)
    entry = item.report if isinstance(item, FormVersion) else item
    row = checked_row(conn, user, entry if isinstance(entry, NewReport) else _entry(entry))
    if isinstance(item, FormVersion):
        earlier = tuple(x for x in (item.replaces, item.root) if x)
        return write_version(conn, user, row, earlier, root=item.root, at=stamp)
    if row["external_id"] is None:
        raise StoreError(
            _(
                "No external_id: give every row its own id (the form's or the paper's number), "
                "so that importing the file again adds nothing twice."
            )
        )
    kept = conn.execute(
        select(schema.reports).where(schema.reports.c.external_id == row["external_id"])
    ).first()
    if kept is None:
        insert_report(conn, user, row, stamp)
        return "added"
    if _same(kept, row):
        return "unchanged"
    raise StoreError(
        _(
            "external_id {external_id} is already kept (report {report}) with other values; the "
            "store never overwrites a report: a coordinator changes its state instead.",
            external_id=row["external_id"],
            report=kept.id,
        )
    )


def _write_batch(
    conn: Connection,
    user: User,
    batch: Iterable[tuple[int, ImportRow]],
    result: ImportResult,
    first_line: Mapping[str, int],
) -> tuple[int, int]:
    counts = {"added": 0, "edited": 0, "unchanged": 0}
    stamp = now()
    for line, item in batch:
        external_id = _key(item)
        if external_id and first_line.get(external_id, line) != line:
            fields = {"external_id": external_id, "line": first_line[external_id]}
            reason = (
                _(
                    "submission {external_id} is on line {line} already: an export holds each "
                    "submission once; remove the copy.",
                    **fields,
                )
                if isinstance(item, FormVersion)
                else _(
                    "external_id {external_id} is on line {line} already: give every row its "
                    "own id.",
                    **fields,
                )
            )
            result.rejected.append({"line": line, "reason": reason})
            continue
        try:
            counts[_write_one(conn, user, item, stamp)] += 1
        except (StoreError, AccessDenied) as exc:
            result.rejected.append({"line": line, "reason": str(exc)})
    result.added += counts["added"]
    result.edited += counts["edited"]
    result.unchanged += counts["unchanged"]
    return counts["added"], counts["edited"]


def _in_order(items: Sequence[tuple[int, ImportRow]]) -> list[tuple[int, ImportRow]]:
    """``items`` with each edit after the version it edits when both are in the file (an
    export may list an edit first), otherwise in the file's order."""
    versions: dict[str, int] = {}
    for i, (_line, item) in enumerate(items):
        if isinstance(item, FormVersion) and item.report.external_id:
            versions.setdefault(item.report.external_id, i)
    if not versions:
        return list(items)

    def depth(i: int) -> int:
        seen = {i}
        found = 0
        item = items[i][1]
        while isinstance(item, FormVersion):
            own = item.report.external_id
            parents = [versions.get(x) for x in (item.replaces, item.root) if x and x != own]
            parent = next((j for j in parents if j is not None and j not in seen), None)
            if parent is None:
                break
            seen.add(parent)
            found += 1
            item = items[parent][1]
        return found

    order = sorted(range(len(items)), key=lambda i: (depth(i), i))
    return [items[i] for i in order]


def import_reports(
    store: Store,
    actor: User,
    rows: str | Path | Iterable[tuple[int, ImportRow]],
    *,
    progress: Callable[[int, int], None] = lambda _done, _added: None,
    batch: int = BATCH,
) -> ImportResult:
    """Import reports from a CSV file (or rows of :func:`read_report_rows`, or entries a
    reader made: see :data:`ImportRow`).

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
        acting(conn, actor, Role.MEMBER, _("importing reports"))
    items = read_report_rows(rows) if isinstance(rows, str | Path) else list(rows)
    result = ImportResult()
    first_line: dict[str, int] = {}
    for line, item in items:
        external_id = _key(item)
        if external_id:
            first_line.setdefault(external_id, line)
    items = _in_order(items)
    done = 0
    for start in range(0, len(items), batch):
        chunk = items[start : start + batch]
        with writing(store.engine) as conn:
            user = acting(conn, actor, Role.MEMBER, _("importing reports"))
            serialise_report_writers(conn)
            added, edited = _write_batch(conn, user, chunk, result, first_line)
            if edited:
                audit_row(conn, user.name, "reports.imported", None, added=added, edited=edited)
            elif added:
                audit_row(conn, user.name, "reports.imported", None, added=added)
        done += len(chunk)
        progress(done, result.added)
    result.rejected.sort(key=lambda r: r["line"])
    return result
