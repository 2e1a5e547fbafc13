"""The ``atlas`` command line: ``gaps``, ``export``, ``report``, ``validate``, ``schedule``,
``zonal``, ``standards``, ``serve``.

Bad input of any kind ends in one paragraph on standard error saying what is wrong and how to fix
it, and a non-zero exit status: never a Python traceback (``--debug`` shows one for bug reports).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from atlas import cli_raster, cli_schedule
from atlas.analysis import GapResult, compute_gaps
from atlas.dataset import Dataset, load_dataset, load_layer, load_sample
from atlas.errors import AtlasError, DataFileError, SchemaError, ValidationError
from atlas.exports import CLUSTER_FIELDS, FORMATS, SETTLEMENT_FIELDS, fields_of, write_export
from atlas.exports.records import to_csv, to_geojson, to_json
from atlas.gaps import category_columns
from atlas.mapping import parse_mapping
from atlas.raster import estimate_dataset, load_raster
from atlas.registry import APP_SCRIPT, SERVE_ENV, standard_names
from atlas.schedules import compare_files, compliance
from atlas.standards import Standard, load_standard
from atlas.uploads import MAX_UPLOAD_BYTES

__all__ = ["main"]

EXIT_DATA = 1


class _Progress:
    """Prints short progress lines with elapsed time on standard error."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if not self.quiet:
            print(f"atlas [{time.perf_counter() - self.start:5.1f}s] {message}", file=sys.stderr)


