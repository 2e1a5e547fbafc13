"""Benchmark the atlas's zonal statistics against a ``rasterstats.zonal_stats`` baseline.

What it does
------------
1. Generates, deterministically (``numpy.random.default_rng(seed)``), a 10,000 × 10,000 float32
   population-count raster (10 m cells, UTM 35S near Ekurhuleni, smooth "town" blobs plus noise,
   a nodata strip) and writes it block by block as a tiled, uncompressed GeoTIFF, so neither
   generation nor either method ever holds the whole 400 MB grid in memory; the file is cached in
   ``benchmarks/out/`` (git-ignored). Then 3,000 star-shaped settlements of 48 vertices (radii
   50-600 m) over the raster, in EPSG:4326 as the atlas stores them. Not timed.
2. Times :func:`atlas.raster.zonal_population` (exact fractional coverage, polygons reprojected
   to the raster's CRS inside the timing), median of ``--repeat`` runs.
3. Times ``rasterstats.zonal_stats(..., stats="sum")`` on the same polygons already in the
   raster's CRS (a favour to the baseline), reading the same file window by window. Its cells
   count wholly or not at all (cell centre inside), so its sums differ slightly: the script prints
   the relative difference of the totals as a sanity check, not as a correctness test.
4. Prints both times and the ratio; the target is a ratio of at least 3.

How to run
----------
From the repository root (``rasterstats`` is a benchmark-only dependency)::

    .venv/bin/pip install rasterstats
    .venv/bin/python benchmarks/zonal.py                # full size
    .venv/bin/python benchmarks/zonal.py --small        # 2,000 × 2,000 raster, 300 settlements

The exit status is 0 when the target is met, 2 when it is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window
from shapely.geometry import Polygon

from atlas.raster import load_raster, zonal_population

OUT = Path(__file__).resolve().parent / "out"
CRS = "EPSG:32735"
LEFT, TOP, CELL = 560_000.0, 7_130_000.0, 10.0
NODATA = -1.0
BLOCK = 1024


def make_raster(path: Path, size: int, seed: int) -> None:
    """Write a size × size population-count raster, one block of rows at a time."""
    rng = np.random.default_rng(seed)
    towns = rng.uniform(0, size, (40, 2))
    spread = rng.uniform(size / 100, size / 20, 40)
    peak = rng.uniform(2.0, 20.0, 40)
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": CRS,
        "transform": Affine(CELL, 0.0, LEFT, 0.0, -CELL, TOP),
        "nodata": NODATA,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
    }
    cols = np.arange(size, dtype=np.float32)
    with rasterio.open(path, "w", **profile) as ds:
        for row0 in range(0, size, BLOCK):
            rows = np.arange(row0, min(row0 + BLOCK, size), dtype=np.float32)
            block = rng.exponential(0.2, (rows.size, size)).astype(np.float32)
            for (cx, cy), s, p in zip(towns, spread, peak, strict=True):
                dy = np.exp(-(((rows - cy) / s) ** 2))[:, None]
                dx = np.exp(-(((cols - cx) / s) ** 2))[None, :]
                block += (p * dy * dx).astype(np.float32)
            # A nodata strip, as a real raster has along its edges or over water.
            block[:, size // 2 : size // 2 + size // 200] = NODATA
            ds.write(block, 1, window=Window(0, row0, size, rows.size))


def make_settlements(count: int, size: int, seed: int) -> gpd.GeoDataFrame:
    """Star-shaped settlements over the raster, returned in EPSG:4326."""
    rng = np.random.default_rng(seed + 1)
    margin = 700.0
    extent = size * CELL
    cx = rng.uniform(LEFT + margin, LEFT + extent - margin, count)
    cy = rng.uniform(TOP - extent + margin, TOP - margin, count)
    radius = rng.uniform(50.0, 600.0, count)
    angles = np.linspace(0, 2 * np.pi, 48, endpoint=False)
    polygons = []
    for x, y, r in zip(cx, cy, radius, strict=True):
        rr = r * rng.uniform(0.6, 1.0, angles.size)
        polygons.append(
            Polygon(np.column_stack([x + rr * np.cos(angles), y + rr * np.sin(angles)]))
        )
    frame = gpd.GeoDataFrame(
        {"settlement_id": [f"S{i:05d}" for i in range(count)]}, geometry=polygons, crs=CRS
    )
    return frame.to_crs(4326)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="2,000² raster, 300 settlements")
    parser.add_argument("--repeat", type=int, default=3, help="atlas runs (median is reported)")
    parser.add_argument("--seed", type=int, default=20250611)
    args = parser.parse_args(argv)
    size, count = (2_000, 300) if args.small else (10_000, 3_000)

    OUT.mkdir(exist_ok=True)
    path = OUT / f"zonal_{size}_s{args.seed}.tif"
    if not path.exists():
        print(f"generating {size:,} × {size:,} raster -> {path}", flush=True)
        start = time.perf_counter()
        make_raster(path, size, args.seed)
        print(f"  generated in {time.perf_counter() - start:.1f} s", flush=True)
    settlements = make_settlements(count, size, args.seed)
    raster = load_raster(path)

    atlas_times = []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        ours = zonal_population(raster, settlements, kind="count")
        atlas_times.append(time.perf_counter() - start)
    atlas_time = statistics.median(atlas_times)

    from rasterstats import zonal_stats  # benchmark-only dependency

    in_raster_crs = settlements.to_crs(CRS)
    start = time.perf_counter()
    theirs = zonal_stats(list(in_raster_crs.geometry), str(path), stats="sum", nodata=NODATA)
    baseline_time = time.perf_counter() - start

    base_total = sum((s["sum"] or 0.0) for s in theirs)
    ours_total = float(ours.sum())
    ratio = baseline_time / atlas_time
    print(f"raster {size:,} × {size:,} cells (float32, tiled GeoTIFF), {count:,} settlements")
    print(
        f"atlas zonal_population (exact coverage): {atlas_time:8.2f} s  (runs: "
        + ", ".join(f"{t:.2f}" for t in atlas_times)
        + ")"
    )
    print(f"rasterstats.zonal_stats (cell centres):  {baseline_time:8.2f} s")
    print(f"speed-up: {ratio:.1f}x (target >= 3x: {'met' if ratio >= 3 else 'MISSED'})")
    print(
        f"totals: atlas {ours_total:,.0f}, rasterstats {base_total:,.0f} "
        f"(difference {abs(ours_total - base_total) / max(base_total, 1e-9):.3%})"
    )
    return 0 if ratio >= 3 else 2


if __name__ == "__main__":
    sys.exit(main())
