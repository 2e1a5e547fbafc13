"""The Contacts page and "Who is responsible" in the app (Streamlit's AppTest): a coordinator
adds, changes and retires a contact and the settlement profile and the cluster page name it;
a viewer sees the contacts but no form; with nobody signed in, the wards layer's councillors.

Each test has its own store (``ATLAS_DB`` in a temporary folder) with the sample's settlements
registered and one user per role. The app runs as `atlas serve` runs it: every rerun runs
``streamlit_app.py`` (its sidebar, where people sign in), then the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import atlas
from atlas.store import NewContact, add_contact, add_user, list_contacts, open_store, sync_register
from atlas.store import sign_in as store_sign_in
from layers.text import markdown_text as md
from pages.state import keys

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
USERS = {
    "thandi": ("admin", "admin password"),
    "nomsa": ("coordinator", "coordinator password"),
    "ayanda": ("viewer", "viewer password"),
}
#: SET-001, the profile's first settlement, lies in ward 99900002, whose councillor the sample's
#: wards layer names Priya Phiri.
WARD, LAYER_COUNCILLOR = "99900002", "Priya Phiri"


class _ServedPages(PagesManager):
    """AppTest's pages as `atlas serve` has them: every rerun runs streamlit_app.py."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def served_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test, "PagesManager", _ServedPages)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[atlas.store.Store]:
    """A store of this test only: the sample's settlements and one user of each role."""
    path = tmp_path / "atlas.sqlite"
    monkeypatch.setenv("ATLAS_DB", str(path))
    monkeypatch.delenv("ATLAS_SERVE", raising=False)
    db = open_store(path)
    sync_register(db, atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town")))
    admin = add_user(db, None, "thandi", *USERS["thandi"])
    for name, (role, password) in USERS.items():
        if name != "thandi":
            add_user(db, admin, name, role, password)
    yield db
    db.close()


def as_user(store: atlas.store.Store, name: str) -> atlas.store.User:
    return store_sign_in(store, name, USERS[name][1])


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str) -> AppTest:
    at.sidebar.text_input(key=keys.SIGN_IN_NAME).input(name)
    at.sidebar.text_input(key=keys.SIGN_IN_PASSWORD).input(USERS[name][1])
    at.sidebar.button(key=keys.SIGN_IN_SUBMIT).click().run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The page's (first) table with ``column``."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def councillor_row(at: AppTest) -> dict[str, str]:
    table = table_with(at, "Who")
    return table[table["Who"] == f"Ward councillor, ward {WARD}"].iloc[0].to_dict()


def new(field: str) -> str:
    return keys.contact_key(None, field)


def test_a_coordinator_adds_a_contact_and_the_profile_names_them(
    store: atlas.store.Store,
) -> None:
    at = open_page(start(), "pages/settlement.py")
    assert councillor_row(at)["Name"] == LAYER_COUNCILLOR  # nobody signed in: the wards layer
    assert any("shown once you sign in" in c.value for c in at.caption)

    at = open_page(sign_in(at, "nomsa"), "pages/contacts.py")
    assert "No contact is kept yet." in [i.value for i in at.info]
    at.selectbox(key=new("role")).set_value("ward_councillor")
    at.text_input(key=new("name")).input("Zodwa Khumalo")
    at.text_input(key=new("phone")).input("021 400 1616")
    at.text_input(key=new("ward_id")).input(WARD)
    at.date_input(key=new("valid_from")).set_value(date(2021, 11, 1))
    at.text_input(key=new("source")).input("Council minutes, 2021")
    at.button(key=keys.CONTACT_ADD).click().run()
    assert not at.exception, at.exception
    assert md("Added: Zodwa Khumalo (Ward councillor, ward 99900002).") in [
        s.value for s in at.success
    ]
    # The form is empty again for the next contact.
    assert at.text_input(key=new("name")).value == ""
    assert at.date_input(key=new("valid_from")).value is None
    (kept,) = list_contacts(store, as_user(store, "ayanda"))
    assert (kept["name"], kept["ward_id"], kept["valid_from"]) == (
        "Zodwa Khumalo",
        WARD,
        "2021-11-01",
    )
    assert table_with(at, "Role")["Name"].tolist() == ["Zodwa Khumalo"]

    # The store's councillor comes before the wards layer's on the profile.
    at = open_page(at, "pages/settlement.py")
    row = councillor_row(at)
    assert (row["Name"], row["Phone"], row["Source"]) == (
        "Zodwa Khumalo", "021 400 1616", "Council minutes, 2021",
    )  # fmt: skip
    # And per ward on the cluster page (SET-001 is in the Northern Ridge Cluster).
    at.session_state[keys.CLUSTER] = "Northern Ridge Cluster"
    at = open_page(at, "pages/clusters.py")
    table = table_with(at, "Who")
    names = table[table["Ward"] == WARD]["Name"].tolist()
    assert names[0] == "Zodwa Khumalo" and set(table["Service"]) >= {"every service", "water"}


