"""``atlas poster``: a wall map of one cluster on one A3, A2 or A1 sheet (PDF)."""

from __future__ import annotations

import argparse
from pathlib import Path

from atlas.cli.acting import add_acting
from atlas.cli.console import Progress
from atlas.cli.inputs import add_allow_apart, apart_notes, measure
from atlas.cli.options import add_data_options, add_language, add_raster_options
from atlas.cli.timing import add_as_of, statuses_note
from atlas.errors import SchemaError

__all__ = ["SIZES", "add_parser", "run"]

#: The ISO sheets a poster is made for (the layout's own table is ``layers.poster_pdf.SHEETS``;
#: this command starts without loading the drawing).
SIZES = ("A3", "A2", "A1")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``poster`` to the ``atlas`` command."""
    poster = subparsers.add_parser(
        "poster",
        help="a wall map of one cluster: an A3, A2 or A1 PDF with the settlements numbered "
        "on a large map and their numbers in large type",
    )
    add_data_options(poster)
    add_allow_apart(poster)
    add_raster_options(poster)
    poster.add_argument("--cluster", required=True, metavar="NAME", help="the cluster to show")
    poster.add_argument(
        "--size",
        type=str.upper,
        choices=SIZES,
        default="A2",
        help="the sheet: A3 (297 × 420 mm), A2 (420 × 594 mm) or A1 (594 × 841 mm); default: A2",
    )
    poster.add_argument("--output", required=True, metavar="PATH", help="the PDF to write")
    poster.add_argument(
        "--dpi",
        type=int,
        default=150,
        metavar="N",
        help="the map's resolution on the printed sheet (the text is always sharp; default: 150)",
    )
    # As for the report: the older name of --municipality-name (a data option), one dest.
    poster.add_argument(
        "--municipality",
        dest="municipality_name",
        metavar="NAME",
        help="the same as --municipality-name (default: from the wards)",
    )
    add_acting(poster, required=False)
    add_as_of(poster)
    add_language(poster, "the poster")


def run(args: argparse.Namespace) -> int:
    """Run ``atlas poster``; errors are raised for the CLI boundary to print."""
    # fpdf2 and matplotlib load only when a poster is asked for.
    from layers.poster_pdf import cluster_poster

    if args.dpi < 20:
        raise SchemaError(f"--dpi {args.dpi}: give 20 or more, e.g. --dpi 150.")
    say = Progress(args.quiet)
    dataset, result = measure(args, say)
    say(f"drawing the {args.size} wall map of {args.cluster}")
    cluster_poster(
        result,
        dataset,
        args.cluster,
        Path(args.output),
        size=args.size,
        municipality=args.municipality_name,
        sources=[*statuses_note(args), *apart_notes(result)],
        dpi=args.dpi,
    )
    say(f"wrote {args.output}")
    return 0
