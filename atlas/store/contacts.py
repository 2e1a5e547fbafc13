"""Who is responsible (DESIGN §1, §3, §7): the public officials and offices a cluster asks for
what is missing, kept in the store: adding, changing and retiring one, listing them, and
importing a contacts file (:func:`import_contacts`: what each field must be, and the import,
are :mod:`atlas.store.contact_imports`).

Contacts are public officials' work details (never a resident's), so every role lists them,
a viewer too; adding, changing and retiring one is for coordinators and admins, and each
change is written to the audit log (which names the contact and the fields changed, never
their values). A contact is never deleted (a submission may name it): one no longer used is
*retired* and leaves the lists. ``valid_from`` and ``valid_to`` say when it holds (a
councillor's term), both days included; a list ``on`` a day keeps those valid that day.

A contact's **natural key** is its role, what it is named for (ward, category, provider), its
name (case and spacing aside) and the day it became valid: two contacts with the same key are
the same contact, which the store keeps once. An import (:func:`import_contacts`) adds a row
whose key is new, leaves a row whose key and details are kept as they are (*unchanged*), and
updates the details (office, phone, email, valid_to, source) of a kept contact whose key the
row has (*edited*, audited); a row naming a retired contact is rejected (a file read again
never brings back a contact someone retired). A contact whose term ends and is followed by
another's is two contacts: the new one with its own ``valid_from``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, select

from atlas.errors import StoreError
from atlas.i18n import _
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.contact_imports import (
    COLUMNS,
    CONTACT_ROLES,
    checked_fields,
    day_of,
    import_contacts,
    insert_contact,
    kept_contacts,
    natural_key,
    role_code,
    serialise_contact_writers,
    write_fields,
)
from atlas.store.engine import writing
from atlas.store.store import Store, audit_row
from atlas.store.times import iso
from atlas.store.vocabulary import Role

__all__ = [
    "CONTACT_ROLES",
    "RECORD_KEYS",
    "NewContact",
    "add_contact",
    "contact_order",
    "import_contacts",
    "list_contacts",
    "retire_contact",
    "update_contact",
]

#: The keys of a contact's record, as :func:`list_contacts` gives them.
RECORD_KEYS = ("id", *COLUMNS)


@dataclass(frozen=True)
class NewContact:
    """What a contact says, before the store checks it (see
    :func:`atlas.store.contact_imports.checked_fields`). ``valid_from`` and ``valid_to`` are
    dates or ``YYYY-MM-DD``; None is "since always" and "until further notice"."""

    role: str
    name: str
    office: str | None = None
    phone: str | None = None
    email: str | None = None
    ward_id: str | None = None
    category: str | None = None
    provider: str | None = None
    valid_from: date | str | None = None
    valid_to: date | str | None = None
    source: str | None = None


def _record(row: Row[Any] | Mapping[str, Any]) -> dict[str, Any]:
    values = row._mapping if isinstance(row, Row) else row
    record = {key: values[key] for key in RECORD_KEYS}
    for day in ("valid_from", "valid_to"):
        record[day] = record[day].isoformat() if record[day] is not None else None
    return record


def _ward_order(ward_id: str | None) -> tuple[int, int, str]:
    """Wards in number order (ward 9 before ward 10), ids that are not numbers after them."""
    text = ward_id or ""
    return (0, int(text), text) if text.isdigit() else (1, 0, text)


def contact_order(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """How contacts are listed: by role (:data:`CONTACT_ROLES`' order), ward (by number),
    category, provider and name, the earliest term first."""
    role = record.get("role")
    return (
        CONTACT_ROLES.index(role) if role in CONTACT_ROLES else len(CONTACT_ROLES),
        _ward_order(record.get("ward_id")),
        record.get("category") or "",
        (record.get("provider") or "").casefold(),
        str(record.get("name") or "").casefold(),
        str(record.get("valid_from") or ""),
    )


def _twin(kept: Iterable[Row[Any]], row: Mapping[str, Any], exclude: str = "") -> Row[Any] | None:
    """The contact (not retired) kept with the natural key of ``row``, other than ``exclude``."""
    key = natural_key(row)
    for other in kept:
        if other.active and other.id != exclude and natural_key(other._mapping) == key:
            return other
    return None


def _already(other: Row[Any]) -> str:
    return _(
        "{name} is kept already (contact {contact}): the same {role}, for the same ward, "
        "category or provider, valid from the same day. Change that one instead.",
        name=other.name,
        contact=other.id,
        role=other.role,
    )


def add_contact(store: Store, actor: User, entry: NewContact) -> str:
    """Keep a new contact (coordinators and admins; audited); returns its id (16 random
    letters and digits).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from atlas import store as st
    >>> db = st.open_store(pathlib.Path(tempfile.mkdtemp()) / "atlas.sqlite")
    >>> admin = st.add_user(db, None, "thandi", "admin", "a long password")
    >>> cid = st.add_contact(db, admin, st.NewContact("department", "Water and Sanitation",
    ...     phone="021 400 1111", category="water", source="City directory 2026"))
    >>> [(c["role"], c["name"], c["category"]) for c in st.list_contacts(db, admin)]
    [('department', 'Water and Sanitation', 'water')]
    >>> db.close()

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        The contact is wrong (the message says what to correct), or kept already.
    """
    row = checked_fields(dataclasses.asdict(entry))
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("adding a contact"))
        serialise_contact_writers(conn)
        other = _twin(kept_contacts(conn), row)
        if other is not None:
            raise StoreError(_already(other))
        cid = insert_contact(conn, user, row)
        audit_row(conn, user.name, "contact.added", cid, role=row["role"])
    return cid


def _kept_one(conn: Connection, contact_id: str) -> Row[Any]:
    row = conn.execute(select(schema.contacts).where(schema.contacts.c.id == contact_id)).first()
    if row is None:
        raise StoreError(_("There is no contact '{contact}': check the id.", contact=contact_id))
    if not row.active:
        raise StoreError(
            _(
                "Contact {contact} ({name}) was retired by {user} on {when}: add it again if it "
                "is right.",
                contact=contact_id,
                name=row.name,
                user=row.updated_by,
                when=iso(row.updated_at),
            )
        )
    return row


def update_contact(store: Store, actor: User, contact_id: str, **changes: Any) -> dict[str, Any]:
    """Change a contact's fields (those of :class:`NewContact`; coordinators and admins):
    the whole contact is checked again, and the audit log names the fields changed. Returns
    its record (changing nothing is not an error, and writes nothing).

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        No such contact, a retired one, a field a contact does not have, a wrong value, or
        the change would make it the same as another contact.
    """
    unknown = [name for name in changes if name not in COLUMNS]
    if unknown:
        raise StoreError(
            _(
                "A contact has no field '{field}': change one of {fields}.",
                field=unknown[0],
                fields=", ".join(COLUMNS),
            )
        )
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("changing a contact"))
        serialise_contact_writers(conn)
        kept = _kept_one(conn, contact_id)
        row = checked_fields({name: getattr(kept, name) for name in COLUMNS} | changes)
        changed = [name for name in COLUMNS if row[name] != getattr(kept, name)]
        if not changed:
            return _record(kept)
        other = _twin(kept_contacts(conn), row, exclude=contact_id)
        if other is not None:
            raise StoreError(_already(other))
        write_fields(conn, user, contact_id, {name: row[name] for name in changed})
        audit_row(conn, user.name, "contact.updated", contact_id, fields=changed)
        return _record({"id": contact_id, **row})


def retire_contact(store: Store, actor: User, contact_id: str) -> dict[str, Any]:
    """Retire a contact no longer used (coordinators and admins; audited): it leaves the
    lists and stays in the store, for the submissions that name it. Returns its record.

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    StoreError
        No such contact, or it is retired already.
    """
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("retiring a contact"))
        kept = _kept_one(conn, contact_id)
        write_fields(conn, user, contact_id, {"active": False})
        audit_row(conn, user.name, "contact.retired", contact_id, role=kept.role)
        return _record(kept)


def list_contacts(
    store: Store,
    actor: User,
    *,
    role: str | None = None,
    ward_id: str | None = None,
    category: str | None = None,
    provider: str | None = None,
    on: date | str | None = None,
) -> list[dict[str, Any]]:
    """The contacts kept (not retired), for every role: dicts with the keys of
    :data:`RECORD_KEYS` (dates in ISO 8601, or None), sorted by :func:`contact_order`.

    Parameters
    ----------
    role, ward_id, category, provider
        Keep those of this role (``Ward councillor`` or ``ward_councillor``), named for this
        ward, category (any case) or provider (any case).
    on
        Keep those valid on this day (``valid_from`` to ``valid_to``, both included).

    Raises
    ------
    AccessDenied
        The actor is not (or no longer) a user of the store.
    StoreError
        An unknown role, or a day that is not a date.
    """
    day = day_of(on, "on")
    t = schema.contacts
    query = select(t).where(t.c.active)
    if role is not None:
        query = query.where(t.c.role == role_code(role))
    if ward_id is not None:
        query = query.where(t.c.ward_id == str(ward_id).strip())
    if category is not None:
        query = query.where(t.c.category == str(category).strip().lower())
    if day is not None:
        query = query.where(
            (t.c.valid_from.is_(None) | (t.c.valid_from <= day)),
            (t.c.valid_to.is_(None) | (t.c.valid_to >= day)),
        )
    with store.engine.connect() as conn:
        acting(conn, actor, Role.VIEWER, _("listing contacts"))
        records = [_record(r) for r in conn.execute(query)]
    if provider is not None:
        wanted = str(provider).strip().casefold()
        records = [r for r in records if (r["provider"] or "").casefold() == wanted]
    return sorted(records, key=contact_order)
