"""The store handle: where it is and its connection, opened once by an entry point.

Examples
--------
>>> import tempfile, pathlib
>>> folder = tempfile.mkdtemp()
>>> store = open_store(pathlib.Path(folder) / "atlas.sqlite")
>>> store.backend, store.revision
('sqlite', '0003')
>>> store.close()
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert
from sqlalchemy.engine import URL

from atlas.store import schema
from atlas.store.engine import connect, migrate
from atlas.store.location import store_url
from atlas.store.times import now

__all__ = ["Store", "audit_row", "open_store"]  # i18n-ignore: names of the API


@dataclass(frozen=True)
class Store:
    """An opened store: its URL (never printed with its password), engine and schema revision."""

    url: URL
    engine: Engine
    revision: str

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    @property
    def where(self) -> str:
        """The store as people read it: the file, or the URL without its password."""
        if self.backend == "sqlite":
            return str(self.url.database)
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close every connection (the file can then be copied or deleted)."""
        self.engine.dispose()


def open_store(db: str | os.PathLike[str] | URL | None = None) -> Store:
    """Open the store ``db`` (a path, a URL, or None for ``ATLAS_DB`` or the default file),
    creating or upgrading its schema.

    Raises
    ------
    StoreError
        It cannot be reached, is on a network share, or was made by a newer atlas.
    """
    url = db if isinstance(db, URL) else store_url(db)
    engine = connect(url)
    try:
        revision = migrate(engine)
    except BaseException:
        engine.dispose()  # no connection left open behind a store that did not open
        raise
    return Store(url, engine, revision)


def audit_row(
    conn: Connection,
    actor: str,
    action: str,
    subject: str | None = None,
    at: datetime | None = None,
    **detail: Any,
) -> None:
    """Append a row to the audit log (in the caller's transaction). ``detail`` must never hold
    a reporter's contact details: only ids, counts, states and names of users."""
    conn.execute(
        insert(schema.audit).values(
            at=at or now(),
            actor=actor,
            action=action,
            subject=subject,
            detail=json.dumps(detail, sort_keys=True, default=str) if detail else None,
        )
    )
