"""Who is responsible for a gap (atlas.summaries.responsible, issue 15), on hand-built records
and contacts: the store's councillor before the wards layer's, a department per category, a
contractor per provider, the terms valid on a day, and what is said when nobody is recorded."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import atlas
from atlas.store.contacts import RECORD_KEYS
from atlas.summaries.responsible import (
    EVERY_SERVICE,
    WARDS_LAYER,
    Responsible,
    cluster_responsible,
    contact_label,
    contact_table,
    gap_categories,
    looks_like_party,
    missing_sentences,
    providers_of_broken,
    responsible,
    responsible_sentences,
    responsible_table,
    settlement_responsible,
    ward_councillors,
)


def contact(role: str, name: str, id: str | None = "k", **more: Any) -> dict[str, Any]:
    """A contact as atlas.store.list_contacts gives it (id None: the wards layer's)."""
    return dict.fromkeys(RECORD_KEYS) | {"id": id, "role": role, "name": name, **more}


LAYER_5 = contact("ward_councillor", "Layer Person", None, ward_id="5", source=WARDS_LAYER)
STORE_5 = contact(
    "ward_councillor", "Store Person", "c5", ward_id="5", phone="021 400 5555", source="IEC"
)
LAYER_6 = contact("ward_councillor", "Six Person", None, ward_id="6", source=WARDS_LAYER)
WATER = contact("department", "Water and Sanitation", "w", category="water", phone="021 400 1")
WATER_5 = contact("department", "Water, district 5", "w5", category="water", ward_id="5")
WATER_7 = contact("department", "Water, district 7", "w7", category="water", ward_id="7")
TOILETS = contact("department", "Sanitation", "s", category="sanitation", email="s@example.org")
TANKERS = contact("contractor", "Aqua Tankers", "t", provider="Metro Water Services")
IN_5 = {"settlement_id": "S1", "ward_id": "5"}


def who(found: list[Responsible]) -> list[tuple[str, str, str | None]]:
    return [(r.role, r.title, r.name) for r in found]


def test_the_stores_councillor_comes_before_the_wards_layers() -> None:
    assert who(responsible(IN_5, "water", [LAYER_5, LAYER_6])) == [
        ("ward_councillor", "Ward councillor, ward 5", "Layer Person"),
        ("department", "Department for water", None),
    ]
    found = responsible(IN_5, "water", [LAYER_5, STORE_5, LAYER_6])[0]
    assert (found.name, found.phone, found.source, found.contact_id) == (
        "Store Person", "021 400 5555", "IEC", "c5",
    )  # fmt: skip
    assert found.sentence() == "Ward councillor, ward 5: Store Person, 021 400 5555."
    layer = responsible(IN_5, "water", [LAYER_5])[0]
    assert layer.sentence() == "Ward councillor, ward 5: Layer Person (from the wards layer)."


def test_a_department_per_category_the_wards_own_first() -> None:
    contacts = [WATER, WATER_5, WATER_7, TOILETS]
    assert responsible(IN_5, "water", contacts)[1].name == "Water, district 5"
    # Ward 6 has no district of its own: the city-wide one; district 7's is never used.
    in_6 = {"ward_id": "6"}
    assert responsible(in_6, "water", contacts)[1].name == "Water and Sanitation"
    assert responsible(in_6, "water", [WATER_7])[1].name is None
    sanitation = responsible(in_6, "sanitation", contacts)[1]
    assert (sanitation.title, sanitation.name, sanitation.email) == (
        "Department for sanitation", "Sanitation", "s@example.org",
    )  # fmt: skip
    assert sanitation.sentence() == "Department for sanitation: Sanitation, s@example.org."


def test_a_contractor_per_provider_in_any_case() -> None:
    found = responsible(IN_5, "water", [TANKERS], provider="metro water SERVICES")
    assert who(found)[2] == ("contractor", "Contractor for metro water SERVICES", "Aqua Tankers")
    # Several providers, each once; one nobody recorded says so.
    found = responsible(
        IN_5, "water", [TANKERS], provider=["Metro Water Services", "Other Co", "Other Co", None]
    )
    assert [r.name for r in found[2:]] == ["Aqua Tankers", None]
    assert (
        found[3].sentence()
        == "No contractor is recorded for Other Co: add one on the Contacts page."
    )
    # No provider asked: no contractor at all.
    assert [r.role for r in responsible(IN_5, "water", [TANKERS])] == [
        "ward_councillor",
        "department",
    ]


def test_nobody_recorded_says_so_and_how_to_add_one() -> None:
    record = {"settlement_id": "S1", "ward_id": "99900016"}
    councillor, department = responsible(record, "waste", [])
    assert councillor.name is None and councillor.title == "Ward councillor, ward 99900016"
    assert councillor.sentence() == (
        "No ward councillor is recorded for ward 99900016: add one on the Contacts page, or map "
        "the wards layer's councillor field on the Data page."
    )
    assert (
        department.details() == "No department is recorded for waste: add one on the Contacts page"
    )
    # A settlement in no ward (or with no wards layer): its councillor cannot be known.
    for ward in (None, float("nan"), pd.NA, "  "):
        (nobody, _) = responsible({"ward_id": ward}, "water", [LAYER_5])
        assert nobody.title == "Ward councillor"
        assert nobody.sentence().startswith("No ward councillor is known: the settlement's primary")


def test_only_contacts_valid_on_the_day_count() -> None:
    old = contact(
        "ward_councillor", "Old", "o", ward_id="5", valid_from="2016-08-01", valid_to="2021-10-31"
    )
    new = contact("ward_councillor", "New", "n", ward_id="5", valid_from="2021-11-01")
    contacts = [old, new, LAYER_5]
    on = lambda day: responsible(IN_5, "water", contacts, on=day)[0].name  # noqa: E731
    assert on(date(2021, 10, 31)) == "Old"  # the last day of the old term
    assert on(date(2021, 11, 1)) == "New"
    assert on(date(2016, 7, 31)) == "Layer Person"  # no term of the store's yet
    # Without a day, both are valid: the latest term.
    assert responsible(IN_5, "water", contacts)[0].name == "New"


def test_the_wards_layers_councillors_never_a_party() -> None:
    wards = gpd.GeoDataFrame(
        {
            "ward_id": ["10", "9", "11", "12", "13", "14"],
            "name": ["Ward 10", "Ward 9", "Ward 11", "Ward 12", "Ward 13", "Ward 14"],
            "councillor": [
                " Thandi  Mokoena ",
                "Freedom Mthembu",  # a person's name
                "DEMOCRATIC ALLIANCE/DEMOKRATIESE ALLIANSIE",
                "ANC",
                None,
                "  ",
            ],
        },
        geometry=[box(i, 0, i + 1, 1) for i in range(6)],
        crs="EPSG:4326",
    )
    dataset = dataclasses.replace(atlas.load_sample(), wards=wards)
    found = ward_councillors(dataset)
    # Ward 9 before ward 10 (by number); the party names and the blanks are left out.
    assert [(c["ward_id"], c["name"], c["source"], c["id"]) for c in found] == [
        ("9", "Freedom Mthembu", WARDS_LAYER, None),
        ("10", "Thandi Mokoena", WARDS_LAYER, None),
    ]
    assert set(found[0]) == set(RECORD_KEYS) and found[0]["role"] == "ward_councillor"
    assert ward_councillors(dataclasses.replace(dataset, wards=None)) == []
    assert (
        ward_councillors(dataclasses.replace(dataset, wards=wards.drop(columns="councillor"))) == []
    )
    sample = ward_councillors(atlas.load_sample())
    assert len(sample) == 25 and (sample[1]["ward_id"], sample[1]["name"]) == (
        "99900002",
        "Priya Phiri",
    )


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("DEMOCRATIC ALLIANCE/DEMOKRATIESE ALLIANSIE", True),
        ("African National Congress", True),
        ("Economic Freedom Fighters", True),
        ("ANC", True),
        ("FF+", True),
        ("Priya Phiri", False),
        ("Freedom Mthembu", False),
        ("Goodwill Ndlovu", False),
    ],
)
def test_a_party_is_not_a_councillor(text: str, party: bool) -> None:
    assert looks_like_party(text) is party


