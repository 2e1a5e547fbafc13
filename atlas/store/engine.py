"""The store's database connection, its schema migrations, and a consistent backup.

SQLite (the embedded default) runs in WAL mode with synchronous writes (``synchronous=FULL``:
a transaction acknowledged is on disk, whatever kills the process next) and a busy timeout;
every write transaction begins ``IMMEDIATE``, so two writers queue for the lock instead of
failing half-way (a deferred transaction that later wants to write cannot wait for it).
PostgreSQL serialises migrations with an advisory lock. Both get the schema from Alembic.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from atlas.errors import StoreError
from atlas.i18n import _
from atlas.problems import Problem
from atlas.store import schema
from atlas.store.location import refuse_network_share
from atlas.writing import make_parents

__all__ = [
    "BUSY_TIMEOUT_S",
    "backup",
    "connect",
    "head_revision",
    "migrate",
    "revision_of",
    "serialise_report_writers",
    "serialise_user_writers",
    "writing",
]

#: How long a writer waits for another's lock before giving up (seconds).
BUSY_TIMEOUT_S = 60
_WRITE = "atlas_write"
_MIGRATE_LOCK = 7_340_113  # PostgreSQL advisory lock key of schema migrations
_REPORTS_LOCK = 7_340_114  # PostgreSQL advisory lock key of writers of new reports
_USERS_LOCK = 7_340_115  # PostgreSQL advisory lock key of writers of new users

#: PostgreSQL's lock held until the transaction ends, by a number (``:k``).
_ADVISORY_LOCK = "SELECT pg_advisory_xact_lock(:k)"  # i18n-ignore: SQL


def connect(url: URL) -> Engine:
    """An engine on the store at ``url`` (the SQLite file's folder is created when missing).

    Raises
    ------
    StoreError
        An SQLite file on a network share, or a folder that cannot be created.
    """
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL mode. Switching needs the file to itself and SQLite's busy
    timeout does not wait for it, so when several processes open a new store at once the
    others retry until the first has switched it (a file already in WAL mode answers at once).
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")  # i18n-ignore: SQL
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:"):
        raise StoreError(
            _("The store must be a file (an in-memory SQLite store would forget everything).")
        )
    path = Path(database)
    refuse_network_share(path.parent if not path.exists() else path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            Problem(
                "error",
                _(
                    "Cannot create the folder of the store {path}: {reason}.",
                    path=path,
                    reason=exc.strerror,
                ),
                _("Pass another path to open_store (or set ATLAS_DB)."),
                code="store.folder",
            )
        ) from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi: sqlite3.Connection, _record: Any) -> None:
        dbapi.isolation_level = None  # the atlas begins its own transactions (below)
        cursor = dbapi.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")  # i18n-ignore: SQL
        _wal(cursor)
        cursor.execute("PRAGMA synchronous = FULL")  # i18n-ignore: SQL
        cursor.execute("PRAGMA foreign_keys = ON")  # i18n-ignore: SQL
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")  # i18n-ignore: SQL

    return engine


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back on an error."""
    with engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
        yield conn


def serialise_report_writers(conn: Connection) -> None:
    """Make the transactions that add reports take turns, so that two of them never both find
    an external id free and both insert it. SQLite's write transactions already do (they
    begin IMMEDIATE); PostgreSQL's read committed ones take an advisory lock, held until the
    transaction ends."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(_ADVISORY_LOCK), {"k": _REPORTS_LOCK})


def serialise_user_writers(conn: Connection) -> None:
    """Make the transactions that add users take turns (as :func:`serialise_report_writers`),
    so that two never both find a name free, or the store empty for a first admin."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(_ADVISORY_LOCK), {"k": _USERS_LOCK})


def _alembic(conn: Connection) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(resources.files("atlas.store") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of the atlas knows."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(resources.files("atlas.store") / "migrations"))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def revision_of(engine: Engine) -> str | None:
    """The schema revision of the store (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> str:
    """Bring the store's schema to the newest revision (nothing to do when it is); returns it.

    Safe when several processes start at once: the migration runs in one write transaction
    (SQLite) or under an advisory lock (PostgreSQL).

    Raises
    ------
    StoreError
        The store cannot be reached, or was made by a newer atlas.
    """
    head = head_revision()
    try:
        with writing(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(_ADVISORY_LOCK), {"k": _MIGRATE_LOCK})
            current = MigrationContext.configure(conn).get_current_revision()
            if current == head:
                return head
            known = {
                s.revision for s in ScriptDirectory.from_config(_alembic(conn)).walk_revisions()
            }
            if current is not None and current not in known:
                raise StoreError(
                    _(
                        "The store was made by a newer version of the atlas (schema {schema}): "
                        "upgrade the atlas to open it.",
                        schema=current,
                    )
                )
            command.upgrade(_alembic(conn), "head")
    except (OperationalError, DBAPIError) as exc:
        raise unreachable(engine, exc) from None
    return head


def unreachable(engine: Engine, exc: BaseException) -> StoreError:
    """The error for a store that cannot be opened or written (no password, no host, a file
    that is not a database…), naming the store without its password."""
    where = engine.url.render_as_string(hide_password=True)
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return StoreError(
        Problem(
            "error",
            _("Cannot open the store {store}: {reason}.", store=where, reason=reason),
            _(
                "Check the address and that the database server is running, or pass another "
                "store to open_store."
            ),
            code="store.unreachable",
        )
    )


def backup(engine: Engine, output: str | Path) -> int:
    """Write a consistent copy of the store to ``output``, a new SQLite file; returns the
    number of reports copied.

    SQLite is copied with ``VACUUM INTO`` (a snapshot, while others go on writing); PostgreSQL
    is copied table by table in one repeatable-read transaction into an SQLite store of the same
    schema, which ``--db`` opens like any other.

    Raises
    ------
    StoreError
        ``output`` already exists (a backup never overwrites one), or cannot be written.
    """
    target = Path(output).expanduser().resolve()
    if target.exists():
        raise StoreError(
            _(
                "{file} already exists: a backup never overwrites a file. Give a new name, "
                "e.g. one with today's date.",
                file=target,
            )
        )
    make_parents(target)  # as every command's --output: its folders are made
    try:
        if engine.dialect.name == "sqlite":
            # On the driver's own connection: SQLAlchemy would begin a transaction first, and
            # VACUUM cannot run inside one.
            raw = engine.raw_connection()
            try:
                driver = raw.driver_connection
                assert driver is not None
                driver.execute("VACUUM INTO ?", (str(target),))  # i18n-ignore: SQL
            finally:
                raw.close()
        else:
            _copy_into_sqlite(engine, target)
    except (OperationalError, DBAPIError) as exc:
        target.unlink(missing_ok=True)
        raise StoreError(
            _(
                "Cannot write the backup {file}: {reason}.",
                file=target,
                reason=getattr(exc, "orig", exc),
            )
        ) from None
    copy = connect(URL.create("sqlite", database=str(target)))
    try:
        with copy.connect() as conn:
            count = select(func.count()).select_from(schema.reports)
            return int(conn.execute(count).scalar_one())
    finally:
        copy.dispose()


def _copy_into_sqlite(engine: Engine, target: Path) -> None:
    copy = connect(URL.create("sqlite", database=str(target)))
    try:
        migrate(copy)
        with (
            engine.connect().execution_options(
                isolation_level="REPEATABLE READ"  # i18n-ignore: SQL
            ) as source,
            source.begin(),
            writing(copy) as sink,
        ):
            for table in schema.metadata.sorted_tables:
                rows = [dict(r._mapping) for r in source.execute(select(table))]
                if rows:
                    sink.execute(table.insert(), rows)
    finally:
        copy.dispose()