def _pairs(items: Sequence[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise SchemaError(
                f"Cannot read '{option} {item}': write {option} LAYER=VALUE, e.g. {option} wards=EPSG:4326."
            )
        out[key.strip()] = value.strip()
    return out


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settlements", metavar="PATH", help="settlement polygons (default: the embedded sample)"
    )
    parser.add_argument("--services", metavar="PATH", help="service points")
    parser.add_argument("--wards", metavar="PATH", help="ward polygons (optional)")
    parser.add_argument(
        "--clusters",
        metavar="PATH",
        help="cluster membership table: cluster, settlement_id (optional)",
    )
    parser.add_argument(
        "--standard",
        default="cape-town",
        metavar="NAME|PATH",
        help=f"a preset ({', '.join(standard_names())}) or a standard file (default: cape-town)",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="LAYER.FIELD=COLUMN",
        help="map a column onto a field, e.g. settlements.name=InformalSe; "
        "a quoted value sets a constant: \"services.status='working'\" (repeatable)",
    )
    parser.add_argument(
        "--crs",
        action="append",
        default=[],
        metavar="LAYER=EPSG",
        help="the CRS of a file that has none or a wrong one, e.g. wards=EPSG:4326 (repeatable)",
    )
    parser.add_argument(
        "--file-layer",
        action="append",
        default=[],
        metavar="LAYER=NAME",
        help="which layer to read from a multi-layer file, e.g. settlements=informal_2019",
    )
    parser.add_argument(
        "--metric-crs",
        metavar="EPSG",
        help="projected CRS to measure in (default: the local UTM zone)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


def _add_raster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--population-raster",
        metavar="PATH",
        help="a population raster (GeoTIFF): its estimate is shown beside the counts and fills "
        "the demand of settlements with neither households nor population (--crs raster=EPSG:X "
        "when the file has no CRS)",
    )
    parser.add_argument(
        "--raster-kind",
        choices=["count", "density"],
        default="count",
        help="what the population raster holds: people per cell, or per km² (default: count)",
    )


def _add_delivery_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schedule",
        metavar="PATH",
        help="a water delivery schedule (CSV, see 'atlas schedule'); with --deliveries, adds "
        "delivery compliance per settlement and cluster",
    )
    parser.add_argument(
        "--deliveries", metavar="PATH", help="the delivery reports (CSV) to compare it with"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``atlas`` command."""
    parser = argparse.ArgumentParser(
        prog="atlas",
        description="Settlement Atlas: service gaps of informal settlements against a standard.",
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback on errors (for bug reports)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gaps = sub.add_parser("gaps", help="service gaps per settlement or per cluster")
    _add_data_options(gaps)
    _add_raster_options(gaps)
    gaps.add_argument("--level", choices=["settlement", "cluster"], default="settlement")
    gaps.add_argument("--format", choices=["json", "csv", "geojson"], default="json")
    gaps.add_argument("--output", metavar="PATH", help="write here instead of standard output")

    export = sub.add_parser(
        "export",
        help="write the joined result: GeoJSON, GeoPackage, CSV, GeoParquet or a standalone HTML map",
    )
    _add_data_options(export)
    _add_raster_options(export)
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument(
        "--output",
        required=True,
        metavar="PATH",
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
    _add_delivery_options(export)

    report = sub.add_parser("report", help="a printable A4 PDF report of one cluster")
    _add_data_options(report)
    _add_raster_options(report)
    report.add_argument("--cluster", required=True, metavar="NAME", help="the cluster to report on")
    report.add_argument("--output", required=True, metavar="PATH", help="the PDF to write")
    report.add_argument("--municipality", help="the municipality's name (default: from the wards)")
    _add_delivery_options(report)

    validate = sub.add_parser("validate", help="check one layer and print every problem found")
    validate.add_argument("path", metavar="PATH")
    validate.add_argument("--layer", required=True, choices=["settlements", "services", "wards"])
    validate.add_argument("--map", action="append", default=[], metavar="LAYER.FIELD=COLUMN")
    validate.add_argument(
        "--crs", metavar="EPSG", help="the file's CRS, when it has none or a wrong one"
    )
    validate.add_argument(
        "--file-layer", metavar="NAME", help="the layer inside a multi-layer file"
    )
    validate.add_argument(
        "--standard",
        default="cape-town",
        metavar="NAME|PATH",
        help="its categories are the accepted service categories",
    )
    validate.add_argument("--format", choices=["text", "json"], default="text")

    sub.add_parser("standards", help="list the standards presets with their numbers and sources")
    cli_raster.add_parser(sub)
    cli_schedule.add_parser(sub)

    serve = sub.add_parser(
        "serve", help="start the app in the browser (on the sample or your files)"
    )
    _add_data_options(serve)
    serve.add_argument("--port", type=int, default=8501, help="port on localhost (default 8501)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    return parser


def _measure(args: argparse.Namespace, progress: _Progress) -> tuple[Dataset, GapResult]:
    """Load the dataset the data options name (or the sample) and measure its gaps."""
    standard = load_standard(args.standard)
    categories = list(standard.categories)
    if args.settlements is None and args.services is None:
        progress("no --settlements/--services given: using the embedded sample dataset")
        dataset = load_sample(categories=categories, metric_crs=args.metric_crs, progress=progress)
    elif args.settlements is None or args.services is None:
        raise SchemaError(
            "Give both --settlements and --services (or neither, for the embedded sample)."
        )
    else:
        dataset = load_dataset(
            args.settlements,
            args.services,
            args.wards,
            args.clusters,
            mapping=parse_mapping(args.map),
            crs=_pairs(args.crs, "--crs"),
            layers=_pairs(args.file_layer, "--file-layer"),
            categories=categories,
            metric_crs=args.metric_crs,
            progress=progress,
        )
    for report in dataset.reports:
        for problem in report.warnings:
            progress(f"{report.layer}: {problem.format()}")
    if getattr(args, "population_raster", None):
        progress(f"estimating people per settlement from {args.population_raster}")
        raster = load_raster(args.population_raster, crs=_pairs(args.crs, "--crs").get("raster"))
        dataset = estimate_dataset(dataset, raster, kind=args.raster_kind)
    return dataset, compute_gaps(dataset, standard, progress=progress)


def _run_gaps(args: argparse.Namespace) -> int:
    progress = _Progress(args.quiet)
    _, result = _measure(args, progress)
    standard = result.standard
    if args.level == "cluster":
        if args.format == "geojson":
            raise SchemaError(
                "Clusters have no geometry: use --format json or csv with --level cluster."
            )
        table = result.clusters
        columns = [*fields_of(table, CLUSTER_FIELDS), *category_columns(standard)]
    else:
        table = result.settlements
        columns = [*fields_of(table, SETTLEMENT_FIELDS), *category_columns(standard)]
    writer = {"json": to_json, "csv": to_csv, "geojson": to_geojson}[args.format]
    text = writer(table, columns)
    if args.output:
        Path(args.output).write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        progress(f"wrote {len(table)} {args.level} records to {args.output}")
    else:
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    return 0


def _delivery_compliance(
    args: argparse.Namespace, result: GapResult, progress: _Progress
) -> pd.DataFrame | None:
    """Compliance per settlement of ``--schedule`` against ``--deliveries`` (None without them)."""
    if args.schedule is None and args.deliveries is None:
        return None
    if args.schedule is None or args.deliveries is None:
        raise SchemaError(
            "Give both --schedule and --deliveries (or neither): the schedule is compared with "
            "the delivery reports."
        )
    settlements = pd.DataFrame(result.settlements.drop(columns="geometry"))
    ids = [str(s) for s in settlements["settlement_id"].dropna()]
    comparison = compare_files(args.schedule, args.deliveries, ids)
    for report in comparison.reports:
        for problem in report.warnings:
            progress(f"{report.layer}: {problem.format()}")
    first, last = comparison.period
    progress(f"compared the delivery schedule with the reports from {first} to {last}")
    return compliance(comparison.outcomes, "settlement", settlements=settlements)


def _run_export(args: argparse.Namespace) -> int:
    progress = _Progress(args.quiet)
    dataset, result = _measure(args, progress)
    paths = write_export(
        result,
        dataset,
        args.format,
        args.output,
        clusters=args.cluster or None,
        compliance=_delivery_compliance(args, result, progress),
    )
    for path in paths:
        progress(f"wrote {path}")
    return 0


def _run_report(args: argparse.Namespace) -> int:
    # fpdf2 and matplotlib load only when a report is asked for.
    from atlas.report_pdf import cluster_report

    progress = _Progress(args.quiet)
    dataset, result = _measure(args, progress)
    per_settlement = _delivery_compliance(args, result, progress)
    progress(f"drawing the report of {args.cluster}")
    cluster_report(
        result,
        dataset,
        args.cluster,
        Path(args.output),
        municipality=args.municipality,
        compliance=per_settlement,
    )
    progress(f"wrote {args.output}")
    return 0


def _run_validate(args: argparse.Namespace) -> int:
    standard = load_standard(args.standard)
    mapping = parse_mapping(args.map).get(args.layer)
    _, report = load_layer(
        args.path,
        args.layer,
        mapping=mapping,
        crs=args.crs,
        file_layer=args.file_layer,
        categories=list(standard.categories),
    )
    if args.format == "json":
        print(json.dumps(report.to_record(), ensure_ascii=False, indent=1))
    else:
        print(report.format())
        print("usable" if report.ok else "NOT usable: fix the errors above and run again")
    return 0 if report.ok else EXIT_DATA


def _describe(standard: Standard) -> str:
    lines = [
        f"{standard.id}: {standard.name}",
        f"  source: {standard.source}",
        f"  household size: {standard.household_size:g}",
    ]
    for category, rule in standard.categories.items():
        ratio = (
            f"1 {rule.point_label} per {rule.max_per_point:g} {rule.unit}"
            if rule.max_per_point
            else "no ratio"
        )
        distance = f"within {rule.max_distance_m:g} m" if rule.max_distance_m else "no distance"
        note = f" ({rule.distance_note})" if rule.distance_note else ""
        lines.append(f"  {category}: {ratio}, {distance}{note}")
    return "\n".join(lines)


def _run_standards(_: argparse.Namespace) -> int:
    print("\n\n".join(_describe(load_standard(name)) for name in standard_names()))
    return 0


#: Streamlit's command line with its old multipage rule switched off: a folder named pages/
#: beside the main script made the first link opened on a fresh server (e.g. /clusters) run
#: that page file alone, without the sidebar and st.navigation of streamlit_app.py. The app
#: defines its pages with st.navigation, which switches the rule off too, but only once it has
#: run. (A string run by the server's Python: the atlas package never imports streamlit.)
_STREAMLIT = (
    "import sys\n"
    "from streamlit.runtime.pages_manager import PagesManager\n"
    "from streamlit.web.cli import main\n"
    "PagesManager.uses_pages_directory = False\n"
    "sys.argv[0] = 'streamlit'\n"
    "main()\n"
)


def _run_serve(args: argparse.Namespace) -> int:
    app = APP_SCRIPT
    if not app.exists():
        raise DataFileError(
            f"The app script {app} is missing: reinstall the atlas from its checkout."
        )
    spec: dict[str, object] = {"standard": args.standard}
    if args.settlements or args.services:
        if not (args.settlements and args.services):
            raise SchemaError(
                "Give both --settlements and --services (or neither, for the embedded sample)."
            )
        standard = load_standard(args.standard)
        files = {
            k: str(Path(getattr(args, k)).resolve())
            for k in ("settlements", "services", "wards", "clusters")
            if getattr(args, k)
        }
        # Check the files before starting a server the user would find broken.
        load_dataset(
            files["settlements"],
            files["services"],
            files.get("wards"),
            files.get("clusters"),
            mapping=parse_mapping(args.map),
            crs=_pairs(args.crs, "--crs"),
            layers=_pairs(args.file_layer, "--file-layer"),
            categories=list(standard.categories),
        )
        spec.update(files, map=args.map, crs=sorted(_pairs(args.crs, "--crs").items()))
    else:
        load_standard(args.standard)
    env = {**os.environ, SERVE_ENV: json.dumps(spec)}
    command = [
        sys.executable,
        "-c",
        _STREAMLIT,
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.address",
        "127.0.0.1",
        "--server.enableStaticServing",
        "true",
        "--server.maxUploadSize",
        str(MAX_UPLOAD_BYTES // 2**20),
        "--browser.gatherUsageStats",
        "false",
        "--server.headless",
        "true" if args.no_browser else "false",
    ]
    print(
        f"atlas: starting the app on http://localhost:{args.port} (Ctrl+C to stop)", file=sys.stderr
    )
    if os.name == "posix":
        # Become the server: a signal to stop this process (Ctrl+C, a service manager, a test's
        # terminate()) then reaches Streamlit itself instead of orphaning it.
        os.chdir(app.parent)
        os.execve(sys.executable, command, env)
    return subprocess.call(command, env=env, cwd=app.parent)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``atlas`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run = {
        "gaps": _run_gaps,
        "export": _run_export,
        "report": _run_report,
        "zonal": cli_raster.run,
        "schedule": cli_schedule.run,
        "validate": _run_validate,
        "standards": _run_standards,
        "serve": _run_serve,
    }[args.command]
    try:
        return run(args)
    except ValidationError as exc:
        print(f"atlas: the input has problems that must be fixed first.\n{exc}", file=sys.stderr)
        return EXIT_DATA
    except (AtlasError, OSError) as exc:
        if args.debug:
            raise
        print(f"atlas: error: {exc}", file=sys.stderr)
        return EXIT_DATA
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI boundary: a bug must still not greet a user with a traceback
        if args.debug:
            raise
        print(
            f"atlas: internal error ({type(exc).__name__}: {exc}). This is a bug in the atlas: "
            "please report it with the command you ran, adding --debug to show the details.",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
