"""What the cluster sent to whom, and whether anyone answered (DESIGN §1, §7; issue 15).

Clusters make submissions to the municipality's annual IDP review, to MPAC, to ward
councillors. Each is kept with its recipient (a name and office), the day it was sent, the
municipality's reference, the day a response is due (by default 30 days after it was sent) and,
once it comes, the response. Its ``status`` is recorded: ``sent`` → ``acknowledged`` →
``answered``, never backwards (an answer may come without a separate acknowledgement).
Whether it is *overdue* is worked out when listing, as of a day: not answered, and its due day
has passed (a submission due on 31 October is overdue from 1 November, by one day).

Who may do what (roles are cumulative):

* **every role, a viewer too**, lists every cluster's submissions: they are the cluster's
  public acts to public officials, and hold no resident's details;
* a **member** records a submission of their own cluster, and its acknowledgement or answer;
* a **coordinator** (and an admin) does so for any cluster.

Every change is written to the audit log (ids, clusters, dates and states; never the
recipient's or the response's text).

Examples
--------
>>> import tempfile, pathlib, atlas
>>> from datetime import date
>>> from atlas import store as st
>>> db = st.open_store(pathlib.Path(tempfile.mkdtemp()) / "atlas.sqlite")
>>> _ = st.sync_register(db, atlas.compute_gaps(atlas.load_sample(),
...     atlas.load_standard("cape-town")))
>>> admin = st.add_user(db, None, "thandi", "admin", "a long password")
>>> sid = st.add_submission(db, admin, st.NewSubmission(
...     "Northern Ridge Cluster", "IDP Office, City of Cape Town", date(2026, 10, 1)))
>>> [(s["due"], s["status"], s["days_overdue"])
...  for s in st.list_submissions(db, admin, on=date(2026, 11, 3))]
[('2026-10-31', 'sent', 3)]
>>> db.close()
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from atlas.errors import AccessDenied, StoreError
from atlas.i18n import N_, _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import writing
from atlas.store.reports import clean_text, new_report_id
from atlas.store.store import Store, audit_row
from atlas.store.times import EARLIEST, LOCAL_ZONE, now, today
from atlas.store.vocabulary import Role

__all__ = [
    "DUE_AFTER",
    "FIELDS",
    "MAX_RESPONSE",
    "RECIPIENT_ROLES",
    "SUBMISSION_STATES",
    "NewSubmission",
    "add_submission",
    "list_submissions",
    "today",
    "update_submission",
]

#: The states a submission is recorded in, in the order it goes through them.
SUBMISSION_STATES = ("sent", "acknowledged", "answered")
#: When no due day is given, a response is due this long after the submission was sent.
DUE_AFTER = timedelta(days=30)
#: Who a submission may be addressed to (the contacts' roles, DESIGN §3).
RECIPIENT_ROLES: tuple[str, ...] = ("ward_councillor", "ward_committee", "department")
RECIPIENT_ROLES += ("idp_office", "mpac_chair", "speaker", "contractor", "other")
#: The longest response a submission keeps (characters).
MAX_RESPONSE = 4000
#: The fields of a submission as :func:`list_submissions` gives it, in order.
FIELDS: tuple[str, ...] = ("id", "cluster", "recipient", "sent", "reference", "due")
FIELDS += ("status", "response", "answered", "days_overdue", "recipient_role")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class NewSubmission:
    """What the cluster sent, before the store checks it. Days are dates or ``YYYY-MM-DD``;
    ``due`` None is 30 days after ``sent``. ``contact_id`` names a kept contact (its role is
    then the default ``recipient_role``); ``pack_sha256`` the submission pack's digest."""

    cluster: str
    recipient: str
    sent: date | str
    reference: str | None = None
    due: date | str | None = None
    recipient_role: str | None = None
    contact_id: str | None = None
    pack_sha256: str | None = None


def _day(value: date | str | None, what: str) -> date | None:
    """``value`` as a day (None stays None); a time counts as its day in South Africa."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_ZONE).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise StoreError(
            _(
                "The {field} '{value}' is not a date: write it as YYYY-MM-DD, e.g. 2026-10-01.",
                field=_(what),
                value=value,
            )
        ) from None


def _not_future(day: date, what: str) -> date:
    if day > today():
        raise StoreError(
            _("The {field} {day} is in the future: check the date.", field=_(what), day=day)
        )
    if day < EARLIEST.date():
        raise StoreError(
            _("The {field} {day} is before 2000: check the year.", field=_(what), day=day)
        )
    return day


def _clusters(conn: Connection) -> list[str]:
    """The clusters of the register's settlements."""
    s = schema.settlements
    rows = conn.execute(select(s.c.cluster).where(s.c.active, s.c.cluster.is_not(None)).distinct())
    return sorted(str(r[0]) for r in rows)


