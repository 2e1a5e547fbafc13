"""The national-scale synthetic dataset: the metro generator ten times over (generated, never
downloaded).

Ten metro tiles (``metro_data.generate(TILE, SEED + k)``, each 3,000 settlements, 300,000
service points and 450 wards), laid side by side five across and two down, 0.7° apart in
longitude and 0.6° in latitude, over 26.6–31.0 E and 26.4–24.7 S. Together: 30,000
settlements, 3,000,000 service points and 4,500 wards, South Africa's order of magnitude
(about 2,700–3,000 informal settlements and 4,468 wards). Identifiers are prefixed with the
tile (``T3-S00017``, ``T3-P0000042``, ward ``7993…``) so they stay unique; clusters too
(``T3 Cluster 017``).

:func:`national_paths` writes the three layers once as GeoParquet in ``benchmarks/out/``
(git-ignored; about 40 seconds) and returns their paths; later calls reuse them.
The files are raw, as a user's files would be: ``atlas gaps --settlements … --services …
--wards …`` reads and validates them.

Run as a script to generate them::

    .venv/bin/python benchmarks/national_data.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from metro_data import FULL, GENERATOR_VERSION, OUT_DIR, SEED, Size, generate

__all__ = ["LAYERS", "TILES", "national_paths"]

TILES = 10
ACROSS = 5
STEP_LON, STEP_LAT = 0.7, 0.6
LAYERS = ("settlements", "services", "wards")
#: One tile: the metro set with 450 wards, so that ten make 4,500.
TILE = Size("national-tile", FULL.settlements, FULL.services, 450)
STEM = f"gaps_national_s{SEED}_v{GENERATOR_VERSION}"


def _tile(k: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Metro tile ``k``, moved to its place with its identifiers prefixed."""
    settlements, services, wards = generate(TILE, SEED + k)
    dx = (k % ACROSS - 2) * STEP_LON
    dy = (k // ACROSS) * STEP_LAT

    def moved(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        geometry = shapely.transform(frame.geometry.to_numpy(), lambda xy: xy + np.array([dx, dy]))
        return frame.set_geometry(gpd.GeoSeries(geometry, crs=frame.crs, index=frame.index))

    tag = f"T{k}"
    settlements = moved(settlements).assign(
        settlement_id=f"{tag}-" + settlements["settlement_id"],
        cluster=settlements["cluster"].str.replace("Cluster", f"{tag} Cluster", regex=False),
    )
    services = moved(services).assign(service_id=f"{tag}-" + services["service_id"])
    wards = moved(wards).assign(
        ward_id="79" + str(k) + wards["ward_id"].str[4:],
        name=f"{tag} " + wards["name"],
        municipality="Benchmark Nation (synthetic)",
    )
    return settlements, services, wards


def national_paths(*, quiet: bool = False) -> dict[str, Path]:
    """The national layers as GeoParquet files (generated on the first call, then reused).

    Returns
    -------
    dict
        ``{"settlements": Path, "services": Path, "wards": Path}``.
    """
    paths = {layer: OUT_DIR / f"{STEM}_{layer}.parquet" for layer in LAYERS}
    if all(p.exists() for p in paths.values()):
        return paths
    parts: dict[str, list[gpd.GeoDataFrame]] = {layer: [] for layer in LAYERS}
    for k in range(TILES):
        if not quiet:
            print(f"(generating national tile {k + 1} of {TILES})", flush=True)
        for layer, frame in zip(LAYERS, _tile(k), strict=True):
            parts[layer].append(frame)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for layer, frames in parts.items():
        whole = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
        tmp = paths[layer].with_suffix(".tmp")
        # Row groups of 100,000 rows: a reader can take the points by partitions.
        whole.to_parquet(tmp, row_group_size=100_000)
        tmp.replace(paths[layer])
    return paths


def sizes(paths: dict[str, Path]) -> dict[str, int]:
    """Rows per layer, from the files' metadata."""
    import pyarrow.parquet as pq

    return {layer: pq.ParquetFile(p).metadata.num_rows for layer, p in paths.items()}


if __name__ == "__main__":
    found = national_paths()
    for layer, n in sizes(found).items():
        print(f"{layer}: {n:,} rows in {found[layer]}")
