"""The options several subcommands share, declared once: data files, mapping, CRS, rasters,
deliveries, output, quiet, workers; and how their ``KEY=VALUE`` values are read."""

from __future__ import annotations

import argparse
from collections.abc import Collection, Sequence
from datetime import date

from atlas.config import Config
from atlas.errors import SchemaError
from atlas.registry import standard_names

__all__ = [
    "add_crs",
    "add_data_options",
    "add_db",
    "add_delivery_options",
    "add_engine",
    "add_format",
    "add_map",
    "add_output",
    "add_quiet",
    "add_raster_options",
    "config_of",
    "day",
    "pairs",
]

Parser = argparse.ArgumentParser


def pairs(
    items: Sequence[str], option: str, *, keys: Collection[str] = (), example: str = ""
) -> dict[str, str]:
    """``["wards=EPSG:4326"]`` read as ``{"wards": "EPSG:4326"}``.

    Raises
    ------
    SchemaError
        An item is not ``KEY=VALUE``, or its key is not one of ``keys`` (when given).
    """
    example = example or f"{option} wards=EPSG:4326"
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value or (keys and key not in keys):
            raise SchemaError(
                f"Cannot read '{option} {item}': write {option} LAYER=VALUE, e.g. {example}."
            )
        out[key] = value
    return out


def add_map(
    parser: Parser, *, metavar: str = "LAYER.FIELD=COLUMN", help: str | None = None
) -> None:
    """``--map LAYER.FIELD=COLUMN`` (repeatable)."""
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar=metavar,
        help=help
        or "map a column onto a field, e.g. settlements.name=InformalSe; "
        "a quoted value sets a constant: \"services.status='working'\" (repeatable)",
    )


def add_crs(parser: Parser, *, help: str | None = None) -> None:
    """``--crs LAYER=EPSG`` (repeatable)."""
    parser.add_argument(
        "--crs",
        action="append",
        default=[],
        metavar="LAYER=EPSG",
        help=help
        or "the CRS of a file that has none or a wrong one, e.g. wards=EPSG:4326 (repeatable)",
    )


def add_language(parser: Parser, what: str) -> None:
    """``--lang CODE``: the language ``what`` (a PDF) is written in (DESIGN §8; English by
    default). The command's own lines at the terminal stay English."""
    from atlas.i18n import LANGUAGES

    names = ", ".join(f"{code} ({name})" for code, name in LANGUAGES.items())
    parser.add_argument(
        "--lang",
        default="en",
        type=str.lower,
        choices=list(LANGUAGES),
        metavar="CODE",
        help=f"the language of {what}: {names}; default: en",
    )


def add_quiet(parser: Parser) -> None:
    """``--quiet``: no progress messages."""
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


def add_format(parser: Parser, choices: Sequence[str], *, required: bool = False) -> None:
    """``--format`` among ``choices`` (the first is the default unless required)."""
    if required:
        parser.add_argument("--format", required=True, choices=list(choices))
    else:
        parser.add_argument("--format", choices=list(choices), default=choices[0])


def add_output(parser: Parser, *, required: bool = False, help: str | None = None) -> None:
    """``--output PATH`` (standard output when not required and not given)."""
    parser.add_argument(
        "--output",
        required=required,
        metavar="PATH",
        help=help or "write here instead of standard output",
    )


def add_db(parser: Parser) -> None:
    """``--db URL``: the cluster's store (default ``ATLAS_DB``, else the user's data folder)."""
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the store: a file path (SQLite) or postgresql://USER@HOST/DATABASE "
        "(default: $ATLAS_DB, else atlas.sqlite in your data folder)",
    )


