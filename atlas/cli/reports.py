"""``atlas reports add|import|list|update|summary``: residents' reports in the store.

``reports import FILE --kind csv|kobo|odk|survey`` reads the atlas's own reports table (the
default), a KoboToolbox or ODK Central export of the atlas's report form, or a survey table.

Every command acts as a user (``--as``), and the store checks what that user's role allows: a
viewer counts reports (``summary``) only; a member adds and lists their own cluster's reports,
never with contact details; a coordinator changes states and may list contacts
(``--with-contacts``, written to the audit log).
"""

from __future__ import annotations

import argparse
import json
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
from atlas.cli.options import add_output, add_quiet
from atlas.errors import DataFileError
from atlas.exports.records import csv_text
from atlas.store import (
    CHANNELS,
    STATES,
    NewReport,
    Store,
    User,
    add_report,
    import_reports,
    list_reports,
    report_counts,
    update_report,
)
from atlas.store.fieldforms import KINDS, import_form_export
from atlas.store.imports import COLUMNS
from atlas.store.surveys import QUESTIONS, import_survey, parse_question

__all__ = ["add_parser", "run"]

#: The columns of ``reports list --format csv`` (``contact`` last, with --with-contacts).
LIST_COLUMNS = (
    "service_request_id",
    "external_id",
    "state",
    "status",
    "settlement_id",
    "settlement_name",
    "cluster",
    "service_id",
    "category",
    "problem",
    "description",
    "observed_at",
    "requested_datetime",
    "updated_datetime",
    "channel",
    "reporter",
    "reference",
    "agency_responsible",
    "duplicate_of",
    "status_notes",
    "lon",
    "lat",
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``reports`` and its subcommands to the ``atlas`` command."""
    reports = subparsers.add_parser("reports", help="residents' reports: add, import, list, update")
    sub = reports.add_subparsers(dest="reports_command", required=True, metavar="COMMAND")

    add = sub.add_parser("add", help="add one report (prints its id)")
    add_acting(add)
    add.add_argument("--settlement", required=True, metavar="ID")
    add.add_argument("--service", metavar="ID", help="the service point, when it is about one")
    add.add_argument(
        "--category", required=True, metavar="C", help="water, sanitation, electricity or waste"
    )
    add.add_argument(
        "--problem", required=True, metavar="P", help="e.g. broken, no_water, not_cleaned"
    )
    add.add_argument(
        "--observed-at",
        required=True,
        metavar="ISO8601",
        help="when it was seen, e.g. 2026-11-03T08:30 (South African time) or …Z for UTC",
    )
    add.add_argument("--note", metavar="TEXT")
    add.add_argument("--contact", metavar="TEXT", help="the reporter's contact (kept private)")
    add.add_argument("--channel", choices=list(CHANNELS), default="app")
    add_store_format(add)

    imp = sub.add_parser(
        "import",
        help="import reports from a file (CSV or XLSX): the atlas's reports table, a field-form "
        "export or a survey; importing the same file again adds nothing twice",
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--kind",
        choices=["csv", *KINDS, "survey"],
        default="csv",
        help=f"csv: the atlas's reports table (columns {', '.join(COLUMNS)}); kobo, odk: a "
        "KoboToolbox or ODK Central export of the atlas's report form "
        "(data/forms/atlas-report.xlsx), whose edits correct their reports; survey: a table of "
        "settlement_id, period_start and a yes/no column per question, each 'no' a report "
        f"(built in: {', '.join(q.column for q in QUESTIONS)})",
    )
    imp.add_argument(
        "--question",
        action="append",
        default=[],
        metavar="COLUMN=CATEGORY:PROBLEM",
        help="with --kind survey: read COLUMN as a yes/no question whose 'no' reports PROBLEM "
        "of CATEGORY, e.g. 'taps working=water:broken' (repeatable)",
    )
    add_acting(imp)
    add_store_format(imp)
    add_quiet(imp)

    listing = sub.add_parser("list", help="the reports you may see, oldest first")
    add_acting(listing)
    listing.add_argument("--cluster", metavar="NAME")
    listing.add_argument("--settlement", metavar="ID")
    listing.add_argument("--state", choices=list(STATES))
    listing.add_argument(
        "--with-contacts",
        action="store_true",
        help="add the reporters' contact details (coordinators; written to the audit log)",
    )
    add_store_format(listing, "csv", "geojson")
    add_output(listing)

    update = sub.add_parser("update", help="move a report on in its lifecycle (coordinators)")
    update.add_argument("id", metavar="ID")
    add_acting(update, role="coordinator")
    update.add_argument("--state", required=True, choices=list(STATES))
    update.add_argument("--note", metavar="TEXT")
    update.add_argument("--reference", metavar="REF", help="the municipality's reference number")
    update.add_argument("--duplicate-of", metavar="ID", help="the report this one repeats")
    update.add_argument(
        "--at",
        metavar="ISO8601",
        help="when the change happened (default: now), to enter history afterwards",
    )
    add_store_format(update)

    summary = sub.add_parser("summary", help="counts of reports by category and state (every role)")
    add_acting(summary)
    summary.add_argument("--level", choices=["settlement", "cluster"], default="settlement")
    add_store_format(summary, "csv")
    add_output(summary)


def _geojson(records: list[dict[str, Any]]) -> str:
    features = [
        {
            "type": "Feature",
            "geometry": None
            if r["lon"] is None
            else {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {k: v for k, v in r.items() if k not in ("lon", "lat")},
        }
        for r in records
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _import(store: Store, user: User, args: argparse.Namespace, say: Progress) -> None:
    """``reports import``: the file read as ``--kind`` says, the refused rows warned about."""

    def progress(done: int, added: int) -> None:
        say(f"committed {done} rows of the file ({added} added)")

    if args.question and args.kind != "survey":
        raise DataFileError("--question maps a survey table's columns: use it with --kind survey.")
    if args.kind == "survey":
        questions = [parse_question(q) for q in args.question]
        result = import_survey(store, user, args.file, questions, progress=progress)
    elif args.kind in KINDS:
        result = import_form_export(store, user, args.file, args.kind, progress=progress)
    else:
        result = import_reports(store, user, args.file, progress=progress)
    where = "row" if Path(args.file).suffix.lower() in (".xlsx", ".xlsm") else "line"
    for rejected in result.rejected:
        say.warn(f"{where} {rejected['line']} not imported: {rejected['reason']}")
    record = result.to_record()
    if args.kind in KINDS:  # a form's edits: always said, even when none
        record = {"added": result.added, "edited": result.edited} | record

    def text(d: dict[str, Any]) -> str:
        edited = f"{d['edited']} edited, " if "edited" in d else ""
        return (
            f"{d['added']} added, {edited}{d['unchanged']} unchanged, {len(d['rejected'])} rejected"
        )

    emit(args, record, text)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas reports …``."""
    command = args.reports_command
    say = Progress(getattr(args, "quiet", False))
    store = open_cli_store(args)
    try:
        user = signed_in(store, args)
        if command == "add":
            entry = NewReport(
                settlement_id=args.settlement,
                category=args.category,
                problem=args.problem,
                observed_at=args.observed_at,
                service_id=args.service,
                note=args.note,
                contact=args.contact,
                channel=args.channel,
            )
            added = add_report(store, user, entry).to_record()
            for other in added["possible_duplicates"]:
                say.warn(f"report {added['id']} may be the same problem as the open report {other}")
            emit(args, added, lambda d: d["id"])
        elif command == "import":
            _import(store, user, args, say)
        elif command == "list":
            records = list_reports(
                store,
                user,
                cluster=args.cluster,
                state=args.state,
                settlement_id=args.settlement,
                with_contacts=args.with_contacts,
                purpose="exported",
            )
            columns = [*LIST_COLUMNS, *(["contact"] if args.with_contacts else [])]
            if args.format == "csv":
                emit(
                    args,
                    records,
                    lambda r: csv_text(r, columns),
                    say,
                    f"{len(records)} reports",
                    output=args.output,
                )
            elif args.format == "geojson":
                emit(args, records, _geojson, say, f"{len(records)} reports", output=args.output)
            else:
                shown = [
                    "service_request_id",
                    "state",
                    "settlement_name",
                    "category",
                    "problem",
                    "observed_at",
                ]
                emit(
                    args,
                    records,
                    lambda r: text_table(r, shown),
                    say,
                    f"{len(records)} reports",
                    output=args.output,
                )
        elif command == "update":
            record = update_report(
                store,
                user,
                args.id,
                args.state,
                note=args.note,
                reference=args.reference,
                duplicate_of=args.duplicate_of,
                at=args.at,
            )
            emit(args, record, lambda r: f"{r['service_request_id']}: {r['state']}")
        else:
            rows = report_counts(store, user, args.level)
            keys = ["cluster"] if args.level == "cluster" else ["settlement_id", "name", "cluster"]
            columns = [*keys, "category", *STATES, "open", "total"]
            if args.format == "csv":
                emit(
                    args,
                    rows,
                    lambda r: csv_text(r, columns),
                    say,
                    f"{len(rows)} rows",
                    output=args.output,
                )
            else:
                emit(
                    args,
                    rows,
                    lambda r: text_table(r, columns),
                    say,
                    f"{len(rows)} rows",
                    output=args.output,
                )
    finally:
        store.close()
    return 0
