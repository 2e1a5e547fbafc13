"""The migrated database is exactly the schema of ``atlas/store/schema.py``, on both backends;
migrating again changes nothing; a store made by a newer atlas is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from atlas import store as st
from atlas.errors import StoreError
from atlas.store import schema
from atlas.store.engine import head_revision, migrate, revision_of
from tests.store.conftest import scalar

TABLES = {
    "settlements",
    "services",
    "users",
    "reports",
    "report_history",
    "report_versions",
    "deliveries",
    "contacts",
    "submissions",
    "audit",
}


def test_metadata_names_the_ten_tables() -> None:
    assert set(schema.metadata.tables) == TABLES
    assert set(schema.APPEND_ONLY) == {"audit", "report_history"}


def test_migrated_database_has_exactly_the_metadata(store: st.Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, schema.metadata) == []
    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) == TABLES | {"alembic_version"}
    for table in schema.metadata.sorted_tables:
        reflected = {c["name"]: bool(c["nullable"]) for c in inspector.get_columns(table.name)}
        assert reflected == {c.name: bool(c.nullable) for c in table.columns}, table.name
        keys = inspector.get_pk_constraint(table.name)["constrained_columns"]
        assert keys == [c.name for c in table.primary_key.columns], table.name


def test_append_only_triggers_exist(store: st.Store) -> None:
    if store.backend == "sqlite":
        sql = "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master "
        sql += "WHERE type = 'trigger' ORDER BY name)"
        expected = "audit_no_delete audit_no_update report_history_no_delete "
        expected += "report_history_no_update"
    else:
        sql = "SELECT string_agg(tgname, ' ' ORDER BY tgname) FROM pg_trigger "
        sql += "WHERE NOT tgisinternal"
        expected = "audit_append_only report_history_append_only"
    assert scalar(store, sql) == expected


def test_revision_is_head_and_migrating_again_changes_nothing(store: st.Store) -> None:
    assert head_revision() == "0003"
    assert store.revision == "0003"
    assert revision_of(store.engine) == "0003"
    tables_before = sorted(inspect(store.engine).get_table_names())
    assert migrate(store.engine) == "0003"
    assert migrate(store.engine) == "0003"
    assert scalar(store, "SELECT count(*) FROM alembic_version") == 1
    assert scalar(store, "SELECT version_num FROM alembic_version") == "0003"
    assert sorted(inspect(store.engine).get_table_names()) == tables_before
    again = st.open_store(store.url)
    try:
        assert again.revision == "0003"
    finally:
        again.close()


def test_a_store_of_a_newer_atlas_is_refused(store: st.Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"newer version of the atlas \(schema 9999\)"):
        st.open_store(store.url)
    assert revision_of(store.engine) == "9999"  # refused, not downgraded or changed


def test_sqlite_store_is_wal_with_full_synchronous_writes(tmp_path: Path) -> None:
    opened = st.open_store(tmp_path / "atlas.sqlite")
    try:
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == 60_000
    finally:
        opened.close()
    assert opened.where == str(tmp_path / "atlas.sqlite")
    assert opened.backend == "sqlite"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are not the records you are looking for\n" * 100)
    with pytest.raises(StoreError, match=r"Cannot open the store .*notes\.sqlite: file is not a"):
        st.open_store(path)


def test_an_in_memory_store_is_refused() -> None:
    with pytest.raises(StoreError, match="must be a file"):
        st.open_store("sqlite://")


def test_a_stopped_server_is_refused_without_its_password() -> None:
    with pytest.raises(StoreError) as caught:
        st.open_store("postgresql://atlas:s3cret@127.0.0.1:1/atlas?connect_timeout=2")
    message = str(caught.value)
    assert "postgresql+psycopg://atlas:***@127.0.0.1:1/atlas" in message
    assert "s3cret" not in message


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"Cannot open the store .*: unable to open database file"):
        st.open_store(tmp_path)
