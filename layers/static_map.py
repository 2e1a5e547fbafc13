"""A static, printable map of one cluster, drawn with matplotlib (Agg) in the metric CRS.

Made for paper and black-and-white printers: settlements are shaded by their gap with light to
mid greys *and* hatching that gets denser with the gap (either survives a poor photocopy), and
numbered like the report's table (a number that would sit on another is led out to a free
spot with a leader line, :mod:`layers._labels`); service points differ by marker shape, not
colour (filled circle working, cross broken, hollow triangle unknown); wards are dashed
outlines labelled with their names, never under a number. The legend is a column on the right
(the A4 report), or placed wherever the map comes out largest (``legend="fit"``, the wall map).
Drawing in the projected CRS makes the scale bar exact in metres; the north arrow allows for
the grid convergence of that CRS. No web tiles: the map needs no internet.

The figure is a bare :class:`matplotlib.figure.Figure` on an Agg canvas, never pyplot, so no
global backend is chosen and no figure registry is shared between users of the app.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.path import Path
from matplotlib.patheffects import withStroke
from pyproj import CRS, Transformer
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from atlas.i18n import N_, _, format_number
from atlas.i18n.words import status_word
from atlas.load.crs import STORAGE_CRS, to_metric
from layers._labels import place_numbers
from layers.style import classify

__all__ = ["GREYS", "HATCHES", "STATUS_MARKERS", "cluster_map", "map_png"]

MM = 1 / 25.4
#: Fills of the gap classes, light to mid grey (black numbers stay readable on the darkest).
GREYS = ("#f4f4f4", "#d4d4d4", "#b4b4b4", "#949494", "#747474")
#: Hatching of the gap classes, none to dense, so classes survive black-and-white printing.
HATCHES = ("", "....", "////", "xxxx", "xxxxxx")
#: Settlements whose gap is unknown (no household count).
UNKNOWN_STYLE: dict[str, Any] = {"facecolor": "white", "hatch": "---", "hatchcolor": "#8c8c8c"}
#: Marker of each service-point status: shape first, fill second.
STATUS_MARKERS: dict[str, dict[str, Any]] = {
    "working": {"marker": "o", "facecolor": "black", "edgecolor": "black", "s": 16},
    "broken": {"marker": "X", "facecolor": "black", "edgecolor": "white", "s": 34},
    "unknown": {"marker": "^", "facecolor": "white", "edgecolor": "black", "s": 20},
}
_HALO = [withStroke(linewidth=2.2, foreground="white")]
_DASH = (0, (5, 2.5))
_OUTLINE: dict[str, Any] = {"edgecolor": "black", "lw": 0.8}
_CONTEXT: dict[str, Any] = {"facecolor": "white", "edgecolor": "#9a9a9a", "lw": 0.5}
#: A legend block: title, handles, labels.
Section = tuple[str, list[Any], list[str]]
Extent = tuple[float, float, float, float]


def _class_styles(n: int) -> list[tuple[str, str]]:
    """(fill, hatch) of ``n`` classes, spread over the whole scale."""
    picks = np.linspace(0, len(GREYS) - 1, n).round().astype(int) if n > 1 else [2] * n
    return [(GREYS[i], HATCHES[i]) for i in picks]


def _path(geom: BaseGeometry) -> Path | None:
    """A compound path of a (Multi)Polygon; exteriors counter-clockwise, holes clockwise."""
    parts = [
        g
        for g in shapely.get_parts(shapely.orient_polygons(geom))
        if g.geom_type == "Polygon"  # i18n-ignore: a geometry type
    ]
    rings = [r for p in parts for r in (p.exterior, *p.interiors)]
    if not rings:
        return None
    return Path.make_compound_path(*(Path(np.asarray(r.coords)[:, :2], closed=True) for r in rings))


def _polygons(ax: Axes, geoms: Sequence[BaseGeometry], **style: Any) -> None:
    paths = [p for p in (_path(g) for g in geoms if g is not None and not g.is_empty) if p]
    if paths:
        ax.add_collection(PathCollection(paths, **style), autolim=False)


def _extent(geoms: gpd.GeoSeries, aspect: float) -> Extent:
    """Bounds of ``geoms`` with a margin, widened to the axes' width/height ratio."""
    x0, y0, x1, y1 = geoms.total_bounds
    pad = max(0.08 * max(x1 - x0, y1 - y0), 100.0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    cx, cy, w, h = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    w, h = max(w, h * aspect), max(h, w / aspect)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _scale_words(metres: float) -> str:
    if metres < 1000:
        return f"{format_number(metres)} m"
    return f"{format_number(metres / 1000)} km"


def _scale_bar(ax: Axes, extent: Extent) -> None:
    x0, y0, x1, y1 = extent
    w, h = x1 - x0, y1 - y0
    target = w / 5
    step = 10 ** math.floor(math.log10(target))
    length = max(m * step for m in (1, 2, 5) if m * step <= target)
    left, bottom, bar = x0 + 0.04 * w, y0 + 0.045 * h, 0.014 * h
    # A white card under the bar keeps it readable over hatching.
    card = Rectangle((left - 0.02 * w, bottom - 0.025 * h), length + 0.05 * w, 0.1 * h)
    card.set(facecolor="white", alpha=0.85, edgecolor="none", zorder=8)
    ax.add_patch(card)
    for i, fill in enumerate(("black", "white")):
        half = Rectangle((left + i * length / 2, bottom), length / 2, bar)
        half.set(facecolor=fill, edgecolor="black", linewidth=0.6, zorder=9)
        ax.add_patch(half)
    for x, text in ((left, "0"), (left + length, _scale_words(length))):
        ax.text(x, bottom + 1.8 * bar, text, ha="center", va="bottom", fontsize=6.5, zorder=9)


def _north_arrow(ax: Axes, extent: Extent, crs: CRS) -> None:
    x0, y0, x1, y1 = extent
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    # Grid north of a projected CRS is not true north (grid convergence): find true north.
    to_geo = Transformer.from_crs(crs, STORAGE_CRS, always_xy=True)
    lon, lat = to_geo.transform(cx, cy)
    nx, ny = to_geo.transform(lon, lat + 0.01, direction="INVERSE")
    angle = math.atan2(nx - cx, ny - cy)
    size = 0.09 * (y1 - y0)
    bx, by = x1 - 0.06 * (x1 - x0), y1 - 0.2 * (y1 - y0)

    def at(dx: float, dy: float) -> tuple[float, float]:
        c, s = math.cos(angle), math.sin(angle)
        return bx + size * (dx * c + dy * s), by + size * (-dx * s + dy * c)

    tip, base, left, right = at(0, 1), at(0, 0.25), at(-0.32, 0), at(0.32, 0)
    ax.add_patch(Polygon([tip, left, base], facecolor="black", edgecolor="black", lw=0.6, zorder=9))
    ax.add_patch(
        Polygon([tip, right, base], facecolor="white", edgecolor="black", lw=0.6, zorder=9)
    )
    nx_, ny_ = at(0, 1.12)
    ax.text(nx_, ny_, "N", ha="center", va="bottom", fontsize=9, weight="bold", zorder=9)


def _ward_lines(ax: Axes, wards: gpd.GeoSeries, frame: BaseGeometry) -> None:
    # Shared edges are drawn once: two dashed strokes on one edge would look solid.
    edges = shapely.union_all(shapely.boundary(wards.to_numpy())).intersection(frame)
    parts = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.get_parts(edges))))
    lines = [np.asarray(g.coords)[:, :2] for g in parts if g.geom_type == "LineString"]
    ax.add_collection(LineCollection(lines, colors="black", linewidths=1.1, linestyles=_DASH))


