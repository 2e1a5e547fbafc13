"""The wall map's boxes: the cluster's extent in metres, how large a box draws it, the map and
list split of the sheet, and balanced columns. Private to :mod:`layers` (for
:mod:`layers._poster_layout`)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from atlas.load.crs import to_metric
from atlas.summaries.poster import ClusterPoster

__all__ = [
    "Box",  # i18n-ignore: a name of the API
    "balanced_columns",
    "cluster_bounds",
    "map_reach",
    "padded",
    "split",
]

#: About how wide the map's legend is as a column on the right, and how tall as a band below
#: (sections side by side), at the A4 report's text size (millimetres).
_LEGEND_MM = 54.0
_LEGEND_BAND_MM = 44.0
Box = tuple[float, float, float, float]


def balanced_columns(heights: Sequence[float], height: float, count: int) -> list[list[int]] | None:
    """Entries of ``heights`` in reading order down at most ``count`` columns ``height`` mm
    tall, balanced (each column as short as the fit allows), as indices; None when they do
    not fit."""

    def fill(limit: float) -> list[list[int]] | None:
        columns: list[list[int]] = [[]]
        used = 0.0
        for i, tall in enumerate(heights):
            if tall > limit:
                return None
            if used + tall > limit:
                columns.append([])
                used = 0.0
            columns[-1].append(i)
            used += tall
        return columns if len(columns) <= count else None

    if fill(height) is None:
        return None
    low = max(max(heights), sum(heights) / count)
    high = height
    for _step in range(12):
        middle = (low + high) / 2
        if fill(middle) is None:
            low = middle
        else:
            high = middle
    return fill(high)


def padded(bounds: tuple[float, float]) -> tuple[float, float]:
    """The cluster's width and height in metres with the map's margin around it."""
    w, h = bounds
    pad = max(0.08 * max(w, h), 100.0)
    return w + 2 * pad, h + 2 * pad


def map_reach(box: Box, bounds: tuple[float, float], text: float) -> float:
    """About how many millimetres of paper per metre of ground ``box`` draws the cluster at
    (bounds: its width and height in metres), after its legend: a column on the right or a
    band below, whichever leaves more (the map places it exactly)."""
    *_corner, width, height = box
    w, h = padded(bounds)
    best = 0.0
    for legend_w, legend_h in ((_LEGEND_MM, 0.0), (0.0, _LEGEND_BAND_MM)):
        axes_w, axes_h = 0.97 * width - legend_w * text, 0.96 * height - legend_h * text
        if axes_w > 0 and axes_h > 0:
            best = max(best, min(axes_w / w, axes_h / h))
    return best


def split(content: Box, arrangement: str, share: float, gutter: float) -> tuple[Box, Box]:
    """The map's box and the list's box of the content area."""
    x, y, w, h = content
    if arrangement == "side":
        list_w = share * (w - gutter)
        return (x, y, w - gutter - list_w, h), (x + w - list_w, y, list_w, h)
    list_h = share * (h - gutter)
    return (x, y, w, h - gutter - list_h), (x, y + h - list_h, w, list_h)


def cluster_bounds(poster: ClusterPoster) -> tuple[float, float]:
    """The width and height in metres of the cluster's settlements."""
    report = poster.report
    x0, y0, x1, y1 = to_metric(report.members.geometry, report.metric_crs).total_bounds
    w, h = float(x1 - x0), float(y1 - y0)
    if not math.isfinite(w + h):
        return 1000.0, 1000.0  # no geometry to measure: laid out like a square kilometre
    return max(w, 1.0), max(h, 1.0)
