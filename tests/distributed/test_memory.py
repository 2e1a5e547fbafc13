"""What lets the Dask engine run on workers with less memory than the points (issue #18): the
sizes Dask is told, the points packed between tasks, the settlements made again when a worker
holding them dies, and ids checked across partitions by their hashes.

On the test cluster of ``conftest.scheduler`` (two ``dask worker`` processes with nannies).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas.distributed.engine import _kept
from atlas.distributed.packing import PackedPoints, pack, unpack
from atlas.distributed.services import _repeated
from atlas.distributed.sizes import GEOMETRY_BYTES, VERTEX_BYTES, frame_bytes
from tests.distributed.common import both_refusals


def _points(n: int, crs: object = "EPSG:4326") -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    frame = gpd.GeoDataFrame(
        {
            "service_id": np.array([f"P{i:07d}" for i in range(n)], dtype=object),
            "status": np.array(["working", "broken"] * (n // 2), dtype=object),
            "count": np.arange(n, dtype=np.int64),
        },
        geometry=gpd.points_from_xy(
            28 + rng.random(n) / 3, -26 + rng.random(n) / 3, crs="EPSG:4326"
        ),
        index=pd.Index(np.arange(n) * 3 + 5, name="_row"),
    )
    # Text as the validated layers hold it: Python strings (pandas would infer Arrow text).
    frame = frame.astype({"service_id": object, "status": object})
    return frame.to_crs(crs)


def test_packing_keeps_every_coordinate_index_and_column() -> None:
    points = _points(1000)
    points.insert(1, "middle", 1.5)  # the geometry is not the last column
    points = points[["service_id", "geometry", "middle", "status", "count"]]
    packed = pack(points)
    assert isinstance(packed, PackedPoints)
    assert list(packed.columns) == list(points.columns)
    assert packed["geometry"].map(len).eq(21).all()  # 2D points as WKB
    back = unpack(packed)
    pd.testing.assert_frame_equal(back, points, check_exact=True)
    xy = shapely.get_coordinates(back.geometry.to_numpy())
    assert np.array_equal(xy, shapely.get_coordinates(points.geometry.to_numpy()))  # to the bit
    # Slices and concatenations stay packed.
    assert isinstance(pd.concat([packed.iloc[:10], packed.iloc[10:]]), PackedPoints)


def test_frames_not_in_the_points_layout_are_held_as_they_are() -> None:
    metric = _points(10, crs="EPSG:32735")
    assert pack(metric) is metric and unpack(metric) is metric
    renamed = _points(10).rename_geometry("where")
    assert pack(renamed) is renamed


def test_sizes_count_the_geometries_and_each_text_column() -> None:
    """The geometries' GEOS objects and a column of distinct ids beside repeated words."""
    points = _points(10_000)
    naive = int(points.memory_usage(deep=False).sum())
    size = frame_bytes(points)
    geometry = 10_000 * (GEOMETRY_BYTES + VERTEX_BYTES)
    ids = 10_000 * 49  # a Python str of 8 characters (its pointer is in the naive count)
    assert size > naive + geometry + ids
    assert size < 2 * (naive + geometry + ids)
    # Packed: the WKB (a bytes of 21 in 54) instead of the GEOS objects.
    assert frame_bytes(pack(points)) < size - 10_000 * (GEOMETRY_BYTES + VERTEX_BYTES - 60)


def test_every_worker_measures_geometries_and_a_restarted_one_too(client: Any) -> None:
    from dask.sizeof import sizeof

    def measured() -> int:
        frame = gpd.GeoDataFrame(geometry=shapely.points(np.zeros((1000, 2))))
        return int(sizeof(frame))

    floor = 1000 * (GEOMETRY_BYTES + VERTEX_BYTES)
    assert all(v > floor for v in client.run(measured).values())
    first = sorted(client.scheduler_info()["workers"])[0]
    client.restart_workers([first])
    client.wait_for_workers(2)
    assert all(v > floor for v in client.run(measured).values())


def test_the_settlements_are_made_again_when_their_worker_dies(client: Any) -> None:
    """A scattered frame is lost with its worker (and the run with it); the engine's is the
    result of a task that holds it, which the scheduler runs again."""
    settlements = _points(500, crs="EPSG:32735")
    future = _kept(client, settlements)
    future.result()
    holders = list(client.who_has(future)[future.key])
    assert holders
    client.restart_workers(holders)
    client.wait_for_workers(2)
    pd.testing.assert_frame_equal(future.result(), settlements, check_exact=True)


def test_an_id_in_two_partitions_is_found_by_its_hash(tmp_path: Path, client: Any) -> None:
    """Clean partitions whose only fault is an id repeated across two: the default reader's
    report, word for word."""

    def spoil(services: gpd.GeoDataFrame) -> None:
        services.loc[550, "service_id"] = services.loc[10, "service_id"]

    default, dask = both_refusals(tmp_path, client, spoil)
    assert dask.reports == default.reports
    assert [p.message.split(" ")[0] for p in dask.report.errors] == ["Duplicate"]


def test_ids_checked_across_partitions(client: Any) -> None:
    points = _points(300)
    parts = [client.scatter(pack(points.iloc[k : k + 100])) for k in (0, 100, 200)]
    assert not _repeated(client, parts)
    again = points.iloc[200:300].copy()
    again.iloc[50, 0] = points.iloc[3, 0]
    parts[2] = client.scatter(pack(again))
    assert _repeated(client, parts)
    missing = points.iloc[200:300].copy()
    missing["service_id"] = None  # missing ids are never a repeat
    parts[2] = client.scatter(pack(missing))
    assert not _repeated(client, parts)
