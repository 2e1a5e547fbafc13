"""Coverage: the certificate's grid, and exact agreement with the union of buffers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from scipy.spatial import cKDTree

from atlas.measure._grid import CELL_SIDES, grid_decide, polygon_cells
from atlas.measure.coverage import BUFFER_QUAD_SEGS, coverage_of


def test_polygon_cells_cover_each_polygon() -> None:
    polygons = np.array(
        [
            shapely.box(0, 0, 100, 100),
            shapely.Polygon([(500, 0), (700, 30), (520, 200)]),
            shapely.box(1000, 1000, 1010, 1010),
        ]
    )
    owner, centres, undecided = polygon_cells(polygons)
    assert not undecided.any()
    half = CELL_SIDES[0] / 2
    for k, polygon in enumerate(polygons):
        mine = centres[owner == k]
        squares = shapely.box(
            mine[:, 0] - half, mine[:, 1] - half, mine[:, 0] + half, mine[:, 1] + half
        )
        assert shapely.union_all(squares).covers(polygon)
    # The 100 m square (origin at its corner) needs 2 x 2 cells of 64 m.
    assert (owner == 0).sum() == 4


def test_grid_decides_covered_uncovered_and_open() -> None:
    polygons = np.array(
        [
            shapely.box(0, 0, 20, 20),  # well inside the reach of the site at (10, 10)
            shapely.box(0, 500, 200, 700),  # its centre is 200 m from any site
            # A site at each end: the farthest points, (1097, 0) and (1097, 40), are 99.04 m
            # away: covered, but too close to the reach for 8 m cells to prove it.
            shapely.box(1000, 0, 1194, 40),
        ]
    )
    sites = np.array([[10.0, 10.0], [1000.0, 20.0], [1194.0, 20.0]])
    covered, uncovered = grid_decide(polygons, polygon_cells(polygons), cKDTree(sites), 100.0)
    assert covered.tolist() == [True, False, False]
    assert uncovered.tolist() == [False, True, False]


def _exact(polygon: shapely.Geometry, xy: np.ndarray, distance: float) -> float:
    discs = shapely.buffer(shapely.points(xy), distance, quad_segs=BUFFER_QUAD_SEGS)
    return shapely.area(shapely.intersection(polygon, shapely.union_all(discs))) / polygon.area


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_coverage_equals_the_union_of_buffers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, (60, 2))
    angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    polygons = np.array(
        [
            shapely.Polygon(
                c
                + (rng.uniform(40, 250) * rng.uniform(0.5, 1, 40))[:, None]
                * np.c_[np.cos(angles), np.sin(angles)]
            )
            for c in centres
        ]
    )
    # Dense sites around some settlements (fully covered), sparse elsewhere (partly covered).
    dense = centres[:20, None, :] + rng.normal(0, 60, (20, 25, 2))
    xy = np.r_[dense.reshape(-1, 2), rng.uniform(0, 3000, (150, 2))]
    share = coverage_of(polygons, shapely.points(xy), 200.0)
    expected = [_exact(p, xy, 200.0) for p in polygons]
    np.testing.assert_allclose(share, expected, atol=1e-9)
    assert (share == 1.0).sum() >= 10 and ((share > 0) & (share < 1)).sum() >= 10


@pytest.mark.parametrize("threads", [2, 3])
def test_cells_listed_in_parts_are_the_cells_listed_in_one_go(threads: int) -> None:
    from atlas.measure._parallel import PARALLEL_MIN, Workers

    rng = np.random.default_rng(7)
    n = 2 * PARALLEL_MIN + 17
    centres = rng.uniform(0, 50_000, size=(n, 2))
    polygons = shapely.buffer(shapely.points(centres), rng.uniform(20, 300, size=n), quad_segs=3)
    whole = polygon_cells(polygons)
    with Workers(threads) as workers:
        parts = polygon_cells(polygons, workers=workers)
    for a, b in zip(whole, parts, strict=True):
        np.testing.assert_array_equal(a, b)
    assert np.unique(whole[0]).size == n  # every polygon has cells
