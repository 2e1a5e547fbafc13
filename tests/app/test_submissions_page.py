"""The Submissions page (issue 15), in AppTest as `atlas serve` runs the app: a coordinator
records a submission and it is listed; one not answered whose due date has passed comes first
with its days overdue; a member records an answer for their own cluster; a viewer sees the list
without the forms; nobody signed in sees nothing of it.

Days are worked out from today: a submission sent 40 days ago is due 30 days after, 10 days
ago, so it is 10 days overdue; one sent today is due in 30 days.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import atlas
from atlas.store import (
    NewSubmission,
    add_submission,
    add_user,
    list_submissions,
    open_store,
    sign_in,
    sync_register,
)
from atlas.store.submissions import today
from pages.state import keys

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PAGE = "pages/submissions.py"
NORTH, EAST = "Northern Ridge Cluster", "Ilanga East Cluster"
USERS = {
    "thandi": ("admin", "admin password", None),
    "nomsa": ("coordinator", "coordinator password", None),
    "sipho": ("member", "member password", NORTH),
    "ayanda": ("viewer", "viewer password", None),
}


class _ServedPages(PagesManager):
    """AppTest's pages as `atlas serve` has them: every rerun runs streamlit_app.py (the
    sidebar, where people sign in, and st.navigation), then the page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def served_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test, "PagesManager", _ServedPages)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[atlas.store.Store]:
    """A store of this test only: the sample's settlements and a user per role."""
    path = tmp_path / "atlas.sqlite"
    monkeypatch.setenv("ATLAS_DB", str(path))
    monkeypatch.delenv("ATLAS_SERVE", raising=False)
    db = open_store(path)
    sync_register(db, atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town")))
    admin = None
    for name, (role, password, cluster) in USERS.items():
        user = add_user(db, admin, name, role, password, cluster)
        admin = admin or user
    yield db
    db.close()


def as_user(store: atlas.store.Store, name: str) -> atlas.store.User:
    return sign_in(store, name, USERS[name][1])


def page(name: str | None = None) -> AppTest:
    """A new browser session on the Submissions page, signed in as ``name``."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if name is not None:
        at.sidebar.text_input(key=keys.SIGN_IN_NAME).input(name)
        at.sidebar.text_input(key=keys.SIGN_IN_PASSWORD).input(USERS[name][1])
        at.sidebar.button(key=keys.SIGN_IN_SUBMIT).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "success", "warning", "error")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


def test_a_coordinator_records_one_and_the_overdue_one_comes_first(
    store: atlas.store.Store,
) -> None:
    old = add_submission(
        store,
        as_user(store, "thandi"),
        NewSubmission(EAST, "Cllr N. Mokoena, Ward 12", today() - timedelta(days=40)),
    )
    at = page("nomsa")
    assert at.dataframe[0].value["Number"].tolist() == [old]
    assert "1 submission**, 1 overdue (first)" in shown(at)

    at.text_input(key=keys.SUBMISSION_RECIPIENT).input("IDP Office, City of Cape Town")
    at.selectbox(key=keys.SUBMISSION_CLUSTER).set_value(NORTH)
    at.text_input(key=keys.SUBMISSION_REFERENCE).input("IDP/2026/114")
    at.button(key=keys.SUBMISSION_ADD).click().run()
    assert not at.exception, at.exception
    due = today() + timedelta(days=30)
    assert f"a response is due by {due}" in at.success[0].value
    # The form is empty again for the next one.
    assert at.text_input(key=keys.SUBMISSION_RECIPIENT).value == ""

    (new,) = [r for r in list_submissions(store, as_user(store, "ayanda")) if r["id"] != old]
    assert (new["cluster"], new["reference"], new["sent"]) == (
        NORTH,
        "IDP/2026/114",
        today().isoformat(),
    )
    table = at.dataframe[0].value
    assert table["Number"].tolist() == [old, new["id"]]  # the overdue one first
    assert table["Days overdue"].tolist() == [10, 0]  # due 10 days ago; due in 30 days
    assert table["Reference"].tolist() == ["", "IDP/2026/114"]
    assert table["Answered"].tolist() == ["", ""]  # never None on the screen
    assert table["Status"].tolist() == ["Sent", "Sent"]
    assert table["Response due"].tolist() == [(today() - timedelta(days=10)).isoformat(), str(due)]
    assert "2 submissions**, 1 overdue (first)" in shown(at)


def test_a_member_records_an_answer_for_their_own_cluster(store: atlas.store.Store) -> None:
    admin = as_user(store, "thandi")
    theirs = add_submission(store, admin, NewSubmission(EAST, "MPAC chair", today()))
    mine = add_submission(store, admin, NewSubmission(NORTH, "IDP Office", today()))
    at = page("sipho")
    # Members record for their own cluster only: it is the one offered.
    assert at.selectbox(key=keys.SUBMISSION_CLUSTER).options == [NORTH]
    assert at.selectbox(key=keys.SUBMISSION_CHOSEN).options == [
        f"IDP Office, sent {today()} (sent)"
    ]
    assert len(at.dataframe[0].value) == 2  # but sees every cluster's

    at.radio(key=keys.SUBMISSION_STATUS).set_value("answered")
    at.text_area(key=keys.SUBMISSION_RESPONSE).input("A budget line for standpipes.")
    at.button(key=keys.SUBMISSION_ANSWER).click().run()
    assert not at.exception, at.exception
    assert f"Submission {mine} to IDP Office is now answered." in at.success[0].value
    records = {r["id"]: r for r in list_submissions(store, admin)}
    assert records[mine]["status"] == "answered"
    assert records[mine]["answered"] == today().isoformat()
    assert records[mine]["response"] == "A budget line for standpipes."
    assert records[theirs]["status"] == "sent"
    assert at.text_area(key=keys.SUBMISSION_RESPONSE).value == ""


def test_a_wrong_entry_says_what_to_fix(store: atlas.store.Store) -> None:
    at = page("nomsa")
    assert "No submission is recorded yet." in shown(at)
    at.button(key=keys.SUBMISSION_ADD).click().run()  # no recipient
    assert "Say who the submission was sent to" in at.error[0].value
    at.text_input(key=keys.SUBMISSION_RECIPIENT).input("IDP Office")
    at.date_input(key=keys.SUBMISSION_DUE).set_value(today() - timedelta(days=1))
    at.button(key=keys.SUBMISSION_ADD).click().run()
    assert "is before the submission was sent" in at.error[0].value
    assert list_submissions(store, as_user(store, "nomsa")) == []


def test_a_viewer_sees_the_list_without_the_forms_and_nobody_signed_in_sees_none(
    store: atlas.store.Store,
) -> None:
    add_submission(store, as_user(store, "nomsa"), NewSubmission(NORTH, "IDP Office", today()))
    at = page("ayanda")
    assert at.dataframe[0].value["Sent to"].tolist() == ["IDP Office"]
    shown = {w.key for kind in ("button", "text_input", "selectbox") for w in at.get(kind)}
    assert keys.SUBMISSION_ADD not in shown and keys.SUBMISSION_ANSWER not in shown

    at = page()
    assert "needs you to sign in" in at.info[0].value
    assert not at.get("dataframe")
