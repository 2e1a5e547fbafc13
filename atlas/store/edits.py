"""Reports corrected in their field form: every version a submission comes in under is kept in
``report_versions``, and a later version (an edit in KoboToolbox or ODK Central: a record whose
``meta/deprecatedID`` names an earlier one, or whose root id is already kept) corrects its
report instead of adding another.

An edit is never an overwrite without a trace: the report's row takes the corrected values
(category, problem, observed time, note, service point, place) and a ``report_history`` row,
whose state stays the report's state, says what changed and who imported it; the audit log says
so too. The same version imported again changes nothing, nor does the earlier one once the
edit is kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from atlas.errors import StoreError
from atlas.i18n import _
from atlas.store import schema
from atlas.store.accounts import User
from atlas.store.reports import insert_report
from atlas.store.store import audit_row
from atlas.store.times import iso

__all__ = ["EDITABLE", "kept_report", "write_version"]

#: What an edit in the form may correct, as the report row names it.
EDITABLE = ("category", "problem", "observed_at", "description", "service_id", "lon", "lat")
#: How a history note names each correction. The note is kept in the store, read in every
#: session's language alike: it stays in English, as the store's records do (DESIGN §8).
_NAMES = {
    "category": "category",
    "problem": "problem",
    "observed_at": "seen at",  # i18n-ignore: kept in the store's history
    "description": "note",
    "service_id": "service point",  # i18n-ignore: kept in the store's history
}
_SHOWN = 60


def kept_report(conn: Connection, external_id: str) -> str | None:
    """The id of the report that came in under ``external_id`` (any of its versions, or the
    external id of a report from a file), None when no report did."""
    v, r = schema.report_versions, schema.reports
    found = conn.execute(select(v.c.report_id).where(v.c.external_id == external_id)).first()
    if found is None:
        found = conn.execute(select(r.c.id).where(r.c.external_id == external_id)).first()
    return None if found is None else str(found[0])


def _keep_version(conn: Connection, external_id: str, report_id: str, at: datetime) -> None:
    """Record that ``report_id`` came in under ``external_id`` (once)."""
    v = schema.report_versions
    if conn.execute(select(v.c.report_id).where(v.c.external_id == external_id)).first() is None:
        conn.execute(insert(v).values(external_id=external_id, report_id=report_id, recorded_at=at))


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, datetime):
        return iso(value) or ""
    text = " ".join(str(value).split())
    return f"'{text[:_SHOWN]}…'" if len(text) > _SHOWN else f"'{text}'"


def _changes(kept: Any, row: Mapping[str, Any]) -> list[str]:
    """The corrections ``row`` makes to ``kept``, in words (empty when none)."""
    said = []
    for name in ("category", "problem"):
        if getattr(kept, name) != row[name]:
            said.append(f"{name} {getattr(kept, name)} → {row[name]}")
    for name in ("observed_at", "service_id", "description"):
        if getattr(kept, name) != row[name]:
            said.append(f"{_NAMES[name]} {_shown(getattr(kept, name))} → {_shown(row[name])}")
    if (kept.lon, kept.lat) != (row["lon"], row["lat"]):

        def place(lon: float | None, lat: float | None) -> str:
            return "none" if lon is None or lat is None else f"({lon:.6f}, {lat:.6f})"

        said.append(f"place {place(kept.lon, kept.lat)} → {place(row['lon'], row['lat'])}")
    return said


def _apply_edit(
    conn: Connection, user: User, report_id: str, row: Mapping[str, Any], at: datetime
) -> bool:
    """Correct the report with ``row``'s values: True when something changed.

    Raises
    ------
    StoreError
        The edit moves the report to another settlement, or dates it after its next step.
    """
    r, h = schema.reports, schema.report_history
    kept = conn.execute(select(r).where(r.c.id == report_id).with_for_update()).one()
    if kept.settlement_id != row["settlement_id"]:
        raise StoreError(
            _(
                "The edit moves report {report} from settlement {kept} to {settlement}: a report "
                "stays with its settlement. Ask a coordinator to reject the report, and send the "
                "problem again as a new submission.",
                report=report_id,
                kept=kept.settlement_id,
                settlement=row["settlement_id"],
            )
        )
    changed = [name for name in EDITABLE if getattr(kept, name) != row[name]]
    if not changed:
        return False
    if "observed_at" in changed:
        steps = conn.execute(
            select(h.c.at).where(h.c.report_id == report_id, h.c.state_from.is_not(None))
        ).all()
        first_step = min((s[0] for s in steps), default=None)
        if first_step is not None and row["observed_at"] > first_step:
            raise StoreError(
                _(
                    "The edit says the problem was seen at {time}, after report {report} was "
                    "first acted on ({first}): check the time in the form.",
                    time=iso(row["observed_at"]),
                    report=report_id,
                    first=iso(first_step),
                )
            )
    note = "edited in the form: " + "; ".join(_changes(kept, row))  # i18n-ignore: kept in the store
    conn.execute(
        update(r)
        .where(r.c.id == report_id)
        .values(**{name: row[name] for name in changed}, updated_at=at)
    )
    conn.execute(
        insert(h).values(
            report_id=report_id,
            at=at,
            recorded_at=at,
            actor=user.name,
            state_from=kept.state,
            state_to=kept.state,
            note=note,
        )
    )
    audit_row(
        conn,
        user.name,
        "report.edited",
        report_id,
        at=at,
        changed=changed,
        version=row["external_id"],
    )
    return True


def write_version(
    conn: Connection,
    user: User,
    row: Mapping[str, Any],
    earlier: Sequence[str],
    *,
    root: str | None,
    at: datetime,
) -> str:
    """Keep one version of a submission (its checked ``row``, whose ``external_id`` is the
    version's id): ``"unchanged"`` when that version is kept already, ``"edited"`` when it
    corrects the report of an ``earlier`` version kept (``"unchanged"`` if it corrects
    nothing), ``"added"`` when it is a new report, kept under ``root`` (the submission's first
    id) when known.

    Raises
    ------
    StoreError
        The version edits one that is not kept (and the submission's root is not known), or
        the edit cannot be applied (:func:`_apply_edit`).
    """
    version = row["external_id"]
    if kept_report(conn, version) is not None:
        return "unchanged"
    for earlier_id in earlier:
        if earlier_id == version:
            continue
        report_id = kept_report(conn, earlier_id)
        if report_id is not None:
            changed = _apply_edit(conn, user, report_id, row, at)
            _keep_version(conn, earlier_id, report_id, at)
            _keep_version(conn, version, report_id, at)
            return "edited" if changed else "unchanged"
    replaced = [x for x in earlier if x not in (version, root)]
    if replaced and root is None:
        raise StoreError(
            _(
                "The submission {version} is an edit of {edited}, which is not kept: import the "
                "export that holds the first version too (an export of all the form's "
                "submissions does), or the original alone first.",
                version=version,
                edited=replaced[0],
            )
        )
    identity = root or version
    report_id = insert_report(conn, user, {**row, "external_id": identity}, at)
    _keep_version(conn, identity, report_id, at)
    _keep_version(conn, version, report_id, at)
    return "added"
