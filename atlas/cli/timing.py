"""``--db``/``--as``, ``--as-of`` and ``--services-as-of``: the statuses of the service points
as of a date, changed by the confirmed reports in the cluster's store (DESIGN §4).

Without ``--db`` (or ``--as``) nothing changes: the statuses are the services file's. With a
store, the confirmed reports change them as of ``--as-of`` (default now).
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from atlas.cli.acting import open_cli_store, signed_in
from atlas.cli.console import Progress
from atlas.errors import SchemaError
from atlas.i18n import plural

if TYPE_CHECKING:
    from atlas.load import Dataset
    from atlas.store import Store
    from atlas.store.timeline import ReportLife

# The store and the history (SQLAlchemy, Alembic, argon2) are imported when a command uses the
# store: a command without --db/--as does not wait for them.

__all__ = [
    "add_as_of",
    "add_services_as_of",
    "lives_of",
    "services_since",
    "statuses_from_store",
    "statuses_note",
]


def add_services_as_of(parser: argparse.ArgumentParser) -> None:
    """``--services-as-of DATE``."""
    parser.add_argument(
        "--services-as-of",
        metavar="DATE",
        help="the date the services file's statuses describe (before it they are unknown; "
        "default: they hold from the beginning)",
    )


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """``--as-of DATE`` and ``--services-as-of DATE`` (the store options come with
    :func:`atlas.cli.acting.add_acting`)."""
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the service points' statuses as of this date (the end of the day) or time, "
        "changed by the confirmed reports of the store (needs --db and --as)",
    )
    add_services_as_of(parser)


def services_since(args: argparse.Namespace) -> datetime | None:
    """The moment ``--services-as-of`` names (None without it).

    Raises
    ------
    SchemaError
        Not a date.
    """
    text = getattr(args, "services_as_of", None)
    if not text:
        return None
    from atlas.history import since

    try:
        return since(text)
    except ValueError as exc:
        raise SchemaError(str(exc)) from None


def _uses_store(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "db", None) or getattr(args, "acting", None))


def lives_of(args: argparse.Namespace, say: Progress) -> list[ReportLife]:
    """The reports' lifecycles in the store ``--db`` names, read as ``--as``.

    Raises
    ------
    SchemaError
        ``--as`` is missing.
    """
    if not getattr(args, "acting", None):
        raise SchemaError(
            "Reading the cluster's reports needs a user of the store: add --as USER (the "
            "password comes from ATLAS_PASSWORD or a prompt)."
        )
    from atlas.store.timeline import report_lives

    store: Store = open_cli_store(args)
    try:
        lives = report_lives(store, signed_in(store, args))
    finally:
        store.close()
    say(f"read {plural(len(lives), 'report')} from {store.where}")
    return lives


def statuses_from_store(dataset: Dataset, args: argparse.Namespace, say: Progress) -> Dataset:
    """``dataset`` with its service points' statuses as of ``--as-of`` (default now), changed
    by the confirmed reports of the store; unchanged without ``--db`` and ``--as``.

    Raises
    ------
    SchemaError
        ``--as-of`` without a store, or a date that cannot be read.
    """
    if not hasattr(args, "as_of"):  # a command without --as-of (db sync's --db is the store)
        return dataset
    text = args.as_of
    if not _uses_store(args):
        if text:
            raise SchemaError(
                "--as-of reads the confirmed reports of the cluster's store: add --db URL and "
                "--as USER (without a store the statuses are the services file's)."
            )
        return dataset
    from atlas.history import as_of, dataset_as_of, spells
    from atlas.store.times import LOCAL_ZONE, iso
    from atlas.summaries.timing import as_of_sentence

    try:
        moment = as_of(text) if text else as_of(datetime.now().astimezone())
    except ValueError as exc:
        raise SchemaError(str(exc)) from None
    lives = lives_of(args, say)
    file_since = services_since(args)
    point_spells = spells(lives)
    changed = dataset_as_of(dataset, moment, since=file_since, point_spells=point_spells)
    differ = int((changed.services["status"] != dataset.services["status"]).sum())
    out = sum(any(s.covers(moment) for s in entries) for entries in point_spells.values())
    local = LOCAL_ZONE
    args.statuses_note = as_of_sentence(
        moment.astimezone(local).date(),
        out,
        file_since.astimezone(local).date() if file_since else None,
    )
    say(f"statuses as of {iso(moment)}: {plural(differ, 'service point')} differ from the file")
    return changed


def statuses_note(args: argparse.Namespace) -> list[str]:
    """The line a report or wall map names its statuses' date with (none without a store)."""
    note = getattr(args, "statuses_note", None)
    return [note] if note else []
