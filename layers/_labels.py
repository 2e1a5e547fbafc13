"""Numbers on a map that never sit on one another: each settlement's number in a circle at a
point inside it, or led out with a leader line to the nearest free spot when that point is
taken. Private to :mod:`layers` (:func:`layers.static_map.cluster_map` calls it).

Placement is greedy in the given order (the report's: worst gap first keeps its spot), in
display pixels, after the axes' limits and aspect are final. A map with no crowding comes out
exactly as if every number were simply drawn at its point.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from shapely.geometry import Point

__all__ = ["place_numbers"]

#: The padding of a number's circle (in font sizes), the room kept between two circles (in
#: radii) and how many rings of spots around a crowded number are tried.
_CIRCLE_PAD = 0.18
_CLEARANCE = 0.12
_RINGS = 14


def _circle_radius(text: Any, renderer: Any, size: float) -> float:
    """The radius in pixels of a number's circle (matplotlib's ``circle`` box style)."""
    extent = text.get_window_extent(renderer)
    return float(
        max(extent.width, extent.height) / 2 + _CIRCLE_PAD * renderer.points_to_pixels(size)
    )


def _free_spot(
    at: np.ndarray, r: float, placed: np.ndarray, frame: Any, anchors: np.ndarray
) -> np.ndarray | None:
    """The nearest spot around ``at`` (pixels) where a circle of radius ``r`` overlaps no
    placed circle (rows x, y, r) and stays in ``frame``; spots that would hide another
    settlement's anchor cost more. None when there is no room at all."""
    rings = np.arange(1, _RINGS + 1)
    radii = np.repeat(rings * 1.15 * r, 8 * rings)
    angles = np.concatenate([np.arange(8 * k) * (2 * np.pi / (8 * k)) + 0.3 * k for k in rings])
    spots = at + np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    inside = (
        (spots[:, 0] - r > frame.x0 + 2)
        & (spots[:, 0] + r < frame.x1 - 2)
        & (spots[:, 1] - r > frame.y0 + 2)
        & (spots[:, 1] + r < frame.y1 - 2)
    )
    gaps = np.hypot(*(spots[:, None, :] - placed[None, :, :2]).transpose(2, 0, 1))
    clear = (gaps >= placed[None, :, 2] + r * (1 + _CLEARANCE)).all(axis=1) & inside
    if not clear.any():
        return None
    hidden = (np.hypot(*(spots[:, None, :] - anchors[None, :, :]).transpose(2, 0, 1)) < r).sum(1)
    cost = radii + 3 * r * hidden
    cost[~clear] = np.inf
    return spots[int(np.argmin(cost))]


def place_numbers(
    ax: Axes, shapes: gpd.GeoSeries, labels: Sequence[str], size: float, renderer: Any
) -> np.ndarray:
    """Each member's number in a circle at a point inside it; a number that would sit on one
    already placed is led out to the nearest free spot with a leader line, and a further part
    of a multi-part settlement that would is left unnumbered.

    Returns
    -------
    numpy.ndarray
        The circles drawn, one row each: centre x, centre y and radius in ``ax``'s data
        units (so that what is drawn later, such as ward names, can keep clear of them).
    """
    circle = {
        "boxstyle": f"circle,pad={_CIRCLE_PAD}",
        "facecolor": "white",
        "edgecolor": "black",
        "lw": 0.5,
    }
    # Every part of a multi-part settlement carries its number; its largest part first, the
    # others after every settlement's first number (and only where there is room for them).
    firsts: list[tuple[str, Point]] = []
    seconds: list[tuple[str, Point]] = []
    for geom, label in zip(shapes, labels, strict=True):
        parts = [p for p in (shapely.get_parts(geom) if geom is not None else ()) if not p.is_empty]
        largest = max(range(len(parts)), key=lambda i: parts[i].area, default=0)
        for i, part in enumerate(parts):
            (firsts if i == largest else seconds).append((label, part.representative_point()))
    spots = firsts + seconds
    if not spots:
        return np.empty((0, 3))
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    anchors = ax.transData.transform([(p.x, p.y) for _, p in spots])
    placed = np.empty((0, 3))
    leaders: list[list[tuple[float, float]]] = []
    for i, ((label, spot), at) in enumerate(zip(spots, anchors, strict=True)):
        text = ax.text(
            spot.x, spot.y, label, ha="center", va="center", fontsize=size, weight="bold",
            zorder=7, parse_math=False, bbox=circle,
        )  # fmt: skip
        r = _circle_radius(text, renderer, size)
        gaps = np.hypot(*(placed[:, :2] - at).T)
        blocked = gaps < placed[:, 2] + r * (1 + _CLEARANCE)
        if not blocked.any():
            placed = np.vstack([placed, [*at, r]])
            continue
        if i >= len(firsts):
            text.remove()  # a further part, in a crowd: the settlement has its number
            continue
        others = np.delete(anchors, i, axis=0)
        free = _free_spot(at, r, placed, frame, others)
        if free is None:
            free = at  # no room anywhere: overlap rather than lose the number
        x, y = ax.transData.inverted().transform(free)
        text.set_position((x, y))
        leaders.append([(spot.x, spot.y), (x, y)])
        placed = np.vstack([placed, [*free, r]])
    if leaders:
        # Under the circles: each line seems to end at its number's edge.
        ax.add_collection(
            LineCollection(leaders, colors="black", linewidths=0.8, zorder=6.5, gid="leaders"),
            autolim=False,
        )
        starts = np.array([line[0] for line in leaders])
        ax.scatter(starts[:, 0], starts[:, 1], s=4, color="black", zorder=6.6, linewidths=0)
    to_data = ax.transData.inverted()
    (x0, _), (x1, _) = to_data.transform([(0.0, 0.0), (1.0, 0.0)])
    return np.column_stack([to_data.transform(placed[:, :2]), placed[:, 2] * abs(x1 - x0)])
