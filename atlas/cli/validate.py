"""``atlas validate``: check one layer and print every problem found at once."""

from __future__ import annotations

import argparse
import json

from atlas.cli import EXIT_DATA
from atlas.cli.options import add_format, add_map
from atlas.cli.wording import CLI
from atlas.errors import SchemaError
from atlas.load import load_layer, parse_mapping
from atlas.measure import load_standard

__all__ = ["EXIT_DATA", "add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``validate`` to the ``atlas`` command."""
    validate = subparsers.add_parser(
        "validate", help="check one layer and print every problem found"
    )
    validate.add_argument("path", metavar="PATH")
    validate.add_argument("--layer", required=True, choices=["settlements", "services", "wards"])
    add_map(validate)
    # Each also takes the LAYER=VALUE form of the other commands (their fixes are worded so).
    validate.add_argument(
        "--crs", metavar="EPSG", help="the file's CRS, when it has none or a wrong one"
    )
    validate.add_argument(
        "--file-layer", metavar="NAME", help="the layer inside a multi-layer file"
    )
    validate.add_argument(
        "--encoding",
        metavar="NAME",
        help="the text encoding of a Shapefile's or CSV's names, when the guess is wrong "
        "(e.g. cp1252)",
    )
    validate.add_argument(
        "--standard",
        default="cape-town",
        metavar="NAME|PATH",
        help="its categories are the accepted service categories",
    )
    add_format(validate, ["text", "json"])


def _for_layer(value: str | None, layer: str, option: str) -> str | None:
    """``VALUE`` or ``LAYER=VALUE`` (as the other commands take it) for the validated layer."""
    if value is None or "=" not in value or value.upper().startswith("EPSG:"):
        return value
    named, _, rest = value.partition("=")
    if named.strip() != layer:
        raise SchemaError(
            f"{option} {value} names the layer '{named.strip()}', but this is the {layer} "
            f"layer: give {option} {layer}={rest.strip()} (or {option} {rest.strip()})."
        )
    return rest.strip()


def run(args: argparse.Namespace) -> int:
    """Run ``atlas validate``: 0 when the layer is usable, :data:`EXIT_DATA` when not."""
    standard = load_standard(args.standard)
    _, report = load_layer(
        args.path,
        args.layer,
        mapping=parse_mapping(args.map).get(args.layer),
        crs=_for_layer(args.crs, args.layer, "--crs"),
        file_layer=_for_layer(args.file_layer, args.layer, "--file-layer"),
        encoding=_for_layer(args.encoding, args.layer, "--encoding"),
        categories=list(standard.categories),
    )
    if args.format == "json":
        print(json.dumps(report.to_record(CLI), ensure_ascii=False, indent=1))
    else:
        print(report.format(CLI))
        print("usable" if report.ok else "NOT usable: fix the errors above and run again")
    return 0 if report.ok else EXIT_DATA