def _cluster(conn: Connection, user: User, name: str) -> str:
    """``name`` when it is a cluster of the register that ``user`` may act for."""
    cluster = " ".join(str(name or "").split())
    clusters = _clusters(conn)
    if cluster not in clusters:
        known = ", ".join(clusters) or _("none: register settlements with clusters first")
        raise StoreError(
            _(
                "'{cluster}' is not a cluster of the registered settlements: give one of them "
                "(the name as it is written). Clusters: {clusters}.",
                cluster=cluster,
                clusters=known,
            )
        )
    if user.role is Role.MEMBER and cluster != user.cluster:
        raise AccessDenied(
            _(
                "{name} is a member of {own}: a member records the submissions of their own "
                "cluster only. Ask a coordinator to record those of {cluster}.",
                name=user.name,
                own=user.cluster,
                cluster=cluster,
            )
        )
    return cluster


def _recipient(conn: Connection, entry: NewSubmission) -> dict[str, Any]:
    """The recipient's columns: text, role (checked, or the contact's) and contact."""
    recipient = clean_text(entry.recipient, 500, N_("recipient"))
    if recipient is None:
        raise StoreError(
            _(
                "Say who the submission was sent to: their name and office, e.g. "
                "'Cllr N. Mokoena, Ward 12' or 'IDP Office, City of Cape Town'."
            )
        )
    role = clean_text(entry.recipient_role, 30, N_("recipient role"))
    contact_id = clean_text(entry.contact_id, 32, N_("contact id"))
    if contact_id is not None:
        found = conn.execute(
            select(schema.contacts.c.role).where(schema.contacts.c.id == contact_id)
        ).first()
        if found is None:
            raise StoreError(
                _(
                    "There is no contact '{contact}': check its id, or leave the contact out and "
                    "name the recipient only.",
                    contact=contact_id,
                )
            )
        role = role or found[0]
    if role is not None and role.lower() not in RECIPIENT_ROLES:
        raise StoreError(
            _(
                "'{role}' is not a recipient's role: use one of {roles}.",
                role=role,
                roles=", ".join(RECIPIENT_ROLES),
            )
        )
    role = None if role is None else role.lower()
    return {"recipient": recipient, "recipient_role": role, "contact_id": contact_id}


def _due(sent: date, due: date | None) -> date:
    if due is None:
        return sent + DUE_AFTER
    if due < sent:
        raise StoreError(
            _(
                "The due date {due} is before the submission was sent ({sent}): a response is "
                "due on or after the day it was sent.",
                due=due,
                sent=sent,
            )
        )
    return due


def add_submission(store: Store, actor: User, entry: NewSubmission) -> str:
    """Keep a submission the cluster sent (status ``sent``); returns its id.

    Raises
    ------
    AccessDenied
        A viewer, or a member recording another cluster's submission.
    StoreError
        The entry is wrong (an unknown cluster, no recipient, a date that is not one, in the
        future, or a due date before the day sent…); the message says what to correct.
    """
    sent = _day(entry.sent, N_("date sent"))
    if sent is None:
        raise StoreError(_("Say the day the submission was sent (YYYY-MM-DD)."))
    _not_future(sent, N_("date sent"))
    due = _due(sent, _day(entry.due, N_("due date")))
    digest = clean_text(entry.pack_sha256, 64, N_("pack digest"))
    if digest is not None and not _SHA256.match(digest.lower()):
        raise StoreError(_("The pack digest is not a SHA-256: give its 64 hexadecimal characters."))
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.MEMBER, _("recording a submission"))
        cluster = _cluster(conn, user, entry.cluster)
        row = _recipient(conn, entry)
        stamp, sid, t = now(), new_report_id(), schema.submissions
        values = {"id": sid, "cluster": cluster, **row, "sent": sent, "due": due}
        values |= {"reference": clean_text(entry.reference, 200, N_("reference")), "status": "sent"}
        values |= {"pack_sha256": None if digest is None else digest.lower()}
        values |= {"created_at": stamp, "created_by": user.name}
        conn.execute(insert(t), {**values, "updated_at": stamp, "updated_by": user.name})
        detail = {"cluster": cluster, "sent": sent, "due": due, "role": row["recipient_role"]}
        audit_row(conn, user.name, "submission.added", sid, at=stamp, **detail)
    return sid


def _record(row: Row[Any], on: date) -> dict[str, Any]:
    """One submission as people and programs read it, overdue worked out as of ``on``."""
    late = (on - row.due).days if row.status != "answered" else 0
    record = {c: getattr(row, c) for c in FIELDS[:9]}
    for c in ("sent", "due", "answered"):
        record[c] = None if record[c] is None else record[c].isoformat()
    return {**record, "days_overdue": max(late, 0), "recipient_role": row.recipient_role}


def _order(record: dict[str, Any]) -> tuple[Any, ...]:
    """Overdue first (most overdue first), then the rest by due date."""
    return (-record["days_overdue"], record["due"], record["sent"], record["id"])


