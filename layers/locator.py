"""A cluster's small locator map for the slides, as SVG: where the settlement shown lies.

The settlements are drawn in a projected metric CRS (north up, true shape), fitted to a view box
whose larger side is :data:`SIDE` units and simplified to about one unit: a locator is a few
hundred pixels wide, so finer detail cannot be seen. A :class:`Locator` is made once per
cluster; its :meth:`Locator.svg` is drawn per slide, either whole (every settlement in grey,
the current one in the accent colour) or as an overlay with only the current settlement, to put
over the whole map drawn once (same size and view box): a deck of n settlements then carries
n + 1 shapes rather than n × n.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from layers.text import safe_text

__all__ = [
    "ACCENT",
    "BACKGROUND",
    "SIDE",
    "TEXT",
    "Locator",  # i18n-ignore: a name of the API
    "locator_svg",
]

#: The slide's background, its text and its accent (the settlement shown; the big ratio).
BACKGROUND, TEXT, ACCENT = "#111111", "#ffffff", "#ffd500"
#: The other settlements of the cluster, and their outline.
_OTHER_FILL, _OTHER_LINE = "#4a4a4a", "#bdbdbd"
#: The view box's larger side in SVG units.
SIDE = 1000.0
#: A settlement smaller than this share of :data:`SIDE` (about 15 px on an embedded slide)
#: gets a ring when shown; one under twice this has its number beside it, not on it.
_TINY = 0.06
#: Space around the settlements, as a share of their larger extent.
_PAD = 0.06

Box = tuple[float, float, float, float]


def _rings(geom: shapely.Geometry) -> list[np.ndarray]:
    """The exterior and interior rings of every polygon of ``geom`` (other parts are not drawn)."""
    rings: list[np.ndarray] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.Polygon):
            for ring in (part.exterior, *part.interiors):
                if not ring.is_empty:
                    rings.append(np.asarray(ring.coords)[:, :2])
        elif isinstance(part, shapely.GeometryCollection):
            rings.extend(_rings(part))
    return rings


def _path(rings: Sequence[np.ndarray]) -> str:
    """SVG path data, one closed subpath per ring (coordinate pairs after M are lines)."""
    return " ".join(
        "M" + " ".join(f"{x:.1f} {y:.1f}" for x, y in ring[:-1]) + "Z" for ring in rings
    )


@dataclass(frozen=True)
class Locator:
    """A cluster's shapes ready to draw, in SVG units.

    Parameters
    ----------
    paths
        Path data per settlement, None for one without a boundary.
    boxes
        Each settlement's box (left, top, right, bottom), y pointing down.
    anchors
        A point inside each settlement, for its label.
    size
        The width and height of the view box.
    """

    paths: tuple[str | None, ...]
    boxes: tuple[Box, ...]
    anchors: tuple[tuple[float, float], ...]
    size: tuple[float, float]

    @classmethod
    def of(cls, shapes: gpd.GeoSeries) -> Locator | None:
        """The locator of ``shapes`` (in a projected metric CRS, in drawing order), or None
        when none has a boundary."""
        geoms = shapes.to_numpy()
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        if not present.any():
            return None
        x0, y0, x1, y1 = shapely.total_bounds(geoms[present])
        pad = _PAD * max(x1 - x0, y1 - y0, 1.0)
        x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        scale = SIDE / max(x1 - x0, y1 - y0)

        def svg_xy(xy: np.ndarray) -> np.ndarray:  # y grows downwards in SVG
            return np.column_stack(((xy[:, 0] - x0) * scale, (y1 - xy[:, 1]) * scale))

        # Simplified to about one unit (preserving topology: no shape vanishes).
        drawn = shapely.simplify(geoms, 1.0 / scale, preserve_topology=True)
        paths: list[str | None] = []
        boxes: list[Box] = []
        anchors: list[tuple[float, float]] = []
        for ok, shape, simple in zip(present, geoms, drawn, strict=True):
            if not ok:
                paths.append(None)
                boxes.append((0.0, 0.0, 0.0, 0.0))
                anchors.append((0.0, 0.0))
                continue
            paths.append(_path([svg_xy(ring) for ring in _rings(simple)]))
            bx0, by0, bx1, by1 = shapely.bounds(shape)
            (left, top), (right, bottom) = svg_xy(np.array([[bx0, by1], [bx1, by0]]))
            boxes.append((float(left), float(top), float(right), float(bottom)))
            inside = shapely.point_on_surface(shape)
            ((ax, ay),) = svg_xy(np.array([[inside.x, inside.y]]))
            anchors.append((float(ax), float(ay)))
        size = ((x1 - x0) * scale, (y1 - y0) * scale)
        return cls(tuple(paths), tuple(boxes), tuple(anchors), size)

    def svg(
        self,
        current: int | None = None,
        labels: Sequence[str] | None = None,
        *,
        context: bool = True,
    ) -> str:
        """The map as an SVG document: the settlements in grey (with ``context``), the one at
        position ``current`` in :data:`ACCENT` (ringed when tiny), ``labels`` on (or beside)
        each settlement."""
        width, height = self.size
        out = [
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}">'
        ]
        for i, path in enumerate(self.paths):
            if path is None or not (context or i == current):
                continue
            fill, line = (ACCENT, TEXT) if i == current else (_OTHER_FILL, _OTHER_LINE)
            out.append(
                f'<path d="{path}" fill="{fill}" stroke="{line}" stroke-width="3" '
                'fill-rule="evenodd" stroke-linejoin="round"/>'
            )
        for i, (left, top, right, bottom) in enumerate(self.boxes):
            if self.paths[i] is None:
                continue
            extent = max(right - left, bottom - top)
            middle = (top + bottom) / 2
            if i == current and extent < _TINY * SIDE:
                out.append(
                    f'<circle cx="{(left + right) / 2:.1f}" cy="{middle:.1f}" '
                    f'r="{0.05 * SIDE:.0f}" fill="none" stroke="{ACCENT}" stroke-width="10"/>'
                )
            if labels is not None:
                out.append(self._label(labels[i], i, extent, right, middle))
        return "".join([*out, "</svg>"])

    def _label(self, text: str, i: int, extent: float, right: float, middle: float) -> str:
        if extent < 2 * _TINY * SIDE:  # beside the shape, which the number would hide
            x, y, anchor = right + 14, middle, "start"
        else:
            (x, y), anchor = self.anchors[i], "middle"
        return (
            f'<text x="{x:.1f}" y="{y:.1f}" font-family="sans-serif" font-size="62" '
            f'font-weight="700" fill="{TEXT}" stroke="{BACKGROUND}" stroke-width="12" '
            f'paint-order="stroke" text-anchor="{anchor}" dominant-baseline="central">'
            f"{safe_text(text)}</text>"
        )


def locator_svg(
    shapes: gpd.GeoSeries,
    current: int | None = None,
    labels: Sequence[str] | None = None,
    *,
    context: bool = True,
) -> str:
    """A small map of a cluster's settlements as an SVG document.

    Parameters
    ----------
    shapes
        The settlements in a projected metric CRS (null and empty geometries are left out).
    current
        The position in ``shapes`` of the settlement to show, filled in :data:`ACCENT` (with a
        ring when it is too small to see at the cluster's scale); None shows them all alike.
    labels
        A label written on each settlement (its number), or None.
    context
        Whether to draw the other settlements; without them the map is an overlay for the
        map of them all (same size and view box).

    Returns
    -------
    str
        ``<svg …>`` with one ``<path>`` per drawn settlement, in order, north up; an empty
        string when no settlement has a boundary.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> squares = gpd.GeoSeries([box(0, 0, 100, 100), box(900, 0, 1000, 100)], crs=32735)
    >>> svg = locator_svg(squares, current=1)
    >>> svg.count("<path"), svg.count(ACCENT)
    (2, 1)
    >>> locator_svg(squares, current=1, context=False).count("<path")
    1
    """
    locator = Locator.of(shapes)
    return "" if locator is None else locator.svg(current, labels, context=context)
