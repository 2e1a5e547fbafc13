"""Display-ready layers, computed once per dataset: the slow half of drawing a map.

Reprojecting, simplifying and encoding 3,000 detailed settlements and 300,000 service points
takes a second or so; choosing a category, metric, standard or cluster needs none of it again.
:func:`prepare_display` does that work on the raw layers and returns a :class:`DisplayLayers`
that :func:`layers.maps.build_map` takes (the app caches it per dataset, in
``pages/state/maps.py``); a filter change then only classifies, colours and writes the page.

Simplification is done in metres with a tolerance of one screen pixel at street zoom
(:func:`layers.geometry.pixel_tolerance`), and coordinates are snapped to a grid of half that
(:class:`layers.encoding.Grid`), so at street zoom a drawn edge is never more than about a pixel
from the true one. Leaflet simplifies further, in screen space, at every lower zoom, so one copy
serves every zoom. The layers passed in are never modified: measurement uses them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.i18n import N_, _
from atlas.i18n.words import status_word
from layers.encoding import Grid, encode_points, encode_shapes
from layers.geometry import STREET_ZOOM, display_geometry, pixel_tolerance
from layers.style import STATUS_COLOURS
from layers.text import safe_text

__all__ = [
    "DisplayLayers",
    "PointSet",
    "Shapes",  # i18n-ignore: a name of the API
    "prepare_display",
    "shapes_of",
    "shown_tip",
]

#: Statuses in the order the map's script numbers them (anything else is ``unknown``).
STATUSES = tuple(STATUS_COLOURS)


def _ids(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=object) if column in frame else np.asarray(frame.index)


@dataclass(frozen=True, eq=False)
class Shapes:
    """Encoded polygons of a layer, one per row of the frame they were made from.

    Attributes
    ----------
    index, ids
        The frame's index and id column (``settlement_id``/``ward_id``): a frame is drawn from
        these shapes only when its rows are among them, with the same ids.
    texts
        Shape string per row (:func:`layers.encoding.encode_shapes`), None without geometry.
    boxes
        ``minx, miny, maxx, maxy`` of each row's geometry (degrees; NaN without geometry).
    anchors
        A point inside each shape (lon, lat), for labels.
    """

    index: pd.Index
    ids: np.ndarray
    texts: np.ndarray
    boxes: np.ndarray
    anchors: np.ndarray

    def rows_of(self, frame: pd.DataFrame, id_column: str) -> np.ndarray | None:
        """Positions of ``frame``'s rows among these shapes, or None when ``frame`` is not a
        selection of the rows these shapes were made from."""
        positions = self.index.get_indexer(frame.index) if self.index.is_unique else None
        if positions is None or (positions < 0).any():
            return None
        if not np.array_equal(self.ids[positions], _ids(frame, id_column)):
            return None
        return positions


@dataclass(frozen=True)
class PointSet:
    """One category's service points, encoded (:func:`layers.encoding.encode_points`).

    Attributes
    ----------
    data
        The points with a code each.
    codes
        Per code: the status (index into :data:`STATUSES`) and the tooltip (escaped HTML).
    counts
        Points per status, in :data:`STATUSES` order.
    """

    data: str
    codes: tuple[tuple[int, str], ...]
    counts: tuple[int, ...]

    @property
    def size(self) -> int:
        """How many points."""
        return sum(self.counts)


@dataclass(frozen=True, eq=False)
class DisplayLayers:
    """Everything about a dataset's layers the map needs that no filter changes.

    Attributes
    ----------
    grid
        The coordinate grid of every layer.
    tolerance_m
        The simplification tolerance used (metres).
    settlements, wards
        Encoded polygons (wards None when there are none).
    services_index, services_ids
        The services frame the point sets were made from.
    points
        Encoded points per category, in the order the categories were found.
    """

    grid: Grid
    tolerance_m: float
    settlements: Shapes
    wards: Shapes | None
    services_index: pd.Index
    services_ids: np.ndarray
    points: dict[str, PointSet] = field(default_factory=dict)

    def fits_services(self, services: pd.DataFrame | None) -> bool:
        """True when ``services`` is the frame the point sets were made from."""
        if services is None:
            return not self.points
        return self.services_index.equals(services.index) and np.array_equal(
            self.services_ids, _ids(services, "service_id")
        )


def _shapes(frame: gpd.GeoDataFrame, id_column: str, tolerance_m: float, grid: Grid) -> Shapes:
    geoms = display_geometry(frame, tolerance_m=tolerance_m, precision=None).to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    boxes = np.full((len(geoms), 4), np.nan)
    anchors = np.full((len(geoms), 2), np.nan)
    if present.any():
        # Framing uses the true extent, not the simplified one.
        boxes[present] = shapely.bounds(frame.geometry.to_crs(4326).to_numpy()[present])
        anchors[present] = shapely.get_coordinates(shapely.point_on_surface(geoms[present]))
    return Shapes(
        index=frame.index,
        ids=_ids(frame, id_column),
        texts=np.asarray(encode_shapes(geoms, grid), dtype=object),
        boxes=boxes,
        anchors=anchors,
    )


def _safe_texts(values: pd.Series) -> np.ndarray:
    """``values.map(safe_text)`` as an array, escaping each distinct value once (a metro's
    300,000 points have a handful of kinds and providers)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    texts = np.asarray([safe_text(u) for u in uniques] + [""], dtype=object)
    return texts[codes]