RECORDS = pd.DataFrame(
    {
        "settlement_id": ["S1", "S2", "S3", "S4"],
        "name": ["Alpha", "Beta", "Gamma", "Delta"],
        "ward_id": ["5", "5", None, "10"],
        "water_gap": [3, 2, np.nan, 0],
        "water_broken": [0, 1, 0, 0],
        "sanitation_gap": [0, 0, 4, 0],
        "sanitation_broken": [2, 0, 0, 0],
        "electricity_gap": [np.nan, np.nan, np.nan, np.nan],
        "electricity_broken": [0, 0, 0, 0],
    }
)
CATEGORIES = ("water", "sanitation", "electricity")


def test_a_settlements_gaps_and_who_answers_for_each() -> None:
    alpha = RECORDS.iloc[0].to_dict()
    assert gap_categories(alpha, CATEGORIES) == ["water", "sanitation"]  # 3 missing; 2 broken
    assert gap_categories(RECORDS.iloc[3].to_dict(), CATEGORIES) == []
    points = pd.DataFrame(
        {
            "category": ["sanitation", "sanitation", "sanitation", "water", "water"],
            "status": ["broken", "broken", "working", "broken", "broken"],
            "provider": ["Clean Loo Co", "municipality", "Other Co", None, "Metro Water Services"],
        }
    )
    providers = providers_of_broken(points)
    assert providers == {"sanitation": ["Clean Loo Co"], "water": ["Metro Water Services"]}
    entries = settlement_responsible(
        alpha, CATEGORIES, [STORE_5, WATER, TANKERS], providers=providers
    )
    # The councillor once; per gap its department; a contractor only when recorded (nobody
    # is recorded for Clean Loo Co: a point's provider is often only a kind of provider).
    assert [(e["service"], e["responsible"].title, e["responsible"].name) for e in entries] == [
        (EVERY_SERVICE, "Ward councillor, ward 5", "Store Person"),
        ("water", "Department for water", "Water and Sanitation"),
        ("water", "Contractor for Metro Water Services", "Aqua Tankers"),
        ("sanitation", "Department for sanitation", None),
    ]
    table = responsible_table(entries)
    assert list(table.columns) == ["Service", "Who", "Name", "Office", "Phone", "Email", "Source"]
    assert table["Name"].tolist() == [
        "Store Person",
        "Water and Sanitation",
        "Aqua Tankers",
        "not recorded",
    ]
    assert table["Phone"].tolist() == ["021 400 5555", "021 400 1", "", ""]
    assert missing_sentences(entries) == [
        "No department is recorded for sanitation: add one on the Contacts page."
    ]
    assert (
        responsible_sentences(entries)[0] == "Ward councillor, ward 5: Store Person, 021 400 5555."
    )
    # A settlement without gaps still has its councillor.
    delta = settlement_responsible(RECORDS.iloc[3].to_dict(), CATEGORIES, [])
    assert [e["responsible"].title for e in delta] == ["Ward councillor, ward 10"]


