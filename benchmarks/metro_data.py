"""The metro-scale synthetic dataset shared by the benchmarks (generated, never downloaded).

Deterministic (``numpy.random.default_rng(seed)``), in EPSG:4326 near Gauteng (28.0-28.6 E,
26.4-25.9 S): star-shaped settlements of ~64 vertices (radii 50-300 m, a few overlapping, a few
two-part MultiPolygons), service points (most inside or near a settlement, some far) and wards
(a Voronoi tiling of the box). :data:`FULL` is 3,000 settlements, 300,000 points and 500 wards;
:data:`SMALL` a tenth of that. :func:`load_layers` validates the layers as a loaded dataset
would and can cache them in ``benchmarks/out/`` (git-ignored) as GeoParquet.

Scripts in this folder import it as ``metro_data``; tests as ``benchmarks.metro_data``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from atlas.load.crs import choose_metric_crs
from atlas.load.dataset import Dataset
from atlas.load.validate import validate_layer

__all__ = ["FULL", "SEED", "SMALL", "STATUSES", "Size", "generate", "load_dataset", "load_layers"]

OUT_DIR = Path(__file__).resolve().parent / "out"
#: Bump when the generator changes, so stale caches are not reused.
GENERATOR_VERSION = 1
SEED = 20250611
WGS84 = "EPSG:4326"
GEN_CRS = "EPSG:32735"  # UTM 35S: geometry is built in metres, then stored in EPSG:4326
LON_RANGE = (28.0, 28.6)
LAT_RANGE = (-26.4, -25.9)

CATEGORIES = ("water", "sanitation", "electricity", "waste")
CATEGORY_P = (0.32, 0.40, 0.12, 0.16)
KINDS = {
    "water": ("standpipe", "communal tap", "water tank", "tanker stop"),
    "sanitation": ("chemical toilet", "flush toilet", "VIP latrine", "portable toilet"),
    "electricity": ("high-mast light", "street light"),
    "waste": ("refuse skip", "wheelie bin point"),
}
STATUSES = ("working", "broken", "unknown")
STATUS_P = (0.70, 0.22, 0.08)
PROVIDERS = ("municipality", "contractor", "informal", "NGO")
NAME_STEMS = (
    "Phola", "Siyathemba", "Masakhane", "Ekuthuleni", "Kgotsong", "Lerato", "Ithemba",
    "Phumlani", "Bophelong", "Sizwe", "Emaphupheni", "Thabong", "Reitumetse", "Vukuzenzele",
    "Sinqobile", "Zenzele", "Moshate", "Khayalethu", "Mpumelelo", "Kopanong", "Lesedi",
    "Dikgageng", "Nkanini", "Thuthukani", "Mohau", "Ubuntu", "Kganya", "Senzokuhle",
)  # fmt: skip


@dataclass(frozen=True)
class Size:
    """How big a dataset to generate."""

    label: str
    settlements: int
    services: int
    wards: int

    @property
    def clusters(self) -> int:
        """About 170 clusters of up to 18 settlements per 3,000 settlements."""
        return max(1, round(self.settlements * 170 / 3000))


FULL = Size("full", 3000, 300_000, 500)
SMALL = Size("small", 300, 30_000, 50)


# --------------------------------------------------------------------------------------------
# Data generation (not timed)
# --------------------------------------------------------------------------------------------


def _metric_box() -> tuple[float, float, float, float]:
    """The lon/lat box as an inner rectangle in the generation CRS (metres)."""
    to_m = Transformer.from_crs(WGS84, GEN_CRS, always_xy=True)
    lon = np.array([LON_RANGE[0], LON_RANGE[1], LON_RANGE[0], LON_RANGE[1]])
    lat = np.array([LAT_RANGE[0], LAT_RANGE[0], LAT_RANGE[1], LAT_RANGE[1]])
    x, y = to_m.transform(lon, lat)
    return (
        float(max(x[0], x[2])),
        float(max(y[0], y[1])),
        float(min(x[1], x[3])),
        float(min(y[2], y[3])),
    )


def _star(
    rng: np.random.Generator, cx: float, cy: float, radius: float, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Angles and radii of a random star-shaped ring around (cx, cy): valid by construction."""
    step = 2 * np.pi / n
    theta = np.arange(n) * step + rng.uniform(-0.3, 0.3, n) * step
    r = np.ones(n)
    for k in (2, 3, 5):
        r += rng.uniform(0.0, 0.25 / k * 2) * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    if rng.random() < 0.3:  # spiky star
        spikes = rng.integers(5, 10)
        r *= 0.75 + 0.25 * np.abs(np.cos(spikes * theta / 2))
    r *= 1 + rng.normal(0, 0.04, n)
    r = np.clip(r, 0.35, None) * radius
    return theta, r


def _ring(cx: float, cy: float, theta: np.ndarray, r: np.ndarray) -> shapely.Polygon:
    return shapely.Polygon(np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)]))