def _ward_labels(
    ax: Axes, wards: gpd.GeoDataFrame, inner: BaseGeometry, busy: Any, numbers: BaseGeometry
) -> None:
    """Each ward's name at the emptiest spot of its part of the map, never under a
    settlement's number (``numbers``: their circles); a name with no room left is not drawn
    (the report's table gives every settlement's ward)."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    to_data = ax.transData.inverted()
    for ward_id, name, geom in zip(wards["ward_id"], wards["name"], wards.geometry, strict=True):
        piece = geom.intersection(inner)
        if piece.is_empty or piece.area < 0.02 * inner.area:
            continue
        text = (
            _("Ward {ward}", ward=ward_id) if not name or str(name) == str(ward_id) else str(name)
        )
        if str(ward_id) not in text:
            text += f"\n{ward_id}"
        label = ax.text(
            0, 0, text, ha="center", va="center", fontsize=6.5, color="#333333",
            zorder=6, path_effects=_HALO, parse_math=False,
        )  # fmt: skip
        extent = label.get_window_extent(renderer)
        (ex0, ey0), (ex1, ey1) = to_data.transform([(extent.x0, extent.y0), (extent.x1, extent.y1)])
        # Label the emptiest spot: away from settlements, the scale bar and the north arrow,
        # and at least half the name's diagonal from every number's circle.
        free = piece.difference(busy)
        free = free if free.area > 0.25 * piece.area else piece
        free = free.difference(numbers.buffer(math.hypot(ex1 - ex0, ey1 - ey0) / 2))
        if free.is_empty:
            label.remove()
            continue
        largest = max(shapely.get_parts(free), key=lambda g: g.area)
        spot = polylabel(largest, tolerance=10.0)
        label.set_position((spot.x, spot.y))


def _wards(
    ax: Axes,
    wards: gpd.GeoDataFrame,
    crs: CRS,
    shapes: gpd.GeoSeries,
    e: Extent,
    numbers: np.ndarray,
) -> None:
    x0, y0, x1, y1 = e
    w, h = x1 - x0, y1 - y0
    shown = to_metric(wards, crs)
    shown = shown[shown.intersects(box(*e))]
    _ward_lines(ax, shown.geometry, box(*e))
    corners = [box(x0, y0, x0 + 0.4 * w, y0 + 0.18 * h), box(x1 - 0.14 * w, y1 - 0.36 * h, x1, y1)]
    busy = shapely.union_all([*shapes.buffer(0.02 * w).to_numpy(), *corners])
    circles = shapely.union_all(shapely.buffer(shapely.points(numbers[:, :2]), numbers[:, 2]))
    inner = box(x0 + 0.04 * w, y0 + 0.04 * h, x1 - 0.04 * w, y1 - 0.04 * h)
    _ward_labels(ax, shown, inner, busy, circles)


def _classes(values: Sequence[float]) -> tuple[list[dict[str, Any]], list[str], list[int], int]:
    """The style and legend label of each class of ``values`` (the unknown last, when there
    are any), each value's class (-1 unknown) and the number of known classes."""
    classes = classify(np.asarray(values, dtype=float), kind="integer")
    index = {colour: i for i, colour in enumerate(classes.colours)}
    fills = [index.get(c, -1) for c in classes.colour_of(values)]
    styles: list[dict[str, Any]] = [
        {"facecolor": fill, "hatch": hatch, "hatchcolor": "black", "hatch_linewidth": 0.5}
        for fill, hatch in _class_styles(len(classes.bins))
    ]
    labels = list(classes.labels)
    if classes.missing:
        styles.append(UNKNOWN_STYLE)
        labels.append(_("unknown (no household count)"))
    return styles, labels, fills, len(classes.bins)


