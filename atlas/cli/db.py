"""``atlas db init|sync|backup``: create the store, (re-)register settlements, copy it safely.

These are the operator's commands (whoever runs the atlas and can reach its database), so they
take no ``--as``; each is written to the audit log.
"""

from __future__ import annotations

import argparse
from typing import Any

from atlas.cli.acting import add_store_format, emit, open_cli_store
from atlas.cli.console import Progress
from atlas.cli.inputs import measure
from atlas.cli.options import add_data_options, add_db
from atlas.errors import SchemaError
from atlas.store import backup, register_size, sync_register

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``db`` and its subcommands to the ``atlas`` command."""
    db = subparsers.add_parser(
        "db", help="the cluster's store: create, register settlements, back up"
    )
    sub = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    init = sub.add_parser(
        "init",
        help="create the store (or bring it up to date) and register the settlements "
        "(default: the embedded sample, when the register is empty)",
    )
    add_db(init)
    add_data_options(init)
    add_store_format(init)
    sync = sub.add_parser(
        "sync",
        help="register the settlements and service points of --settlements again (new ones "
        "added, changed ones updated, missing ones kept but retired)",
    )
    add_db(sync)
    add_data_options(sync)
    add_store_format(sync)
    copy = sub.add_parser("backup", help="write a consistent copy of the store (an SQLite file)")
    add_db(copy)
    copy.add_argument("--output", required=True, metavar="PATH", help="the new backup file")
    add_store_format(copy)


def _register_text(data: dict[str, Any]) -> str:
    lines = [f"store: {data['store']} (schema {data['schema']})"]
    counts = data.get("register")
    if counts:
        lines.append(
            f"settlements: {counts['settlements_added']} added, {counts['settlements_updated']} "
            f"updated, {counts['settlements_retired']} no longer in the file (kept, retired)"
        )
        lines.append(
            f"service points: {counts['services_added']} added, {counts['services_updated']} "
            f"updated, {counts['services_retired']} no longer in the file (kept, retired)"
        )
    lines.append(f"settlements in the register: {data['settlements']}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas db …``."""
    say = Progress(getattr(args, "quiet", False))
    if args.db_command == "backup":
        store = open_cli_store(args)
        try:
            reports = backup(store.engine, args.output)
        finally:
            store.close()
        say(f"wrote a backup of {store.where} to {args.output}")
        emit(
            args,
            {"output": args.output, "reports": reports},
            lambda d: f"backup: {d['output']} ({d['reports']} reports)",
        )
        return 0
    if args.db_command == "sync" and args.settlements is None:
        raise SchemaError(
            "Give the settlements to register again with --settlements PATH (and --services, "
            "--clusters… as for atlas gaps)."
        )
    store = open_cli_store(args, create=args.db_command == "init")
    try:
        counts = None
        if args.db_command == "sync" or args.settlements is not None or register_size(store) == 0:
            _, result = measure(args, say)
            counts = sync_register(store, result, by=f"atlas db {args.db_command}")
        data = {
            "store": store.where,
            "schema": store.revision,
            "register": counts.to_record() if counts else None,
            "settlements": register_size(store),
        }
    finally:
        store.close()
    emit(args, data, _register_text)
    return 0
