"""The "Statuses as of" date in the app (Streamlit's AppTest): a viewer signed in sees the
profile's points as of a date, with "Out of service for N days" beside the one a confirmed
report had out, and the numbers of that date; nobody signed in sees the file's statuses.

The store: the sample registered; one water point of Khayalethu (SET-021), working in the file,
seen broken on 3 March 2026 at 08:00, confirmed on the 5th, fixed on the 21st.
"""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import atlas
from atlas.store import NewReport, add_report, update_report
from pages.state import keys
from tests.app.test_store_pages import (
    as_user,
    empty_store,
    open_page,
    served_pages,
    sign_in,
    start,
    store,
)

__all__ = ["empty_store", "served_pages", "store"]  # the fixtures, for this module's tests


@pytest.fixture
def point(store: atlas.store.Store) -> str:
    result = atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town"))
    s = result.services
    chosen = s[(s["settlement_id"] == "SET-021") & (s["category"] == "water")]
    sid = str(chosen[chosen["status"] == "working"]["service_id"].iloc[0])
    admin = as_user(store, "thandi")
    added = add_report(
        store, admin, NewReport("SET-021", "water", "broken", "2026-03-03T08:00", service_id=sid)
    )
    update_report(store, admin, added.id, "confirmed", at="2026-03-05T09:00")
    update_report(store, admin, added.id, "fixed", at="2026-03-21T10:00")
    return sid


def profile(at: AppTest) -> AppTest:
    at = open_page(at, "pages/settlement.py")
    at.selectbox(key=keys.SETTLEMENT).select("SET-021").run()
    assert not at.exception, at.exception
    return at


def points_of(at: AppTest):
    return next(d.value for d in at.dataframe if "Service point" in d.value.columns).set_index(
        "Service point"
    )


def test_the_profile_as_of_a_date_shows_the_outage_and_its_days(point: str) -> None:
    at = profile(start())
    assert "Statuses are the services file's" in " ".join(c.value for c in at.caption)
    assert "Out of service" not in points_of(at).columns
    plain = next(m.value for m in at.markdown if "working taps" in m.value)

    at = profile(sign_in(start(), "ayanda"))  # a viewer
    at.date_input(key=keys.AS_OF).set_value(date(2026, 3, 10)).run()
    assert not at.exception, at.exception
    captions = " ".join(c.value for c in at.caption)
    assert (
        "Statuses as of 10 March 2026" in captions and "1 service point out of service" in captions
    )
    table = points_of(at)
    # Seen on 3 March at 08:00: at the end of 10 March, out for 7 days (and 16 hours).
    assert table.loc[point, "Out of service"] == "for 7 days"
    assert table.loc[point, "Status"] == "broken"
    assert table.index[0] == point  # out longest first
    assert set(table["Out of service"]) <= {
        "for 7 days",
        "in service",
        "since a date not known",
        "not known",
    }
    march = next(m.value for m in at.markdown if "working taps" in m.value)
    assert march != plain and "12 working taps" in march and "13 working taps" in plain

    # After the fix the point is in service again; the chosen day carries to the Map page.
    at.date_input(key=keys.AS_OF).set_value(date(2026, 3, 25)).run()
    assert "Out of service" not in points_of(at).columns
    at = open_page(at, "pages/map.py")
    assert at.date_input(key=keys.AS_OF).value == date(2026, 3, 25)
