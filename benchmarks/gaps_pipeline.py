"""Benchmark the atlas join-and-measure step against a naive notebook-style baseline.

What it does
------------
1. Generates, deterministically, the synthetic metro-scale dataset of ``metro_data.py``
   (3,000 star-shaped settlements of ~64 vertices, 300,000 service points, 500 wards near
   Gauteng), validated as a loaded dataset would be. Generation and validation are not timed;
   the generated layers can be cached in ``benchmarks/out/`` (git-ignored) as GeoParquet.
2. Times :func:`atlas.measure.pipeline.compute_gaps` under the ``cape-town`` standard (median of
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
    .venv/bin/python benchmarks/gaps_pipeline.py --reuse-baseline   # re-time the atlas only

Every baseline run is saved in ``benchmarks/out/`` (its result, time, date and load average);
``--reuse-baseline`` compares against that saved run instead of spending minutes re-running it,
and says so, with the date it was measured.

The exit status is 0 when the numbers agree and the targets are met, 1 when the numbers
disagree, 2 when they agree but a target is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from metro_data import FULL, GENERATOR_VERSION, OUT_DIR, SEED, SMALL, STATUSES, load_layers
from pyproj import CRS

from atlas.load.crs import choose_metric_crs, to_metric
from atlas.load.dataset import Dataset
from atlas.measure._nearby import metric_xy, nearby_pairs
from atlas.measure.attribution import attribute_services
from atlas.measure.coverage import BUFFER_QUAD_SEGS, coverage
from atlas.measure.gaps import cluster_gaps, service_counts, settlement_gaps
from atlas.measure.pipeline import GapResult, compute_gaps
from atlas.measure.standards import Standard, load_standard
from atlas.measure.wards import primary_wards, settlement_wards

STANDARD = "cape-town"
#: Targets: the atlas takes at most this long, and is at least this many times faster.
TARGET_SECONDS = 2.0
TARGET_SPEEDUP = 5.0
RATIO_TOL = 1e-6
COVERAGE_TOL = 1e-6


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


def measured_baseline(
    stem: str, run: Callable[[], tuple[float, list[float], pd.DataFrame]], reuse: bool
) -> tuple[float, list[float], pd.DataFrame, str]:
    """The baseline's median time, all times, result and how it was obtained.

    Runs it (and saves the run under ``benchmarks/out/<stem>_baseline.*``) unless ``reuse`` and
    a saved run exist.
    """
    table, info = OUT_DIR / f"{stem}_baseline.pkl", OUT_DIR / f"{stem}_baseline.json"
    if reuse and table.exists() and info.exists():
        saved = json.loads(info.read_text(encoding="utf-8"))
        note = (
            f"reused the run of {saved['measured']} (load average then {saved['load']}); "
            "run without --reuse-baseline to measure it again"
        )
        return saved["median_s"], saved["runs_s"], pd.read_pickle(table), note
    median, runs, result = run()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    result.to_pickle(table)
    record = {
        "median_s": median,
        "runs_s": runs,
        "measured": datetime.now().isoformat(timespec="minutes"),
        "load": round(os.getloadavg()[0], 2),
    }
    info.write_text(json.dumps(record), encoding="utf-8")
    return median, runs, result, "measured now"


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
    parser.add_argument(
        "--reuse-baseline",
        action="store_true",
        help="compare with the last saved baseline run instead of running it again",
    )
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
    print(
        "atlas runs: " + ", ".join(f"{t:.3f} s" for t in atlas_all)
        + f" (load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)"
    )  # fmt: skip
    base_s, base_all, base, how = measured_baseline(
        f"gaps_{size.label}_s{args.seed}_v{GENERATOR_VERSION}",
        lambda: timed(
            lambda: baseline(settlements, services, wards, standard, crs), args.baseline_repeat
        ),
        args.reuse_baseline,
    )
    print("baseline runs: " + ", ".join(f"{t:.3f} s" for t in base_all) + f" ({how})")

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
