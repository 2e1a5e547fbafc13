"""Benchmark the atlas join-and-measure step against a naive notebook-style baseline.

What it does
------------
1. Generates, deterministically (``numpy.random.default_rng(seed)``), a synthetic metro-scale
   dataset in EPSG:4326 near Gauteng (28.0-28.6 E, 26.4-25.9 S): 3,000 star-shaped settlements
   of ~64 vertices (radii 50-300 m, a few overlapping, a few two-part MultiPolygons), 300,000
   service points (most inside or near a settlement, some far) and 500 wards (a Voronoi tiling
   of the box). The layers go through :func:`atlas.validate.validate_layer`, as a loaded dataset
   would. Generation and validation are not timed; the generated layers can be cached in
   ``benchmarks/out/`` (git-ignored) as GeoParquet to speed up reruns.
2. Times :func:`atlas.analysis.compute_gaps` under the ``cape-town`` standard (median of
   ``--repeat`` runs), and each of its steps on its own (points near settlements,
   attribution, coverage, wards, assembly).
3. Times a naive baseline written the way a typical notebook would: ``geopandas.sjoin_nearest``
   per category, pandas group-bys, coverage by buffering every working point, ``union_all`` and
   intersecting each settlement, wards with ``geopandas.overlay``.
4. Checks that both give the same numbers for every settlement, and prints a table with the
   timings and whether the targets are met (atlas <= 2 s and >= 5x faster than the baseline).

How to run
----------
From the repository root::

    .venv/bin/python benchmarks/gaps_pipeline.py            # full size (about 5 minutes, mostly the baseline)
    .venv/bin/python benchmarks/gaps_pipeline.py --small    # 300 settlements, quick
    .venv/bin/python benchmarks/gaps_pipeline.py --repeat 5 --profile

The exit status is 0 when the numbers agree and the targets are met, 1 when the numbers
disagree, 2 when they agree but a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import math
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from atlas.analysis import GapResult, compute_gaps
from atlas.attribution import attribute_services
from atlas.coverage import BUFFER_QUAD_SEGS, coverage
from atlas.crs import choose_metric_crs, to_metric
from atlas.dataset import Dataset
from atlas.gaps import cluster_gaps, service_counts, settlement_gaps
from atlas.nearby import metric_xy, nearby_pairs
from atlas.standards import Standard, load_standard
from atlas.validate import validate_layer
from atlas.wards import primary_wards, settlement_wards

OUT_DIR = Path(__file__).resolve().parent / "out"
#: Bump when the generator changes, so stale caches are not reused.
GENERATOR_VERSION = 1
SEED = 20250611
STANDARD = "cape-town"
WGS84 = "EPSG:4326"
GEN_CRS = "EPSG:32735"  # UTM 35S: geometry is built in metres, then stored in EPSG:4326
LON_RANGE = (28.0, 28.6)
LAT_RANGE = (-26.4, -25.9)
#: Targets: the atlas takes at most this long, and is at least this many times faster.
TARGET_SECONDS = 2.0
TARGET_SPEEDUP = 5.0
RATIO_TOL = 1e-6
COVERAGE_TOL = 1e-6

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


# --------------------------------------------------------------------------------------------
# The naive baseline, written the way a notebook would
# --------------------------------------------------------------------------------------------


def baseline(
    settlements: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    wards: gpd.GeoDataFrame,
    standard: Standard,
    crs: CRS,
) -> pd.DataFrame:
    """Gap fields per settlement, computed the notebook way; indexed by ``settlement_id``."""
    s = settlements.to_crs(crs)
    pts = services.to_crs(crs)
    w = wards.to_crs(crs)
    s_small = s[["settlement_id", "geometry"]]
    out = pd.DataFrame(index=pd.Index(s["settlement_id"], name="settlement_id"))

    # Demand: households, or population / household_size when households are missing.
    hh = s.set_index("settlement_id")["households"].astype(float)
    pop = s.set_index("settlement_id")["population"].astype(float)
    households = hh.fillna(pop / standard.household_size)
    population = pop.fillna(hh * standard.household_size)
    settlement_area = s.set_index("settlement_id").area

    for cat, rule in standard.categories.items():
        demand = households if rule.unit == "households" else population
        p = pts[pts["category"] == cat][["service_id", "status", "geometry"]]
        if rule.max_distance_m:
            j = gpd.sjoin_nearest(
                p, s_small, how="inner", max_distance=rule.max_distance_m, distance_col="dist"
            )
        else:
            j = gpd.sjoin(p, s_small, how="inner", predicate="intersects")
        # A point equally near two settlements appears twice: keep the smallest settlement_id.
        j = j.sort_values(["service_id", "settlement_id"])
        j = j.drop_duplicates("service_id", keep="first")
        counts = (
            j.groupby(["settlement_id", "status"])
            .size()
            .unstack(fill_value=0)
            .reindex(columns=list(STATUSES), fill_value=0)
            .reindex(out.index, fill_value=0)
        )
        working = counts["working"]
        out[f"{cat}_working"] = working
        out[f"{cat}_broken"] = counts["broken"]
        out[f"{cat}_unknown"] = counts["unknown"]
        if rule.max_per_point:
            needed = np.ceil(demand / rule.max_per_point)
            out[f"{cat}_needed"] = needed.astype("Int64")
            out[f"{cat}_gap"] = (needed - working).clip(lower=0).astype("Int64")
        else:
            out[f"{cat}_needed"] = pd.array([pd.NA] * len(out), dtype="Int64")
            out[f"{cat}_gap"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out[f"{cat}_ratio"] = demand / working.replace(0, np.nan)

        # Coverage: buffer every working point, dissolve, intersect each settlement.
        if rule.max_distance_m:
            wp = pts[(pts["category"] == cat) & (pts["status"] == "working")]
            discs = wp.buffer(rule.max_distance_m, quad_segs=BUFFER_QUAD_SEGS)
            union = discs.union_all()
            covered = s.geometry.intersection(union).area.to_numpy()
            out[f"{cat}_coverage"] = covered / settlement_area.to_numpy()
        else:
            out[f"{cat}_coverage"] = np.nan

    # Wards: overlay, share of each settlement's area, the largest is the primary ward.
    ov = gpd.overlay(s_small, w[["ward_id", "geometry"]], how="intersection")
    ov["share"] = ov.area / ov["settlement_id"].map(settlement_area)
    primary = ov.loc[ov.groupby("settlement_id")["share"].idxmax(), ["settlement_id", "ward_id"]]
    out["ward_id"] = primary.set_index("settlement_id")["ward_id"].reindex(out.index)
    out["households"] = households
    return out


# --------------------------------------------------------------------------------------------
# Timing and comparison
# --------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    """Median wall time of ``repeat`` calls of ``fn``, all times, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def step_times(dataset: Dataset, standard: Standard, repeat: int) -> dict[str, float]:
    """Median time of each step of :func:`compute_gaps`, calling the atlas functions one by one."""
    s, p, w, crs = dataset.settlements, dataset.services, dataset.wards, dataset.metric_crs
    if w is None:
        raise ValueError("the benchmark dataset has wards")
    s = to_metric(s, crs)  # as compute_gaps does, once
    polygons = s.geometry.to_numpy()
    nearby = nearby_pairs(metric_xy(p, crs), polygons, standard.reach)
    attribution = attribute_services(p, s, standard, crs, nearby)
    cover = coverage(s, p, standard, crs, nearby)
    overlaps = settlement_wards(s, w, crs)

    def assemble() -> None:
        counts = service_counts(p, attribution, s, standard)
        gaps = settlement_gaps(s, counts, cover, primary_wards(overlaps, s), standard)
        cluster_gaps(gaps, standard)
        services = p.copy()
        services["settlement_id"] = attribution["settlement_id"]
        services["distance_m"] = attribution["distance_m"]

    return {
        "points near settlements (metric_xy, nearby_pairs)": timed(
            lambda: nearby_pairs(metric_xy(p, crs), polygons, standard.reach), repeat
        )[0],
        "attribution (attribute_services)": timed(
            lambda: attribute_services(p, s, standard, crs, nearby), repeat
        )[0],
        "coverage (coverage)": timed(lambda: coverage(s, p, standard, crs, nearby), repeat)[0],
        "wards (settlement_wards)": timed(lambda: settlement_wards(s, w, crs), repeat)[0],
        "assembly (counts, primary wards, gaps, clusters)": timed(assemble, repeat)[0],
    }


