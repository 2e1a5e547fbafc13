"""What an import acknowledges is kept, whatever kills it (SQLite: WAL, synchronous FULL, one
transaction per batch): a process importing 3,000 reports is killed with SIGKILL mid-import,
several times; the store stays whole, keeps every acknowledged row and no row twice, and the
same import run again completes it to exactly 3,000.

``pytest -s`` shows the figures of each run."""

from __future__ import annotations

import shutil
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

from atlas import store as st
from tests.store.conftest import PASSWORD, RegisterTemplates, make_team
from tests.store.helpers import generated_rows, parse_output, start_worker, write_rows

ROWS = 3000
BATCH = 100
#: Kill the importer once the store holds at least this many reports (acknowledged).
KILL_AT = (300, 1700)


def _inspect(path: Path) -> tuple[str, int, int, int]:
    """integrity_check, reports, distinct external ids, history rows, read with sqlite3 itself."""
    with closing(sqlite3.connect(path)) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        reports, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT external_id) FROM reports"
        ).fetchone()
        history = conn.execute("SELECT count(*) FROM report_history").fetchone()[0]
    return integrity, reports, distinct, history


def test_a_killed_import_loses_nothing_acknowledged(
    tmp_path: Path, register_templates: RegisterTemplates
) -> None:
    path = tmp_path / "atlas.sqlite"
    shutil.copyfile(register_templates.sqlite(), path)
    opened = st.open_store(path)
    make_team(opened)
    opened.close()
    source = write_rows(tmp_path / "reports.csv", generated_rows(ROWS, "dur"))

    kept = 0
    for run, target in enumerate(KILL_AT, start=1):
        worker = start_worker(str(path), source, "cora", PASSWORD, BATCH)
        assert worker.stdout is not None
        lines = []
        for line in worker.stdout:
            lines.append(line)
            words = line.split()
            if words[0] == "committed" and kept + int(words[2]) >= target:
                break
        worker.send_signal(signal.SIGKILL)
        rest, errors = worker.communicate(timeout=60)
        said = parse_output(worker.returncode, "".join(lines) + rest, errors)
        assert worker.returncode == -signal.SIGKILL, errors
        assert said.done is None, "killed before it finished"

        integrity, reports, distinct, history = _inspect(path)
        acknowledged = kept + said.acknowledged_added
        print(
            f"\ndurability run {run}: {ROWS} rows in the file, store held {kept} before; "
            f"killed after {said.acknowledged_added} acknowledged ({acknowledged} in all); "
            f"found {reports} reports after the kill ({reports - acknowledged} committed "
            f"but not yet acknowledged); integrity_check={integrity}"
        )
        assert integrity == "ok"
        assert reports >= acknowledged  # nothing acknowledged is lost
        assert reports - acknowledged in (0, BATCH)  # at most the batch being acknowledged
        assert distinct == reports  # no external id twice
        assert history == reports  # each report with its first history row, never without
        assert reports < ROWS
        kept = reports

    # the same import again, to the end (as the command would, here in this process)
    reopened = st.open_store(path)
    try:
        user = st.sign_in(reopened, "cora", PASSWORD)
        result = st.import_reports(reopened, user, source, batch=BATCH)
    finally:
        reopened.close()
    integrity, reports, distinct, history = _inspect(path)
    print(
        f"durability recovery: the same import again added {result.added}, found "
        f"{result.unchanged} unchanged; the store holds {reports} reports, {distinct} distinct "
        f"external ids; integrity_check={integrity}"
    )
    assert (result.added, result.unchanged, result.rejected) == (ROWS - kept, kept, [])
    assert (integrity, reports, distinct, history) == ("ok", ROWS, ROWS, ROWS)
