"""The Water deliveries page names who answers for the late and missed deliveries: the
contractor recorded for each tanker provider that came late or not at all (issue 15), or how
to add one."""

from __future__ import annotations

import atlas
from atlas.store import NewContact, add_contact
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


def answers(at) -> str:
    return next(m.value for m in at.markdown if "Who answers for the late" in m.value)


def test_the_late_providers_contractor_is_named(store: atlas.store.Store) -> None:
    at = open_page(start(), "pages/schedules.py")
    # Nobody signed in: no contractor is known; the page says how to add one.
    assert "No contractor is recorded for Metro Water Services" in answers(at)
    add_contact(
        store,
        as_user(store, "thandi"),
        NewContact(
            "contractor",
            "Sizwe Khumalo",
            office="Metro Water Services depot",
            phone="021 555 0100",
            provider="Metro Water Services",
            source="the tanker contract",
        ),
    )
    at = open_page(sign_in(start(), "ayanda"), "pages/schedules.py")  # a viewer
    text = answers(at)
    assert "Sizwe Khumalo, Metro Water Services depot, 021 555 0100" in text
    assert "No contractor is recorded for Amanzi Haulage" in text  # still late, still unknown
