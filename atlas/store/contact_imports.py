"""What a contact must be, typed or from a file, and importing a contacts file; keeping,
changing and listing contacts is :mod:`atlas.store.contacts`.

Each row is checked on its own and every problem is worded with its fix, so that a rejected
line of a file says what to correct.

>>> row = checked_fields({"role": "Ward councillor", "name": " Priya  Phiri ",
...     "ward_id": "99900002", "valid_from": "2021-11-01"})
>>> row["role"], row["name"], row["valid_from"].isoformat()
('ward_councillor', 'Priya Phiri', '2021-11-01')
>>> natural_key(row)
('ward_councillor', '99900002', '', '', 'priya phiri', '2021-11-01')
>>> checked_fields({"role": "department", "name": "Water and Sanitation"})
Traceback (most recent call last):
...
atlas.errors.StoreError: A department is named for a service category: give its category (e.g. water or sanitation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Row, insert, select, text, update

from atlas.errors import DataFileError, StoreError
from atlas.i18n import N_, _
from atlas.measure.standards import CATEGORY_NAME
from atlas.store import schema
from atlas.store.accounts import User, acting
from atlas.store.engine import writing
from atlas.store.imports import ImportResult
from atlas.store.reports import clean_text, new_report_id
from atlas.store.store import Store, audit_row
from atlas.store.tables import read_table
from atlas.store.times import now
from atlas.store.vocabulary import Role

__all__ = [
    "COLUMNS",
    "CONTACT_ROLES",
    "DETAILS",
    "REQUIRED",
    "ContactRow",  # i18n-ignore: a name of the API
    "checked_fields",
    "day_of",
    "import_contacts",
    "insert_contact",
    "kept_contacts",
    "natural_key",
    "read_contact_rows",
    "role_code",
    "serialise_contact_writers",
    "write_fields",
]

#: Who a contact may be, in the order lists show them.
CONTACT_ROLES = (
    "ward_councillor",
    "ward_committee",
    "department",
    "idp_office",
    "mpac_chair",
    "speaker",
    "contractor",
    "other",
)
#: The columns of a contacts file, in order.
COLUMNS = (
    "role",
    "name",
    "office",
    "phone",
    "email",
    "ward_id",
    "category",
    "provider",
    "valid_from",
    "valid_to",
    "source",
)
#: The columns every file must have (the others may be left out or empty).
REQUIRED = ("role", "name")
#: The fields that are not part of a contact's natural key: what an import may update.
DETAILS = ("office", "phone", "email", "valid_to", "source")
#: The longest text each field keeps (characters), as the store's table has them.
_LIMITS = {
    "name": 300,
    "office": 300,
    "phone": 100,
    "email": 300,
    "ward_id": 200,
    "provider": 300,
    "source": 500,
}
#: What a role is named for, and how the message asks for it.
_NEEDS = {
    "ward_councillor": (
        "ward_id",
        N_(
            "A ward councillor is named for a ward: give the ward_id (the ward number the wards "
            "layer uses, e.g. 19100016)."
        ),
    ),
    "ward_committee": (
        "ward_id",
        N_(
            "A ward committee is named for a ward: give the ward_id (the ward number the wards "
            "layer uses, e.g. 19100016)."
        ),
    ),
    "department": (
        "category",
        N_(
            "A department is named for a service category: give its category (e.g. water or "
            "sanitation)."
        ),
    ),
    "contractor": (
        "provider",
        N_(
            "A contractor is named for a provider: give the provider as the service points or "
            "deliveries name it (e.g. Aqua Tankers)."
        ),
    ),
}
#: Each field as a message names it.
_FIELD_WORDS = {
    "name": N_("name"),
    "office": N_("office"),
    "phone": N_("phone"),
    "email": N_("email"),
    "ward_id": N_("ward id"),
    "provider": N_("provider"),
    "source": N_("source"),
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]+(?:\s*(?:ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)


def day_of(value: object, what: str) -> date | None:
    """``value`` (a date, or text ``YYYY-MM-DD``; a spreadsheet's midnight time counts as its
    day) as a date; None when empty.

    Raises
    ------
    StoreError
        It is not a date.
    """
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is not None and moment.time() == datetime.min.time():
        return moment.date()
    raise StoreError(
        _(
            "{column} '{text}' is not a date: write it as YYYY-MM-DD, e.g. 2026-08-01.",
            column=what,
            text=text,
        )
    )


def role_code(value: object) -> str:
    """A contact role as the store writes it (``Ward councillor`` is ``ward_councillor``).

    Raises
    ------
    StoreError
        It is none of :data:`CONTACT_ROLES`.
    """
    text = str(value or "").strip()
    role = re.sub(r"[\s-]+", "_", text.lower())
    if role not in CONTACT_ROLES:
        roles = ", ".join(CONTACT_ROLES)
        raise StoreError(
            _("'{text}' is not a contact role: use one of {roles}.", text=text, roles=roles)
            if text
            else _("A contact needs a role: use one of {roles}.", roles=roles)
        )
    return role


def _category(value: object) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    category = text.lower()
    if not CATEGORY_NAME.fullmatch(category):
        raise StoreError(
            _(
                "'{text}' is not a service category: write it as the standard names it, in "
                "lowercase letters, digits and _ (e.g. water, sanitation, electricity, waste).",
                text=text,
            )
        )
    return category


def checked_fields(values: Mapping[str, object]) -> dict[str, Any]:
    """The contact row ``values`` (the fields of :data:`COLUMNS`; missing ones empty) become,
    after every check: text trimmed (a name on one line), the role as a code
    (``Ward councillor`` is ``ward_councillor``), the category in lowercase, dates as dates.

    Raises
    ------
    StoreError
        Something is wrong; the message says what and how to correct it.
    """
    role = role_code(values.get("role"))
    row: dict[str, Any] = {"role": role}
    for field, limit in _LIMITS.items():
        raw = values.get(field)
        text = None if raw is None else " ".join(str(raw).split())
        row[field] = clean_text(text, limit, _FIELD_WORDS[field])
    if row["name"] is None:
        raise StoreError(
            _(
                "A contact needs a name: write the person's name, or the office's when no "
                "person is named."
            )
        )
    row["category"] = _category(values.get("category"))
    field, needed = _NEEDS.get(role, ("name", ""))
    if row[field] is None:
        raise StoreError(_(needed))
    email = row["email"]
    if email is not None and not _EMAIL.match(email):
        raise StoreError(
            _(
                "'{email}' is not an email address: write it as name@example.org, or leave it "
                "empty.",
                email=email,
            )
        )
    phone = row["phone"]
    if phone is not None and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 3):
        raise StoreError(
            _(
                "'{phone}' is not a phone number: write its digits, e.g. 021 400 1111 or "
                "+27 21 400 1111 (ext 12), or leave it empty.",
                phone=phone,
            )
        )
    row["valid_from"] = day_of(values.get("valid_from"), "valid_from")
    row["valid_to"] = day_of(values.get("valid_to"), "valid_to")
    if row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
        raise StoreError(
            _(
                "valid_to {valid_to} is before valid_from {valid_from}: the contact would never "
                "be valid. Swap them, or correct the year.",
                valid_to=row["valid_to"],
                valid_from=row["valid_from"],
            )
        )
    return row


def natural_key(row: Mapping[Any, Any]) -> tuple[str, ...]:
    """What makes a checked contact the same contact as another: its role, what it is named
    for (ward, category, provider), its name (case and spacing aside) and the day it became
    valid. Its office, phone, email, end and source are details an import may update."""
    return (
        row["role"],
        row.get("ward_id") or "",
        row.get("category") or "",
        (row.get("provider") or "").casefold(),
        " ".join(str(row["name"]).split()).casefold(),
        row["valid_from"].isoformat() if row.get("valid_from") else "",
    )


def read_contact_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a contacts CSV (or XLSX) file with the line each starts on (the header is
    line 1); column names are read in any case.

    Raises
    ------
    DataFileError
        The file cannot be read, is not UTF-8 text, or lacks a required column.
    """
    source = Path(path)
    header, body = read_table(source)
    header = [h.strip().lower() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFileError(
            _(
                "{file} has no column {missing}: a contacts file has the columns {columns} "
                "(the first line names them).",
                file=source.name,
                missing=", ".join(missing),
                columns=", ".join(COLUMNS),
            )
        )
    rows = []
    for line, cells in body:
        values = dict(zip(header, cells, strict=False))
        rows.append((line, {k: values.get(k, "") for k in COLUMNS if k in header}))
    return rows


def serialise_contact_writers(conn: Connection) -> None:
    """Make the transactions that write contacts take turns, so that two never both find a
    contact missing and both add it (SQLite's write transactions already do; readers are
    never held up)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE"))  # i18n-ignore: SQL


def kept_contacts(conn: Connection) -> list[Row[Any]]:
    """Every contact of the store, retired ones too (a contacts list is short)."""
    return list(conn.execute(select(schema.contacts)).all())


def insert_contact(conn: Connection, user: User, row: Mapping[str, Any]) -> str:
    """Insert a checked row as a contact added by ``user``; returns its (random) id."""
    cid, stamp = new_report_id(), now()
    conn.execute(
        insert(schema.contacts),
        {"id": cid, **row, "active": True, "created_at": stamp, "created_by": user.name}
        | {"updated_at": stamp, "updated_by": user.name},
    )
    return cid


def write_fields(conn: Connection, user: User, contact_id: str, values: Mapping[str, Any]) -> None:
    """Change the fields ``values`` of a kept contact, saying who changed it and when."""
    conn.execute(
        update(schema.contacts)
        .where(schema.contacts.c.id == contact_id)
        .values(**values, updated_at=now(), updated_by=user.name)
    )


#: A row of an import: the columns of a contacts file, with or without the line it is on.
ContactRow = Mapping[str, Any] | tuple[int, Mapping[str, Any]]


class _Kept:
    """The store's contacts by natural key, and the lines of the file read so far."""

    def __init__(self, conn: Connection) -> None:
        rows = kept_contacts(conn)
        self.active = {natural_key(r._mapping): r for r in rows if r.active}
        self.retired = {natural_key(r._mapping): r for r in rows if not r.active}
        self.lines: dict[tuple[str, ...], int] = {}

    def write(self, conn: Connection, user: User, line: int, values: Mapping[str, Any]) -> str:
        """Keep one row: ``added``, ``edited`` or ``unchanged``; raises StoreError saying why
        it is rejected."""
        row = checked_fields(values)
        key = natural_key(row)
        if key in self.lines:
            raise StoreError(
                _(
                    "The same contact ({name}, {role}) is on line {line} already: keep one line "
                    "per contact.",
                    name=row["name"],
                    role=row["role"],
                    line=self.lines[key],
                )
            )
        self.lines[key] = line
        other = self.active.get(key)
        if other is None and key in self.retired:
            raise StoreError(
                _(
                    "{name} ({role}) was retired (contact {contact}): an import never brings back "
                    "a retired contact; add it again by hand if it is right, or remove the line.",
                    name=row["name"],
                    role=row["role"],
                    contact=self.retired[key].id,
                )
            )
        if other is None:
            insert_contact(conn, user, row)
            return "added"
        # Only the columns the file has: a file without phones leaves the phones kept.
        changed = {n: row[n] for n in DETAILS if n in values and row[n] != getattr(other, n)}
        if not changed:
            return "unchanged"
        write_fields(conn, user, other.id, changed)
        return "edited"


def import_contacts(
    store: Store, actor: User, path_or_rows: str | Path | Iterable[ContactRow]
) -> ImportResult:
    """Import contacts from a CSV or XLSX file (the columns of :data:`COLUMNS`; or its rows,
    as mappings or ``(line, mapping)`` pairs), each row checked like
    :func:`~atlas.store.contacts.add_contact`; coordinators and admins.

    Idempotent on the natural key (:func:`natural_key`): a new contact is *added*, one kept as
    the row has it *unchanged*, one whose details (:data:`DETAILS`, of the columns the file
    has) the row changes *edited*; a row repeating an earlier one, or naming a retired
    contact, is *rejected*, and so is every wrong row, each with its line and the reason. The
    file is one transaction (a contacts list is short): it is kept whole or not at all.

    Raises
    ------
    AccessDenied
        The actor is not a coordinator or admin.
    DataFileError
        The file cannot be read or lacks a required column.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.COORDINATOR, _("importing contacts"))
    if isinstance(path_or_rows, str | Path):
        items: list[tuple[int, Mapping[str, Any]]] = list(read_contact_rows(path_or_rows))
    else:
        items = [r if isinstance(r, tuple) else (n, r) for n, r in enumerate(path_or_rows, 2)]
    result = ImportResult()
    with writing(store.engine) as conn:
        user = acting(conn, actor, Role.COORDINATOR, _("importing contacts"))
        serialise_contact_writers(conn)
        kept = _Kept(conn)
        for line, values in items:
            try:
                outcome = kept.write(conn, user, line, values)
            except StoreError as exc:
                result.rejected.append({"line": line, "reason": str(exc)})
                continue
            result.added += outcome == "added"
            result.edited += outcome == "edited"
            result.unchanged += outcome == "unchanged"
        if result.added or result.edited:
            audit_row(
                conn, user.name, "contacts.imported", None, added=result.added, edited=result.edited
            )
    return result
