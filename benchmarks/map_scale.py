"""Benchmark the atlas map at metro scale against a naive folium map, in headless Chromium.

What it does
------------
1. Generates the metro-scale dataset of ``metro_data.py`` (3,000 settlements of ~65 vertices,
   300,000 service points, 500 wards) and measures its gaps under ``cape-town`` (not timed).
2. Builds the atlas map with the app's builder, :func:`layers.maps.build_map`, exactly as the
   app's Map page does (one category's points, ``pages/state/maps.py``: ``map_for``), and
   the naive baseline: ``folium.GeoJson`` of the full gap table (every column) and one
   ``folium.CircleMarker`` with a tooltip per service point of the same category. (With all
   300,000 points the baseline would be about three times larger still; ``--baseline-points
   all`` builds that.) Both link the same vendored Leaflet, no basemap.
3. Serves both pages from a local HTTP server and opens each ``--repeat`` times (median) in
   headless Chromium with every non-local request blocked and a fresh cache: the payload is
   the sum of the response bodies the browser downloaded, the time to interactive is from
   navigation to the moment every settlement is drawn and the page's main thread is free
   again (polled on animation frames, which only run when it is).
4. Times the server-side work of a filter change (category, metric, cluster, standard) with the
   dataset's display layers already prepared, as the app caches them: ``build_map`` plus
   rendering the page, median of ``--repeat``.
5. Prints both with their ratios and whether the targets hold (payload <= 2 MB, time to
   interactive <= 2 s, filter change <= 300 ms), and saves a screenshot of the atlas map.

How to run
----------
From the repository root::

    .venv/bin/python benchmarks/map_scale.py            # metro size (a few minutes: the baseline)
    .venv/bin/python benchmarks/map_scale.py --small    # 300 settlements, quick
    .venv/bin/python benchmarks/map_scale.py --no-baseline

Timings share the machine with whatever else runs: medians, and noisy on a busy machine.
The exit status is 0 when the targets are met, 2 when one is missed.
"""

from __future__ import annotations

import argparse
import functools
import gc
import http.server
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely
from metro_data import FULL, OUT_DIR, SEED, SMALL, load_dataset
from offline_browser import CHROMIUM, CHROMIUM_ARGS

from atlas.measure.pipeline import GapResult, compute_gaps
from atlas.measure.standards import load_standard
from layers.assets import ROOT, missing_assets
from layers.display import DisplayLayers, prepare_display
from layers.maps import _base_map, build_map
from layers.style import STATUS_COLOURS

VIEWPORT = {"width": 1400, "height": 900}
CATEGORY = "water"
STANDARDS = ("cape-town", "sphere-2018")
TARGET_BYTES = 2_000_000
TARGET_TTI_S = 2.0
TARGET_FILTER_S = 0.3
ARTIFACTS = ROOT / "test-artifacts"

#: Time (ms since navigation) once `n` settlements are drawn, else false. Finds the map once;
#: counts SVG paths in the page or features the canvas renderer drew.
DRAWN_AT = """(n) => {
  if (typeof L === 'undefined') return false;
  if (!window.__benchMap) {
    for (const k of Object.keys(window)) {
      if (k.startsWith('map_') && window[k] instanceof L.Map) { window.__benchMap = window[k]; }
    }
  }
  const map = window.__benchMap;
  if (!map) return false;
  let drawn = 0;
  map.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (!p || p.settlement_id === undefined) return;
    if ((l._path && l._path.isConnected) || (l._parts && l._parts.length && !l._path)) drawn++;
  });
  return drawn >= n ? performance.now() : false;
}"""


# --------------------------------------------------------------------------------------------
# The two maps
# --------------------------------------------------------------------------------------------


def atlas_map(
    result: GapResult, wards: gpd.GeoDataFrame, display: DisplayLayers | None, **options: Any
) -> folium.Map:
    """The map as the app's Map page draws it (``pages/state/maps.py``: ``map_for``)."""
    category = options.pop("category", CATEGORY)
    return build_map(
        result.settlements,
        result.services,
        wards,
        category=category,
        standard=result.standard,
        service_categories=[category],
        asset_base="vendor",
        display=display,
        **options,
    )


