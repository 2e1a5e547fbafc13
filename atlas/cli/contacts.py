"""``atlas contacts add|import|list|update|retire``: who is responsible (ward councillors,
departments, the IDP office, contractors…), kept in the store.

Contacts are public officials' work details: every user lists them (``--as`` a viewer too);
adding, importing, changing and retiring them is for coordinators and admins, and each change
is written to the audit log. ``contacts import`` is idempotent: importing the same file again
adds nothing; a row naming a kept contact (same role, ward, category or provider, name and
``valid_from``) with other details updates them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from atlas.cli.acting import (
    add_acting,
    add_store_format,
    emit,
    open_cli_store,
    signed_in,
    text_table,
)
from atlas.cli.console import Progress
from atlas.cli.options import add_output, add_quiet, day
from atlas.exports.records import csv_text
from atlas.store import (
    CONTACT_ROLES,
    NewContact,
    add_contact,
    import_contacts,
    list_contacts,
    retire_contact,
    update_contact,
)
from atlas.store.contact_imports import COLUMNS

__all__ = ["LIST_COLUMNS", "add_parser", "run"]

#: The columns of ``contacts list --format csv`` (a file ``contacts import`` reads back).
LIST_COLUMNS = ("id", *COLUMNS)
#: The columns of ``contacts list --format text``.
_SHOWN = ("id", "role", "name", "ward_id", "category", "provider", "phone", "email", "valid_to")
#: The options of a contact's fields, as (option, field, metavar, help).
_FIELDS = (
    ("--name", "name", "TEXT", "the person's name, or the office's"),
    ("--office", "office", "TEXT", "e.g. Ward 16 office, Civic Centre"),
    ("--phone", "phone", "NUMBER", "e.g. '021 400 1111'"),
    ("--email", "email", "ADDRESS", None),
    ("--ward", "ward_id", "ID", "the ward (a ward councillor or committee needs one)"),
    ("--category", "category", "C", "the service category (a department needs one)"),
    ("--provider", "provider", "NAME", "the provider (a contractor needs one)"),
    ("--from", "valid_from", "DATE", "first day it holds (YYYY-MM-DD)"),
    ("--to", "valid_to", "DATE", "last day it holds (YYYY-MM-DD)"),
    ("--source", "source", "TEXT", "where the details come from, e.g. the city's directory"),
)


def _add_fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument(
        "--role", required=adding, choices=list(CONTACT_ROLES), help="who the contact is"
    )
    for option, field, metavar, help in _FIELDS:
        parser.add_argument(
            option, dest=field, metavar=metavar, required=adding and field == "name", help=help
        )


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``contacts`` and its subcommands to the ``atlas`` command."""
    contacts = subparsers.add_parser(
        "contacts",
        help="who is responsible (ward councillors, departments, contractors…): add, import, "
        "list, update, retire",
    )
    sub = contacts.add_subparsers(dest="contacts_command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="add one contact (coordinators; prints its id)")
    add_acting(add, role="coordinator")
    _add_fields(add, adding=True)
    add_store_format(add)

    imp = sub.add_parser(
        "import",
        help=f"import contacts from a CSV or XLSX file (columns {', '.join(COLUMNS)}; "
        "coordinators); importing the same file again adds nothing twice",
    )
    imp.add_argument("file", metavar="FILE.csv")
    add_acting(imp, role="coordinator")
    add_store_format(imp)
    add_quiet(imp)

    listing = sub.add_parser("list", help="the contacts kept (every role)")
    add_acting(listing)
    listing.add_argument("--role", choices=list(CONTACT_ROLES))
    listing.add_argument("--ward", metavar="ID", help="those named for this ward")
    listing.add_argument("--category", metavar="C", help="those named for this category")
    listing.add_argument("--provider", metavar="NAME", help="those named for this provider")
    listing.add_argument(
        "--on", type=day, metavar="DATE", help="those valid on this day (YYYY-MM-DD)"
    )
    add_store_format(listing, "csv")
    add_output(listing)

    change = sub.add_parser("update", help="change a contact's fields (coordinators)")
    change.add_argument("id", metavar="ID")
    add_acting(change, role="coordinator")
    _add_fields(change, adding=False)
    add_store_format(change)

    retire = sub.add_parser(
        "retire", help="retire a contact no longer used (coordinators; it stays in the store)"
    )
    retire.add_argument("id", metavar="ID")
    add_acting(retire, role="coordinator")
    add_store_format(retire)


def _summary(record: dict[str, Any]) -> str:
    edited = f"{record['edited']} updated, " if "edited" in record else ""
    return (
        f"{record['added']} added, {edited}{record['unchanged']} unchanged, "
        f"{len(record['rejected'])} rejected"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``atlas contacts …``."""
    command = args.contacts_command
    say = Progress(getattr(args, "quiet", False))
    store = open_cli_store(args)
    try:
        user = signed_in(store, args)
        given = {
            f: getattr(args, f) for _, f, _, _ in _FIELDS if getattr(args, f, None) is not None
        }
        if command == "add":
            cid = add_contact(store, user, NewContact(role=args.role, **given))
            emit(args, {"id": cid}, lambda d: d["id"])
        elif command == "import":
            result = import_contacts(store, user, args.file)
            where = "row" if Path(args.file).suffix.lower() in (".xlsx", ".xlsm") else "line"
            for rejected in result.rejected:
                say.warn(f"{where} {rejected['line']} not imported: {rejected['reason']}")
            emit(args, result.to_record(), _summary)
        elif command == "list":
            records = list_contacts(
                store,
                user,
                role=args.role,
                ward_id=args.ward,
                category=args.category,
                provider=args.provider,
                on=args.on,
            )
            text = (
                (lambda r: csv_text(r, LIST_COLUMNS))
                if args.format == "csv"
                else (lambda r: text_table(r, _SHOWN))
            )
            emit(args, records, text, say, f"{len(records)} contacts", output=args.output)
        elif command == "update":
            changes = given | ({"role": args.role} if args.role else {})
            record = update_contact(store, user, args.id, **changes)
            emit(args, record, lambda r: f"{r['id']}: {r['name']} ({r['role']})")
        else:
            record = retire_contact(store, user, args.id)
            emit(args, record, lambda r: f"{r['id']}: {r['name']} retired")
    finally:
        store.close()
    return 0
