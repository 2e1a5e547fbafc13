"""Contacts in the store (issue 15): who may list and change them, the checks each passes,
validity on a day, and importing a file idempotently, on SQLite and PostgreSQL. Every
expected list is worked out by hand from the contacts each test adds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from atlas import store as st
from atlas.errors import AccessDenied, DataFileError, StoreError
from atlas.store.contact_imports import COLUMNS
from tests.store.conftest import Team, scalar

COUNCILLOR = st.NewContact(
    "ward_councillor",
    "Priya Phiri",
    office="Ward 2 office",
    phone="021 400 1111",
    email="priya.phiri@example.org",
    ward_id="99900002",
    valid_from="2021-11-01",
    valid_to="2026-10-31",
    source="City council website",
)
NEXT_COUNCILLOR = st.NewContact(
    "ward_councillor", "Sipho Dube", ward_id="99900002", valid_from="2026-11-01"
)
WATER = st.NewContact("department", "Water and Sanitation", phone="021 400 2222", category="water")
TANKERS = st.NewContact("contractor", "Aqua Tankers", provider="Metro Water Services")


def names(records: list[dict[str, object]]) -> list[object]:
    return [r["name"] for r in records]


# Who may do what.


def test_every_role_lists_contacts_and_only_coordinators_change_them(
    team: Team, registered: st.Store
) -> None:
    with pytest.raises(
        AccessDenied, match="vusi is a viewer: adding a contact needs a coordinator"
    ):
        st.add_contact(registered, team.viewer, WATER)
    with pytest.raises(AccessDenied, match="mandla is a member: adding a contact needs a"):
        st.add_contact(registered, team.member, WATER)
    cid = st.add_contact(registered, team.coordinator, WATER)
    assert len(cid) == 16 and cid.isalnum() and cid == cid.lower()
    admins = st.add_contact(registered, team.admin, TANKERS)

    # Public officials' work details: a viewer and a member see all of them, as a
    # coordinator does (department before contractor: the roles' order).
    for user in (team.viewer, team.member, team.other_member, team.coordinator):
        listed = st.list_contacts(registered, user)
        assert [r["id"] for r in listed] == [cid, admins]
    (water, _) = st.list_contacts(registered, team.viewer)
    assert water == {
        "id": cid,
        "role": "department",
        "name": "Water and Sanitation",
        "office": None,
        "phone": "021 400 2222",
        "email": None,
        "ward_id": None,
        "category": "water",
        "provider": None,
        "valid_from": None,
        "valid_to": None,
        "source": None,
    }

    for user in (team.viewer, team.member):
        with pytest.raises(AccessDenied, match="changing a contact needs a coordinator"):
            st.update_contact(registered, user, cid, phone="021 400 3333")
        with pytest.raises(AccessDenied, match="retiring a contact needs a coordinator"):
            st.retire_contact(registered, user, cid)
    changed = st.update_contact(registered, team.coordinator, cid, phone="021 400 3333")
    assert changed["phone"] == "021 400 3333" and changed["name"] == "Water and Sanitation"
    retired = st.retire_contact(registered, team.coordinator, cid)
    assert retired["id"] == cid
    assert names(st.list_contacts(registered, team.viewer)) == ["Aqua Tankers"]
    # Never deleted: the row stays, retired, with who retired it.
    assert scalar(registered, "SELECT count(*) FROM contacts") == 2
    assert scalar(registered, "SELECT updated_by FROM contacts WHERE id = :i", i=cid) == "cora"
    assert not scalar(registered, "SELECT active FROM contacts WHERE id = :i", i=cid)

    audit = [
        (a["actor"], a["action"], a["subject"], a["detail"])
        for a in st.read_audit(registered, team.admin)
        if a["action"].startswith("contact")
    ]
    assert audit == [
        ("cora", "contact.added", cid, {"role": "department"}),
        ("admin", "contact.added", admins, {"role": "contractor"}),
        ("cora", "contact.updated", cid, {"fields": ["phone"]}),
        ("cora", "contact.retired", cid, {"role": "department"}),
    ]


def test_a_retired_contact_cannot_be_changed_or_retired_again(
    team: Team, registered: st.Store
) -> None:
    cid = st.add_contact(registered, team.coordinator, WATER)
    st.retire_contact(registered, team.coordinator, cid)
    with pytest.raises(StoreError, match=rf"Contact {cid} \(Water and Sanitation\) was retired"):
        st.retire_contact(registered, team.coordinator, cid)
    with pytest.raises(StoreError, match="add it again if it is right"):
        st.update_contact(registered, team.coordinator, cid, phone="021 400 3333")
    with pytest.raises(StoreError, match="There is no contact 'nope': check the id"):
        st.update_contact(registered, team.coordinator, "nope", phone="021 400 3333")
    # Once retired, the same contact may be added again.
    again = st.add_contact(registered, team.coordinator, WATER)
    assert [r["id"] for r in st.list_contacts(registered, team.viewer)] == [again]


def test_changing_nothing_writes_nothing_and_a_wrong_change_is_refused(
    team: Team, registered: st.Store
) -> None:
    cid = st.add_contact(registered, team.coordinator, COUNCILLOR)
    other = st.add_contact(registered, team.coordinator, NEXT_COUNCILLOR)
    before = scalar(registered, "SELECT count(*) FROM audit")
    same = st.update_contact(registered, team.coordinator, cid, phone=" 021 400 1111 ")
    assert same["phone"] == "021 400 1111"
    assert scalar(registered, "SELECT count(*) FROM audit") == before
    with pytest.raises(StoreError, match="A contact has no field 'mobile': change one of role"):
        st.update_contact(registered, team.coordinator, cid, mobile="082 555 0101")
    with pytest.raises(StoreError, match="valid_to 2020-01-01 is before valid_from 2021-11-01"):
        st.update_contact(registered, team.coordinator, cid, valid_to="2020-01-01")
    # Made the same as the other (name, ward and first day): refused, naming that one.
    with pytest.raises(StoreError, match=f"Sipho Dube is kept already \\(contact {other}\\)"):
        st.update_contact(
            registered, team.coordinator, cid, name="sipho  DUBE", valid_from="2026-11-01",
            valid_to=None,
        )  # fmt: skip
    changed = st.update_contact(registered, team.coordinator, cid, valid_to=None, source=None)
    assert (changed["valid_to"], changed["source"]) == (None, None)


def test_the_same_contact_is_kept_once(team: Team, registered: st.Store) -> None:
    st.add_contact(registered, team.coordinator, COUNCILLOR)
    twin = st.NewContact(
        "Ward councillor", "  priya PHIRI ", ward_id="99900002", valid_from="2021-11-01"
    )
    with pytest.raises(StoreError, match="Priya Phiri is kept already"):
        st.add_contact(registered, team.coordinator, twin)
    # Another term, or another ward, is another contact.
    st.add_contact(
        registered, team.coordinator, st.NewContact(**{**vars(twin), "valid_from": None})
    )
    st.add_contact(registered, team.coordinator, st.NewContact(**{**vars(twin), "ward_id": "7"}))
    listed = st.list_contacts(registered, team.viewer)
    # Ward 7 before ward 99900002 (by number); in one ward, the term without a start first.
    assert [(r["ward_id"], r["valid_from"]) for r in listed] == [
        ("7", "2021-11-01"),
        ("99900002", None),
        ("99900002", "2021-11-01"),
    ]


# What a contact must be.


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"role": "mayor"}, "'mayor' is not a contact role: use one of ward_councillor, "),
        ({"role": ""}, "A contact needs a role: use one of"),
        ({"name": "  "}, "A contact needs a name: write the person's name"),
        ({"name": "x" * 301}, "The name is 301 characters long: keep it under 300"),
        ({"ward_id": None}, "A ward councillor is named for a ward: give the ward_id"),
        ({"role": "ward_committee", "ward_id": ""}, "A ward committee is named for a ward"),
        ({"role": "department"}, "A department is named for a service category: give its"),
        ({"role": "contractor"}, "A contractor is named for a provider: give the provider"),
        ({"category": "Water!"}, "'Water!' is not a service category: write it as the standard"),
        ({"valid_from": "2026-13-01"}, "valid_from '2026-13-01' is not a date: write it as YYYY-MM-DD"),
        ({"valid_to": "next year"}, "valid_to 'next year' is not a date"),
        ({"valid_to": "2021-10-31"}, "valid_to 2021-10-31 is before valid_from 2021-11-01: the contact would never be valid"),
        ({"email": "priya@"}, "'priya@' is not an email address: write it as name@example.org"),
        ({"email": "priya at example.org"}, "is not an email address"),
        ({"phone": "call the office"}, "'call the office' is not a phone number: write its digits"),
    ],
)  # fmt: skip
def test_a_wrong_contact_is_refused_saying_what_to_fix(
    team: Team, registered: st.Store, change: dict[str, object], words: str
) -> None:
    entry = st.NewContact(**{**vars(COUNCILLOR), **change})
    with pytest.raises(StoreError) as caught:
        st.add_contact(registered, team.coordinator, entry)
    assert words in str(caught.value)
    assert scalar(registered, "SELECT count(*) FROM contacts") == 0


def test_fields_are_kept_as_people_write_them(team: Team, registered: st.Store) -> None:
    entry = st.NewContact(
        "MPAC chair", " Ms  N.  Khumalo ", phone="+27 21 400 1111 ext 12", email="nk@example.org",
        category="Water", valid_from=date(2024, 1, 1),
    )  # fmt: skip
    st.add_contact(registered, team.coordinator, entry)
    (kept,) = st.list_contacts(registered, team.viewer)
    assert (kept["role"], kept["name"], kept["category"]) == (
        "mpac_chair",
        "Ms N. Khumalo",
        "water",
    )
    assert (kept["phone"], kept["valid_from"]) == ("+27 21 400 1111 ext 12", "2024-01-01")


# Listing.


def test_a_list_on_a_day_keeps_those_valid_that_day(team: Team, registered: st.Store) -> None:
    old = st.add_contact(registered, team.coordinator, COUNCILLOR)  # 2021-11-01 … 2026-10-31
    new = st.add_contact(registered, team.coordinator, NEXT_COUNCILLOR)  # 2026-11-01 …
    water = st.add_contact(registered, team.coordinator, WATER)  # always
    ids = lambda **kw: [r["id"] for r in st.list_contacts(registered, team.viewer, **kw)]  # noqa: E731
    assert ids() == [old, new, water]  # councillors (earlier term first), then the department
    assert ids(on=date(2021, 10, 31)) == [water]
    assert ids(on=date(2021, 11, 1)) == [old, water]  # both days are included
    assert ids(on=date(2026, 10, 31)) == [old, water]
    assert ids(on="2026-11-01") == [new, water]
    assert ids(on=date(2040, 1, 1)) == [new, water]
    with pytest.raises(StoreError, match="on 'soon' is not a date"):
        ids(on="soon")


def test_a_list_keeps_a_role_ward_category_or_provider(team: Team, registered: st.Store) -> None:
    councillor = st.add_contact(registered, team.coordinator, COUNCILLOR)
    water = st.add_contact(registered, team.coordinator, WATER)
    tankers = st.add_contact(registered, team.coordinator, TANKERS)
    ids = lambda **kw: [r["id"] for r in st.list_contacts(registered, team.member, **kw)]  # noqa: E731
    assert ids(role="ward_councillor") == ids(role="Ward councillor") == [councillor]
    assert ids(ward_id="99900002") == [councillor] and ids(ward_id="1") == []
    assert ids(category="WATER") == [water]
    assert ids(provider="metro water services") == [tankers]
    with pytest.raises(StoreError, match="'mayor' is not a contact role"):
        ids(role="mayor")


# Importing a file.


def write_contacts(
    path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS
) -> Path:
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


ROWS = [
    {"role": "ward_councillor", "name": "Priya Phiri", "phone": "021 400 1111",
     "ward_id": "99900002", "valid_from": "2021-11-01", "source": "City website"},  # line 2
    {"role": "department", "name": "Water and Sanitation", "category": "water"},  # 3
    {"role": "mayor", "name": "Someone"},  # 4
    {"role": "department", "name": "Roads"},  # 5: no category
    {"role": "ward_councillor", "name": "Nobody"},  # 6: no ward
    {"role": "contractor", "name": "Aqua Tankers"},  # 7: no provider
    {"role": "speaker", "name": "The Speaker", "valid_from": "1 March 2024"},  # 8
    {"role": "idp_office", "name": "IDP office", "valid_from": "2026-07-01",
     "valid_to": "2026-06-30"},  # 9
    {"role": "other", "name": "Ms Khumalo", "email": "khumalo.example.org"},  # 10
    {"role": "Department", "name": "water and  sanitation", "category": "Water"},  # 11: line 3
    {"role": "idp_office", "name": "IDP office", "email": "idp@example.org"},  # 12
]  # fmt: skip
REASONS = {
    4: "'mayor' is not a contact role",
    5: "A department is named for a service category",
    6: "A ward councillor is named for a ward",
    7: "A contractor is named for a provider",
    8: "valid_from '1 March 2024' is not a date",
    9: "valid_to 2026-06-30 is before valid_from 2026-07-01",
    10: "'khumalo.example.org' is not an email address",
    11: "The same contact (water and sanitation, department) is on line 3 already",
}


def test_import_is_idempotent_and_names_every_line_it_refuses(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    path = write_contacts(tmp_path / "contacts.csv", ROWS)
    first = st.import_contacts(registered, team.coordinator, path)
    assert (first.added, first.unchanged, first.edited) == (3, 0, 0)  # lines 2, 3 and 12
    assert {r["line"]: r["reason"][: len(REASONS[r["line"]])] for r in first.rejected} == REASONS
    assert names(st.list_contacts(registered, team.viewer)) == [
        "Priya Phiri", "Water and Sanitation", "IDP office",
    ]  # fmt: skip

    again = st.import_contacts(registered, team.coordinator, path)
    assert (again.added, again.unchanged, again.edited) == (0, 3, 0)
    assert again.rejected == first.rejected
    assert again.to_record() == {"added": 0, "unchanged": 3, "rejected": first.rejected}
    assert scalar(registered, "SELECT count(*) FROM contacts") == 3
    imported = [
        a for a in st.read_audit(registered, team.admin) if a["action"] == "contacts.imported"
    ]
    assert [a["detail"] for a in imported] == [
        {"added": 3, "edited": 0}
    ]  # the second wrote nothing


def test_an_import_updates_the_details_of_a_kept_contact(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    st.import_contacts(registered, team.coordinator, write_contacts(tmp_path / "a.csv", ROWS[:2]))
    newer = [{**ROWS[0], "phone": "021 400 9999", "valid_to": "2026-10-31"}, ROWS[1]]
    result = st.import_contacts(
        registered, team.coordinator, write_contacts(tmp_path / "b.csv", newer)
    )
    assert (result.added, result.unchanged, result.edited, result.rejected) == (0, 1, 1, [])
    assert result.to_record()["edited"] == 1
    councillor = st.list_contacts(registered, team.viewer, role="ward_councillor")[0]
    assert (councillor["phone"], councillor["valid_to"]) == ("021 400 9999", "2026-10-31")
    assert councillor["source"] == "City website"
    # A file without the phone and source columns leaves them as they are.
    bare = write_contacts(tmp_path / "c.csv", [ROWS[0]], ("role", "name", "ward_id", "valid_from"))
    result = st.import_contacts(registered, team.coordinator, bare)
    assert (result.added, result.unchanged, result.edited) == (0, 1, 0)
    councillor = st.list_contacts(registered, team.viewer, role="ward_councillor")[0]
    assert (councillor["phone"], councillor["source"]) == ("021 400 9999", "City website")


def test_an_import_never_brings_back_a_retired_contact(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    path = write_contacts(tmp_path / "contacts.csv", ROWS[:2])
    st.import_contacts(registered, team.coordinator, path)
    water = st.list_contacts(registered, team.viewer, role="department")[0]["id"]
    st.retire_contact(registered, team.coordinator, water)
    result = st.import_contacts(registered, team.coordinator, path)
    assert (result.added, result.unchanged) == (0, 1)
    (refused,) = result.rejected
    assert refused["line"] == 3 and f"was retired (contact {water})" in refused["reason"]
    assert names(st.list_contacts(registered, team.viewer)) == ["Priya Phiri"]


def test_an_import_takes_rows_and_needs_a_coordinator(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    for user in (team.viewer, team.member):
        with pytest.raises(AccessDenied, match="importing contacts needs a coordinator"):
            st.import_contacts(registered, user, [ROWS[1]])
    result = st.import_contacts(registered, team.admin, [ROWS[1], (9, ROWS[2])])
    assert result.added == 1 and [r["line"] for r in result.rejected] == [9]
    with pytest.raises(DataFileError, match="has no column role: a contacts file has the columns"):
        st.import_contacts(
            registered, team.coordinator, write_contacts(tmp_path / "x.csv", [], ("name",))
        )
    with pytest.raises(DataFileError, match="There is no file"):
        st.import_contacts(registered, team.coordinator, tmp_path / "missing.csv")
