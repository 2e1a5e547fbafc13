"""The Dask engine on the national set, against the default engine (the baseline).

Runs the default engine once (load + measure, in this process), then ``--engine dask`` on
local workers started for the run: 1 worker, 2 workers, and 2 workers each limited to less
memory than the points take in memory. Prints the wall time of each with the ratio to the
baseline, and the peak memory of each worker (RSS sampled every 0.2 s with ``client.run``);
checks that the settlement and cluster gap tables are identical, field by field.

    .venv/bin/python benchmarks/gaps_dask.py            # the national set (national_data)
    .venv/bin/python benchmarks/gaps_dask.py --size small   # metro SMALL, to try it out

The machine is shared: figures taken while others work are noisy.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from atlas.distributed import compute_gaps_dask, dask_client, load_dataset_dask
from atlas.distributed.cluster import Polling
from atlas.errors import ClusterError
from atlas.load import load_dataset
from atlas.measure import compute_gaps, load_standard

MB = 1024 * 1024


def _paths(size: str) -> dict[str, Path]:
    if size == "national":
        from national_data import national_paths

        return national_paths()
    import metro_data

    chosen = {"small": metro_data.SMALL, "full": metro_data.FULL}[size]
    out = metro_data.OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    paths = {n: out / f"dask_{size}_{n}.parquet" for n in ("settlements", "services", "wards")}
    if not all(p.exists() for p in paths.values()):
        for frame, p in zip(
            metro_data.generate(chosen, metro_data.SEED), paths.values(), strict=True
        ):
            frame.to_parquet(p, row_group_size=10_000 if size == "small" else 100_000)
    return paths


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


class Peaks(Polling):
    """Peak RSS per worker, sampled every 0.2 s while a run goes on."""

    def __init__(self, client: object) -> None:
        super().__init__(0.2)
        self.client = client
        self.peaks: dict[str, int] = {}

    def poll(self) -> bool:
        try:
            for worker, rss in self.client.run(_rss).items():  # type: ignore[attr-defined]
                self.peaks[worker] = max(self.peaks.get(worker, 0), rss)
        except (OSError, TimeoutError):  # a worker restarting
            pass
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["national", "full", "small"], default="national")
    parser.add_argument(
        "--limited-only", action="store_true", help="only the run with a worker memory limit"
    )
    args = parser.parse_args()
    paths = _paths(args.size)
    standard = load_standard("cape-town")

    start = time.perf_counter()
    dataset = load_dataset(paths["settlements"], paths["services"], paths["wards"])
    baseline = compute_gaps(dataset, standard)
    base_s = time.perf_counter() - start
    points_mb = dataset.services.memory_usage(deep=True).sum() / MB
    del dataset
    print(
        f"default engine (baseline): {base_s:.1f} s; the points take {points_mb:.0f} MB in memory"
    )

    # Smaller than the points, but above what a worker's own Python and libraries take (about
    # 200 MB). On the national set 900 MB completes (295 s), and so did 725 MB (284 s,
    # 2026-12-03; it had stalled on 2026-12-02); at 550 MB the workers stall, and the run is
    # stopped by dask_client's watch (issue #18).
    limit_mb = max(int(points_mb * 0.93), 400)
    runs = [
        ("1 worker", 1, None),
        ("2 workers", 2, None),
        (f"2 workers, {limit_mb} MB each", 2, f"{limit_mb}MB"),
    ]
    for label, workers, memory in runs[2:] if args.limited_only else runs:
        start = time.perf_counter()
        try:
            with (
                dask_client(workers=workers, worker_memory=memory) as client,
                Peaks(client) as peaks,
            ):
                ready = time.perf_counter()
                ds, points = load_dataset_dask(
                    paths["settlements"], paths["services"], client, paths["wards"]
                )
                result = compute_gaps_dask(
                    ds, standard, client, services=points, gather_services=False
                )
                work = time.perf_counter() - ready
        except ClusterError as exc:
            print(f"dask, {label}: failed after {time.perf_counter() - start:.1f} s: {exc}")
            continue
        took = time.perf_counter() - start
        pd.testing.assert_frame_equal(result.settlements, baseline.settlements, check_exact=True)
        pd.testing.assert_frame_equal(result.clusters, baseline.clusters, check_exact=True)
        per_worker = ", ".join(f"{v / MB:.0f} MB" for v in sorted(peaks.peaks.values()))
        print(
            f"dask, {label}: {took:.1f} s with the workers' start, {work:.1f} s load + measure "
            f"(baseline {base_s:.1f} s, ratios {took / base_s:.2f}x, {work / base_s:.2f}x); "
            f"peak memory per worker: {per_worker}; gap tables identical"
        )


if __name__ == "__main__":
    main()
