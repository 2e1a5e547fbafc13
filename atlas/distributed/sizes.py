"""What the atlas's objects take in a worker's memory, told to Dask (``dask.sizeof``).

A worker spills what it holds to disk, and its nanny restarts it, by the sizes ``sizeof``
gives. Dask measures a GeoDataFrame as a DataFrame, so a geometry column counts 8 bytes a
row (its pointers), while each shapely geometry holds a GEOS object besides: about 210 bytes
for a point and 3.6 KB for a polygon of 65 vertices (measured). Seen ten times smaller than
they are, the points never spilled, and a worker with a memory limit under the points was
restarted beyond it (issue #18). Dask also samples a frame's text columns together, so a
column of distinct ids beside a few columns of repeated words reads as almost nothing; here
each column is sampled on its own. :class:`~atlas.distributed._tasks.PartResult`, a
dataclass, counted as one small object.

:func:`register` adds both to ``sizeof``; :class:`SizesPlugin` runs it on every worker of a
cluster, now and after a restart (:func:`atlas.distributed.dask_client` installs it).
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

import numpy as np
from distributed.diagnostics.plugin import WorkerPlugin

__all__ = [
    "GEOMETRY_BYTES",
    "VERTEX_BYTES",
    "SizesPlugin",
    "column_bytes",
    "frame_bytes",
    "geometry_bytes",
    "geometry_column_bytes",
    "register",
]

#: Bytes of one shapely geometry beside its coordinates (Python object and GEOS header).
GEOMETRY_BYTES = 160
#: Bytes per vertex in GEOS (its coordinates and the sequence around them).
VERTEX_BYTES = 52


def geometry_bytes(values: Any) -> int:
    """Bytes the shapely geometries of ``values`` (an array of them) hold besides pointers.

    Examples
    --------
    >>> import shapely
    >>> geometry_bytes(shapely.points([[0, 0], [1, 1]]))
    424
    >>> geometry_bytes([shapely.box(0, 0, 1, 1), None])
    420
    """
    import shapely

    array = np.asarray(values, dtype=object)
    if not array.size:
        return 0
    present = int(np.count_nonzero(~shapely.is_missing(array)))
    vertices = int(shapely.get_num_coordinates(array).sum())
    return GEOMETRY_BYTES * present + VERTEX_BYTES * vertices


def geometry_column_bytes(values: Any) -> int:
    """Bytes of a column of geometries: a pointer each, and :func:`geometry_bytes`."""
    return 8 * len(values) + geometry_bytes(values)


def column_bytes(values: Any, sample: int = 100) -> int:
    """Bytes of one column (a Series, an Index or an array): its buffers, and for Python
    objects (text, WKB) the objects, sampled (distinct objects scaled to the rows; objects
    repeated counted once).

    Examples
    --------
    >>> import pandas as pd
    >>> ids = pd.Series([f"P{i:07d}" for i in range(1000)], dtype=object)
    >>> words = pd.Series(["working"] * 1000, dtype=object)
    >>> column_bytes(ids) > 1000 * (8 + 49), column_bytes(words) < 1000 * 8 + 100
    (True, True)
    """
    import sys

    import pandas as pd

    if isinstance(values, pd.Index) and values.dtype != object:
        return int(values.memory_usage(deep=True))  # its own buffers (numbers, Arrow text)
    if isinstance(values, pd.Series) and values.dtype != object:
        return int(values.memory_usage(index=False, deep=True))
    array = np.asarray(values)
    own = int(array.nbytes)
    if array.dtype != object or not len(array):
        return own
    rng = np.random.default_rng(0)
    picked = array[rng.integers(0, len(array), size=min(sample, len(array)))]
    distinct = {id(v): v for v in picked}
    sizes = sum(sys.getsizeof(v) for v in distinct.values())
    if len(distinct) > len(picked) / 2:
        return own + int(sizes * len(array) / len(picked))
    return own + sizes


def frame_bytes(frame: Any) -> int:
    """Bytes of a DataFrame (or GeoDataFrame): its index and each column, geometries with
    :func:`geometry_bytes`.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> points = gpd.GeoDataFrame(
    ...     {"service_id": pd.Series([f"P{i:07d}" for i in range(1000)], dtype=object)},
    ...     geometry=gpd.points_from_xy(range(1000), range(1000)),
    ... )
    >>> frame_bytes(points) > 1000 * (50 + GEOMETRY_BYTES + VERTEX_BYTES)
    True
    """
    import geopandas as gpd

    total = 1200 + column_bytes(frame.index)
    for name, dtype in frame.dtypes.items():
        column = frame[name]
        if isinstance(dtype, gpd.array.GeometryDtype):
            total += geometry_column_bytes(column.to_numpy())
        else:
            total += column_bytes(column)
    return total


def register(sizeof: Any = None) -> None:
    """Register the atlas's sizes with ``sizeof`` (``dask.sizeof.sizeof`` by default).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from dask.sizeof import sizeof
    >>> frame = gpd.GeoDataFrame(geometry=shapely.points([[0.0, 0.0]] * 1000))
    >>> register()
    >>> sizeof(frame) > 1000 * (GEOMETRY_BYTES + VERTEX_BYTES)
    True
    """
    if sizeof is None:
        from dask.sizeof import sizeof
    import geopandas as gpd
    from geopandas.array import GeometryArray

    from atlas.distributed._tasks import PartResult
    from atlas.distributed.packing import PackedPoints

    @sizeof.register(GeometryArray)
    def _array(values: GeometryArray) -> int:
        return geometry_column_bytes(values.to_numpy())

    @sizeof.register(gpd.GeoSeries)
    def _series(series: gpd.GeoSeries) -> int:
        return 1200 + column_bytes(series.index) + geometry_column_bytes(series.to_numpy())

    sizeof.register(gpd.GeoDataFrame)(frame_bytes)
    sizeof.register(PackedPoints)(frame_bytes)

    @sizeof.register(PartResult)
    def _result(result: PartResult) -> int:
        assert is_dataclass(result)
        return 64 + sum(int(sizeof(getattr(result, f.name))) for f in fields(result))


class SizesPlugin(WorkerPlugin):
    """A worker plugin (``client.register_plugin``) that runs :func:`register` on each worker
    as it starts, restarted ones included."""

    name = "atlas-sizes"  # i18n-ignore: a plugin's name

    def setup(self, worker: Any) -> None:
        register()
