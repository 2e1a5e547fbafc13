"""Benchmark the whole ``atlas gaps`` command, as a user runs it: one process, from start to the
JSON written, on the metro set and on the national set.

What it measures
----------------
* **metro** (3,000 settlements, 300,000 service points, 500 wards; ``metro_data.py``):
  ``atlas gaps`` wall time (median of ``--repeat`` runs) and peak memory, against
  (a) the **notebook** baseline, ``notebook_gaps.py`` run the same way: ``sjoin_nearest`` per
  category, group-bys, the ward overlay, *without coverage*; the counts (working, broken,
  unknown, needed, gap per category, primary ward) must agree; and (b) the **atlas before
  #18** (``--baseline-commit``, default ``9582a91``), run from a git worktree; its JSON must be
  byte-identical to this checkout's.
* **national** (30,000 settlements, 3,000,000 points, 4,500 wards; ``national_data.py``):
  the same command against the atlas before #18, identical output required.

Targets (issue #18): metro whole process <= 2.5 s and >= 3x faster than the notebook; national
<= 20 s and <= 2.5 GB peak memory.

The baseline runs are saved in ``benchmarks/out/`` (time, peak memory, date, load average, the
JSON); ``--reuse-baseline`` compares with the saved run instead of re-running it (the national
baseline takes minutes). Peak memory is the process's maximum resident set (``wait4``).

Usage::

    .venv/bin/python benchmarks/gaps_command.py                 # metro, 3 runs each
    .venv/bin/python benchmarks/gaps_command.py --set national --reuse-baseline
    .venv/bin/python benchmarks/gaps_command.py --set both

Exit status 0 when the outputs agree and the targets are met, 1 when they disagree, 2 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from metro_data import FULL, OUT_DIR, SEED, load_layers  # noqa: E402
from national_data import national_paths  # noqa: E402

PYTHON = sys.executable
BASE_COMMIT = "9582a91"
TARGETS = {"metro": 2.5, "national": 20.0}
NATIONAL_MEMORY_GB = 2.5
NOTEBOOK_SPEEDUP = 3.0
COUNT_FIELDS = ("working", "broken", "unknown", "needed", "gap")


@dataclass
class Run:
    """One whole process: wall seconds, peak resident memory (bytes), exit status."""

    seconds: float
    peak: int
    status: int


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Run:
    """Run ``cmd`` to the end, timing it and reading its peak memory from ``wait4``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.stderr.write(err.decode(errors="replace"))
    return Run(seconds, usage.ru_maxrss * 1024, proc.returncode)


def metro_paths() -> dict[str, Path]:
    """The metro layers as GeoParquet (generated and cached by ``metro_data``)."""
    stem = f"gaps_{FULL.label}_s{SEED}_v1"
    paths = {
        layer: OUT_DIR / f"{stem}_{layer}.parquet" for layer in ("settlements", "services", "wards")
    }
    if not all(p.exists() for p in paths.values()):
        load_layers(FULL, SEED, cache=True)
    return paths


def gaps_command(paths: dict[str, Path], output: Path) -> list[str]:
    """``atlas gaps`` on ``paths``, writing JSON to ``output``."""
    return [
        PYTHON, "-m", "atlas.cli", "gaps", "--quiet",
        "--settlements", str(paths["settlements"]),
        "--services", str(paths["services"]),
        "--wards", str(paths["wards"]),
        "--output", str(output),
    ]  # fmt: skip


def worktree(commit: str) -> Path:
    """A git worktree of ``commit`` in ``benchmarks/out/`` (made once)."""
    tree = OUT_DIR / f"worktree-{commit}"
    if not tree.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-f", str(tree), commit],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
    return tree


def baseline_run(name: str, paths: dict[str, Path], commit: str, reuse: bool) -> tuple[Run, Path]:
    """The atlas at ``commit`` on ``paths`` (saved, or reused with ``reuse``)."""
    record = OUT_DIR / f"command_{name}_{commit}.json"
    output = OUT_DIR / f"command_{name}_{commit}_output.json"
    if reuse and record.exists() and output.exists():
        saved = json.loads(record.read_text())
        print(f"  (baseline atlas@{commit} reused: measured {saved['date']}, load {saved['load']})")
        return Run(saved["seconds"], saved["peak"], 0), output
    tree = worktree(commit)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    result = run(gaps_command(paths, output), env=env, cwd=tree)
    record.write_text(
        json.dumps(
            {
                "seconds": result.seconds,
                "peak": result.peak,
                "date": datetime.now().isoformat(timespec="seconds"),
                "load": round(os.getloadavg()[0], 2),
            }
        )
    )
    return result, output


