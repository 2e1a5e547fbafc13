"""``atlas export``: the joined result as GeoJSON, GeoPackage, CSV, GeoParquet or an HTML map.

Every data file carries the input files' own columns after the atlas fields (unless
``--no-source-columns``) and the record of how it was made (the standard, each input file's
SHA-256, the mapping, the atlas version and the time): see :mod:`atlas.exports.provenance`.
"""

from __future__ import annotations

import argparse

from atlas.cli.acting import add_acting
from atlas.cli.console import Progress
from atlas.cli.inputs import add_allow_apart, delivery_compliance, measure
from atlas.cli.options import (
    add_data_options,
    add_delivery_options,
    add_format,
    add_output,
    add_raster_options,
)
from atlas.cli.timing import add_as_of
from atlas.exports.paths import FORMATS

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``export`` to the ``atlas`` command."""
    export = subparsers.add_parser(
        "export",
        help="write the joined result: GeoJSON, GeoPackage, CSV, GeoParquet or a standalone HTML map",
    )
    add_data_options(export)
    add_allow_apart(export)
    add_raster_options(export)
    add_format(export, FORMATS, required=True)
    add_output(
        export,
        required=True,
        help="a folder (files get default names: settlements.geojson, atlas.gpkg...) or a file "
        "name (multi-file formats use it as a prefix: gaps.csv -> gaps_settlements.csv)",
    )
    export.add_argument(
        "--cluster",
        action="append",
        default=[],
        metavar="NAME",
        help="only this cluster (repeatable)",
    )
    export.add_argument(
        "--no-source-columns",
        dest="source_columns",
        action="store_false",
        help="leave out the input files' own columns (by default they follow the atlas fields "
        "under their own names, src_NAME when the name is an atlas field)",
    )
    add_delivery_options(export)
    add_acting(export, required=False)
    add_as_of(export)


def run(args: argparse.Namespace) -> int:
    """Run ``atlas export``; errors are raised for the CLI boundary to print."""
    say = Progress(args.quiet)
    dataset, result = measure(args, say)
    # Drawing is imported only when drawn: every other command starts without it.
    from layers.standalone import write_output

    paths = write_output(
        result,
        dataset,
        args.format,
        args.output,
        clusters=args.cluster or None,
        compliance=delivery_compliance(args, result, say),
        source_columns=args.source_columns,
    )
    for path in paths:
        say(f"wrote {path}")
    return 0
