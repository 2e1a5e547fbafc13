"""Generate the two synthetic rasters of the sample: population counts and flood zones.

Both are fictional, made for "Sample Metro (synthetic)" from the sample's own files
(``data/sample/settlements.geojson`` and ``wards.geojson``, see ``data/README.md``), so they
line up with its settlements. Run ``python data/make_sample.py`` first when those change.

Method
------
``population.tif``: people per cell on WorldPop's 3 arc-second grid (EPSG:4326, cells of
1/1200°, about 83 m × 93 m here, aligned to the global grid), float32, nodata -99999 outside
the municipality (the union of the wards), DEFLATE-compressed.

1. Each settlement's people: its ``population``; else ``households`` × 3.3; else (both
   missing) its area × the median people per km² of the settlements with a population. Then
   times a lognormal factor (σ 0.08), so the raster's estimate differs from the counts by a few
   per cent, as a real census-based raster does.
2. A settlement's cells hold k × (covered fraction of the cell), with k chosen so that the
   zonal sum with fractional coverage (what the atlas computes) gives back its people exactly:
   k = people / Σ fraction². So cells fully inside are densest and edge cells lighter.
3. Everything else in the municipality is formal housing and open land: about 900 people per
   km², varied smoothly (two sine waves, ±50 %) and by cell (±20 %), on the part of each cell
   not covered by a settlement. Values are rounded to 0.01 person.

``flood.tif``: flood zones on a 25 m grid in UTM zone 35S (EPSG:32735), uint8 classes
0 (outside any flood zone), 1 (1-in-100-year flood zone) and 2 (1-in-20-year flood zone),
nodata 255 outside the municipality, DEFLATE-compressed. An invented river, a smooth cubic
curve through fixed points, runs north-west to south-east through the Northern Ridge and the
Kgotso South clusters. Class 2 lies within about 90 m of it and class 1 within about 260 m,
both widths varying along the river (two sine waves with random phases).

A single ``numpy.random.default_rng(SEED)`` drives every random choice, so re-running the
script reproduces byte-identical files (same library versions assumed).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine
from scipy.interpolate import CubicSpline

SEED = 20260712
SAMPLE = Path(__file__).resolve().parent / "sample"
METRIC, WGS84 = "EPSG:32735", "EPSG:4326"
#: WorldPop's grid: 3 arc-seconds.
STEP = 1 / 1200
POP_NODATA = -99999.0
BACKGROUND_PER_KM2 = 900.0
PEOPLE_PER_HOUSEHOLD = 3.3
FLOOD_CELL = 25.0
FLOOD_NODATA = 255
#: The river's fixed points (UTM 35S metres), north-west to south-east.
RIVER = [
    (624_800, 7_122_800),
    (627_300, 7_118_900),
    (628_700, 7_116_300),
    (628_750, 7_115_000),
    (629_700, 7_112_600),
    (630_350, 7_110_200),
    (631_250, 7_108_800),
    (631_050, 7_107_600),
    (632_600, 7_103_300),
]
PROFILE = {"driver": "GTiff", "count": 1, "compress": "deflate", "zlevel": 9}


def _people(settlements: gpd.GeoDataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each settlement's people (see the module notes, step 1)."""
    area_km2 = settlements.to_crs(METRIC).area.to_numpy() / 1e6
    people = settlements["population"].astype(float).to_numpy()
    households = settlements["households"].astype(float).to_numpy()
    people = np.where(np.isnan(people), households * PEOPLE_PER_HOUSEHOLD, people)
    density = np.nanmedian(people / area_km2)
    people = np.where(np.isnan(people), area_km2 * density, people)
    return people * rng.lognormal(0.0, 0.08, len(people))


def _grid(bounds: np.ndarray, step: float, pad: float) -> tuple[Affine, int, int]:
    """A north-up grid of ``step`` cells over ``bounds`` padded by ``pad``, snapped to ``step``."""
    left = np.floor((bounds[0] - pad) / step) * step
    top = np.ceil((bounds[3] + pad) / step) * step
    width = int(np.ceil((bounds[2] + pad - left) / step))
    height = int(np.ceil((top - bounds[1] + pad) / step))
    return Affine(step, 0.0, left, 0.0, -step, top), width, height