def list_submissions(
    store: Store, actor: User, *, cluster: str | None = None, on: date | str | None = None
) -> list[dict[str, Any]]:
    """The submissions (every role, every cluster's), the overdue first, most overdue first,
    then the rest by due date; each with ``days_overdue`` as of ``on`` (default today; 0 when
    not overdue, and always for an answered one).

    Raises
    ------
    AccessDenied
        The actor is not a user of the store.
    StoreError
        ``cluster`` is not a cluster of the register (nor of a kept submission), or ``on`` is
        not a date.
    """
    day = _day(on, N_("day")) or today()
    t = schema.submissions
    with store.engine.connect() as conn:
        acting(conn, actor, Role.VIEWER, _("listing submissions"))
        query = select(t)
        if cluster is not None:
            kept = conn.execute(select(t.c.cluster).distinct()).scalars()
            known = sorted({*_clusters(conn), *kept})
            if cluster not in known:
                raise StoreError(
                    _(
                        "'{cluster}' is not a cluster of the registered settlements: give one of "
                        "them. Clusters: {clusters}.",
                        cluster=cluster,
                        clusters=", ".join(known) or _("none yet"),
                    )
                )
            query = query.where(t.c.cluster == cluster)
        rows = conn.execute(query).all()
    return sorted((_record(r, day) for r in rows), key=_order)


def update_submission(
    store: Store,
    actor: User,
    submission_id: str,
    *,
    status: str | None = None,
    response: str | None = None,
    answered: date | str | None = None,
    reference: str | None = None,
    due: date | str | None = None,
) -> dict[str, Any]:
    """Record what happened to a submission: acknowledged, answered (on ``answered``, by
    default today; an answered day alone means it was answered), the response, the
    municipality's reference, a new due day. Returns the submission as listed today.

    Raises
    ------
    AccessDenied
        A viewer, or a member acting on another cluster's submission.
    StoreError
        No such submission, nothing to record, an unknown status or a step back (answered
        stays answered), or an answered day before the day sent or in the future.
    """
    if status is not None and status not in SUBMISSION_STATES:
        raise StoreError(
            _(
                "'{status}' is not a submission's status: use one of {statuses}.",
                status=status,
                statuses=", ".join(SUBMISSION_STATES),
            )
        )
    answered_on = _day(answered, N_("answered date"))
    if answered_on is not None and status not in (None, "answered"):
        raise StoreError(
            _(
                "An answered date goes with the status answered, not {status}: leave the date "
                "out, or record the submission as answered.",
                status=status,
            )
        )
    values: dict[str, Any] = {}
    if (text := clean_text(response, MAX_RESPONSE, N_("response"))) is not None:
        values["response"] = text
    if (ref := clean_text(reference, 200, N_("reference"))) is not None:
        values["reference"] = ref
    new_due = _day(due, N_("due date"))
    if status is None and answered_on is None and new_due is None and not values:
        raise StoreError(
            _(
                "Nothing to record: give a status, the response, the answered date, a reference "
                "or a due date."
            )
        )
    t = schema.submissions
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.MEMBER, _("recording what happened to a submission"))
        # Lock the row (PostgreSQL), so that two people recording at once take turns.
        row = conn.execute(select(t).where(t.c.id == submission_id).with_for_update()).first()
        if row is None:
            raise StoreError(
                _(
                    "There is no submission '{submission}': check the id (the list of "
                    "submissions shows each one's).",
                    submission=submission_id,
                )
            )
        if user.role is Role.MEMBER and row.cluster != user.cluster:
            raise AccessDenied(
                _(
                    "Submission {submission} is of {cluster}, not of your cluster ({own}): a "
                    "member records the submissions of their own cluster only.",
                    submission=submission_id,
                    cluster=row.cluster,
                    own=user.cluster,
                )
            )
        target = "answered" if answered_on is not None else (status or row.status)
        if SUBMISSION_STATES.index(target) < SUBMISSION_STATES.index(row.status):
            raise StoreError(
                # TRANSLATORS: {status} and {target} are statuses' codes ("answered").
                _(
                    "Submission {submission} is {status} already: it cannot become {target} "
                    "again. Correct its response or dates instead.",
                    submission=submission_id,
                    status=row.status,
                    target=target,
                )
            )
        values["status"] = target
        if target == "answered":
            when = answered_on or row.answered or today()
            _not_future(when, N_("answered date"))
            if when < row.sent:
                raise StoreError(
                    _(
                        "The answered date {when} is before the submission was sent ({sent}): "
                        "an answer comes on or after the day it was sent.",
                        when=when,
                        sent=row.sent,
                    )
                )
            values["answered"] = when
        if new_due is not None:
            values["due"] = _due(row.sent, new_due)
        stamp = now()
        conn.execute(
            update(t)
            .where(t.c.id == submission_id)
            .values(**values, updated_at=stamp, updated_by=user.name)
        )
        detail = {"cluster": row.cluster, "status_from": row.status, "status_to": target}
        detail["changed"] = sorted(k for k in values if k != "status")
        audit_row(conn, user.name, "submission.updated", submission_id, at=stamp, **detail)
        return _record(conn.execute(select(t).where(t.c.id == submission_id)).one(), today())
