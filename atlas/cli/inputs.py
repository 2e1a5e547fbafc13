"""The dataset the data options name, loaded and measured; the deliveries compared with it.

Shared by ``gaps``, ``export``, ``report`` and ``serve``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

import pandas as pd

from atlas.cli.console import Progress
from atlas.cli.options import config_of, engine_of, pairs
from atlas.cli.timing import statuses_from_store
from atlas.cli.wording import CLI
from atlas.config import Config
from atlas.errors import SchemaError
from atlas.load import Dataset, load_dataset, load_sample, parse_mapping
from atlas.measure import GapResult, compute_gaps, load_standard
from atlas.problems import Report, warning_lines
from atlas.schedules import compare_files, compliance

__all__ = [
    "add_allow_apart",
    "apart_notes",
    "delivery_compliance",
    "load_files",
    "measure",
    "say_warnings",
    "with_raster",
]

BOTH_FILES = (
    "Give --settlements with --services (or neither, for the embedded sample); --services "
    "alone has no settlements to count them in."
)


def say_warnings(reports: Iterable[Report], say: Progress) -> None:
    """One warning line per warning of ``reports`` (repairs, assumptions, rows left out),
    shown even with ``--quiet``."""
    for line in warning_lines(reports, CLI):
        say.warn(line)


def load_options(args: argparse.Namespace, config: Config, say: Progress) -> dict[str, Any]:
    """The loaders' keyword options the data options name (either engine's loader)."""
    standard = load_standard(args.standard)
    return {
        "mapping": parse_mapping(args.map),
        "crs": pairs(args.crs, "--crs"),
        "layers": pairs(args.file_layer, "--file-layer"),
        "encoding": pairs(
            getattr(args, "encoding", []),
            "--encoding",
            keys=("settlements", "services", "wards"),
            example="--encoding settlements=cp1252",
        ),
        "categories": list(standard.categories),
        "metric_crs": config.metric_crs,
        "zeros_are_counts": args.zeros_are_counts,
        "municipality_name": getattr(args, "municipality_name", None),
        "progress": say,
    }


def _sample(args: argparse.Namespace, config: Config, say: Progress) -> Dataset:
    """The embedded sample, read with the data options that apply to it."""
    say("no --settlements/--services given: using the embedded sample dataset")
    return load_sample(
        categories=list(load_standard(args.standard).categories),
        metric_crs=config.metric_crs,
        zeros_are_counts=args.zeros_are_counts,
        municipality_name=getattr(args, "municipality_name", None),
        progress=say,
    )


def load_files(args: argparse.Namespace, config: Config, say: Progress) -> Dataset | None:
    """The dataset of ``--settlements``/``--services``/… (None for the embedded sample).

    Raises
    ------
    SchemaError
        ``--services`` is given without ``--settlements``.
    """
    if args.settlements is None and args.services is None:
        return None
    if args.settlements is None:
        raise SchemaError(BOTH_FILES)
    return load_dataset(
        args.settlements,
        args.services,
        args.wards,
        args.clusters,
        **load_options(args, config, say),
    )


def add_allow_apart(parser: argparse.ArgumentParser) -> None:
    """``--allow-apart``: present the gaps even when the layers do not meet."""
    parser.add_argument(
        "--allow-apart",
        action="store_true",
        help="measure and present the gaps even when the layers do not meet (most service "
        "points far from every settlement, or most settlements outside every ward), with a "
        "warning; without it the command stops and names the likely cause",
    )


def apart_notes(result: GapResult) -> list[str]:
    """The lines a printed report, wall map or pack adds to its sources when its layers do not
    meet and ``--allow-apart`` measured them anyway (none when they meet)."""
    return [str(p.params["note"]) for p in result.problems if p.code == "layers.shown_apart"]


def with_raster(dataset: Dataset, args: argparse.Namespace, say: Progress) -> Dataset:
    """``dataset`` with the people ``--population-raster`` estimates (unchanged without it).

    rasterio is imported only then: a command without a raster does not wait for it."""
    if not getattr(args, "population_raster", None):
        return dataset
    from atlas.raster import estimate_dataset, load_raster
    from atlas.raster.demand import RASTER_LAYER

    say(f"estimating people per settlement from {args.population_raster}")
    raster = load_raster(args.population_raster, crs=pairs(args.crs, "--crs").get("raster"))
    dataset = estimate_dataset(dataset, raster, kind=args.raster_kind)
    say_warnings([r for r in dataset.reports if r.layer == RASTER_LAYER], say)
    return dataset


def measure(args: argparse.Namespace, say: Progress) -> tuple[Dataset, GapResult]:
    """Load the dataset the data options name (or the sample) and measure its gaps.

    Raises
    ------
    LayersApartError
        The layers do not meet and the command's ``--allow-apart`` was not given.
    """
    if engine_of(args) == "dask":
        return _measure_dask(args, say)
    config = config_of(args)
    standard = load_standard(args.standard)
    dataset = load_files(args, config, say)
    if dataset is None:
        dataset = _sample(args, config, say)
    say_warnings(dataset.reports, say)
    dataset = statuses_from_store(dataset, args, say)
    dataset = with_raster(dataset, args, say)
    # A command that presents gaps has --allow-apart; one that only registers the settlements
    # (db sync, serve) measures on and prints the warning.
    allow_apart = getattr(args, "allow_apart", True)
    result = compute_gaps(dataset, standard, progress=say, config=config, allow_apart=allow_apart)
    say_warnings([Report("gaps", problems=result.problems)], say)
    return dataset, result


def _measure_dask(args: argparse.Namespace, say: Progress) -> tuple[Dataset, GapResult]:
    """:func:`measure` on a Dask cluster (``--engine dask``): the service points read by
    partitions from GeoParquet on the workers; the returned dataset's ``services`` has no rows.

    Raises
    ------
    SchemaError
        With the store (``--db``/``--as``: statuses as of a date need every point here).
    ClusterError
        The scheduler cannot be reached, or a worker died.
    """
    from atlas.distributed import compute_gaps_dask, dask_client, load_dataset_dask

    if getattr(args, "db", None) or getattr(args, "acting", None) or getattr(args, "as_of", None):
        raise SchemaError(
            "--engine dask measures the services file's own statuses: run without --db, --as "
            "and --as-of, or use the default engine for statuses as of a date."
        )
    config = config_of(args)
    standard = load_standard(args.standard)
    workers = args.workers if args.scheduler is None else None
    where = args.scheduler or f"{workers or 'local'} local Dask worker(s)"
    say(f"computing on {where}")  # i18n-ignore: CLI progress
    quiet = not getattr(args, "debug", False)
    with dask_client(args.scheduler, workers, args.worker_memory, quiet=quiet) as client:
        points = None
        if args.settlements is None and args.services is None:
            dataset = _sample(args, config, say)
        elif args.services is None or args.settlements is None:
            found = load_files(args, config, say)  # no points to spread: measured here
            if found is None:
                raise SchemaError(BOTH_FILES)
            dataset = found
        else:
            dataset, points = load_dataset_dask(
                args.settlements,
                args.services,
                client,
                args.wards,
                args.clusters,
                **load_options(args, config, say),
            )
        say_warnings(dataset.reports, say)
        dataset = with_raster(dataset, args, say)
        result = compute_gaps_dask(
            dataset,
            standard,
            client,
            services=points,
            progress=say,
            allow_apart=getattr(args, "allow_apart", True),
            gather_services=False,
        )
    say_warnings([Report("gaps", problems=result.problems)], say)
    return dataset, result


def delivery_compliance(
    args: argparse.Namespace, result: GapResult, say: Progress
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
    say_warnings(comparison.reports, say)
    first, last = comparison.period
    say(f"compared the delivery schedule with the reports from {first} to {last}")
    return compliance(comparison.outcomes, "settlement", settlements=settlements)
