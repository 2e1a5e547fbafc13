"""``atlas report``: a printable A4 PDF report of one cluster."""

from __future__ import annotations

import argparse
from pathlib import Path

from atlas.cli.acting import add_acting
from atlas.cli.console import Progress
from atlas.cli.inputs import add_allow_apart, apart_notes, delivery_compliance, measure
from atlas.cli.options import (
    add_data_options,
    add_delivery_options,
    add_language,
    add_raster_options,
)
from atlas.cli.timing import add_as_of, statuses_note

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` to the ``atlas`` command."""
    report = subparsers.add_parser("report", help="a printable A4 PDF report of one cluster")
    add_data_options(report)
    add_allow_apart(report)
    add_raster_options(report)
    report.add_argument("--cluster", required=True, metavar="NAME", help="the cluster to report on")
    report.add_argument("--output", required=True, metavar="PATH", help="the PDF to write")
    # The report's own older name of --municipality-name (a data option): one value, one dest.
    report.add_argument(
        "--municipality",
        dest="municipality_name",
        metavar="NAME",
        help="the same as --municipality-name (default: from the wards)",
    )
    add_delivery_options(report)
    add_acting(report, required=False)
    add_as_of(report)
    add_language(report, "the report")


def run(args: argparse.Namespace) -> int:
    """Run ``atlas report``; errors are raised for the CLI boundary to print."""
    # fpdf2 and matplotlib load only when a report is asked for.
    from layers.report_pdf import cluster_report

    say = Progress(args.quiet)
    dataset, result = measure(args, say)
    per_settlement = delivery_compliance(args, result, say)
    say(f"drawing the report of {args.cluster}")
    cluster_report(
        result,
        dataset,
        args.cluster,
        Path(args.output),
        municipality=args.municipality_name,
        sources=[*statuses_note(args), *apart_notes(result)],
        compliance=per_settlement,
    )
    say(f"wrote {args.output}")
    return 0