def _same(a: pd.Series, b: pd.Series, tol: float | None) -> np.ndarray:
    """Element-wise agreement; missing equals missing."""
    av = pd.to_numeric(a, errors="coerce").astype(float).to_numpy()
    bv = pd.to_numeric(b, errors="coerce").astype(float).to_numpy()
    both_missing = np.isnan(av) & np.isnan(bv)
    equal = av == bv if tol is None else np.abs(av - bv) <= tol * np.maximum(1.0, np.abs(bv))
    return both_missing | equal


def compare(
    result: GapResult, base: pd.DataFrame, standard: Standard, ward_overlaps: pd.DataFrame
) -> tuple[int, list[str], int]:
    """Mismatching values, a few examples, and the number of primary-ward ties set aside."""
    atlas = result.settlements.set_index("settlement_id")
    base = base.reindex(atlas.index)
    mismatches = 0
    examples: list[str] = []
    fields = {"working": None, "broken": None, "unknown": None, "needed": None, "gap": None}
    fields |= {"ratio": RATIO_TOL, "coverage": COVERAGE_TOL}
    for cat in standard.categories:
        for f, tol in fields.items():
            col = f"{cat}_{f}"
            ok = _same(atlas[col], base[col], tol)
            bad = np.flatnonzero(~ok)
            mismatches += bad.size
            for i in bad[: max(0, 5 - len(examples))]:
                examples.append(
                    f"{atlas.index[i]} {col}: atlas={atlas[col].iloc[i]!r} "
                    f"baseline={base[col].iloc[i]!r}"
                )
    # Primary ward: a difference is a tie when both wards hold the same share (to 1e-9).
    a_ward = atlas["ward_id"].astype(object).where(atlas["ward_id"].notna(), None)
    b_ward = base["ward_id"].astype(object).where(base["ward_id"].notna(), None)
    differ = np.flatnonzero((a_ward != b_ward).to_numpy())
    share = ward_overlaps.set_index(["settlement_id", "ward_id"])["share"]
    ties = 0
    for i in differ:
        sid = atlas.index[i]
        sa, sb = share.get((sid, a_ward.iloc[i]), np.nan), share.get((sid, b_ward.iloc[i]), np.nan)
        if abs(sa - sb) <= 1e-9:
            ties += 1
            continue
        mismatches += 1
        if len(examples) < 5:
            examples.append(f"{sid} ward_id: atlas={a_ward.iloc[i]!r} baseline={b_ward.iloc[i]!r}")
    return mismatches, examples, ties


