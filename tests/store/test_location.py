"""Where the store is: a path (SQLite) or a URL (PostgreSQL), ``ATLAS_DB``, the default
file; an SQLite file on a network share is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import store as st
from atlas.errors import StoreError
from atlas.store import location
from atlas.store.location import filesystem_of, refuse_network_share, store_url


def test_a_plain_path_is_an_sqlite_file(tmp_path: Path) -> None:
    url = store_url(tmp_path / "atlas.sqlite", environ={})
    assert url.drivername == "sqlite"
    assert url.database == str(tmp_path / "atlas.sqlite")
    assert store_url("/srv/atlas/atlas.sqlite", environ={}).render_as_string() == (
        "sqlite:////srv/atlas/atlas.sqlite"
    )


def test_a_relative_path_is_resolved_against_the_working_folder(tmp_path: Path) -> None:
    url = store_url("records/atlas.sqlite", environ={}, cwd=tmp_path)
    assert url.database == str(tmp_path / "records" / "atlas.sqlite")
    assert store_url("atlas.sqlite", cwd="/data").render_as_string() == (
        "sqlite:////data/atlas.sqlite"
    )


def test_a_path_from_home_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert store_url("~/atlas.sqlite", environ={}).database == str(tmp_path / "atlas.sqlite")


def test_atlas_db_is_used_when_no_store_is_given(tmp_path: Path) -> None:
    environ = {st.DB_ENV: str(tmp_path / "from-env.sqlite")}
    assert st.DB_ENV == "ATLAS_DB"
    assert store_url(None, environ=environ).database == str(tmp_path / "from-env.sqlite")
    # --db wins over the environment
    given = store_url(tmp_path / "given.sqlite", environ=environ)
    assert given.database == str(tmp_path / "given.sqlite")
    pg = store_url(None, environ={st.DB_ENV: "postgresql://atlas@db.example/atlas"})
    assert (pg.drivername, pg.host, pg.database) == ("postgresql+psycopg", "db.example", "atlas")


def test_without_anything_the_store_is_the_users_default_file() -> None:
    url = store_url(None, environ={})
    assert url.drivername == "sqlite"
    assert url.database == str(st.default_path())
    assert st.default_path().parts[-2:] == ("settlement-atlas", "atlas.sqlite")
    assert store_url(None, environ={st.DB_ENV: ""}).database == str(st.default_path())


@pytest.mark.parametrize(
    "given",
    [
        "postgres://atlas:pw@db.example:5433/atlas",
        "postgresql://atlas:pw@db.example:5433/atlas",
        "postgresql+psycopg2://atlas:pw@db.example:5433/atlas",
    ],
)
def test_postgresql_urls_use_psycopg_3(given: str) -> None:
    url = store_url(given, environ={})
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "atlas",
        "pw",
        "db.example",
        5433,
        "atlas",
    )


def test_an_sqlite_url_is_kept() -> None:
    assert store_url("sqlite:////x/y.sqlite", environ={}).render_as_string() == (
        "sqlite:////x/y.sqlite"
    )


@pytest.mark.parametrize("scheme", ["mysql", "http", "oracle"])
def test_other_databases_are_refused(scheme: str) -> None:
    with pytest.raises(StoreError, match=f"cannot be kept in '{scheme}'"):
        store_url(f"{scheme}://atlas@db.example/atlas", environ={})


@pytest.mark.parametrize(
    "given", ["://atlas", "not a url://x", "postgresql://atlas:s3cret@db:port/atlas"]
)
def test_an_unreadable_address_is_refused_without_its_password(given: str) -> None:
    with pytest.raises(StoreError, match="Cannot read the store address") as caught:
        store_url(given, environ={})
    assert "s3cret" not in str(caught.value)


MOUNTS = "\n".join(
    [
        "/dev/sda1 / ext4 rw,relatime 0 0",
        "server:/export /mnt nfs4 rw,vers=4.2 0 0",
        "/dev/sdb1 /mnt/local ext4 rw 0 0",
        "//nas/share /mnt/my\\040share cifs rw 0 0",
        "sshfs#me@host: /home/me/remote fuse.sshfs rw 0 0",
        "short line",
    ]
)


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/var/lib/atlas/atlas.sqlite", "ext4"),
        ("/mnt/atlas.sqlite", "nfs4"),
        ("/mnt/projects/atlas.sqlite", "nfs4"),
        ("/mnt/local/atlas.sqlite", "ext4"),  # the longest mount point wins
        ("/mnt/localised/atlas.sqlite", "nfs4"),  # /mnt/local is not a prefix of it
        ("/mnt/my share/atlas.sqlite", "cifs"),  # \040 is a space in the mount table
        ("/home/me/remote/atlas.sqlite", "fuse.sshfs"),
    ],
)
def test_filesystem_of_reads_the_mount_table(path: str, kind: str) -> None:
    assert filesystem_of(path, MOUNTS) == kind


def test_filesystem_of_an_empty_mount_table_is_unknown() -> None:
    assert filesystem_of("/x/atlas.sqlite", "") is None


@pytest.mark.parametrize("path", ["//server/share/x.sqlite", "\\\\server\\share\\x.sqlite"])
def test_a_windows_share_is_refused(path: str) -> None:
    with pytest.raises(StoreError, match=r"on a network share \(a Windows share\)"):
        refuse_network_share(path)


def test_a_network_file_system_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(location, "filesystem_of", lambda _path, _mounts=None: "nfs4")
    with pytest.raises(StoreError, match=r"/mnt/x/atlas.sqlite is on a network share \(nfs4\)"):
        refuse_network_share("/mnt/x/atlas.sqlite")


def test_a_local_disk_is_accepted(tmp_path: Path) -> None:
    refuse_network_share(tmp_path / "atlas.sqlite")  # tmp is on a local file system here


def test_open_store_refuses_a_share_before_creating_anything() -> None:
    with pytest.raises(StoreError, match="network share"):
        st.open_store("//server/share/atlas.sqlite")
    assert not Path("//server").exists()


def test_open_store_creates_the_folder_of_a_new_file(tmp_path: Path) -> None:
    opened = st.open_store(tmp_path / "new" / "folder" / "atlas.sqlite")
    opened.close()
    assert (tmp_path / "new" / "folder" / "atlas.sqlite").is_file()
