"""A backup is a new SQLite file with everything in the store (SQLite: VACUUM INTO;
PostgreSQL: copied table by table), which opens like any store; it never overwrites a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from atlas import store as st
from atlas.errors import StoreError
from atlas.store import schema
from tests.store.conftest import PASSWORD, Team, scalar


def _table_rows(store: st.Store) -> dict[str, list[tuple[object, ...]]]:
    found = {}
    with store.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            found[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*keys))]
    return found


def test_a_backup_opens_with_the_same_records(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    ids = []
    for n, sid in enumerate(["SET-001", "SET-011", "SET-030"], start=1):
        entry = st.NewReport(sid, "water", "broken", f"2025-10-0{n}", contact=f"phone {n}")
        ids.append(st.add_report(registered, team.coordinator, entry).id)
    st.update_report(registered, team.coordinator, ids[0], "confirmed", note="checked")
    output = tmp_path / "backups" / "atlas-2025-10-31.sqlite"
    output.parent.mkdir()

    assert st.backup(registered.engine, output) == 3

    copy = st.open_store(output)
    try:
        assert (copy.backend, copy.revision) == ("sqlite", "0003")
        assert _table_rows(copy) == _table_rows(registered)
        admin = st.sign_in(copy, "admin", PASSWORD)
        assert st.list_reports(copy, admin) == st.list_reports(registered, team.admin)
        assert st.history(copy, admin, ids[0]) == st.history(registered, team.admin, ids[0])
        assert st.reveal_contact(copy, admin, ids[2]) == "phone 3"
        # the copy keeps its audit log append-only
        with pytest.raises(Exception, match="append-only"), copy.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit"))
    finally:
        copy.close()
    assert scalar(registered, "SELECT count(*) FROM reports") == 3  # the store is untouched


def test_a_backup_never_overwrites_a_file(registered: st.Store, tmp_path: Path) -> None:
    existing = tmp_path / "atlas-backup.sqlite"
    existing.write_text("yesterday's backup")
    with pytest.raises(StoreError, match="already exists: a backup never overwrites a file"):
        st.backup(registered.engine, existing)
    assert existing.read_text() == "yesterday's backup"


def test_a_backup_makes_its_folder(registered: st.Store, tmp_path: Path) -> None:
    # As every command's --output does (atlas.writing.make_parents).
    assert st.backup(registered.engine, tmp_path / "nowhere" / "copy.sqlite") >= 0
    assert (tmp_path / "nowhere" / "copy.sqlite").is_file()


def test_a_backup_of_an_empty_store(store: st.Store, tmp_path: Path) -> None:
    assert st.backup(store.engine, tmp_path / "empty.sqlite") == 0
    copy = st.open_store(tmp_path / "empty.sqlite")
    try:
        assert st.needs_first_admin(copy)
    finally:
        copy.close()
