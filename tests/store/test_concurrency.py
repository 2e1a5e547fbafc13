"""Four processes importing at once (three files, one of them by two processes) lose nothing
and fail on no lock: SQLite's writers queue for the file (BEGIN IMMEDIATE, a busy timeout),
PostgreSQL's take turns on an advisory lock. ``pytest -s`` shows the figures.

And, with threads of this process: four first opens of a new store migrate it once; two
coordinators changing one report at once take turns (one succeeds, the other is told the
report's new state)."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from atlas import store as st
from atlas.errors import StoreError
from tests.store.conftest import (
    BACKENDS,
    PASSWORD,
    PostgresServer,
    RegisterTemplates,
    Team,
    make_team,
    scalar,
)
from tests.store.helpers import generated_rows, parse_output, start_worker, write_rows

ROWS = 400  # per file
BATCH = 50
#: (file, user) of each process: files a and b once, file c twice at the same time.
JOBS = [("a", "cora"), ("b", "admin"), ("c", "cora"), ("c", "admin")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_four_importers_at_once(
    backend: str,
    tmp_path: Path,
    register_templates: RegisterTemplates,
    request: pytest.FixtureRequest,
) -> None:
    with register_templates.copy(backend, tmp_path, request) as store:
        make_team(store)
        if backend == "sqlite":
            db = str(store.url.database)
        else:
            db = store.url.render_as_string(hide_password=False)
        files = {
            name: write_rows(tmp_path / f"{name}.csv", generated_rows(ROWS, name))
            for name in ("a", "b", "c")
        }
        workers = [
            start_worker(db, files[name], user, PASSWORD, BATCH, wait=True) for name, user in JOBS
        ]
        for worker in workers:  # each has opened the store and signed in
            assert worker.stdout is not None
            assert worker.stdout.readline() == "ready\n", worker.communicate(timeout=60)
        started = time.monotonic()
        said = [w.communicate("go\n", timeout=300) for w in workers]
        outputs = [parse_output(w.returncode, *s) for w, s in zip(workers, said, strict=True)]
        seconds = time.monotonic() - started
        assert [o.returncode for o in outputs] == [0, 0, 0, 0], [o.stderr[-3000:] for o in outputs]
        assert not any("locked" in o.stderr or "Error" in o.stderr for o in outputs)
        done = [o.done or (-1, -1, -1) for o in outputs]
        added, unchanged, rejected = ([d[i] for d in done] for i in range(3))
        reports = scalar(store, "SELECT count(*) FROM reports")
        distinct = scalar(store, "SELECT count(DISTINCT external_id) FROM reports")
        history = scalar(store, "SELECT count(*) FROM report_history")
        print(
            f"\nconcurrency ({backend}): 4 processes importing files a, b, c, c of {ROWS} rows "
            f"each in batches of {BATCH}, started together, all exited 0 {seconds:.1f} s later; "
            f"added {added}, "
            f"unchanged {unchanged}, rejected {rejected}; the store holds {reports} reports, "
            f"{distinct} distinct external ids, {history} history rows"
        )
        assert added[:2] == [ROWS, ROWS]
        assert added[2] + added[3] == ROWS  # file c: each row added by one of its two importers
        assert unchanged == [0, 0, ROWS - added[2], ROWS - added[3]]  # and found by the other
        assert rejected == [0, 0, 0, 0]
        assert (reports, distinct, history) == (3 * ROWS, 3 * ROWS, 3 * ROWS)
        if backend == "sqlite":
            with store.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"


def _at_once(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads started together; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:  # kept, to be checked
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _open_and_close(db: str) -> str:
    opened = st.open_store(db)
    opened.close()
    return opened.revision


@pytest.mark.parametrize("backend", BACKENDS)
def test_four_first_opens_at_once_migrate_once(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        db, drop = str(tmp_path / "new" / "atlas.sqlite"), None
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        drop = server.new_database()
        db = server.url(drop)
    try:
        results = _at_once(*[lambda: _open_and_close(db)] * 4)
        assert results == ["0003"] * 4
        opened = st.open_store(db)
        try:
            assert scalar(opened, "SELECT count(*) FROM alembic_version") == 1
            assert st.needs_first_admin(opened)
        finally:
            opened.close()
    finally:
        if drop is not None:
            server.drop_database(drop)


def test_two_coordinators_changing_one_report_take_turns(team: Team, registered: st.Store) -> None:
    for attempt in range(5):
        entry = st.NewReport("SET-001", "water", "broken", f"2025-10-0{attempt + 1}")
        rid = st.add_report(registered, team.member, entry).id
        results = _at_once(
            functools.partial(st.update_report, registered, team.coordinator, rid, "confirmed"),
            functools.partial(st.update_report, registered, team.admin, rid, "confirmed"),
        )
        changed = [r for r in results if isinstance(r, dict)]
        refused = [r for r in results if isinstance(r, StoreError)]
        assert len(changed) == 1 and len(refused) == 1, results
        assert f"Report {rid} is confirmed: it can become" in str(refused[0])
        states = [h["state_to"] for h in st.history(registered, team.admin, rid)]
        assert states == ["reported", "confirmed"]


def test_two_admins_adding_one_name_at_once(team: Team, registered: st.Store) -> None:
    results = _at_once(
        lambda: st.add_user(registered, team.admin, "Zanele", "viewer", PASSWORD),
        lambda: st.add_user(registered, team.admin, "zanele", "coordinator", PASSWORD),
    )
    added = [r for r in results if isinstance(r, st.User)]
    refused = [r for r in results if isinstance(r, StoreError)]
    assert len(added) == 1 and len(refused) == 1, results
    assert f"There is already a user called '{added[0].name}'" in str(refused[0])
    assert scalar(registered, "SELECT count(*) FROM users WHERE name_key = 'zanele'") == 1


def test_two_first_admins_at_once(registered: st.Store) -> None:
    results = _at_once(
        lambda: st.add_user(registered, None, "thandi", "admin", PASSWORD),
        lambda: st.add_user(registered, None, "sipho", "admin", PASSWORD),
    )
    assert sorted(type(r).__name__ for r in results) == ["AccessDenied", "User"], results
    assert scalar(registered, "SELECT count(*) FROM users") == 1
