"""A cheap grid test that decides most polygons of the coverage certificate without a Delaunay.

:func:`atlas.measure.coverage._certainly_covered` asks, for polygons whose boundary already passed, whether
the distance ``f`` to the nearest site stays within ``reach`` all over the polygon. ``f`` is
1-Lipschitz, so a square cell of side ``h`` whose centre has ``f <= reach - h / sqrt(2)`` lies
within ``reach`` everywhere; a cell centre inside the polygon with ``f > reach`` shows the polygon
is not. Cells that decide neither are split in four, a few times; polygons still undecided go
to the exact Voronoi test. Both answers are proofs, so the outcome is the Voronoi test's.
"""

from __future__ import annotations

import itertools

import numpy as np
import shapely
from scipy.spatial import cKDTree

from atlas.measure._parallel import PARALLEL_MIN, Workers, private_prepared

__all__ = ["CELL_SIDES", "Cells", "grid_decide", "polygon_cells"]  # i18n-ignore: names of the API

#: Cell sides (metres) tried in turn; each is half the one before, so cells split in four.
CELL_SIDES = (64.0, 32.0, 16.0, 8.0)
#: Slack (metres) against rounding in cell indices and distances: keeps both tests one-sided.
SLACK = 1e-6

#: Cells covering polygons: owner of each cell, its centre, and polygons left undecided.
Cells = tuple[np.ndarray, np.ndarray, np.ndarray]


def polygon_cells(
    polygons: np.ndarray, side: float = CELL_SIDES[0], workers: Workers | None = None
) -> Cells:
    """Square cells of side ``side`` that together cover each polygon.

    Each polygon's cells depend on it alone: with ``workers``, the polygons are cut in parts
    listed at once, and the parts' cells put back in order (the same cells as in one go).

    A cell meeting a polygon either has its centre inside it or meets its boundary. The first
    are found among the cells of the bounding box; the second among the (at most four) cells
    around each boundary segment, once segments are no longer than a cell.

    Returns
    -------
    (owner, centres, undecided)
        The polygon of each cell, the cell centres (n, 2), and a mask of polygons whose cells
        could not be listed (a segment spanning more than two cells after rounding).
    """
    parts = min(workers.count, len(polygons) // PARALLEL_MIN) if workers else 1
    if workers is None or parts < 2:
        return _cells(polygons, side)
    cuts = [len(polygons) * k // parts for k in range(parts + 1)]
    spans = list(itertools.pairwise(cuts))
    found = workers.map(lambda span: _cells(polygons[span[0] : span[1]], side), spans)
    return (
        np.concatenate([owner + lo for (owner, _, _), (lo, _) in zip(found, spans, strict=True)]),
        np.concatenate([centres for _, centres, _ in found]),
        np.concatenate([undecided for _, _, undecided in found]),
    )


def _cells(polygons: np.ndarray, side: float) -> Cells:
    """:func:`polygon_cells` in one go."""
    undecided = np.zeros(len(polygons), dtype=bool)
    if not len(polygons):
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2)), undecided
    bounds = shapely.bounds(polygons)
    origin = bounds[:, :2]
    nx = np.ceil((bounds[:, 2] - bounds[:, 0]) / side).astype(np.int64) + 1
    ny = np.ceil((bounds[:, 3] - bounds[:, 1]) / side).astype(np.int64) + 1
    count = nx * ny
    offset = np.cumsum(count) - count
    owner = np.repeat(np.arange(len(polygons)), count)
    k = np.arange(int(count.sum())) - offset[owner]
    ix, iy = k % nx[owner], k // nx[owner]
    centre = origin[owner] + (np.c_[ix, iy] + 0.5) * side
    # Prepared private copies: shared geometries stay unprepared (see atlas.measure._parallel).
    take = shapely.intersects_xy(private_prepared(polygons)[owner], centre[:, 0], centre[:, 1])
    # Boundary lines one by one, so that consecutive coordinates of a line are its segments.
    lines, line_owner = shapely.get_parts(
        shapely.boundary(shapely.segmentize(polygons, side)), return_index=True
    )
    coords, line = shapely.get_coordinates(lines, return_index=True)
    c_owner = line_owner[line]
    cell = np.clip(
        np.floor((coords - origin[c_owner]) / side).astype(np.int64),
        0,
        np.c_[nx, ny][c_owner] - 1,
    )
    same = line[:-1] == line[1:]
    lo = np.minimum(cell[:-1], cell[1:])[same]
    hi = np.maximum(cell[:-1], cell[1:])[same]
    e_owner = c_owner[:-1][same]
    undecided[e_owner[((hi - lo) > 1).any(axis=1)]] = True
    for cx, cy in (
        (lo[:, 0], lo[:, 1]),
        (hi[:, 0], hi[:, 1]),
        (lo[:, 0], hi[:, 1]),
        (hi[:, 0], lo[:, 1]),
    ):
        take[offset[e_owner] + cy * nx[e_owner] + cx] = True
    return owner[take], centre[take], undecided


def grid_decide(
    polygons: np.ndarray, cells: Cells, tree: cKDTree, reach: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which polygons are proven within ``reach`` of the sites of ``tree`` all over, which not.

    Parameters
    ----------
    polygons
        Shapely polygons, in the sites' metric CRS.
    cells
        :func:`polygon_cells` of ``polygons`` (cells of side ``CELL_SIDES[0]``), possibly
        only those of some polygons: the others are returned as decided covered.
    tree
        A k-d tree of the sites.
    reach
        The distance every point of a covered polygon must lie within.

    Returns
    -------
    (covered, uncovered)
        Boolean arrays; polygons in neither are undecided.
    """
    owner, centres, undecided = cells
    undecided = undecided.copy()
    uncovered = np.zeros(len(polygons), dtype=bool)
    # Only whether the nearest site lies within reach matters: the search stops at it (the
    # tree finds sites strictly nearer than its bound, so a site at exactly reach + SLACK
    # still counts, and farther ones give infinity).
    bound = float(np.nextafter(reach + SLACK, np.inf))
    for level, side in enumerate(CELL_SIDES):
        if not len(owner):
            break
        nearest, _ = tree.query(centres, distance_upper_bound=bound)
        fine = nearest <= reach - side / np.sqrt(2) - SLACK
        far = nearest > reach + SLACK
        if far.any():
            far_idx = np.flatnonzero(far)
            inside = shapely.intersects_xy(
                polygons[owner[far_idx]], centres[far_idx, 0], centres[far_idx, 1]
            )
            uncovered[owner[far_idx[inside]]] = True
        open_cells = ~fine & ~uncovered[owner]
        owner, centres = owner[open_cells], centres[open_cells]
        if level + 1 < len(CELL_SIDES):
            quarter = side / 4
            offsets = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]) * quarter
            owner = np.repeat(owner, 4)
            centres = (centres[:, None, :] + offsets[None, :, :]).reshape(-1, 2)
    undecided[owner] = True
    undecided &= ~uncovered
    return ~undecided & ~uncovered, uncovered
