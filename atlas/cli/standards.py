"""``atlas standards``: the standards presets with their numbers and sources."""

from __future__ import annotations

import argparse

from atlas.measure import Standard, load_standard
from atlas.registry import standard_names

__all__ = ["add_parser", "describe", "run"]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``standards`` to the ``atlas`` command."""
    subparsers.add_parser(
        "standards", help="list the standards presets with their numbers and sources"
    )


def describe(standard: Standard) -> str:
    """A standard in a few lines: name, source, household size, one line per category."""
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


def run(_: argparse.Namespace) -> int:
    """Run ``atlas standards``."""
    print("\n\n".join(describe(load_standard(name)) for name in standard_names()))
    return 0
