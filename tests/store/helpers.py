"""Helpers of the store's tests: report CSV files, and a separate process that imports one
(the way ``atlas reports import`` does), for the durability and concurrency tests."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from atlas.store.imports import COLUMNS
from atlas.store.vocabulary import PROBLEMS

#: The registered settlements a generated file reports on (all 30 of the sample).
SETTLEMENTS = [f"SET-{n:03d}" for n in range(1, 31)]

#: A process that opens the store, signs in and imports a file, saying after each committed
#: batch ``committed <rows done> <added so far>`` (flushed: that is its acknowledgement), and
#: at the end ``done <added> <unchanged> <rejected>``. With a sixth argument ``wait`` it says
#: ``ready`` once signed in and waits for a line on its input before importing (so that
#: several start importing at the same moment).
WORKER = """
import sys
from atlas import store as st

db, path, name, password, batch = sys.argv[1:6]
store = st.open_store(db)
try:
    user = st.sign_in(store, name, password)
    if sys.argv[6:] == ["wait"]:
        print("ready", flush=True)
        sys.stdin.readline()

    def progress(done, added):
        print(f"committed {done} {added}", flush=True)

    result = st.import_reports(store, user, path, progress=progress, batch=int(batch))
    print(f"done {result.added} {result.unchanged} {len(result.rejected)}", flush=True)
finally:
    store.close()
"""


def write_rows(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    """A reports CSV with the standard columns (missing values empty)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def generated_rows(count: int, prefix: str) -> list[dict[str, str]]:
    """``count`` good rows: external ids ``<prefix>-00001`` …, water problems of the registered
    settlements in turn, observed in 2025."""
    problems = PROBLEMS["water"]
    return [
        {
            "external_id": f"{prefix}-{n:05d}",
            "settlement_id": SETTLEMENTS[n % len(SETTLEMENTS)],
            "category": "water",
            "problem": problems[n % len(problems)],
            "observed_at": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}",
            "channel": "paper",
            "note": f"row {n}",
        }
        for n in range(1, count + 1)
    ]


def start_worker(
    db: str, path: Path, name: str, password: str, batch: int, *, wait: bool = False
) -> subprocess.Popen[str]:
    """Start :data:`WORKER` importing ``path`` into ``db`` as ``name`` (``wait``: once ready,
    for a line on its input)."""
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, db, str(path), name, password, str(batch)]
        + (["wait"] if wait else []),
        stdin=subprocess.PIPE if wait else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass(frozen=True)
class WorkerOutput:
    """What a worker said: the last acknowledgement (rows done, added) and its final line."""

    returncode: int
    acknowledged_added: int
    done: tuple[int, int, int] | None
    stderr: str


def parse_output(returncode: int, stdout: str, stderr: str) -> WorkerOutput:
    added, done = 0, None
    for line in stdout.splitlines():
        words = line.split()
        if words[:1] == ["committed"]:
            added = int(words[2])
        elif words[:1] == ["done"]:
            done = (int(words[1]), int(words[2]), int(words[3]))
    return WorkerOutput(returncode, added, done, stderr)
