"""``atlas schedule``: were the promised water deliveries made? (DESIGN §5).

With ``--db URL --as USER`` (or ``--as`` alone, for the store of ``ATLAS_DB``) the deliveries
recorded in the store are compared too: beside ``--deliveries CSV`` when it is given (a delivery
in both, the same settlement and minute of arrival, is counted once and the command says how
many were), else on their own, against ``--schedule`` or the sample schedule. Without them the
command reads files only, as it always has.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path

import pandas as pd

from atlas.cli.acting import add_acting, open_cli_store, signed_in
from atlas.cli.console import Progress, write_result
from atlas.cli.options import add_format, add_map, add_output, add_quiet, day
from atlas.cli.wording import CLI
from atlas.errors import SchemaError, ValidationError
from atlas.exports.records import csv_text
from atlas.load import load_layer, parse_mapping
from atlas.problems import Report
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE, sample_files
from atlas.schedules import (
    DELIVERY_COLUMNS,
    ROLLUP_COLUMNS,
    classify_deliveries,
    compliance,
    outcome_records,
    parse_table_mapping,
    read_deliveries,
    read_schedule,
)
from atlas.store import combine_deliveries, delivery_frame

__all__ = ["add_parser", "run"]
_KEYS = {"settlement": "settlement_id", "cluster": "cluster", "provider": "provider"}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schedule`` subcommand to the ``atlas`` command's subparsers."""
    parser = subparsers.add_parser(
        "schedule",
        help="water deliveries against the published schedule: missed, late, short, compliance",
        description="Compare a water delivery schedule with what residents reported arriving. "
        "Without files, the sample schedule, reports and settlements are used. With --db "
        "and --as, the deliveries recorded in the store are compared too (beside --deliveries "
        "when given, each delivery once).",
    )
    parser.add_argument(
        "--schedule", metavar="PATH", help="schedule CSV (default: the sample schedule)"
    )
    parser.add_argument(
        "--deliveries", metavar="PATH", help="delivery reports CSV (default: the sample reports)"
    )
    parser.add_argument(
        "--settlements",
        metavar="PATH",
        help="settlements layer, for ids, population and clusters (default: the sample)",
    )
    parser.add_argument(
        "--from", dest="start", type=day, metavar="DATE", help="first day (default: first report)"
    )
    parser.add_argument(
        "--to", dest="end", type=day, metavar="DATE", help="last day (default: last report)"
    )
    parser.add_argument(
        "--level",
        choices=["delivery", "settlement", "cluster", "provider"],
        default="delivery",
    )
    add_format(parser, ["json", "csv"])
    parser.add_argument(
        "--late-hours",
        type=float,
        default=2.0,
        metavar="HOURS",
        help="how far outside its window a delivery may arrive and be on time (default 2)",
    )
    parser.add_argument(
        "--short-percent",
        type=float,
        default=10.0,
        metavar="PERCENT",
        help="how far below the scheduled volume a delivery may be and count as in full "
        "(default 10)",
    )
    parser.add_argument(
        "--tank-litres",
        type=float,
        metavar="LITRES",
        help="litres per tank, for entries and reports that count tanks only",
    )
    add_map(
        parser,
        metavar="TABLE.FIELD=COLUMN",
        help="map a column: schedule.FIELD, deliveries.FIELD or settlements.FIELD "
        "(repeatable), e.g. deliveries.arrived_at=When",
    )
    add_acting(parser, required=False)
    add_output(parser)
    add_quiet(parser)


def _check(report: Report, say: Progress) -> None:
    if not report.ok:
        raise ValidationError(report)
    for problem in report.warnings:
        say.warn(f"{report.layer}: {problem.format(CLI)}")


def _with_store(
    args: argparse.Namespace, from_file: pd.DataFrame | None, ids: list[str], say: Progress
) -> pd.DataFrame:
    """The file's delivery reports (if any) and those recorded in the store, each once."""
    store = open_cli_store(args)
    try:
        say(f"reading the deliveries recorded in {store.where}")
        recorded = delivery_frame(store, signed_in(store, args))
    finally:
        store.close()
    combined = combine_deliveries(from_file, recorded, ids)
    file = None if from_file is None else Path(args.deliveries).name
    first, *notes = combined.sentences(file)
    say(first)
    for note in notes:  # counted once, or left out: shown even with --quiet
        say.warn(note)
    return combined.frame


def run(args: argparse.Namespace) -> int:
    """Run ``atlas schedule``; returns the exit status (errors are raised as AtlasError)."""
    say = Progress(args.quiet)
    tables = [i for i in args.map if i.split(".", 1)[0] in ("schedule", "deliveries")]
    mapping = parse_table_mapping(tables)
    layer_mapping = parse_mapping([i for i in args.map if i not in tables]).get("settlements")
    settlements_path = args.settlements or sample_files().settlements
    say(f"reading settlements from {settlements_path}")
    settlements, report = load_layer(settlements_path, "settlements", mapping=layer_mapping)
    _check(report, say)
    ids = [str(s) for s in settlements["settlement_id"]]
    with_store = args.db is not None or args.acting is not None
    if with_store and args.acting is None:
        raise SchemaError(
            "--db needs --as USER: the deliveries in the store are read as one of its users "
            "(the password comes from $ATLAS_PASSWORD or a prompt)."
        )
    if with_store and args.deliveries is not None and args.schedule is None:
        raise SchemaError("Give --schedule with --deliveries (or neither, for the sample).")
    if not with_store and (args.schedule is None) != (args.deliveries is None):
        raise SchemaError("Give both --schedule and --deliveries (or neither, for the sample).")
    schedule_path = Path(args.schedule or SAMPLE_SCHEDULE)
    say(f"reading the schedule from {schedule_path}")
    schedule, report = read_schedule(
        schedule_path, mapping=mapping.get("schedule"), settlement_ids=ids
    )
    _check(report, say)

    def from_file(path: Path) -> pd.DataFrame:
        say(f"reading delivery reports from {path}")
        table, report = read_deliveries(path, mapping=mapping.get("deliveries"), settlement_ids=ids)
        _check(report, say)
        return table

    if not with_store:
        deliveries = from_file(Path(args.deliveries or SAMPLE_DELIVERIES))
    else:
        given = None if args.deliveries is None else from_file(Path(args.deliveries))
        deliveries = _with_store(args, given, ids, say)
    if args.late_hours < 0 or not 0 <= args.short_percent < 100:
        raise SchemaError("--late-hours must be 0 or more and --short-percent from 0 to 99.")
    outcomes = classify_deliveries(
        schedule,
        deliveries,
        args.start,
        args.end,
        late_tolerance=timedelta(hours=args.late_hours),
        short_tolerance=args.short_percent / 100,
        tank_litres=args.tank_litres,
    )
    start, end = outcomes.attrs.get("period", (args.start, args.end))
    say(f"compared {len(outcomes)} deliveries from {start} to {end}")
    if args.level == "delivery":
        records = outcome_records(outcomes)
        columns = DELIVERY_COLUMNS
    else:
        table = compliance(outcomes, args.level, settlements=pd.DataFrame(settlements))
        records = outcome_records(table, args.level)
        columns = [_KEYS[args.level], *ROLLUP_COLUMNS]
    if args.format == "json":
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    else:
        text = csv_text(records, columns)  # text cells guarded against spreadsheet formulas
    write_result(text, args.output, say, f"{len(records)} {args.level} records")
    return 0