def _cell_boxes(transform: Affine, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    x0 = transform.c + cols * transform.a
    y1 = transform.f + rows * transform.e
    return shapely.box(x0, y1 + transform.e, x0 + transform.a, y1)


def _inside(muni: shapely.Geometry, transform: Affine, width: int, height: int) -> np.ndarray:
    """Cells whose centre lies in ``muni``."""
    rows, cols = np.mgrid[0:height, 0:width]
    x = transform.c + (cols + 0.5) * transform.a
    y = transform.f + (rows + 0.5) * transform.e
    shapely.prepare(muni)
    return shapely.contains_xy(muni, x, y)


def make_population(rng: np.random.Generator) -> tuple[np.ndarray, Affine]:
    """People per cell on the 3 arc-second grid (see the module notes)."""
    settlements = gpd.read_file(SAMPLE / "settlements.geojson").to_crs(WGS84)
    muni = gpd.read_file(SAMPLE / "wards.geojson").to_crs(WGS84).union_all()
    people = _people(settlements, rng)
    transform, width, height = _grid(np.asarray(muni.bounds), STEP, 2 * STEP)
    rows, cols = np.mgrid[0:height, 0:width]
    lon = transform.c + (cols + 0.5) * STEP
    lat = transform.f - (rows + 0.5) * STEP
    cell_km2 = (STEP * 111.32) ** 2 * np.cos(np.radians(lat))
    phase = rng.uniform(0, 2 * np.pi, 2)
    wave = 1 + 0.3 * np.sin(lon * 90 + phase[0]) + 0.2 * np.sin(lat * 130 + phase[1])
    background = BACKGROUND_PER_KM2 * cell_km2 * wave * rng.uniform(0.8, 1.2, (height, width))
    covered = np.zeros((height, width))
    settled = np.zeros((height, width))
    for geom, count in zip(settlements.geometry, people, strict=True):
        x0, y0, x1, y1 = geom.bounds
        c = np.arange(int((x0 - transform.c) / STEP), int((x1 - transform.c) / STEP) + 1)
        r = np.arange(int((transform.f - y1) / STEP), int((transform.f - y0) / STEP) + 1)
        rr, cc = (a.ravel() for a in np.meshgrid(r, c, indexing="ij"))
        boxes = _cell_boxes(transform, rr, cc)
        fraction = shapely.area(shapely.intersection(boxes, geom)) / shapely.area(boxes)
        covered[rr, cc] += fraction
        settled[rr, cc] += count / np.sum(fraction**2) * fraction
    values = np.round(settled + background * np.clip(1 - covered, 0, 1), 2)
    values[~_inside(muni, transform, width, height)] = POP_NODATA
    return values.astype("float32"), transform


def make_flood(rng: np.random.Generator) -> tuple[np.ndarray, Affine]:
    """Flood-zone classes on the 25 m grid (see the module notes)."""
    muni = gpd.read_file(SAMPLE / "wards.geojson").to_crs(METRIC).union_all()
    transform, width, height = _grid(np.asarray(muni.bounds), FLOOD_CELL, 500.0)
    points = np.asarray(RIVER, dtype=float)
    chord = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    curve = CubicSpline(chord, points, bc_type="natural")(np.linspace(0, chord[-1], 600))
    river = shapely.LineString(curve)
    rows, cols = np.mgrid[0:height, 0:width]
    centres = shapely.points(
        transform.c + (cols + 0.5) * FLOOD_CELL, transform.f - (rows + 0.5) * FLOOD_CELL
    )
    distance = shapely.distance(river, centres)
    along = shapely.line_locate_point(river, centres)
    phase = rng.uniform(0, 2 * np.pi, 2)
    width_factor = 1 + 0.3 * np.sin(along / 1400 + phase[0]) + 0.15 * np.sin(along / 450 + phase[1])
    classes = np.zeros((height, width), dtype="uint8")
    classes[distance < 260 * width_factor] = 1
    classes[distance < 90 * width_factor] = 2
    classes[~_inside(muni, transform, width, height)] = FLOOD_NODATA
    return classes, transform


def write(
    path: Path, data: np.ndarray, transform: Affine, crs: str, nodata: float, **tags: str
) -> None:
    options = {"predictor": 3} if data.dtype.kind == "f" else {}
    with rasterio.open(
        path,
        "w",
        **PROFILE,
        **options,
        width=data.shape[1],
        height=data.shape[0],
        dtype=data.dtype,
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as ds:
        ds.write(data, 1)
        ds.update_tags(**tags)


def verify(population: Path, flood: Path) -> None:
    """Read the files back with the atlas and print what they give the sample's settlements."""
    from atlas.raster import hazard_by_cluster, hazard_exposure, zonal_population

    settlements = gpd.read_file(SAMPLE / "settlements.geojson")
    estimate = zonal_population(population, settlements)
    with rasterio.open(population) as ds:
        cells = ds.read(1, masked=True)
        print(f"{population.name}: {ds.width} x {ds.height}, sum {cells.sum():,.0f} people")
    counts = settlements["population"].fillna(settlements["households"] * PEOPLE_PER_HOUSEHOLD)
    ratio = estimate / counts
    print(f"estimate / counts: {ratio.min():.3f} to {ratio.max():.3f}")
    both = settlements["households"].isna() & settlements["population"].isna()
    for sid, value in zip(settlements["settlement_id"][both], estimate[both], strict=True):
        print(f"no counts: {sid} estimate {value:,.1f} people")
    exposure = hazard_exposure(flood, settlements, threshold=1, population=population)
    hit = exposure["hazard_area_share"] > 0
    for sid, share, people in zip(
        settlements["settlement_id"][hit],
        exposure["hazard_area_share"][hit],
        exposure["hazard_population"][hit],
        strict=True,
    ):
        print(f"flood zone: {sid} {share:.1%} of its area, {people:,.0f} people")
    print(hazard_by_cluster(settlements["cluster"], exposure).to_string())
    for path in (population, flood):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{path.name}: {path.stat().st_size} bytes, sha256 {digest}")


def main() -> None:
    """Write data/sample/population.tif and data/sample/flood.tif and verify them."""
    rng = np.random.default_rng(SEED)
    population, pop_transform = make_population(rng)
    flood, flood_transform = make_flood(rng)
    paths = SAMPLE / "population.tif", SAMPLE / "flood.tif"
    write(
        paths[0],
        population,
        pop_transform,
        WGS84,
        POP_NODATA,
        units="people per cell",
        description="Synthetic population counts of Sample Metro (synthetic)",
    )
    write(
        paths[1],
        flood,
        flood_transform,
        METRIC,
        FLOOD_NODATA,
        units="flood zone class: 0 none, 1 1-in-100-year, 2 1-in-20-year",
        description="Synthetic flood zones of Sample Metro (synthetic)",
    )
    verify(*paths)


if __name__ == "__main__":
    main()
