"""A report's lifecycle (after FixMyStreet and Open311, DESIGN §7): the steps a coordinator
takes, each a new history row with who, when it happened and a note; nothing is overwritten."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from atlas.errors import StoreError
from atlas.i18n import N_, _
from atlas.problems import Problem
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import writing
from atlas.store.listing import report_record, report_row
from atlas.store.reports import MAX_NOTE, clean_text
from atlas.store.store import Store, audit_row
from atlas.store.times import iso, now, parse_time
from atlas.store.vocabulary import NEXT_STATES, STATES, Role

__all__ = ["history", "update_report"]


def update_report(
    store: Store,
    actor: User,
    report_id: str,
    state: str,
    *,
    note: str | None = None,
    reference: str | None = None,
    duplicate_of: str | None = None,
    agency: str | None = None,
    at: str | datetime | None = None,
) -> dict[str, Any]:
    """Move a report to ``state`` (a step its lifecycle allows), with a history row; returns
    the report as :func:`report_record` writes it (without contact).

    Parameters
    ----------
    reference
        The municipality's reference number: needed to refer a report.
    duplicate_of
        The report this one repeats: needed to mark it a duplicate.
    agency
        Who it was referred to (Open311's ``agency_responsible``).
    at
        When the change happened (default now), so that history may be entered afterwards;
        not before the report's previous change, not in the future.

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        No such report, a step the lifecycle does not allow, or a missing reference or
        duplicate.
    """
    if state not in STATES:
        raise StoreError(
            _(
                "'{state}' is not a report state: use one of {states}.",
                state=state,
                states=", ".join(STATES),
            )
        )
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("changing a report's state"))
        # Lock the report (PostgreSQL; SQLite's write transaction holds the whole file), so
        # that two coordinators changing it at once take turns from the same state.
        conn.execute(
            select(schema.reports.c.id).where(schema.reports.c.id == report_id).with_for_update()
        )
        row = report_row(conn, user, report_id)
        allowed = NEXT_STATES[row.state]
        if state not in allowed:
            raise StoreError(
                # TRANSLATORS: {state}, {allowed} and {wanted} are states' codes ("referred").
                _(
                    "Report {report} is {state}: it can become {allowed}, not {wanted}.",
                    report=report_id,
                    state=row.state,
                    allowed=", ".join(sorted(allowed)) or _("nothing else"),
                    wanted=state,
                )
            )
        reference = clean_text(reference, 200, N_("reference"))
        if state == "referred" and reference is None:
            raise StoreError(
                Problem(
                    "error",
                    _(
                        "A report is referred with the municipality's reference number: it is "
                        "how the cluster follows it up."
                    ),
                    _("Pass reference='…'."),
                    code="report.no_reference",
                )
            )
        if state == "duplicate":
            if not duplicate_of:
                raise StoreError(_("Say which report this one repeats to mark it a duplicate."))
            if duplicate_of == report_id:
                raise StoreError(_("A report cannot be a duplicate of itself."))
            original = report_row(conn, user, duplicate_of)
            if original.state == "duplicate":
                raise StoreError(
                    _(
                        "{report} is itself a duplicate (of {original}): mark this one a "
                        "duplicate of {original}.",
                        report=duplicate_of,
                        original=original.duplicate_of,
                    )
                )
        elif duplicate_of:
            raise StoreError(_("Only a report marked duplicate names the report it repeats."))
        history_rows = conn.execute(
            select(schema.report_history.c.at).where(schema.report_history.c.report_id == report_id)
        ).all()
        last = max((h[0] for h in history_rows), default=row.observed_at)
        stamp = now()
        try:
            when = stamp if at is None else parse_time(at, what="--at")
        except ValueError as exc:
            raise StoreError(str(exc)) from None
        if when < last:
            raise StoreError(
                _(
                    "{time} is before the report's last change ({last}): changes are recorded in "
                    "the order they happened.",
                    time=iso(when),
                    last=iso(last),
                )
            )
        values: dict[str, Any] = {"state": state, "updated_at": when}
        if reference is not None:
            values["reference"] = reference
        if agency is not None:
            values["agency_responsible"] = clean_text(agency, 300, N_("agency"))
        values["duplicate_of"] = duplicate_of if state == "duplicate" else None
        conn.execute(
            update(schema.reports).where(schema.reports.c.id == report_id).values(**values)
        )
        conn.execute(
            insert(schema.report_history).values(
                report_id=report_id,
                at=when,
                recorded_at=stamp,
                actor=user.name,
                state_from=row.state,
                state_to=state,
                note=clean_text(note, MAX_NOTE, N_("note")),
                reference=reference,
                duplicate_of=duplicate_of if state == "duplicate" else None,
            )
        )
        audit_row(
            conn,
            user.name,
            "report.updated",
            report_id,
            at=stamp,
            state_from=row.state,
            state_to=state,
        )
        return report_record(report_row(conn, user, report_id))


def history(store: Store, actor: User, report_id: str) -> list[dict[str, Any]]:
    """Every change of one report, oldest first (members: reports of their cluster).

    Raises
    ------
    AccessDenied
        A viewer, or a member asking about another cluster's report.
    StoreError
        No such report.
    """
    with store.engine.connect() as conn:
        user = acting(conn, actor, Role.MEMBER, _("reading a report's history"))
        report_row(conn, user, report_id)
        h = schema.report_history
        rows = conn.execute(select(h).where(h.c.report_id == report_id).order_by(h.c.id))
        return [
            {
                "at": iso(r.at),
                "recorded_at": iso(r.recorded_at),
                "actor": r.actor,
                "state_from": r.state_from,
                "state_to": r.state_to,
                "note": r.note,
                "reference": r.reference,
                "duplicate_of": r.duplicate_of,
            }
            for r in rows
        ]
