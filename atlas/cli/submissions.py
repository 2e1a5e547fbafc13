"""``atlas submissions add|update|list``: what the cluster sent to whom (the IDP review, MPAC,
a ward councillor), and whether anyone answered.

Every command acts as a user (``--as``) and the store checks what that user's role allows:
every role lists every cluster's submissions (they are the cluster's public acts), the overdue
first; a member records their own cluster's submissions and what came of them; a coordinator
any cluster's. A submission is overdue when it is not answered and its due date (by default 30
days after it was sent) has passed.
"""

from __future__ import annotations

import argparse
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
from atlas.cli.options import add_output, day
from atlas.exports.records import csv_text
from atlas.store import (
    SUBMISSION_STATES,
    NewSubmission,
    add_submission,
    list_submissions,
    update_submission,
)
from atlas.store.submissions import FIELDS, RECIPIENT_ROLES

__all__ = ["add_parser", "run"]

#: The columns of ``submissions list --format text``.
_SHOWN = ("id", "cluster", "recipient", "sent", "due", "status", "days_overdue")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``submissions`` and its subcommands to the ``atlas`` command."""
    submissions = subparsers.add_parser(
        "submissions", help="what the cluster sent to whom, and the answers: add, update, list"
    )
    sub = submissions.add_subparsers(dest="submissions_command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="record a submission the cluster sent (prints its id)")
    add_acting(add)
    add.add_argument(
        "--cluster",
        required=True,
        metavar="NAME",
        help="the cluster that sent it (a member: theirs)",
    )
    add.add_argument(
        "--recipient",
        required=True,
        metavar="TEXT",
        help="who it was sent to, name and office, e.g. 'IDP Office, City of Cape Town'",
    )
    add.add_argument("--sent", required=True, type=day, metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("--reference", metavar="REF", help="the municipality's reference number")
    add.add_argument(
        "--due", type=day, metavar="DATE", help="when a response is due (default: 30 days after)"
    )
    add.add_argument(
        "--recipient-role",
        choices=list(RECIPIENT_ROLES),
        metavar="ROLE",
        help=f"who they are: {', '.join(RECIPIENT_ROLES)}",
    )
    add_store_format(add)

    update = sub.add_parser(
        "update", help="record an acknowledgement or an answer (members: their cluster's)"
    )
    update.add_argument("id", metavar="ID")
    add_acting(update)
    update.add_argument("--status", choices=list(SUBMISSION_STATES))
    update.add_argument("--response", metavar="TEXT", help="what the answer said")
    update.add_argument(
        "--answered", type=day, metavar="DATE", help="the day it was answered (status answered)"
    )
    update.add_argument("--reference", metavar="REF", help="the municipality's reference number")
    update.add_argument("--due", type=day, metavar="DATE", help="a new due date")
    add_store_format(update)

    listing = sub.add_parser("list", help="the submissions, the overdue first (every role)")
    add_acting(listing)
    listing.add_argument("--cluster", metavar="NAME")
    listing.add_argument(
        "--on", type=day, metavar="DATE", help="say which were overdue on DATE (default: today)"
    )
    add_store_format(listing, "csv")
    add_output(listing)


def _line(record: dict[str, Any]) -> str:
    late = record["days_overdue"]
    return f"{record['id']}: {record['status']}" + (f", {late} days overdue" if late else "")


def run(args: argparse.Namespace) -> int:
    """Run ``atlas submissions …``."""
    command = args.submissions_command
    store = open_cli_store(args)
    try:
        user = signed_in(store, args)
        if command == "add":
            entry = NewSubmission(
                cluster=args.cluster,
                recipient=args.recipient,
                sent=args.sent,
                reference=args.reference,
                due=args.due,
                recipient_role=args.recipient_role,
            )
            emit(args, {"id": add_submission(store, user, entry)}, lambda d: d["id"])
        elif command == "update":
            record = update_submission(
                store,
                user,
                args.id,
                status=args.status,
                response=args.response,
                answered=args.answered,
                reference=args.reference,
                due=args.due,
            )
            emit(args, record, _line)
        else:
            records = list_submissions(store, user, cluster=args.cluster, on=args.on)
            text = (
                (lambda r: csv_text(r, FIELDS))
                if args.format == "csv"
                else (lambda r: text_table(r, _SHOWN))
            )
            done = f"{len(records)} submissions"
            emit(args, records, text, Progress(False), done, output=args.output)
    finally:
        store.close()
    return 0
