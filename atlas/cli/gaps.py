"""``atlas gaps``: service gaps per settlement or per cluster, as JSON, CSV or GeoJSON.

Data, so the values are exact as computed (:func:`atlas.exports.exact_records`): never rounded,
counts as whole numbers, lists as JSON arrays (joined with ``;`` in CSV).
"""

from __future__ import annotations

import argparse

from atlas.cli.acting import add_acting
from atlas.cli.console import Progress, leave_to_exit, write_result
from atlas.cli.inputs import add_allow_apart, measure
from atlas.cli.options import (
    add_data_options,
    add_engine,
    add_format,
    add_output,
    add_raster_options,
    engine_of,
)
from atlas.cli.timing import add_as_of
from atlas.errors import SchemaError
from atlas.exports import CLUSTER_FIELDS, SETTLEMENT_FIELDS, fields_of
from atlas.exports.records import to_csv, to_geojson, to_json
from atlas.measure import category_columns

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gaps`` to the ``atlas`` command."""
    gaps = subparsers.add_parser("gaps", help="service gaps per settlement or per cluster")
    add_data_options(gaps)
    add_allow_apart(gaps)
    add_engine(gaps)
    add_raster_options(gaps)
    add_acting(gaps, required=False)
    add_as_of(gaps)
    gaps.add_argument("--level", choices=["settlement", "cluster"], default="settlement")
    add_format(gaps, ["json", "csv", "geojson"])
    add_output(gaps)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas gaps``; errors are raised for the CLI boundary to print."""
    say = Progress(args.quiet)
    dataset, result = measure(args, say)
    if args.level == "cluster":
        if args.format == "geojson":
            raise SchemaError(
                "Clusters have no geometry: use --format json or csv with --level cluster."
            )
        table = result.clusters
        columns = [*fields_of(table, CLUSTER_FIELDS), *category_columns(result.standard)]
    else:
        table = result.settlements
        columns = [*fields_of(table, SETTLEMENT_FIELDS), *category_columns(result.standard)]
    writer = {"json": to_json, "csv": to_csv, "geojson": to_geojson}[args.format]
    write_result(writer(table, columns), args.output, say, f"{len(table)} {args.level} records")
    if engine_of(args) != "dask" and not (getattr(args, "db", None) or args.acting):
        leave_to_exit(dataset, result, table)
    return 0
