"""Fixtures of the store's tests: a throwaway PostgreSQL server, a fresh store on each backend,
the sample's settlements register, and a user of each role.

Every test that takes ``store`` or ``registered`` (or a fixture built on them) runs twice, on
SQLite and on PostgreSQL, with the same assertions. PostgreSQL is a server of its own, started
once per session from Debian's ``postgresql`` package (initdb and pg_ctl, run as the
``postgres`` user when the tests run as root) in a temporary folder, on a free localhost port,
with trust authentication. ``store`` is a new database of that server (CREATE DATABASE, dropped
afterwards); ``registered`` a working database put back for each test as the registered
template is (see :class:`RegisterTemplates`). Without those programs the PostgreSQL half of
the tests skips and says how to enable it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

import atlas
from atlas import store as st
from atlas.measure import GapResult
from atlas.store import accounts, schema
from benchmarks.offline_browser import free_port

#: The backends every store test runs on.
BACKENDS = ["sqlite", "postgresql"]
#: The password of every test user.
PASSWORD = "correct horse battery"
#: The sample's clusters the test members belong to (data/sample/settlements.geojson).
CLUSTER = "Northern Ridge Cluster"  # SET-001 … SET-010
OTHER_CLUSTER = "Ilanga East Cluster"  # SET-011 … SET-020
THIRD_CLUSTER = "Kgotso South Cluster"  # SET-021 … SET-029; SET-030 is in no cluster

SKIP_POSTGRESQL = (
    "PostgreSQL tests skipped: no initdb/pg_ctl found (under /usr/lib/postgresql/*/bin or on "
    "PATH). To enable them, install Debian's postgresql package: apt-get install postgresql; "
    "make test does it when root."
)


# --------------------------------------------------------------------------- password hashing


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hashes() -> Iterator[PasswordHasher]:
    """Hash the test users' passwords with argon2id at its lowest cost (~1 ms, not ~250 ms):
    the tests add hundreds of users. The atlas's own parameters are checked in
    ``test_accounts`` (this yields the hasher the atlas really uses)."""
    real = accounts._HASHER
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )
        yield real


# --------------------------------------------------------------------------- PostgreSQL server


def postgresql_bin() -> Path | None:
    """The folder of initdb and pg_ctl: the newest /usr/lib/postgresql/*/bin, else PATH."""

    def version(folder: str) -> tuple[int, ...]:
        number = Path(folder).parent.name
        return tuple(int(p) for p in number.split(".") if p.isdigit()) or (0,)

    folders = [str(p) for p in Path("/usr/lib/postgresql").glob("*/bin")]
    for folder in sorted(folders, key=version, reverse=True):
        if all(os.access(Path(folder, p), os.X_OK) for p in ("initdb", "pg_ctl")):
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb).resolve().parent
    return None


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server: ``url(database)`` addresses one of its databases."""

    port: int

    def url(self, database: str) -> str:
        return f"postgresql://atlas@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        """A connection to the ``postgres`` database for CREATE and DROP DATABASE."""
        return psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=10)

    def new_database(self) -> str:
        name = f"t_{secrets.token_hex(6)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this session (skips the test when there is none to start)."""
    folder = postgresql_bin()
    if folder is None:
        pytest.skip(SKIP_POSTGRESQL)
    base = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb and pg_ctl refuse to run as root
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = base / "data", base / "server.log"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, timeout=120, check=False
        )

    initdb = run(
        str(folder / "initdb"),
        "-D",
        str(data),
        "-A",
        "trust",
        "-U",
        "atlas",
        "-E",
        "UTF8",
        "--no-locale",
        "--no-sync",
    )
    if initdb.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"initdb failed: {initdb.stderr or initdb.stdout}")
    started, port = None, 0
    for _attempt in range(3):  # another program may take the free port first
        port = free_port()
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        started = run(
            str(folder / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"
        )
        if started.returncode == 0:
            break
    if started is None or started.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed: {started and started.stderr}\n{text[-2000:]}")
    server = PostgresServer(port)
    try:
        yield server
    finally:
        run(str(folder / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- stores


@contextlib.contextmanager
def opened_store(backend: str, folder: Path, request: pytest.FixtureRequest) -> Iterator[st.Store]:
    """A new, empty store on ``backend``: a file in ``folder``, or a new PostgreSQL database
    (dropped afterwards, once the store's connections are closed)."""
    if backend == "sqlite":
        store = st.open_store(folder / "atlas.sqlite")
        try:
            yield store
        finally:
            store.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.new_database()
    try:
        store = st.open_store(server.url(name))
        try:
            yield store
        finally:
            store.close()
    finally:
        server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[st.Store]:
    """A fresh, empty, opened store, on each backend in turn."""
    with opened_store(request.param, tmp_path, request) as opened:
        yield opened


@pytest.fixture(scope="session")
def gaps() -> GapResult:
    """The sample measured with the Cape Town standard: 30 settlements (SET-001 … SET-030, in
    three clusters and one in none) and 800 service points (SRV-0001 … SRV-0800)."""
    return atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))


#: The store's tables in the order their rows may be inserted, and the migrations' own.
_TABLES = [t.name for t in schema.metadata.sorted_tables]
_RESTORED = [*_TABLES, "alembic_version"]


class RegisterTemplates:
    """A registered store of each backend, made once (:func:`atlas.store.sync_register` of the
    sample, on a store migrated from empty) and copied for each test that needs one, much
    quicker than registering 800 service points again for every test:

    * SQLite: the file is copied;
    * PostgreSQL: a database is created from it as a template (:meth:`copy`, for a module or a
      test that starts processes), or, for each test (:meth:`restored`), one working database
      is put back as the template was: every table emptied (TRUNCATE, which the append-only
      triggers do not see) and refilled from a pristine copy kept in that database. CREATE
      DATABASE costs the server about a third of a second; this, a few milliseconds.
    """

    def __init__(self, gaps: GapResult, folder: Path) -> None:
        self.gaps, self.folder = gaps, folder
        self._sqlite: Path | None = None
        self._postgresql: str | None = None
        self._working: str | None = None

    def _register(self, db: str | Path) -> None:
        made = st.open_store(db)
        try:
            counts = st.sync_register(made, self.gaps)
            assert (counts.settlements_added, counts.services_added) == (30, 800)
        finally:
            made.close()

    def sqlite(self) -> Path:
        if self._sqlite is None:
            path = self.folder / "registered.sqlite"
            self._register(path)
            leftovers = [p.name for p in self.folder.iterdir() if p.name != path.name]
            assert not leftovers, leftovers  # closed: no -wal or -shm file to copy too
            self._sqlite = path
        return self._sqlite

    def postgresql(self, server: PostgresServer) -> str:
        if self._postgresql is None:
            name = server.new_database()
            self._register(server.url(name))
            self._postgresql = name
        return self._postgresql

    def _copy_sqlite(self, folder: Path) -> Path:
        path = folder / "atlas.sqlite"
        shutil.copyfile(self.sqlite(), path)
        return path

    @contextlib.contextmanager
    def copy(
        self, backend: str, folder: Path, request: pytest.FixtureRequest
    ) -> Iterator[st.Store]:
        """A registered store in a file or database of its own."""
        if backend == "sqlite":
            with _opened(self._copy_sqlite(folder)) as store:
                yield store
            return
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name = f"t_{secrets.token_hex(6)}"
        with server.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.postgresql(server)}"')
        try:
            with _opened(server.url(name)) as store:
                yield store
        finally:
            server.drop_database(name)

    @contextlib.contextmanager
    def restored(
        self, backend: str, folder: Path, request: pytest.FixtureRequest
    ) -> Iterator[st.Store]:
        """A registered store as the template is, for one test (see the class)."""
        if backend == "sqlite":
            with _opened(self._copy_sqlite(folder)) as store:
                yield store
            return
        server: PostgresServer = request.getfixturevalue("postgres_server")
        if self._working is None:
            name = f"work_{secrets.token_hex(4)}"
            with server.admin() as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.postgresql(server)}"')
            with psycopg.connect(server.url(name)) as conn:
                conn.execute("CREATE SCHEMA pristine")
                for table in _RESTORED:
                    conn.execute(f"CREATE TABLE pristine.{table} AS TABLE public.{table}")
            self._working = name
        with psycopg.connect(server.url(self._working)) as conn:
            conn.execute("SET lock_timeout = '20s'")
            conn.execute(f"TRUNCATE {', '.join(_RESTORED)} RESTART IDENTITY")
            for table in _RESTORED:
                conn.execute(f"INSERT INTO public.{table} SELECT * FROM pristine.{table}")
            for table in ("audit", "report_history"):
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        with _opened(server.url(self._working)) as store:
            yield store


