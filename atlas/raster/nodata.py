"""What a population raster's cells without data do to an estimate, said as problems.

Cells without data (the file's nodata value, NaN, or a negative value: people are never
negative, and a fill value such as -9999 or -3.4e38 in a file that declares none is not a
count) are **unknown, never 0 people**:

* a settlement whose cells are all without data (or that lies outside the raster) has an
  unknown estimate (NaN), so its demand stays unknown and its gap is never "enough";
* a settlement partly over such cells gets the people of the cells with data, a lower bound,
  and a warning names it with the share of its area without data. Scaling the count up to the
  whole area would invent people where the raster says nothing; the warning lets a reader judge.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from atlas.i18n import _, ngettext
from atlas.problems import SHOW_AT_MOST, Problem

__all__ = ["NODATA_TOLERANCE", "NegativeCells", "nodata_problems"]

#: A settlement with less than this share of its area without data counts as fully covered
#: (coverage fractions and areas carry rounding errors).
NODATA_TOLERANCE = 1e-6


class NegativeCells:
    """Cells read with a negative value (read as no data): how many, and one of them."""

    def __init__(self) -> None:
        self.count = 0
        self.example: float | None = None

    def drop(self, values: np.ndarray, nodata: float | None) -> np.ndarray:
        """``values`` as floats with NaN for negative cells (and nodata), when there are any."""
        with np.errstate(invalid="ignore"):
            negative = values < 0
        if nodata is not None:
            negative &= values != nodata
        found = int(np.count_nonzero(negative))
        if not found:
            return values
        self.count += found
        if self.example is None:
            self.example = float(values[negative].min())
        out = values.astype("float64")
        out[negative] = np.nan
        if nodata is not None:
            out[values == nodata] = np.nan
        return out


def _listed(labels: Sequence[str], shares: np.ndarray | None) -> str:
    shown = [
        label
        if shares is None
        else _("{settlement} ({share} of its area)", settlement=label, share=f"{shares[i]:.0%}")
        for i, label in enumerate(labels[:SHOW_AT_MOST])
    ]
    more = len(labels) - SHOW_AT_MOST
    items = ", ".join(shown)
    return _("{items} and {count} more", items=items, count=more) if more > 0 else items


def nodata_problems(
    name: str,
    labels: Sequence[str],
    nodata_share: np.ndarray,
    *,
    negatives: int = 0,
    example: float | None = None,
) -> tuple[Problem, ...]:
    """The warnings of a population estimate over cells without data.

    Parameters
    ----------
    name
        The raster file's name.
    labels
        Each polygon's label (a settlement id), in order.
    nodata_share
        Each polygon's share of area over cells without data or outside the raster (0–1; NaN
        for a polygon without geometry).
    negatives
        How many cells read held a negative value (read as no data), and one of them.
    example
        One of those negative values.

    Returns
    -------
    tuple of Problem
        Warnings: settlements with an unknown estimate, settlements estimated from part of
        their area, negative cells read as no data; none when every cell had data.
    """
    problems: list[Problem] = []
    share = np.asarray(nodata_share, dtype=float)
    known = np.isfinite(share)
    none = np.flatnonzero(known & (share >= 1 - NODATA_TOLERANCE))
    part = np.flatnonzero(known & (share > NODATA_TOLERANCE) & (share < 1 - NODATA_TOLERANCE))
    if len(none):
        which = [labels[int(i)] for i in none]
        problems.append(
            Problem(
                "warning",
                ngettext(
                    "{count} settlement lies only over cells of '{name}' without data (or "
                    "outside it): {settlements}. Its population estimate is unknown, not 0 "
                    "people.",
                    "{count} settlements lie only over cells of '{name}' without data (or "
                    "outside it): {settlements}. Their population estimate is unknown, not 0 "
                    "people.",
                    len(which),
                    count=len(which),
                    name=name,
                    settlements=_listed(which, None),
                ),
                _("Give their households or population, or a raster that covers them."),
                rows=tuple(int(i) + 1 for i in none),
                values=tuple(which),
            )
        )
    if len(part):
        which = [labels[int(i)] for i in part]
        problems.append(
            Problem(
                "warning",
                ngettext(
                    "{count} settlement lies partly over cells of '{name}' without data (or "
                    "outside it): {settlements}. Its estimate counts only the cells with data, "
                    "so it may be too low.",
                    "{count} settlements lie partly over cells of '{name}' without data (or "
                    "outside it): {settlements}. Their estimate counts only the cells with data, "
                    "so it may be too low.",
                    len(which),
                    count=len(which),
                    name=name,
                    settlements=_listed(which, share[part]),
                ),
                _("Give their households or population, or a raster that covers them."),
                rows=tuple(int(i) + 1 for i in part),
                values=tuple(which),
            )
        )
    if negatives:
        if example is None:
            # TRANSLATORS: the English says "cells … values" for one cell too (as it always has).
            message = ngettext(
                "{n} cells of '{name}' hold negative values, which the file does not declare as "
                "nodata: people are never negative, so they were read as cells without data.",
                "{n} cells of '{name}' hold negative values, which the file does not declare as "
                "nodata: people are never negative, so they were read as cells without data.",
                negatives,
                name=name,
            )
        else:
            # TRANSLATORS: the English says "cells … values" for one cell too (as it always has).
            message = ngettext(
                "{n} cells of '{name}' hold negative values such as {example}, which the file "
                "does not declare as nodata: people are never negative, so they were read as "
                "cells without data.",
                "{n} cells of '{name}' hold negative values such as {example}, which the file "
                "does not declare as nodata: people are never negative, so they were read as "
                "cells without data.",
                negatives,
                name=name,
                example=f"{example:g}",
            )
        problems.append(
            Problem(
                "warning",
                message,
                _(
                    "Declare the file's nodata value (gdal_edit.py -a_nodata VALUE FILE.tif) if "
                    "that is what they are; otherwise check how the raster was made."
                ),
            )
        )
    return tuple(problems)
