"""``atlas zonal``: population estimates or hazard exposure of settlements from a raster.

The JSON and CSV carry the estimates and shares as computed, never rounded
(:func:`atlas.exports.exact_records`).
"""

from __future__ import annotations

import argparse

import pandas as pd

from atlas.cli.console import Progress, write_result
from atlas.cli.options import add_crs, add_format, add_map, add_output, add_quiet, pairs
from atlas.errors import SchemaError, ValidationError
from atlas.exports.records import to_csv, to_json
from atlas.load import apply_membership, load_layer, parse_mapping, read_membership
from atlas.problems import Report, warning_lines
from atlas.raster import (
    CLUSTER_FIELDS,
    hazard_by_cluster,
    hazard_exposure,
    load_raster,
    open_raster_for,
    parse_classes,
    population_by_cluster,
    zonal_population,
)

__all__ = ["add_parser", "run", "zonal_table"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``zonal`` subcommand to the ``atlas`` command's subparsers."""
    zonal = subparsers.add_parser(
        "zonal",
        help="population estimate or hazard exposure of each settlement from a raster",
        description="Zonal statistics with fractional cell coverage, computed in the raster's CRS.",
    )
    zonal.add_argument("--raster", required=True, metavar="PATH", help="a single-band GeoTIFF")
    zonal.add_argument("--settlements", required=True, metavar="PATH", help="settlement polygons")
    zonal.add_argument(
        "--kind",
        choices=["count", "density", "hazard"],
        default="count",
        help="count: people per cell; density: people per km²; hazard: hazard levels or classes "
        "(default: count)",
    )
    which = zonal.add_mutually_exclusive_group()
    which.add_argument("--threshold", type=float, metavar="X", help="hazard cells have a value ≥ X")
    which.add_argument(
        "--classes", metavar="A,B", help="hazard cells have one of these values, e.g. 2,3"
    )
    zonal.add_argument(
        "--population",
        metavar="PATH",
        help="with --kind hazard: a population count raster to count exposed people in "
        "(otherwise the settlements' population is spread evenly)",
    )
    zonal.add_argument(
        "--population-kind",
        choices=["count", "density"],
        default="count",
        help="what the --population raster holds (default: count)",
    )
    zonal.add_argument(
        "--level",
        choices=["settlement", "cluster"],
        default="settlement",
        help="one record per settlement, or per cluster: people summed, hazard area share "
        "weighted by area (default: settlement)",
    )
    zonal.add_argument(
        "--clusters",
        metavar="PATH",
        help="cluster membership table: cluster, settlement_id (else the settlements' cluster)",
    )
    add_format(zonal, ["json", "csv"])
    add_output(zonal)
    add_map(
        zonal,
        help="map a column onto a field, e.g. settlements.settlement_id=ward_code (repeatable)",
    )
    add_crs(
        zonal,
        help="the CRS of a file that has none or a wrong one: settlements=EPSG:4326 or "
        "raster=EPSG:32735 (repeatable)",
    )
    add_quiet(zonal)


def zonal_table(args: argparse.Namespace) -> tuple[pd.DataFrame, list[str]]:
    """Compute the records of ``atlas zonal`` and their columns from parsed arguments."""
    crs = pairs(
        args.crs,
        "--crs",
        keys=("settlements", "raster", "population"),
        example="--crs settlements=EPSG:4326 or --crs raster=EPSG:32735",
    )
    mapping_of = parse_mapping(args.map)
    settlements, report = load_layer(
        args.settlements,
        "settlements",
        mapping=mapping_of.get("settlements"),
        crs=crs.get("settlements"),
    )
    if args.clusters:
        membership, clusters_report = read_membership(args.clusters, mapping_of.get("clusters"))
        if report.ok and clusters_report.ok:
            settlements, extra = apply_membership(settlements, membership)
            clusters_report = clusters_report.extended(extra)
        if not clusters_report.ok:
            raise ValidationError(clusters_report)
    if not report.ok:
        raise ValidationError(report)
    raster = open_raster_for(args.raster, settlements, crs=crs.get("raster"))
    by_cluster = args.level == "cluster"
    if args.kind == "hazard":
        if args.threshold is None and args.classes is None:
            raise SchemaError("--kind hazard needs --threshold X or --classes A,B.")
        population = (
            load_raster(args.population, crs=crs.get("population")) if args.population else None
        )
        exposure = hazard_exposure(
            raster,
            settlements,
            threshold=args.threshold,
            classes=parse_classes(args.classes) if args.classes else None,
            population=population,
            population_kind=args.population_kind,
            keep=["settlement_id"],
        )
        if by_cluster:
            return hazard_by_cluster(settlements["cluster"], exposure), list(CLUSTER_FIELDS)
        return exposure, ["settlement_id", "hazard_area_share", "hazard_population"]
    if args.threshold is not None or args.classes or args.population:
        raise SchemaError("--threshold, --classes and --population go with --kind hazard only.")
    estimate = zonal_population(raster, settlements, kind=args.kind)
    if by_cluster:
        table = population_by_cluster(settlements["cluster"], estimate)
        columns = ["cluster", "settlements", "population_estimate"]
    else:
        table = pd.concat([settlements[["settlement_id"]], estimate], axis=1)
        columns = ["settlement_id", "population_estimate"]
    # Cells without data are unknown, not 0 people: the warnings say which settlements.
    table.attrs["problems"] = estimate.attrs.get("problems", ())
    return table, columns


def run(args: argparse.Namespace) -> int:
    """Run ``atlas zonal``; returns the exit status (errors are raised for the CLI to print)."""
    table, columns = zonal_table(args)
    say = Progress(args.quiet)
    for line in warning_lines([Report("raster", args.raster, table.attrs.get("problems", ()))]):
        say.warn(line)
    # to_csv guards text cells against spreadsheet formulas (atlas.load.cells).
    text = {"json": to_json, "csv": to_csv}[args.format](table, columns)
    write_result(text, args.output, say, f"{len(table)} records")
    return 0