def _shade(ax: Axes, shapes: gpd.GeoSeries, values: Sequence[float]) -> tuple[list[Any], list[str]]:
    """Members filled and hatched by class of ``values``; the legend entries."""
    styles, labels, fills, known = _classes(values)
    handles = []
    for i, style in enumerate(styles):
        k = i if i < known else -1
        chosen = [g for g, f in zip(shapes, fills, strict=True) if f == k]
        _polygons(ax, chosen, zorder=2, **_OUTLINE, **style)
        handles.append(Patch(**_OUTLINE, **style))
    return handles, labels


def _points(ax: Axes, services: gpd.GeoDataFrame, crs: CRS, e: Extent, title: str) -> Section:
    points = to_metric(services, crs)
    points = points[points.intersects(box(*e))]
    status = points["status"].where(points["status"].isin(list(STATUS_MARKERS)), "unknown")
    for name, style in STATUS_MARKERS.items():
        xy = points.geometry[status == name]
        ax.scatter(xy.x, xy.y, linewidths=0.6, zorder=5, **style)
    return title, _point_handles(), _status_words()


def _status_words() -> list[str]:
    """The statuses as the legend names them, in the language of the session."""
    return [status_word(status) for status in STATUS_MARKERS]


def _ward_section() -> Section:
    """The legend's section of the ward boundaries."""
    return (_("Wards"), [Line2D([], [], color="black", lw=1.1, ls=_DASH)], [_("boundary")])


def _point_handles() -> list[Any]:
    handles = []
    for style in STATUS_MARKERS.values():
        # In the legend a white edge would vanish: draw the cross with a black one.
        edge = "black" if style["edgecolor"] == "white" else style["edgecolor"]
        handles.append(
            Line2D(
                [], [], ls="none", marker=style["marker"], markersize=5.5, markeredgewidth=0.6,
                markerfacecolor=style["facecolor"], markeredgecolor=edge,
            )
        )  # fmt: skip
    return handles