def test_a_wrong_contact_says_what_to_fix(store: atlas.store.Store) -> None:
    at = open_page(sign_in(start(), "nomsa"), "pages/contacts.py")
    at.selectbox(key=new("role")).set_value("department")
    at.text_input(key=new("name")).input("Roads")
    at.button(key=keys.CONTACT_ADD).click().run()
    assert not at.exception, at.exception
    (error,) = at.error
    assert "A department is named for a service category" in error.value
    assert list_contacts(store, as_user(store, "ayanda")) == []
    # What was typed stays, to correct it; once added, the form is empty again.
    assert at.text_input(key=new("name")).value == "Roads"
    at.selectbox(key=new("category")).set_value("water")
    at.button(key=keys.CONTACT_ADD).click().run()
    assert not at.exception and not at.error
    (kept,) = list_contacts(store, as_user(store, "ayanda"))
    assert (kept["role"], kept["name"], kept["category"]) == ("department", "Roads", "water")
    assert at.selectbox(key=new("category")).value is None
    assert at.selectbox(key=new("role")).value == "department"  # the role stays


def _panel() -> None:
    """The map's settlement panel's "Who is responsible", for SET-001 (AppTest.from_function)."""
    import atlas
    from atlas.summaries.profile import settlement_profile
    from pages.state.contacts import responsible_lines

    dataset = atlas.load_sample()
    result = atlas.compute_gaps(dataset, atlas.load_standard("cape-town"))
    profile = settlement_profile(result, dataset, "SET-001")
    responsible_lines(profile, result.standard.categories, dataset)


def test_the_maps_panel_says_who_is_responsible(store: atlas.store.Store) -> None:
    at = AppTest.from_function(_panel, default_timeout=60).run()
    assert not at.exception, at.exception
    (text,) = [m.value for m in at.markdown if "Who is responsible" in m.value]
    # SET-001 lacks taps and toilets (its water and sanitation gaps are above 0).
    assert md("Ward councillor, ward 99900002: Priya Phiri (from the wards layer).") in text
    assert md("No department is recorded for water: add one on the Contacts page.") in text
    assert md("No department is recorded for sanitation: add one on the Contacts page.") in text


def test_a_coordinator_changes_and_retires_a_contact(store: atlas.store.Store) -> None:
    coordinator = as_user(store, "nomsa")
    cid = add_contact(store, coordinator, NewContact("department", "Water", category="water"))
    at = open_page(sign_in(start(), "nomsa"), "pages/contacts.py")
    assert at.selectbox(key=keys.CONTACT_CHOSEN).value == cid
    at.text_input(key=keys.contact_key(cid, "phone")).input("021 400 2222")
    at.button(key=keys.contact_key(cid, "save")).click().run()
    assert not at.exception, at.exception
    assert md("Saved: Water (Department, water).") in [s.value for s in at.success]
    assert list_contacts(store, coordinator)[0]["phone"] == "021 400 2222"

    at.button(key=keys.contact_key(cid, "retire")).click().run()
    assert not at.exception, at.exception
    assert md("Retired: Water (Department, water).") in [s.value for s in at.success]
    assert list_contacts(store, coordinator) == []
    assert "No contact is kept yet." in [i.value for i in at.info]

    # Signing out forgets everything typed on the page.
    at.sidebar.button(key=keys.SIGN_OUT).click().run()
    assert not [k for k in at.session_state.to_dict() if str(k).startswith("records_contact")]


def test_a_viewer_sees_the_contacts_but_no_form(store: atlas.store.Store) -> None:
    add_contact(
        store,
        as_user(store, "nomsa"),
        NewContact("ward_councillor", "Zodwa Khumalo", ward_id=WARD, email="zk@example.org"),
    )
    at = open_page(sign_in(start(), "ayanda"), "pages/contacts.py")
    assert table_with(at, "Role")["Email"].tolist() == ["zk@example.org"]
    shown = [w.key for kind in ("button", "text_input", "selectbox") for w in at.get(kind)]
    assert not [k for k in shown if k and str(k).startswith("records_contact")]
    assert not any("Add a contact" in s.value for s in at.subheader)
    # The profile names them for a viewer too.
    at = open_page(at, "pages/settlement.py")
    assert councillor_row(at)["Name"] == "Zodwa Khumalo"


def test_with_nobody_signed_in_only_the_wards_layers_councillors(
    store: atlas.store.Store,
) -> None:
    add_contact(
        store, as_user(store, "nomsa"), NewContact("ward_councillor", "Zodwa Khumalo", ward_id=WARD)
    )
    at = open_page(start(), "pages/contacts.py")
    headings = [s.value for s in at.main.subheader]
    assert headings == ["From the wards layer (25)"]
    table = table_with(at, "Role")
    assert list(table.columns) == ["Role", "Name", "Ward"] and LAYER_COUNCILLOR in set(
        table["Name"]
    )
    text = "\n".join(str(d.value.to_string()) for d in at.dataframe)
    assert "Zodwa Khumalo" not in text
    at = open_page(at, "pages/map.py")  # the map runs; its panel comes after a click
    assert not at.error
