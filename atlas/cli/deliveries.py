"""``atlas deliveries add|import|list|withdraw``: water deliveries residents saw arrive, in the
store, for ``atlas schedule --db`` to compare with the schedule.

Every command acts as a user (``--as``) and the store checks what that user's role allows: a
member records deliveries for their own cluster's settlements and lists that cluster's; a
coordinator lists every cluster's and withdraws one recorded by mistake (it stays in the store,
marked withdrawn, and the comparison leaves it out).
"""

from __future__ import annotations

import argparse

from atlas.cli.acting import (
    add_acting,
    add_store_format,
    emit,
    open_cli_store,
    signed_in,
    text_table,
)
from atlas.cli.console import Progress
from atlas.cli.options import add_output, add_quiet
from atlas.exports.records import csv_text
from atlas.store import (
    CHANNELS,
    NewDelivery,
    add_delivery,
    import_deliveries,
    list_deliveries,
    withdraw_delivery,
)
from atlas.store.delivery_imports import COLUMNS

__all__ = ["LIST_COLUMNS", "add_parser", "run"]

#: The columns of ``deliveries list --format csv``.
LIST_COLUMNS = (
    "id",
    "external_id",
    "settlement_id",
    "settlement_name",
    "cluster",
    "arrived_at",
    "litres",
    "tanks",
    "provider",
    "note",
    "channel",
    "reporter",
    "recorded_at",
    "withdrawn_at",
    "withdrawn_by",
)
#: The columns of ``deliveries list --format text``.
_SHOWN = ("id", "settlement_name", "arrived_at", "litres", "tanks", "provider", "withdrawn_at")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``deliveries`` and its subcommands to the ``atlas`` command."""
    deliveries = subparsers.add_parser(
        "deliveries", help="water deliveries residents saw arrive: add, import, list, withdraw"
    )
    sub = deliveries.add_subparsers(dest="deliveries_command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="record one delivery (prints its id)")
    add_acting(add)
    add.add_argument("--settlement", required=True, metavar="ID")
    add.add_argument(
        "--arrived-at",
        required=True,
        metavar="ISO8601",
        help="when it arrived, e.g. 2026-08-03T09:15 (South African time) or …Z for UTC",
    )
    add.add_argument("--litres", metavar="L", help="litres delivered (--litres or --tanks)")
    add.add_argument("--tanks", metavar="N", help="number of tanks delivered")
    add.add_argument("--provider", metavar="NAME", help="who delivered it, e.g. the contractor")
    add.add_argument("--note", metavar="TEXT")
    add.add_argument("--channel", choices=list(CHANNELS), default="app")
    add.add_argument("--external-id", metavar="ID", help="the form's or the paper's number")
    add_store_format(add)

    imp = sub.add_parser(
        "import",
        help=f"import deliveries from a CSV file (columns {', '.join(COLUMNS)}; the "
        "reporter column is not kept); importing the same file again adds nothing twice",
    )
    imp.add_argument("file", metavar="FILE.csv")
    add_acting(imp)
    add_store_format(imp)
    add_quiet(imp)

    listing = sub.add_parser("list", help="the deliveries you may see, by time of arrival")
    add_acting(listing)
    listing.add_argument("--cluster", metavar="NAME")
    listing.add_argument("--settlement", metavar="ID")
    listing.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    listing.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD)")
    listing.add_argument(
        "--withdrawn", action="store_true", help="list the withdrawn deliveries too"
    )
    add_store_format(listing, "csv")
    add_output(listing)

    withdraw = sub.add_parser(
        "withdraw", help="withdraw a delivery recorded by mistake (coordinators; never deleted)"
    )
    withdraw.add_argument("id", metavar="ID")
    add_acting(withdraw, role="coordinator")
    withdraw.add_argument(
        "--note",
        required=True,
        metavar="TEXT",
        help="why, e.g. 'recorded twice' (written in the audit log: name no resident)",
    )
    add_store_format(withdraw)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas deliveries …``."""
    command = args.deliveries_command
    say = Progress(getattr(args, "quiet", False))
    store = open_cli_store(args)
    try:
        user = signed_in(store, args)
        if command == "add":
            entry = NewDelivery(
                settlement_id=args.settlement,
                arrived_at=args.arrived_at,
                litres=args.litres,
                tanks=args.tanks,
                provider=args.provider,
                note=args.note,
                channel=args.channel,
                external_id=args.external_id,
            )
            emit(args, {"id": add_delivery(store, user, entry)}, lambda d: d["id"])
        elif command == "import":
            result = import_deliveries(
                store,
                user,
                args.file,
                progress=lambda done, n: say(f"committed {done} rows of the file ({n} added)"),
            )
            for warning in result.warnings:  # a number read with a convention (10,000)
                say.warn(f"{args.file}: {warning}")
            for rejected in result.rejected:
                say.warn(f"line {rejected['line']} not imported: {rejected['reason']}")
            emit(
                args,
                result.to_record(),
                lambda d: (
                    f"{d['added']} added, {d['unchanged']} unchanged, {len(d['rejected'])} rejected"
                ),
            )
        elif command == "list":
            records = list_deliveries(
                store,
                user,
                cluster=args.cluster,
                settlement_id=args.settlement,
                start=args.start,
                end=args.end,
                withdrawn=args.withdrawn,
            )
            text = (
                (lambda r: csv_text(r, LIST_COLUMNS))
                if args.format == "csv"
                else (lambda r: text_table(r, _SHOWN))
            )
            emit(args, records, text, say, f"{len(records)} deliveries", output=args.output)
        else:
            record = withdraw_delivery(store, user, args.id, args.note)
            emit(args, record, lambda r: f"{r['id']}: withdrawn by {r['withdrawn_by']}")
    finally:
        store.close()
    return 0
