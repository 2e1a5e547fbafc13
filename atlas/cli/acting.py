"""What the store commands share: ``--db``, ``--as USER`` and its password, ``--format``, and
opening the store.

The acting user's password comes from ``ATLAS_PASSWORD`` or, at a terminal, a prompt that does
not echo it; it is never an option (options show in ``ps`` and in shell history).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atlas.cli.console import Progress, write_result
from atlas.cli.options import add_db
from atlas.errors import AccessDenied, StoreError

if TYPE_CHECKING:
    from atlas.store import Store, User

# The store (SQLAlchemy, Alembic, argon2) is imported when it is opened: a command that only
# declares --db/--as (gaps, export, report) does not wait for it.

__all__ = [
    "PASSWORD_ENV",
    "add_acting",
    "add_store_format",
    "emit",
    "open_cli_store",
    "password_of",
    "signed_in",
    "text_table",
]

#: The environment variable the acting user's password may come from.
PASSWORD_ENV = "ATLAS_PASSWORD"


def add_acting(parser: argparse.ArgumentParser, *, required: bool = True, role: str = "") -> None:
    """``--db URL`` and ``--as USER``."""
    add_db(parser)
    who = f"an {role}" if role[:1] in "aeiou" and role else (f"a {role}" if role else "a user")
    parser.add_argument(
        "--as",
        dest="acting",
        metavar="USER",
        required=required,
        help=f"who is doing this ({who} of the store); the password comes from "
        f"${PASSWORD_ENV} or a prompt",
    )


def add_store_format(parser: argparse.ArgumentParser, *more: str) -> None:
    """``--format json|text|…`` (JSON by default, for scripts; text for a person)."""
    parser.add_argument("--format", choices=["json", "text", *more], default="json")


def open_cli_store(args: argparse.Namespace, *, create: bool = False) -> Store:
    """The store ``--db`` (or ``ATLAS_DB``, or the default file) names, opened.

    Raises
    ------
    StoreError
        An SQLite file that does not exist yet, unless ``create`` (``atlas db init``).
    """
    from atlas.store import open_store, store_url

    url = store_url(args.db)
    if not create and url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not path.exists():
            raise StoreError(
                f"There is no store at {path}: create it with atlas db init --db {path} "
                "(or give the right one with --db or ATLAS_DB)."
            )
    return open_store(url)


def password_of(name: str) -> str:
    """The acting user's password: ``ATLAS_PASSWORD``, else a prompt at a terminal.

    Raises
    ------
    AccessDenied
        No ``ATLAS_PASSWORD`` and no terminal to ask at.
    """
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise AccessDenied(
            f"No password for {name}: set {PASSWORD_ENV} (e.g. read from a password manager) "
            "or run the command at a terminal, which asks for it."
        )
    return getpass.getpass(f"Password for {name}: ")


def signed_in(store: Store, args: argparse.Namespace) -> User:
    """The user ``--as`` names, signed in with their password."""
    from atlas.store import sign_in

    return sign_in(store, args.acting, password_of(args.acting), record=False)


def emit(
    args: argparse.Namespace,
    data: Any,
    text: Callable[[Any], str],
    say: Progress | None = None,
    done: str = "the result",
    *,
    output: str | None = None,
) -> None:
    """Write ``data`` as JSON (``--format json``) or as ``text(data)`` (``--format text``) to
    ``output`` (standard output when None)."""
    body = json.dumps(data, ensure_ascii=False, indent=2) if args.format == "json" else text(data)
    write_result(body, output, say or Progress(True), done)


def text_table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    """``rows`` as aligned text columns for a person (``--format text``), ``(none)`` for none.

    >>> print(text_table([{"id": "a1", "state": "reported"}, {"id": "b22", "state": None}], ["id", "state"]))
    id   state
    a1   reported
    b22
    """
    if not rows:
        return "(none)"
    shown = [{c: "" if r.get(c) is None else str(r.get(c)) for c in columns} for r in rows]
    width = {c: max(len(c), *(len(r[c]) for r in shown)) for c in columns}
    lines = ["  ".join(c.ljust(width[c]) for c in columns)]
    lines += ["  ".join(r[c].ljust(width[c]) for c in columns).rstrip() for r in shown]
    return "\n".join(lines)