def _point_tips(services: pd.DataFrame, status: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """A code per point and the distinct tooltips, ``<b>kind</b><br>status · provider``
    (codes in the order the tooltips first occur)."""
    empty = np.full(len(services), "", dtype=object)
    kinds = _safe_texts(services["kind"]) if "kind" in services else empty
    providers = _safe_texts(services["provider"]) if "provider" in services else empty
    # Each column's strings numbered, then the triples: as a MultiIndex factorizes them, but
    # on integers.
    columns = [pd.factorize(np.asarray(c, dtype=object)) for c in (kinds, status, providers)]
    combined = np.zeros(len(services), dtype=np.int64)
    for codes, uniques in columns:
        combined = combined * max(len(uniques), 1) + codes
    codes, firsts = pd.factorize(combined)
    tips = []
    for value in firsts:
        parts = []
        for _codes, uniques in reversed(columns):
            size = max(len(uniques), 1)
            parts.append(str(uniques[int(value % size)]))
            value //= size
        provider, state, kind = parts
        words = [state] + ([provider] if provider.strip() else [])
        tips.append(f"<b>{kind or _NO_KIND}</b><br>{' · '.join(words)}")
    return np.asarray(codes, dtype=np.int64), tips


#: A point's tooltip heading when it has no kind (translated by :func:`shown_tip`).
_NO_KIND = N_("service point")


def shown_tip(status: int, tip: str) -> str:
    """A point's tooltip of :attr:`PointSet.codes` in the language of the session: its status
    and the heading of a point without a kind translated (the prepared layers are shared by
    every session, so they keep the English words; the kind and provider are the file's).

    >>> shown_tip(1, "<b>service point</b><br>broken · City")
    '<b>service point</b><br>broken · City'
    """
    head, br, rest = tip.partition("<br>")
    if head == f"<b>{_NO_KIND}</b>":
        head = f"<b>{_(_NO_KIND)}</b>"
    _state, dot, provider = rest.partition(" · ")
    return f"{head}{br}{status_word(STATUSES[status])}{dot}{provider}"


def _point_sets(services: gpd.GeoDataFrame, grid: Grid) -> dict[str, PointSet]:
    present = ~(services.geometry.isna() | services.geometry.is_empty).to_numpy()
    frame = services.loc[present]
    shown = display_geometry(frame, tolerance_m=0, precision=None).to_numpy()
    # Points are their own point on the surface (and far quicker to read as they are).
    points = bool((shapely.get_type_id(shown) == 0).all())
    xy = shapely.get_coordinates(shown if points else shapely.point_on_surface(shown))
    status = frame["status"].astype(str).where(frame["status"].isin(STATUSES), "unknown").to_numpy()
    state = pd.Categorical(status, categories=list(STATUSES)).codes.astype(np.int64)
    by_category = frame["category"].astype(str).to_numpy()
    sets = {}
    for category in dict.fromkeys(by_category):
        rows = np.flatnonzero(by_category == category)
        local, tips = _point_tips(frame.iloc[rows], status[rows])
        data, _grid = encode_points(xy[rows], local, grid)
        first = np.zeros(len(tips), dtype=np.int64)
        first[local] = state[rows]
        sets[category] = PointSet(
            data=data,
            codes=tuple((int(s), tip) for s, tip in zip(first, tips, strict=True)),
            counts=tuple(int(c) for c in np.bincount(state[rows], minlength=len(STATUSES))),
        )
    return sets


def _grid(frames: list[gpd.GeoDataFrame], tolerance_m: float | None) -> tuple[float, Grid]:
    """The tolerance (a street-zoom pixel by default) and a grid of half of it for ``frames``."""
    if tolerance_m is None:
        tolerance_m = pixel_tolerance(*frames, zoom=STREET_ZOOM)
    if not tolerance_m > 0:
        raise ValueError(f"tolerance_m must be more than 0 metres, not {tolerance_m}.")
    boxes = [f.geometry.to_crs(4326).total_bounds for f in frames if len(f)]
    boxes = [b for b in boxes if np.isfinite(b).all()]
    corner = np.min(np.array(boxes)[:, :2], axis=0) if boxes else np.zeros(2)
    return float(tolerance_m), Grid.for_bounds(corner, tolerance_m / 2)


def shapes_of(
    frame: gpd.GeoDataFrame, id_column: str, prepared: Shapes | None, grid: Grid | None
) -> tuple[Shapes, np.ndarray, Grid]:
    """The shapes of ``frame``'s rows: ``prepared`` (on ``grid``) when ``frame`` is a selection
    of the rows they were made from, else made now.

    Returns
    -------
    (Shapes, ndarray, Grid)
        The shapes, the position of each of ``frame``'s rows among them, and their grid.
    """
    rows = None if prepared is None else prepared.rows_of(frame, id_column)
    if prepared is not None and rows is not None and grid is not None:
        return prepared, rows, grid
    tolerance_m, grid = _grid([frame], None)
    return _shapes(frame, id_column, tolerance_m, grid), np.arange(len(frame)), grid


def prepare_display(
    settlements: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame | None = None,
    wards: gpd.GeoDataFrame | None = None,
    *,
    tolerance_m: float | None = None,
) -> DisplayLayers:
    """Simplify, snap and encode the layers once, for every map drawn from them.

    Parameters
    ----------
    settlements
        Settlements (``settlement_id``) or a gap table of them; not modified.
    services
        Service points (``service_id``, ``category``, ``status``, optional ``kind`` and
        ``provider``), or None.
    wards
        Wards (``ward_id``), or None.
    tolerance_m
        Display simplification in metres; by default one screen pixel at street zoom
        (:func:`layers.geometry.pixel_tolerance`). Coordinates are snapped to half of it.

    Returns
    -------
    DisplayLayers
        For :func:`layers.maps.build_map` (``display=``).

    Raises
    ------
    CRSError
        A layer has no CRS.
    """
    frames = [f for f in (settlements, services, wards) if f is not None and len(f)]
    tolerance_m, grid = _grid(frames, tolerance_m)
    has_points = services is not None and len(services) > 0
    return DisplayLayers(
        grid=grid,
        tolerance_m=float(tolerance_m),
        settlements=_shapes(settlements, "settlement_id", tolerance_m, grid),
        wards=None if wards is None else _shapes(wards, "ward_id", tolerance_m, grid),
        services_index=pd.Index([]) if services is None else services.index,
        services_ids=np.array([], object) if services is None else _ids(services, "service_id"),
        points=_point_sets(services, grid) if has_points and services is not None else {},
    )
