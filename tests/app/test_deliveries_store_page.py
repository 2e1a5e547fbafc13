"""The Water deliveries page with the cluster's store (issue 14), in AppTest as `atlas serve`
runs the app: a member records a delivery they saw arrive and the comparison counts it; a
viewer compares the recorded deliveries without the form; nobody signed in, and no other
browser session, ever sees them.

Worked out by hand from data/sample: Thabong View (SET-003) is scheduled on Tuesdays and
Fridays 09:00-11:00 (15 000 l), 26 times from 2026-08-01 to 2026-10-30; deliveries.csv has no
SET-003 row on Friday 2026-09-25 (the rows before and after are 09-22 and 09-29), so that
delivery is missed, the only one: 23 on time and in full, 1 late (10-27, 17:35), 1 short
(08-14) and 1 missed. A delivery recorded at 09:40 that Friday makes it 24 and 0 missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import atlas
from atlas.store import (
    NewDelivery,
    add_delivery,
    add_user,
    list_deliveries,
    open_store,
    sign_in,
    sync_register,
)
from pages.state import keys, recorded

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PAGE = "pages/schedules.py"
USERS = {
    "thandi": ("admin", "admin password", None),
    "sipho": ("member", "member password", "Northern Ridge Cluster"),  # SET-001 … SET-010
    "ayanda": ("viewer", "viewer password", None),
}
THABONG = "SET-003"


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


def water_page(name: str | None = None) -> AppTest:
    """A new browser session on the Water deliveries page, signed in as ``name``."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    if name is not None:
        at.sidebar.text_input(key=keys.SIGN_IN_NAME).input(name)
        at.sidebar.text_input(key=keys.SIGN_IN_PASSWORD).input(USERS[name][1])
        at.sidebar.button(key=keys.SIGN_IN_SUBMIT).click().run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def thabong(at: AppTest) -> pd.Series:
    """The Per settlement table's row of Thabong View."""
    table = at.dataframe[0].value.set_index("Id")
    return table.loc[THABONG]


def on_time(at: AppTest) -> int:
    return int(at.dataframe[0].value["On time and in full"].sum())


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def record(at: AppTest, day: date, when: time | None, litres: float | None) -> AppTest:
    """Fill the form for Thabong View and press "Record the delivery"."""
    at.selectbox(key=recorded.DELIVERY_SETTLEMENT).set_value(THABONG)
    at.date_input(key=recorded.DELIVERY_DAY).set_value(day)
    if when is not None:
        at.time_input(key=recorded.DELIVERY_TIME).set_value(when)
    at.number_input(key=recorded.DELIVERY_LITRES).set_value(litres)
    at.text_input(key=recorded.DELIVERY_PROVIDER).input("Metro Water Services")
    at.text_area(key=recorded.DELIVERY_NOTE).input("seen at the standpipe")
    at.button(key=recorded.DELIVERY_SUBMIT).click().run()
    assert not at.exception, at.exception
    return at


def test_a_member_records_a_delivery_and_the_comparison_counts_it(
    store: atlas.store.Store,
) -> None:
    at = water_page("sipho")
    row = thabong(at)
    assert (row["Scheduled"], row["On time and in full"], row["Missed"]) == (26, 23, 1)
    before = on_time(at)
    assert (
        "Deliveries compared: 136 from the sample's deliveries.csv and 0 recorded in the atlas."
        in captions(at)
    )
    at = record(at, date(2026, 9, 25), time(9, 40), 15000.0)
    assert not at.error, [e.value for e in at.error]
    assert any("Delivery recorded" in s.value for s in at.success)
    row = thabong(at)
    assert (row["Scheduled"], row["On time and in full"], row["Missed"]) == (26, 24, 0)
    assert on_time(at) == before + 1
    assert "and 1 recorded in the atlas." in captions(at)
    (kept,) = list_deliveries(store, sign_in(store, "thandi", "admin password"))
    assert (kept["settlement_id"], kept["arrived_at"], kept["litres"]) == (
        THABONG,
        "2026-09-25T09:40:00+02:00",
        15000.0,
    )
    assert (kept["provider"], kept["note"], kept["reporter"]) == (
        "Metro Water Services",
        "seen at the standpipe",
        "sipho",
    )
    assert at.text_area(key=recorded.DELIVERY_NOTE).value == ""  # ready for the next one
    # The same delivery again is refused, saying why; nothing changes.
    at = record(at, date(2026, 9, 25), time(9, 40), 15000.0)
    assert any("is already recorded" in e.value for e in at.error)
    assert thabong(at)["On time and in full"] == 24
    # Signing out forgets the form with the rest of the records' widgets.
    at.sidebar.button(key=keys.SIGN_OUT).click().run()
    for key in (recorded.DELIVERY_SETTLEMENT, recorded.DELIVERY_TIME, recorded.DELIVERY_NOTE):
        assert key not in at.session_state
    assert thabong(at)["On time and in full"] == 23


def test_the_form_says_what_is_missing(store: atlas.store.Store) -> None:
    at = record(water_page("sipho"), date(2026, 9, 25), None, 15000.0)
    assert any("Give the day and the time it arrived" in e.value for e in at.error)
    at.time_input(key=recorded.DELIVERY_TIME).set_value(time(9, 40))
    at = record(at, date(2026, 9, 25), time(9, 40), None)
    assert any("Say how much water came" in e.value for e in at.error)
    assert list_deliveries(store, sign_in(store, "thandi", "admin password")) == []


def test_a_viewer_compares_the_recorded_deliveries_without_the_form(
    store: atlas.store.Store,
) -> None:
    member = sign_in(store, "sipho", "member password")
    add_delivery(store, member, NewDelivery(THABONG, "2026-09-25T09:40", litres=15000))
    at = water_page("ayanda")
    assert thabong(at)["On time and in full"] == 24
    assert "and 1 recorded in the atlas." in captions(at)
    assert not [b for b in at.get("button") if b.key == recorded.DELIVERY_SUBMIT]


def test_no_other_session_sees_the_recorded_deliveries(store: atlas.store.Store) -> None:
    member = water_page("sipho")
    record(member, date(2026, 9, 25), time(9, 40), 15000.0)
    assert thabong(member)["On time and in full"] == 24
    # A browser where nobody signed in: the sample's file alone, from the same process and
    # its caches.
    anyone = water_page()
    assert thabong(anyone)["On time and in full"] == 23
    assert "Deliveries compared: those reported in the sample's deliveries.csv." in captions(anyone)
    assert not [b for b in anyone.get("button") if b.key == recorded.DELIVERY_SUBMIT]
