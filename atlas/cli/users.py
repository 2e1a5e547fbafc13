"""``atlas users add|list``: the people who may use the store, and their roles.

The first user of an empty store must be an admin and needs no ``--as``; every later one is
added by an admin. The new user's password is read from standard input (``--password-stdin``)
or asked twice at a terminal; it is never an option.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from atlas.cli.acting import add_acting, add_store_format, emit, open_cli_store, signed_in
from atlas.errors import SchemaError
from atlas.store import Role, add_user, list_users, needs_first_admin, set_password

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``users`` and its subcommands to the ``atlas`` command."""
    users = subparsers.add_parser("users", help="the store's users and their roles")
    sub = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    add = sub.add_parser(
        "add",
        help="add a user (the first user of an empty store must be an admin and needs no --as)",
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=[r.label for r in Role])
    add.add_argument("--cluster", metavar="NAME", help="the cluster of a member (members only)")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new user's password from the first line of standard input",
    )
    add_acting(add, required=False, role="admin")
    add_store_format(add)
    reset = sub.add_parser(
        "password", help="set a new password (an admin for anyone, a user for themselves)"
    )
    reset.add_argument("name", metavar="NAME")
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new password from the first line of standard input",
    )
    add_acting(reset)
    add_store_format(reset)
    listing = sub.add_parser("list", help="every user with role and cluster (admins)")
    add_acting(listing, role="admin")
    add_store_format(listing)


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise SchemaError(
            f"No password for {args.name}: pass it on standard input with --password-stdin "
            "(e.g. from a password manager), or run the command at a terminal."
        )
    first = getpass.getpass(f"New password for {args.name}: ")
    if getpass.getpass("The same password again: ") != first:
        raise SchemaError("The two passwords differ: run the command again.")
    return first


def _users_text(rows: list[dict[str, Any]]) -> str:
    lines = []
    for r in rows:
        cells = [r["name"], r["role"], r["cluster"] or ""] + ([] if r["active"] else ["(inactive)"])
        lines.append("\t".join(cells))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas users …``."""
    store = open_cli_store(args)
    try:
        if args.users_command == "list":
            emit(args, list_users(store, signed_in(store, args)), _users_text)
            return 0
        if args.users_command == "password":
            set_password(store, signed_in(store, args), args.name, _new_password(args))
            emit(
                args,
                {"name": args.name, "password": "set"},
                lambda d: f"new password set for {d['name']}",
            )
            return 0
        first = needs_first_admin(store)
        if not first and args.acting is None:
            raise SchemaError(
                "The store already has users: say which admin adds this one with --as ADMIN."
            )
        password = _new_password(args)
        actor = None if first else signed_in(store, args)
        user = add_user(store, actor, args.name, args.role, password, cluster=args.cluster)
    finally:
        store.close()
    data = {"name": user.name, "role": user.role.label, "cluster": user.cluster}
    emit(
        args,
        data,
        lambda d: f"added {d['name']} ({d['role']}{', ' + d['cluster'] if d['cluster'] else ''})",
    )
    return 0
