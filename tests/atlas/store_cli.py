"""What the store commands' tests share (``atlas deliveries``, ``atlas submissions``): the
people of the test store, running ``atlas`` as one of them, and a made store copied fresh for
each test."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from atlas import store as st
from atlas.cli import main
from atlas.store import accounts

__all__ = ["EAST", "NORTH", "PEOPLE", "copied_store", "made_store", "quick_password_hashes", "run"]

NORTH, EAST = "Northern Ridge Cluster", "Ilanga East Cluster"
#: name -> (role, cluster, password)
PEOPLE = {
    "thandi": ("admin", None, "admin-password"),
    "nomsa": ("coordinator", None, "coordinator-pw"),
    "sipho": ("member", NORTH, "member-north-pw"),
    "ayanda": ("member", EAST, "member-east-pw"),
    "lebo": ("viewer", None, "viewer-password"),
}


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, who: str = ""
) -> tuple[int, str, str]:
    """Run ``atlas argv`` (as ``who``, with their password); exit status, stdout, stderr."""
    if who:
        argv = (*argv, "--as", who)
        monkeypatch.setenv("ATLAS_PASSWORD", PEOPLE[who][2])
    else:
        monkeypatch.delenv("ATLAS_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """argon2id at its lowest cost while a module's tests add users and sign in (each command
    signs in); the atlas's own parameters are checked in tests/store/test_accounts.py."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )
        yield


def made_store(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A store with the sample registered (``atlas db init``) and a user of each role."""
    db = tmp_path_factory.mktemp(name) / "atlas.sqlite"
    assert main(["db", "init", "--db", str(db), "--quiet"]) == 0
    store = st.open_store(db)
    try:
        admin = st.add_user(store, None, "thandi", "admin", PEOPLE["thandi"][2])
        for person, (role, cluster, password) in list(PEOPLE.items())[1:]:
            st.add_user(store, admin, person, role, password, cluster)
    finally:
        store.close()
    return db


def copied_store(made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the made store for one test (``ATLAS_DB`` names it too)."""
    copy = tmp_path / "atlas.sqlite"
    with sqlite3.connect(made) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    monkeypatch.setenv("ATLAS_DB", str(copy))
    return copy