@contextlib.contextmanager
def _opened(db: str | Path) -> Iterator[st.Store]:
    store = st.open_store(db)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def register_templates(
    gaps: GapResult, tmp_path_factory: pytest.TempPathFactory
) -> RegisterTemplates:
    return RegisterTemplates(gaps, tmp_path_factory.mktemp("register"))


@pytest.fixture(params=BACKENDS)
def registered(
    request: pytest.FixtureRequest, tmp_path: Path, register_templates: RegisterTemplates
) -> Iterator[st.Store]:
    """A store with the sample's 30 settlements and 800 service points registered (with
    :func:`atlas.store.sync_register`) and nothing else, no user yet: as new for each test, on
    each backend in turn."""
    with register_templates.restored(request.param, tmp_path, request) as opened:
        yield opened


@dataclass(frozen=True)
class Team:
    """A user of each role, as :func:`atlas.store.add_user` returned them."""

    admin: st.User
    coordinator: st.User
    member: st.User  # of CLUSTER
    other_member: st.User  # of OTHER_CLUSTER
    viewer: st.User

    def by_key(self, key: str) -> st.User:
        return {
            "admin": self.admin,
            "coordinator": self.coordinator,
            "member": self.member,
            "other_member": self.other_member,
            "viewer": self.viewer,
        }[key]


def make_team(store: st.Store) -> Team:
    """Add the users of :class:`Team`: the admin first (no actor), then the others by them."""
    admin = st.add_user(store, None, "admin", "admin", PASSWORD)
    return Team(
        admin=admin,
        coordinator=st.add_user(store, admin, "cora", "coordinator", PASSWORD),
        member=st.add_user(store, admin, "mandla", "member", PASSWORD, CLUSTER),
        other_member=st.add_user(store, admin, "olwethu", "member", PASSWORD, OTHER_CLUSTER),
        viewer=st.add_user(store, admin, "vusi", "viewer", PASSWORD),
    )


@pytest.fixture
def team(registered: st.Store) -> Team:
    """A user of each role in the registered store."""
    return make_team(registered)


def scalar(store: st.Store, sql: str, **params: object) -> object:
    """One value read with raw SQL (what is in the database, whatever the library says)."""
    with store.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()
