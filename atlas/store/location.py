"""Where the store is: ``--db URL``, ``ATLAS_DB``, or a file in the user's data directory.

A plain path means SQLite; ``postgresql://…`` a PostgreSQL server (through psycopg 3). An SQLite
file on a network share (NFS, SMB/CIFS, SSHFS…) is refused: its locks are not reliable there,
and two laptops writing one file over a share corrupt it.

Examples
--------
>>> store_url("atlas.sqlite", cwd="/data").render_as_string()
'sqlite:////data/atlas.sqlite'
>>> store_url("postgresql://atlas:pw@db.example/atlas").drivername
'postgresql+psycopg'
>>> filesystem_of("/mnt/share/atlas.sqlite", "srv:/x /mnt/share nfs4 rw 0 0\\n/dev/sda1 / ext4 rw 0 0")
'nfs4'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from atlas.errors import StoreError
from atlas.i18n import _

__all__ = ["DB_ENV", "NETWORK_FILESYSTEMS", "default_path", "filesystem_of", "store_url"]

#: The environment variable that names the store when ``--db`` is not given.
DB_ENV = "ATLAS_DB"

#: File systems an SQLite file must not live on (their locking is unreliable).
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "afs",
        "9p",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "webdav",
    }
)


def default_path() -> Path:
    """The embedded store of this user: ``atlas.sqlite`` in their data directory."""
    return platformdirs.user_data_path("settlement-atlas", appauthor=False) / "atlas.sqlite"


def store_url(
    db: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> URL:
    """The store's SQLAlchemy URL: ``db``, else ``ATLAS_DB``, else :func:`default_path`.

    Raises
    ------
    StoreError
        The value is neither a path nor a database URL the atlas can use.
    """
    environ = os.environ if environ is None else environ
    value = os.fspath(db) if db is not None else environ.get(DB_ENV) or None
    if value is None:
        return URL.create("sqlite", database=str(default_path()))
    if "://" not in value:
        path = Path(value).expanduser()
        if not path.is_absolute():
            path = Path(cwd or Path.cwd()) / path
        return URL.create("sqlite", database=str(path))
    try:
        url = make_url(value)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise StoreError(
            _(
                "Cannot read the store address '{address}': give a file path (an SQLite store) "
                "or a URL such as postgresql://USER@HOST/DATABASE.",
                address=_hide_password(value),
            )
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgres", "postgresql"):
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise StoreError(
        _(
            "The store cannot be kept in '{backend}': use an SQLite file (a path) or PostgreSQL "
            "(postgresql://USER@HOST/DATABASE).",
            backend=backend,
        )
    )


def _hide_password(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return text
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def filesystem_of(path: str | os.PathLike[str], mounts: str | None = None) -> str | None:
    """The file system type ``path`` is on, from ``/proc/mounts`` (None where it cannot tell).

    ``mounts`` is the text of the mount table (read from ``/proc/mounts`` when not given).
    """
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = str(Path(path).resolve())
    best, kind = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def refuse_network_share(path: str | os.PathLike[str]) -> None:
    """Raise when an SQLite file would live on a network share.

    Raises
    ------
    StoreError
        ``path`` is a Windows share (``\\\\server\\share``) or on a network file system.
    """
    text = os.fspath(path)
    if text.startswith(("\\\\", "//")):
        kind: str | None = _("a Windows share")
    else:
        found = filesystem_of(text)
        kind = found if found in NETWORK_FILESYSTEMS else None
    if kind:
        raise StoreError(
            # TRANSLATORS: {kind} is "a Windows share" or a file system's name (nfs, cifs).
            _(
                "The store {path} is on a network share ({kind}), where SQLite's locks are not "
                "reliable and a file written from two computers is corrupted. Keep the store on "
                "this computer's own disk, or use a PostgreSQL server for a shared atlas.",
                path=text,
                kind=kind,
            )
        )
