"""The shared point-near-settlement search: hand-computed cases, and the same pairs as GEOS."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

from atlas.errors import CRSError, SchemaError
from atlas.measure._nearby import _box_candidates, metric_xy, nearby_pairs

METRIC = "EPSG:32735"


def _pairs(nearby) -> dict[tuple[int, int], float]:
    return {
        (int(p), int(s)): float(d)
        for p, s, d in zip(nearby.point, nearby.settlement, nearby.distance, strict=True)
    }


def test_inside_on_boundary_near_and_beyond() -> None:
    # Two 100 m squares 300 m apart (x 0-100 and 400-500).
    polygons = np.array([shapely.box(0, 0, 100, 100), shapely.box(400, 0, 500, 100)])
    xy = np.array(
        [
            [50, 50],  # 0: inside the first
            [100, 50],  # 1: on the first's edge
            [130, 50],  # 2: 30 m from the first, 270 m from the second
            [250, 50],  # 3: 150 m from both
            [50, 400],  # 4: 300 m from the first
            [np.nan, np.nan],  # 5: a missing point
        ],
        dtype=float,
    )
    found = _pairs(nearby_pairs(xy, polygons, 200.0))
    assert found == pytest.approx(
        {(0, 0): 0.0, (1, 0): 0.0, (2, 0): 30.0, (3, 0): 150.0, (3, 1): 150.0}
    )
    # Containment only.
    assert _pairs(nearby_pairs(xy, polygons, 0.0)) == {(0, 0): 0.0, (1, 0): 0.0}
    # within() narrows the distance and the points, keeping the original indices.
    near = nearby_pairs(xy, polygons, 200.0)
    mask = np.array([True, False, True, True, True, True])
    assert _pairs(near.within(100.0, mask)) == pytest.approx({(0, 0): 0.0, (2, 0): 30.0})


def test_same_pairs_as_geos_dwithin() -> None:
    rng = np.random.default_rng(7)
    centres = rng.uniform(0, 5000, (200, 2))
    polygons = shapely.buffer(shapely.points(centres), rng.uniform(20, 150, 200), quad_segs=3)
    polygons[5] = shapely.MultiPolygon(
        [shapely.box(0, 0, 10, 10), shapely.box(4000, 4000, 4010, 4010)]
    )  # two parts far apart
    xy = rng.uniform(-300, 5300, (20_000, 2))
    near = nearby_pairs(xy, polygons, 120.0)
    got = set(zip(near.point.tolist(), near.settlement.tolist(), strict=True))
    p_i, s_i = shapely.STRtree(polygons).query(
        shapely.points(xy), predicate="dwithin", distance=120.0
    )
    assert got == set(zip(p_i.tolist(), s_i.tolist(), strict=True))
    expected = shapely.distance(shapely.points(xy[near.point]), polygons[near.settlement])
    np.testing.assert_allclose(near.distance, expected)


def test_box_candidates_match_brute_force_even_for_a_wide_sparse_layer() -> None:
    rng = np.random.default_rng(3)
    # Points across 1,000 km and tiny boxes: the grid must not grow with the extent.
    xy = np.r_[rng.uniform(0, 1e6, (5000, 2)), rng.uniform(0, 50, (500, 2))]
    lo = rng.uniform(0, 1e6, (300, 2))
    bounds = np.c_[lo, lo + rng.uniform(0, 5000, (300, 2))]
    bounds[0] = [0, 0, 50, 50]
    p_i, b_i = _box_candidates(xy, bounds)
    inside = (
        (xy[:, None, 0] >= bounds[None, :, 0])
        & (xy[:, None, 0] <= bounds[None, :, 2])
        & (xy[:, None, 1] >= bounds[None, :, 1])
        & (xy[:, None, 1] <= bounds[None, :, 3])
    )
    want = set(zip(*np.nonzero(inside), strict=True))
    assert set(zip(p_i.tolist(), b_i.tolist(), strict=True)) == {(int(p), int(b)) for p, b in want}


def test_metric_xy_reprojects_like_to_crs_and_keeps_missing_rows() -> None:
    frame = gpd.GeoDataFrame(
        geometry=[shapely.Point(28.1, -26.1), None, shapely.Point(28.2, -26.0)], crs=4326
    )
    xy = metric_xy(frame, CRS(METRIC))
    expected = shapely.get_coordinates(frame.geometry.iloc[[0, 2]].to_crs(METRIC).to_numpy())
    np.testing.assert_allclose(xy[[0, 2]], expected)
    assert np.isnan(xy[1]).all()
    with pytest.raises(CRSError, match="geographic"):
        metric_xy(frame, CRS(4326))
    lines = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=4326)
    with pytest.raises(SchemaError, match="single points"):
        metric_xy(lines, CRS(METRIC))
