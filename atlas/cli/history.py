"""``atlas history``: a settlement's, a cluster's or every settlement's service points over time
(working, broken, unknown and the gap per period), the days each point was out of service, and
the municipality's response to reports (DESIGN §4, §7).

JSON holds every table (``periods``, ``points``, ``settlements``, ``clusters``); CSV one of them
(``--table``, default ``periods``). Values are exact: counts as whole numbers, days to two
decimals, missing values empty (null in JSON).
"""

from __future__ import annotations

import argparse
import json

from atlas.cli.acting import add_acting
from atlas.cli.console import Progress, write_result
from atlas.cli.inputs import add_allow_apart, measure
from atlas.cli.options import add_data_options, add_output, day
from atlas.cli.timing import add_services_as_of, lives_of, services_since
from atlas.errors import SchemaError
from atlas.exports.records import csv_text
from atlas.history import STEPS, history

__all__ = ["add_parser", "run"]

TABLES = ("periods", "points", "settlements", "clusters")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``history`` to the ``atlas`` command."""
    parser = subparsers.add_parser(
        "history",
        help="service points over time, days out of service, and response times to reports",
        description="The statuses of the service points per day, week or month, changed by the "
        "confirmed reports of the store; each point's days out of service; per settlement and "
        "cluster the reports opened, fixed, open for over 7 and 30 days, and the median days "
        "to fix. Without --settlements, the embedded sample.",
    )
    add_data_options(parser)
    add_allow_apart(parser)
    add_acting(parser)
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--settlement", metavar="ID", help="one settlement")
    scope.add_argument("--cluster", metavar="NAME", help="one cluster's settlements")
    parser.add_argument(
        "--from", dest="first", type=day, required=True, metavar="DATE", help="the first day"
    )
    parser.add_argument(
        "--to", dest="last", type=day, required=True, metavar="DATE", help="the last day"
    )
    parser.add_argument("--step", choices=list(STEPS), default="month")
    add_services_as_of(parser)
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument(
        "--table",
        choices=list(TABLES),
        default="periods",
        help="the table --format csv writes (JSON has them all)",
    )
    add_output(parser)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas history``; errors are raised for the CLI boundary to print."""
    say = Progress(args.quiet)
    if args.last < args.first:
        raise SchemaError(
            f"--to {args.last} is before --from {args.first}: give the first day, then the last."
        )
    dataset, result = measure(args, say)
    lives = lives_of(args, say)
    found = history(
        dataset,
        result,
        lives,
        args.first,
        args.last,
        step=args.step,
        settlement_id=args.settlement,
        cluster=args.cluster,
        since=services_since(args),
    )
    record = found.to_record()
    if args.format == "json":
        text = json.dumps(record, ensure_ascii=False, indent=2)
        done = f"{len(record['periods'])} period rows"
    else:
        rows = record[args.table]
        text = csv_text(rows, list(found.tables()[args.table].columns))
        done = f"{len(rows)} {args.table} rows"
    write_result(text, args.output, say, done)
    return 0