def profile(dataset: Dataset, standard: Standard, top: int = 25) -> str:
    """cProfile of one :func:`compute_gaps` call, the top lines by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    compute_gaps(dataset, standard)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumtime").print_stats(top)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="300 settlements, 30,000 points")
    parser.add_argument("--repeat", type=int, default=3, help="atlas runs (median); default 3")
    parser.add_argument(
        "--baseline-repeat", type=int, default=1, help="baseline runs (median); default 1"
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed ({SEED})")
    parser.add_argument(
        "--no-cache", action="store_true", help="regenerate, do not read/write benchmarks/out/"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of compute_gaps")
    parser.add_argument("--no-steps", action="store_true", help="skip the per-step breakdown")
    args = parser.parse_args(argv)
    size = SMALL if args.small else FULL

    t0 = time.perf_counter()
    settlements, services, wards = load_layers(size, args.seed, cache=not args.no_cache)
    standard = load_standard(STANDARD)
    crs = choose_metric_crs(settlements)
    dataset = Dataset(settlements, services, wards, crs, name=f"benchmark-{size.label}")
    setup = time.perf_counter() - t0
    n_vertices = int(shapely.get_num_coordinates(settlements.geometry.to_numpy()).sum())
    print(
        f"dataset ({size.label}, seed {args.seed}): {len(settlements):,} settlements "
        f"({n_vertices / len(settlements):.0f} vertices each on average, "
        f"{settlements['cluster'].nunique()} clusters), {len(services):,} service points, "
        f"{len(wards):,} wards; metric CRS {crs.to_string()}; standard {STANDARD}; "
        f"generated and validated in {setup:.1f} s (not timed)"
    )

    atlas_s, atlas_all, result = timed(lambda: compute_gaps(dataset, standard), args.repeat)
    print("atlas runs: " + ", ".join(f"{t:.3f} s" for t in atlas_all))
    base_s, base_all, base = timed(
        lambda: baseline(settlements, services, wards, standard, crs), args.baseline_repeat
    )
    print("baseline runs: " + ", ".join(f"{t:.3f} s" for t in base_all))

    mismatches, examples, ties = compare(result, base, standard, result.ward_overlaps)
    speedup = base_s / atlas_s if atlas_s > 0 else math.inf
    fast_ok = atlas_s <= TARGET_SECONDS
    ratio_ok = speedup >= TARGET_SPEEDUP

    rows = [
        ("settlements", f"{len(settlements):,}"),
        ("service points", f"{len(services):,}"),
        ("wards", f"{len(wards):,}"),
        (f"atlas compute_gaps (median of {args.repeat})", f"{atlas_s:.3f} s"),
        (f"naive baseline (median of {args.baseline_repeat})", f"{base_s:.3f} s"),
        ("baseline / atlas", f"{speedup:.1f}x"),
        (
            "mismatching values",
            f"{mismatches}" + (f" ({ties} primary-ward ties set aside)" if ties else ""),
        ),
        (f"target: atlas <= {TARGET_SECONDS:g} s", "met" if fast_ok else "NOT MET"),
        (f"target: >= {TARGET_SPEEDUP:g}x faster than baseline", "met" if ratio_ok else "NOT MET"),
    ]
    width = max(len(k) for k, _ in rows)
    print()
    print(f"{'':-<{width + 16}}")
    for k, v in rows:
        print(f"{k:<{width}}  {v:>12}")
    print(f"{'':-<{width + 16}}")
    for line in examples:
        print("  mismatch: " + line)

    if not args.no_steps:
        steps = step_times(dataset, standard, args.repeat)
        total = sum(steps.values())
        step_width = max(len(k) for k in steps)
        print()
        print(f"atlas steps (median of {args.repeat} each, called one by one):")
        for name, t in steps.items():
            print(f"  {name:<{step_width}}  {t:8.3f} s  {100 * t / total:5.1f} %")
        print(f"  {'sum of steps':<{step_width}}  {total:8.3f} s")

    if args.profile:
        print()
        print(profile(dataset, standard))
    if mismatches:
        return 1
    return 0 if fast_ok and ratio_ok else 2


if __name__ == "__main__":
    sys.exit(main())