def add_data_options(parser: Parser) -> None:
    """The dataset's files and how to read them: settlements, services, wards, clusters,
    standard, --map, --crs, --file-layer, --encoding, --metric-crs, --workers, --quiet."""
    parser.add_argument(
        "--settlements", metavar="PATH", help="settlement polygons (default: the embedded sample)"
    )
    parser.add_argument(
        "--services",
        metavar="PATH",
        help="service points (optional when the settlements carry their own counts, "
        "e.g. --map settlements.sanitation_working=Tlt_Total)",
    )
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
    add_map(parser)
    add_crs(parser)
    parser.add_argument(
        "--file-layer",
        action="append",
        default=[],
        metavar="LAYER=NAME",
        help="which layer to read from a multi-layer file, e.g. settlements=informal_2019",
    )
    parser.add_argument(
        "--encoding",
        action="append",
        default=[],
        metavar="LAYER=NAME",
        help="the text encoding of a Shapefile's or CSV's names, when the atlas's guess is "
        "wrong, e.g. settlements=cp1252 (utf-8, cp1252, latin-1, cp437, cp850, utf-16)",
    )
    parser.add_argument(
        "--metric-crs",
        metavar="EPSG",
        help="projected CRS to measure in (default: the local UTM zone)",
    )
    parser.add_argument(
        "--municipality-name",
        metavar="NAME",
        help="the municipality's name for titles, when the wards give only a code "
        '(e.g. "City of Cape Town" for CPT)',
    )
    parser.add_argument(
        "--zeros-are-counts",
        action="store_true",
        help="read 0 households with 0 people as a real count (default: not counted, unknown)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="threads one computation may use (default: this machine's cores); with --engine "
        "dask, the local Dask worker processes to start for the run",
    )
    add_quiet(parser)


def add_raster_options(parser: Parser) -> None:
    """``--population-raster`` and ``--raster-kind``."""
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


def add_delivery_options(parser: Parser) -> None:
    """``--schedule`` and ``--deliveries``: water delivery compliance beside the gaps."""
    parser.add_argument(
        "--schedule",
        metavar="PATH",
        help="a water delivery schedule (CSV, see 'atlas schedule'); with --deliveries, adds "
        "delivery compliance per settlement and cluster",
    )
    parser.add_argument(
        "--deliveries", metavar="PATH", help="the delivery reports (CSV) to compare it with"
    )


ENGINES = ("default", "dask")


def add_engine(parser: Parser) -> None:
    """``--engine default|dask``, with ``--scheduler ADDRESS`` and ``--worker-memory LIMIT``
    (``--workers N``, a data option, counts local Dask workers with ``--engine dask``)."""
    parser.add_argument(
        "--engine",
        choices=list(ENGINES),
        default="default",
        help="default: measure on this machine (threads, see --workers); dask: read the "
        "service points (GeoParquet) by partitions and measure on a Dask cluster, the same "
        "numbers, for points that do not fit one machine's memory (default: default)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the running Dask scheduler to compute on, e.g. "
        "tcp://10.0.0.5:8786 (without it, --workers N local worker processes are started "
        "for the run)",
    )
    parser.add_argument(
        "--worker-memory",
        metavar="LIMIT",
        help="with --engine dask and local workers: each worker's memory limit, e.g. 2GB "
        "(Dask spills to disk near it)",
    )


def engine_of(args: argparse.Namespace) -> str:
    """The engine the options ask for, its options checked.

    Raises
    ------
    SchemaError
        ``--scheduler`` or ``--worker-memory`` without ``--engine dask``, ``--scheduler``
        with ``--workers`` or ``--worker-memory``, or a bad ``--worker-memory``.
    """
    engine = getattr(args, "engine", "default")
    scheduler = getattr(args, "scheduler", None)
    memory = getattr(args, "worker_memory", None)
    if engine != "dask":
        if scheduler is not None or memory is not None:
            raise SchemaError(
                "--scheduler and --worker-memory are options of the Dask engine: add --engine dask."
            )
        return engine
    if scheduler is not None and getattr(args, "workers", None) is not None:
        raise SchemaError(
            f"Give --scheduler {scheduler} or --workers {args.workers}, not both: --workers "
            "starts local Dask workers, --scheduler computes on a running cluster's own."
        )
    if scheduler is not None and memory is not None:
        raise SchemaError(
            f"--worker-memory sets the memory of workers started here; the cluster at "
            f"{scheduler} has its own: start its workers with dask worker --memory-limit "
            f"{memory}."
        )
    if memory is not None:
        from atlas.distributed import parse_memory

        try:
            parse_memory(memory)
        except SchemaError:
            raise SchemaError(
                f"--worker-memory {memory}: write a size with its unit, e.g. --worker-memory "
                "2GB or --worker-memory 500MiB."
            ) from None
    return engine


def config_of(args: argparse.Namespace) -> Config:
    """The configuration the options ask for (``--metric-crs``, ``--workers``).

    Raises
    ------
    SchemaError
        ``--workers`` is less than 1.
    """
    workers = getattr(args, "workers", None)
    if workers is not None and workers < 1:
        raise SchemaError(f"--workers {workers}: give 1 or more threads, e.g. --workers 2.")
    return Config().replace(metric_crs=getattr(args, "metric_crs", None), workers=workers)


def day(text: str) -> date:
    """A ``YYYY-MM-DD`` option's value (``type=day``), with a message argparse prints."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date: write YYYY-MM-DD, e.g. 2026-08-01"
        ) from None