def _place_settlements(
    rng: np.random.Generator, size: Size, box: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres, outer radii and cluster number (-1: none) of every settlement."""
    x0, y0, x1, y1 = box
    margin = 800.0
    n = size.settlements
    # Cluster sizes up to 18; the remainder is unclustered.
    sizes = rng.integers(10, 19, size.clusters)
    while sizes.sum() > 0.9 * n:
        sizes[rng.integers(0, len(sizes))] -= 1
    cluster_of = np.full(n, -1)
    cluster_of[: sizes.sum()] = np.repeat(np.arange(len(sizes)), sizes)
    cluster_centres = np.column_stack(
        [
            rng.uniform(x0 + 4000, x1 - 4000, len(sizes)),
            rng.uniform(y0 + 4000, y1 - 4000, len(sizes)),
        ]
    )
    radii = rng.uniform(50, 300, n) * 1.25  # outer bound of the star's radius
    centres = np.empty((n, 2))
    accepted = 0
    overlap_every = 80  # about 1 % of settlements deliberately overlap a neighbour
    while accepted < n:
        c = cluster_of[accepted]
        r = radii[accepted]
        if accepted and accepted % overlap_every == 0:
            j = rng.integers(0, accepted)
            angle = rng.uniform(0, 2 * np.pi)
            d = 0.8 * (r + radii[j])
            cand = centres[j] + d * np.array([np.cos(angle), np.sin(angle)])
        elif c >= 0:
            cand = cluster_centres[c] + rng.normal(0, 1500, 2)
        else:
            cand = np.array([rng.uniform(x0, x1), rng.uniform(y0, y1)])
        if not (x0 + margin < cand[0] < x1 - margin and y0 + margin < cand[1] < y1 - margin):
            continue
        if accepted and accepted % overlap_every != 0:
            gap = np.hypot(*(centres[:accepted] - cand).T) - radii[:accepted] - r
            if (gap < 30).any():
                continue
        centres[accepted] = cand
        accepted += 1
    return centres, radii / 1.25, cluster_of


def generate(size: Size, seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Generate settlements, services and wards (EPSG:4326, raw, not yet validated)."""
    rng = np.random.default_rng(seed)
    box = _metric_box()
    x0, y0, x1, y1 = box
    n = size.settlements
    centres, radii, cluster_of = _place_settlements(rng, size, box)

    # Settlement polygons, keeping each main ring's angles and radii to place points inside.
    n_vertices = rng.integers(56, 73, n)
    max_v = int(n_vertices.max())
    thetas = np.full((n, max_v + 1), np.inf)
    rads = np.zeros((n, max_v + 1))
    geoms = []
    for i in range(n):
        theta, r = _star(rng, *centres[i], radii[i], int(n_vertices[i]))
        thetas[i, : len(theta)], rads[i, : len(r)] = theta, r
        poly = _ring(*centres[i], theta, r)
        if rng.random() < 0.01:  # a two-part settlement
            angle = rng.uniform(0, 2 * np.pi)
            d = radii[i] * 1.5 + 60
            sx, sy = centres[i] + d * np.array([np.cos(angle), np.sin(angle)])
            st, sr = _star(rng, sx, sy, 35.0, 24)
            poly = shapely.MultiPolygon([poly, _ring(sx, sy, st, sr)])
        geoms.append(poly)
    polygons = np.array(geoms, dtype=object)
    area_m2 = shapely.area(polygons)

    households = np.clip(np.round(area_m2 / 60 * rng.lognormal(0, 0.35, n)), 50, 3000)
    population = np.round(households * rng.uniform(2.5, 3.5, n))
    hh_missing = rng.random(n) < 0.03
    pop_missing = rng.random(n) < 0.02
    both = rng.random(n) < 0.003
    hh = np.where(hh_missing | both, np.nan, households)
    pop = np.where(pop_missing | both, np.nan, population)
    # Households estimated from a population that is an exact multiple of household_size x 25:
    # a float-noise trap for ceil(demand / max_per_point).
    for i in rng.choice(n, 3, replace=False):
        hh[i], pop[i] = np.nan, 147.0 * rng.integers(2, 40)

    ids = np.array([f"S{i + 1:05d}" for i in range(n)], dtype=object)
    names = np.array(
        [f"{NAME_STEMS[i % len(NAME_STEMS)]} Ext {i // len(NAME_STEMS) + 1}" for i in range(n)],
        dtype=object,
    )
    names[rng.random(n) < 0.01] = None
    cluster = np.array(
        [f"Cluster {c + 1:03d}" if c >= 0 else None for c in cluster_of], dtype=object
    )
    order = rng.permutation(n)  # file order independent of id order
    settlements = gpd.GeoDataFrame(
        {
            "settlement_id": ids[order],
            "name": names[order],
            "households": hh[order],
            "population": pop[order],
            "cluster": cluster[order],
        },
        geometry=gpd.GeoSeries(polygons[order], crs=GEN_CRS).to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )

    # Service points: 75 % inside a settlement (weighted by households), 20 % within 350 m of
    # one, 5 % anywhere in the box.
    m = size.services
    where = rng.choice(3, m, p=(0.75, 0.20, 0.05))
    weight = np.nan_to_num(households, nan=float(np.nanmedian(households)))
    host = rng.choice(n, m, p=weight / weight.sum())
    angle = rng.uniform(0, 2 * np.pi, m)
    th = thetas[host]
    k = np.sum(th <= np.where(angle < th[:, 0], angle + 2 * np.pi, angle)[:, None], axis=1) - 1
    k = np.where(k < 0, n_vertices[host] - 1, k)
    k_next = (k + 1) % n_vertices[host]
    r_lo = np.minimum(rads[host, k], rads[host, k_next])
    r_hi = np.maximum(rads[host, k], rads[host, k_next])
    inside_r = np.sqrt(rng.random(m)) * 0.95 * r_lo
    near_r = r_hi + rng.uniform(0, 350, m)
    rho = np.where(where == 0, inside_r, near_r)
    px = centres[host, 0] + rho * np.cos(angle)
    py = centres[host, 1] + rho * np.sin(angle)
    far = where == 2
    px[far] = rng.uniform(x0, x1, far.sum())
    py[far] = rng.uniform(y0, y1, far.sum())

    category = rng.choice(len(CATEGORIES), m, p=CATEGORY_P)
    kinds = np.empty(m, dtype=object)
    for c, name in enumerate(CATEGORIES):
        sel = category == c
        kinds[sel] = np.array(KINDS[name], dtype=object)[
            rng.integers(0, len(KINDS[name]), sel.sum())
        ]
    provider = np.array(PROVIDERS, dtype=object)[
        rng.choice(len(PROVIDERS), m, p=(0.6, 0.2, 0.12, 0.08))
    ]
    provider[rng.random(m) < 0.1] = None
    lon, lat = Transformer.from_crs(GEN_CRS, WGS84, always_xy=True).transform(px, py)
    services = gpd.GeoDataFrame(
        {
            "service_id": np.array([f"P{i + 1:07d}" for i in range(m)], dtype=object),
            "category": np.array(CATEGORIES, dtype=object)[category],
            "kind": kinds,
            "status": np.array(STATUSES, dtype=object)[rng.choice(3, m, p=STATUS_P)],
            "provider": provider,
        },
        geometry=shapely.points(lon, lat),
        crs=WGS84,
    )

    # Wards: Voronoi cells of spaced seeds clipped to the box, edges densified to 100 m.
    seeds = shapely.multipoints(
        np.column_stack([rng.uniform(x0, x1, size.wards), rng.uniform(y0, y1, size.wards)])
    )
    frame = shapely.box(x0, y0, x1, y1)
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    cells = shapely.segmentize(shapely.intersection(cells, frame), 100.0)
    cells = cells[
        np.argsort(
            shapely.get_x(shapely.centroid(cells)) + 1e-3 * shapely.get_y(shapely.centroid(cells))
        )
    ]
    nw = len(cells)
    wards = gpd.GeoDataFrame(
        {
            "ward_id": np.array([f"7990{i + 1:04d}" for i in range(nw)], dtype=object),
            "name": np.array([f"Ward {i + 1}" for i in range(nw)], dtype=object),
            "municipality": "Benchmark Metro (synthetic)",
        },
        geometry=gpd.GeoSeries(cells, crs=GEN_CRS).to_crs(WGS84).to_numpy(),
        crs=WGS84,
    )
    return settlements, services, wards


def load_layers(
    size: Size, seed: int, *, cache: bool
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Generated layers, validated like a loaded dataset; cached as GeoParquet when asked."""
    stem = f"gaps_{size.label}_s{seed}_v{GENERATOR_VERSION}"
    paths = [OUT_DIR / f"{stem}_{layer}.parquet" for layer in ("settlements", "services", "wards")]
    if cache and all(p.exists() for p in paths):
        raw = tuple(gpd.read_parquet(p) for p in paths)
        print(f"(generated data read from benchmarks/{OUT_DIR.name}/{stem}_*.parquet)")
    else:
        raw = generate(size, seed)
        if cache:
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            for frame, p in zip(raw, paths, strict=True):
                frame.to_parquet(p)
    out = []
    for frame, layer in zip(raw, ("settlements", "services", "wards"), strict=True):
        valid, report = validate_layer(frame, layer)
        if not report.ok or len(valid) != len(frame):
            raise SystemExit(f"generated {layer} failed validation:\n{report.format()}")
        out.append(valid)
    return out[0], out[1], out[2]


def load_dataset(size: Size, seed: int = SEED, *, cache: bool = False) -> Dataset:
    """The generated layers as a :class:`atlas.Dataset` (metric CRS: the local UTM zone)."""
    settlements, services, wards = load_layers(size, seed, cache=cache)
    crs = choose_metric_crs(settlements)
    return Dataset(settlements, services, wards, crs, name=f"benchmark-{size.label}")