def _legend(
    lax: Axes, canvas: FigureCanvasAgg, sections: list[Section], across: bool = False
) -> tuple[float, float]:
    """The legend's sections from the top left of ``lax``, one under the other (or side by
    side, ``across``); returns the size they take in pixels."""
    top, left = 1.0, 0.0
    renderer = canvas.get_renderer()
    to_axes = lax.transAxes.inverted()
    extents = []
    for title, handles, labels in sections:
        legend = Legend(
            lax, handles, labels, title=title, loc="upper left", bbox_to_anchor=(left, top),  # i18n-ignore: a position
            frameon=False, fontsize=7, title_fontsize=7.5, alignment="left",
            handlelength=2.2, handleheight=1.4, borderaxespad=0.0, labelspacing=0.45,
        )  # fmt: skip
        legend.get_title().set_fontweight("bold")
        for text in (legend.get_title(), *legend.get_texts()):
            text.set_parse_math(False)
        lax.add_artist(legend)
        extent = legend.get_window_extent(renderer)
        extents.append(extent)
        if across:
            left = (
                extent.transformed(to_axes).x1 + 8 * renderer.points_to_pixels(1) / lax.bbox.width
            )
        else:
            top = extent.transformed(to_axes).y0 - 0.05
    if not extents:
        return 0.0, 0.0
    width = max(e.x1 for e in extents) - min(e.x0 for e in extents)
    return float(width), float(max(e.y1 for e in extents) - min(e.y0 for e in extents))


Rect = tuple[float, float, float, float]


def _fitted_legend(
    fig: Figure, canvas: FigureCanvasAgg, sections: list[Section], bounds: tuple[float, float]
) -> tuple[Rect, Rect, bool]:
    """Where the map and its legend go so that the cluster (``bounds``: its width and height
    in metres) is drawn largest: the legend to the right of the map or below it, its sections
    one under the other or side by side, wherever the legend fits whole. Returns the map's
    and the legend's axes rectangles (figure fractions) and whether the sections go across."""
    scratch = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    sizes = {}
    for across in (False, True):
        # A little room to spare: text is measured at the figure's resolution, and set a
        # little wider at a coarse one.
        width, height = _legend(scratch, canvas, sections, across)
        sizes[across] = 1.04 * width, 1.02 * height
        for artist in list(scratch.artists):
            artist.remove()
    fig.delaxes(scratch)
    fw, fh = fig.bbox.width, fig.bbox.height
    w, h = bounds
    pad = max(0.08 * max(w, h), 100.0)
    best: tuple[float, Rect, Rect, bool] | None = None
    for across, (lw, lh) in sizes.items():
        gap_x, gap_y = 0.02 + 0.01 * across, 0.03
        right = (1 - 0.005 - lw / fw - gap_x - 0.005, 0.98)
        below = (0.99, 1 - 0.01 - lh / fh - gap_y - 0.01)
        options = [
            (right, (0.005, 0.01, *right), (0.995 - lw / fw, 0.02, lw / fw, 0.96), lh <= 0.96 * fh),
            (below, (0.005, 1 - 0.01 - below[1], *below), (0.005, 0.01, 0.99, lh / fh),
             lw <= 0.99 * fw),
        ]  # fmt: skip
        for (aw, ah), axes, legend, fits in options:
            if aw <= 0 or ah <= 0:
                continue
            scale = min(aw * fw / (w + 2 * pad), ah * fh / (h + 2 * pad)) * (1 if fits else 1e-6)
            if best is None or scale > best[0]:
                best = scale, axes, legend, across
    if best is None:
        return (0.005, 0.01, 0.72, 0.98), (0.745, 0.02, 0.25, 0.96), False
    return best[1], best[2], best[3]