def median_run(cmd: list[str], repeat: int) -> Run:
    runs = [run(cmd) for _ in range(repeat)]
    if any(r.status for r in runs):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return Run(statistics.median(r.seconds for r in runs), max(r.peak for r in runs), 0)


def counts_agree(atlas_json: Path, notebook_json: Path) -> list[str]:
    """The count fields on which the notebook and the atlas disagree (empty when they agree)."""
    atlas = {r["settlement_id"]: r for r in json.loads(atlas_json.read_text())}
    notebook = {r["settlement_id"]: r for r in json.loads(notebook_json.read_text())}
    wrong = []
    for sid, row in notebook.items():
        for field, value in row.items():
            if field == "settlement_id":
                continue
            mine = atlas[sid].get(field)
            if field.endswith(("_needed", "_gap")) and atlas[sid].get("demand_missing"):
                continue  # the atlas leaves unknown demand unknown; the notebook cannot
            if mine != value and not (mine is None and value is None):
                wrong.append(f"{sid}.{field}: atlas {mine!r}, notebook {value!r}")
    return wrong


def line(label: str, seconds: float, peak: int, base: float | None = None, name: str = "") -> str:
    ratio = f"  {base / seconds:5.2f}x vs {name}" if base else ""
    return f"  {label:<38} {seconds:7.2f} s  {peak / 2**30:5.2f} GB{ratio}"


def bench(name: str, paths: dict[str, Path], args: argparse.Namespace) -> int:
    """Measure one set; 0 met, 1 outputs disagree, 2 a target missed."""
    print(f"\n{name}: " + ", ".join(f"{k} {v.name}" for k, v in paths.items()))
    print(
        f"  load average before: {os.getloadavg()[0]:.2f} (2-core targets: measure on an idle machine)"
    )
    output = OUT_DIR / f"command_{name}_now.json"
    repeat = args.repeat if name == "metro" else 1
    now = median_run(gaps_command(paths, output), repeat)
    base, base_output = baseline_run(name, paths, args.baseline_commit, args.reuse_baseline)
    status = 0
    print(
        line(
            f"atlas gaps (median of {repeat})",
            now.seconds,
            now.peak,
            base.seconds,
            f"atlas@{args.baseline_commit}",
        )
    )
    print(line(f"atlas gaps @{args.baseline_commit} (baseline)", base.seconds, base.peak))
    same = output.read_bytes() == base_output.read_bytes()
    print(f"  output identical to atlas@{args.baseline_commit}: {'yes' if same else 'NO'}")
    status = 0 if same else 1
    if name == "metro":
        notebook_out = OUT_DIR / "command_metro_notebook.json"
        notebook_cmd = [
            PYTHON,
            str(HERE / "notebook_gaps.py"),
            *map(str, paths.values()),
            str(notebook_out),
        ]
        notebook = median_run(notebook_cmd, repeat)
        print(line("notebook, no coverage (baseline)", notebook.seconds, notebook.peak))
        speedup = notebook.seconds / now.seconds
        print(f"  atlas vs notebook: {speedup:.2f}x (target >= {NOTEBOOK_SPEEDUP:.0f}x)")
        wrong = counts_agree(output, notebook_out)
        print(
            f"  counts agree with the notebook: {'yes' if not wrong else 'NO: ' + '; '.join(wrong[:5])}"
        )
        if wrong:
            status = 1
        if speedup < NOTEBOOK_SPEEDUP and status == 0:
            status = 2
    target = TARGETS[name]
    met = now.seconds <= target
    print(f"  target <= {target:.1f} s: {'met' if met else 'MISSED'}")
    if name == "national":
        mem_ok = now.peak <= NATIONAL_MEMORY_GB * 2**30
        print(f"  target <= {NATIONAL_MEMORY_GB} GB peak: {'met' if mem_ok else 'MISSED'}")
        met = met and mem_ok
    if not met and status == 0:
        status = 2
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=["metro", "national", "both"], default="metro")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each metro command")
    parser.add_argument("--baseline-commit", default=BASE_COMMIT)
    parser.add_argument("--reuse-baseline", action="store_true")
    args = parser.parse_args()
    sets = ["metro", "national"] if args.set == "both" else [args.set]
    status = 0
    for name in sets:
        paths = metro_paths() if name == "metro" else national_paths()
        status = max(status, bench(name, paths, args))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