def test_a_clusters_responsible_per_ward_and_category() -> None:
    entries = cluster_responsible(RECORDS, CATEGORIES, [LAYER_5, WATER, TOILETS])
    rows = [
        (e["ward"], e["settlements"], e["service"], e["short"], e["responsible"].name)
        for e in entries
    ]
    # Ward 5 (Alpha, Beta): water 3 + 2 = 5 missing, 0 + 1 = 1 broken; sanitation 2 broken.
    # Ward 10 (Delta): nothing short, its councillor only. No ward (Gamma): sanitation 4.
    assert rows == [
        ("5", "Alpha, Beta", EVERY_SERVICE, "", "Layer Person"),
        ("5", "Alpha, Beta", "water", "5 missing, 1 broken", "Water and Sanitation"),
        ("5", "Alpha, Beta", "sanitation", "2 broken", "Sanitation"),
        ("10", "Delta", EVERY_SERVICE, "", None),
        (None, "Gamma", EVERY_SERVICE, "", None),
        (None, "Gamma", "sanitation", "4 missing", "Sanitation"),
    ]
    table = responsible_table(entries)
    assert list(table.columns) == [
        "Ward", "Settlements", "Service", "Missing or broken", "Who", "Name", "Office", "Phone",
        "Email", "Source",
    ]  # fmt: skip
    assert table["Ward"].tolist() == ["5", "5", "5", "10", "no ward", "no ward"]
    assert missing_sentences(entries) == [
        "No ward councillor is recorded for ward 10: add one on the Contacts page, or map the "
        "wards layer's councillor field on the Data page.",
        "No ward councillor is known: the settlement's primary ward is not known (it lies in no "
        "ward of the wards layer, or no wards layer is loaded).",
    ]


def test_contacts_as_a_page_lists_them() -> None:
    table = contact_table([STORE_5, TANKERS])
    assert table.columns[:3].tolist() == ["Role", "Name", "Office"]
    assert table["Role"].tolist() == ["Ward councillor", "Contractor"]
    assert table["Ward"].tolist() == ["5", ""] and table["Provider"].tolist() == [
        "",
        "Metro Water Services",
    ]
    assert contact_label(STORE_5) == "Store Person (Ward councillor, ward 5)"
    assert contact_label(TANKERS) == "Aqua Tankers (Contractor, Metro Water Services)"
    assert contact_table([]).empty