def cluster_map(
    members: gpd.GeoDataFrame,
    values: Sequence[float],
    labels: Sequence[str],
    *,
    metric_crs: CRS,
    others: gpd.GeoDataFrame | None = None,
    services: gpd.GeoDataFrame | None = None,
    wards: gpd.GeoDataFrame | None = None,
    value_title: str = N_("Taps missing"),
    points_title: str = N_("Taps"),
    size_mm: tuple[float, float] = (186.0, 104.0),
    legend_mm: float | None = None,
    number_size: float = 7.0,
    legend: str = "right",
) -> Figure:
    """The printable map of one cluster: the map on the left, its legend on the right.

    Parameters
    ----------
    members
        The cluster's settlements (any CRS).
    values
        The gap of each member (NaN when unknown), shading it.
    labels
        The text written on each member (its number in the report's table).
    metric_crs
        The projected CRS to draw in; the scale bar is in its metres.
    others
        Other settlements, drawn as plain outlines where they fall in view.
    services
        Service points with a ``status`` (filter the category first); those in view are drawn.
    wards
        Wards with ``ward_id`` and ``name``; outlines and labels of those in view.
    value_title, points_title
        Legend titles of the shading and of the points.
    size_mm
        Width and height of the figure in millimetres.
    legend_mm
        Width of the legend column in millimetres; a quarter of the width by default.
    number_size
        Font size (points) of the settlements' numbers.
    legend
        ``right``: the legend in a column on the right (``legend_mm`` wide). ``fit``: to the
        right of the map or below it, its sections one under the other or side by side,
        whichever draws the cluster largest with the whole legend in view (for sheets of any
        shape, such as the wall map's).

    Returns
    -------
    Figure
        On its own Agg canvas; nothing is registered with pyplot.
    """
    # The default titles are msgids (callers pass their own words, already translated).
    value_title, points_title = _(value_title), _(points_title)
    width, height = size_mm
    fig = Figure(figsize=(width * MM, height * MM), dpi=100)
    canvas = FigureCanvasAgg(fig)
    shapes = to_metric(members.geometry, metric_crs)
    across = False
    if legend == "fit":
        x0, y0, x1, y1 = shapes.total_bounds
        draft = _draft_sections(values, others, services, wards, value_title, points_title)
        axes, box_, across = _fitted_legend(fig, canvas, draft, (x1 - x0, y1 - y0))
    else:
        share = 0.25 if legend_mm is None else legend_mm / width
        axes, box_ = (0.005, 0.01, 0.97 - share, 0.98), (0.995 - share, 0.02, share, 0.96)
    ax = fig.add_axes(axes)
    lax = fig.add_axes(box_)
    lax.set_axis_off()
    extent = _extent(shapes, (axes[2] * width) / (axes[3] * height))
    ax.set(xlim=extent[::2], ylim=extent[1::2], aspect="equal", xticks=[], yticks=[])

    handles, names = _shade(ax, shapes, values)
    near = to_metric(others.geometry, metric_crs) if others is not None else None
    near = near[near.intersects(box(*extent))] if near is not None else None
    if near is not None and len(near):
        _polygons(ax, near, **_CONTEXT)
        handles.append(Patch(**_CONTEXT))
        names.append(_("other settlements"))
    sections: list[Section] = [(value_title, handles, names)]
    if services is not None and len(services):
        sections.append(_points(ax, services, metric_crs, extent, points_title))
    # Numbers first: the ward names then keep clear of them.
    numbers = place_numbers(ax, shapes, labels, number_size, canvas.get_renderer())
    if wards is not None and len(wards):
        _wards(ax, wards, metric_crs, shapes, extent, numbers)
        sections.append(_ward_section())
    _scale_bar(ax, extent)
    _north_arrow(ax, extent, metric_crs)
    _legend(lax, canvas, sections, across)
    return fig


def _draft_sections(
    values: Sequence[float],
    others: gpd.GeoDataFrame | None,
    services: gpd.GeoDataFrame | None,
    wards: gpd.GeoDataFrame | None,
    value_title: str,
    points_title: str,
) -> list[Section]:
    """The legend's sections as they will be at most (with other settlements), to size it
    before anything is drawn."""
    styles, labels, _fills, _count = _classes(values)
    handles = [Patch(**_OUTLINE, **style) for style in styles]
    if others is not None and len(others):
        handles.append(Patch(**_CONTEXT))
        labels.append(_("other settlements"))
    sections: list[Section] = [(value_title, handles, labels)]
    if services is not None and len(services):
        sections.append((points_title, _point_handles(), _status_words()))
    if wards is not None and len(wards):
        sections.append(_ward_section())
    return sections


def map_png(fig: Figure, *, dpi: int = 220) -> bytes:
    """``fig`` as PNG bytes at ``dpi``.

    A name that the font lacks glyphs for (a ward named in a script DejaVu Sans does not
    cover) shows as boxes on the map; matplotlib's warning about it is silenced because the
    report's text repeats every name in full.
    """
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            "Glyph .* missing from font",  # i18n-ignore: matplotlib's warning
            UserWarning,
        )
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()