def baseline_map(result: GapResult, all_points: bool) -> folium.Map:
    """The naive map: every column of every settlement as GeoJSON, a marker per point."""
    m = _base_map("vendor", online_tiles=False)
    folium.GeoJson(result.settlements, name="Settlements").add_to(m)
    services = result.services
    if not all_points:
        services = services[services["category"] == CATEGORY]
    for row in services.itertuples():
        folium.CircleMarker(
            location=[row.geometry.y, row.geometry.x],
            radius=5,
            color="#1a1a1a",
            weight=1,
            fill=True,
            fill_color=STATUS_COLOURS.get(row.status, "#ffffff"),
            fill_opacity=0.95,
            tooltip=f"{row.kind}: {row.status}",
        ).add_to(m)
    b = result.settlements.total_bounds
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m


# --------------------------------------------------------------------------------------------
# Serving and measuring in Chromium
# --------------------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser closing a connection early (a closed page) is not news


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free local port for the duration."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _block_remote(route: Any) -> None:
    url = route.request.url
    host = url.split("/")[2].split(":")[0] if "://" in url else ""
    if url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def measure_page(
    browser: Any, url: str, settlements: int, timeout_s: float, screenshot: Path | None = None
) -> tuple[int, float | None]:
    """Bytes downloaded and seconds to interactive (None past ``timeout_s``), fresh cache."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", _block_remote)
    page = context.new_page()
    sizes: list[int] = []
    page.on("requestfinished", lambda request: sizes.append(request.sizes()["responseBodySize"]))
    try:
        page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        handle = page.wait_for_function(
            DRAWN_AT, arg=settlements, polling="raf", timeout=timeout_s * 1000
        )
        tti: float | None = float(handle.json_value()) / 1000
        page.wait_for_load_state("load", timeout=timeout_s * 1000)
        if screenshot is not None:
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot))
    except Exception as exc:  # a page that never becomes interactive is a result, not a crash
        if "Timeout" not in type(exc).__name__:
            raise
        tti = None
    finally:
        context.close()
    return sum(s for s in sizes if s > 0), tti


def measure(
    browser: Any, url: str, settlements: int, repeat: int, timeout_s: float, **kw: Any
) -> tuple[int, float | None, list[float | None]]:
    """Payload and median time to interactive of ``repeat`` cold loads."""
    runs = [measure_page(browser, url, settlements, timeout_s, **kw) for _ in range(repeat)]
    times = [t for _, t in runs]
    done = [t for t in times if t is not None]
    median = statistics.median(done) if len(done) == len(times) else None
    return max(b for b, _ in runs), median, times


# --------------------------------------------------------------------------------------------
# Server-side work of a filter change
# --------------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def filter_changes(
    results: dict[str, GapResult], wards: gpd.GeoDataFrame, display: DisplayLayers, repeat: int
) -> dict[str, float]:
    """Median seconds of build_map + rendering the page after each kind of filter change."""
    first = results[STANDARDS[0]]
    cluster = str(first.settlements["cluster"].dropna().iloc[0])

    def page(result: GapResult, **options: Any) -> Callable[[], str]:
        return lambda: atlas_map(result, wards, display, **options).get_root().render()

    return {
        "category (water -> sanitation)": timed(page(first, category="sanitation"), repeat),
        "metric (gap -> coverage)": timed(page(first, metric="coverage"), repeat),
        f"cluster (all -> {cluster})": timed(page(first, selected_cluster=cluster), repeat),
        f"standard ({STANDARDS[0]} -> {STANDARDS[1]})": timed(page(results[STANDARDS[1]]), repeat),
    }


# --------------------------------------------------------------------------------------------


def _row(label: str, atlas: str, base: str, ratio: str) -> str:
    return f"{label:<38}{atlas:>14}{base:>16}{ratio:>12}"


def _seconds(value: float | None, timeout_s: float) -> str:
    return f"> {timeout_s:g} s" if value is None else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="300 settlements, 30,000 points")
    parser.add_argument("--repeat", type=int, default=5, help="browser loads (median); 5")
    parser.add_argument("--seed", type=int, default=SEED, help=f"generator seed ({SEED})")
    parser.add_argument("--no-baseline", action="store_true", help="measure the atlas map only")
    parser.add_argument(
        "--baseline-points",
        choices=("category", "all"),
        default="category",
        help="baseline markers: the shown category's points (default) or all points",
    )
    parser.add_argument(
        "--baseline-repeat", type=int, default=3, help="baseline browser loads (median); 3"
    )
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds a load may take")
    args = parser.parse_args(argv)
    if missing_assets():
        print("The map assets are missing: run .venv/bin/python -m layers.assets", file=sys.stderr)
        return 1
    size = SMALL if args.small else FULL

    t0 = time.perf_counter()
    dataset = load_dataset(size, args.seed, cache=True)
    results = {name: compute_gaps(dataset, load_standard(name)) for name in STANDARDS}
    result, wards = results[STANDARDS[0]], dataset.wards
    if wards is None:
        raise SystemExit("the generated dataset has no wards")
    vertices = int(shapely.get_num_coordinates(dataset.settlements.geometry.to_numpy()).sum())
    n = len(dataset.settlements)
    water = int((dataset.services["category"] == CATEGORY).sum())
    print(
        f"dataset ({size.label}, seed {args.seed}): {n:,} settlements ({vertices / n:.0f} "
        f"vertices each), {len(dataset.services):,} service points ({water:,} {CATEGORY}), "
        f"{len(wards):,} wards; gaps under {', '.join(STANDARDS)} in "
        f"{time.perf_counter() - t0:.1f} s (not timed)"
    )

    start = time.perf_counter()
    display = prepare_display(dataset.settlements, dataset.services, wards)
    prepare_s = time.perf_counter() - start
    start = time.perf_counter()
    page = atlas_map(result, wards, display).get_root().render()
    first_map_s = time.perf_counter() - start
    changes = filter_changes(results, wards, display, args.repeat)

    folder = OUT_DIR / f"map_scale_{size.label}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copytree(ROOT / "static" / "vendor", folder / "vendor")
    (folder / "atlas.html").write_text(page, encoding="utf-8")
    base_build_s = None
    if not args.no_baseline:
        start = time.perf_counter()
        base_page = baseline_map(result, args.baseline_points == "all").get_root().render()
        base_build_s = time.perf_counter() - start
        (folder / "baseline.html").write_text(base_page, encoding="utf-8")

    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"map_scale_{size.label}.png"
    with sync_playwright() as p, serve(folder) as url:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        measure_page(browser, f"{url}/atlas.html", n, args.timeout, screenshot=shot)
        a_bytes, a_tti, a_all = measure(browser, f"{url}/atlas.html", n, args.repeat, args.timeout)
        b_bytes, b_tti, b_all = 0, None, []
        if not args.no_baseline:
            b_bytes, b_tti, b_all = measure(
                browser, f"{url}/baseline.html", n, args.baseline_repeat, args.timeout
            )
        browser.close()

    print(f"display layers prepared once per dataset: {prepare_s:.2f} s")
    print(f"first atlas map (build_map + page, prepared layers): {first_map_s:.2f} s")
    if base_build_s is not None:
        points = "all points" if args.baseline_points == "all" else f"{CATEGORY} points"
        print(f"baseline built in {base_build_s:.1f} s (one marker per {points})")
    print("atlas loads: " + ", ".join(_seconds(t, args.timeout) for t in a_all))
    if b_all:
        print("baseline loads: " + ", ".join(_seconds(t, args.timeout) for t in b_all))
    print()
    print(_row("", "atlas", "baseline", "ratio"))
    ratio = f"{b_bytes / a_bytes:.0f}x smaller" if b_bytes else ""
    print(_row("map payload", f"{a_bytes / 1e6:.2f} MB", f"{b_bytes / 1e6:.2f} MB", ratio))
    tti_ratio = f"{b_tti / a_tti:.0f}x faster" if a_tti and b_tti else ""
    print(
        _row(
            f"time to interactive (median of {args.repeat})",
            _seconds(a_tti, args.timeout),
            _seconds(b_tti, args.timeout) if b_all else "",
            tti_ratio,
        )
    )
    print()
    print(f"server-side work after a filter change (build_map + page, median of {args.repeat}):")
    for label, seconds in changes.items():
        print(f"  {label:<42}{seconds * 1000:8.0f} ms")
    slowest = max(changes.values())
    checks = {
        f"payload <= {TARGET_BYTES / 1e6:g} MB": a_bytes <= TARGET_BYTES,
        f"time to interactive <= {TARGET_TTI_S:g} s": a_tti is not None and a_tti <= TARGET_TTI_S,
        f"filter change <= {TARGET_FILTER_S * 1000:g} ms": slowest <= TARGET_FILTER_S,
    }
    print()
    for label, ok in checks.items():
        print(f"target: {label:<36}{'met' if ok else 'NOT MET':>10}")
    print(f"screenshot: {shot.relative_to(ROOT)}; pages in {folder.relative_to(ROOT)}/")
    return 0 if all(checks.values()) else 2


if __name__ == "__main__":
    sys.exit(main())
