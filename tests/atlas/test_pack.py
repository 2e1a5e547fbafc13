"""What the submission pack says, from the API: the recipient found among hand-built contacts
(else the wards layer, else the office), the law per recipient, the asks counted from the
GapResult, the open reports from hand-built lifecycles, and ``atlas pack`` on the command line.

The sample's Kgotso South Cluster (9 settlements), by hand from its gap table: 131 taps missing
(Khayalethu 42, Bophelong Ext 2 29, Kgotsong 19, Tšhepong 12, Emaphupheni 11, Reitumetse 8,
Ubuntu Corner 7, Lerato Park 3, Vukuzenzele 0), 857 toilets, 12 broken taps, 32 broken
toilets; most of its households (Khayalethu 1 370 and Ubuntu Corner 312: 1 682) are in ward
99900016, whose councillor the wards layer names Tshepo Ndlovu.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import atlas
from atlas import Dataset, GapResult, SchemaError
from atlas.registry import SAMPLE_DELIVERIES, SAMPLE_SCHEDULE
from atlas.schedules import compare_files, compliance
from atlas.store.timeline import ReportLife
from atlas.store.times import LOCAL_ZONE
from atlas.summaries.cluster_report import build_cluster_report
from atlas.summaries.legal import legal_basis
from atlas.summaries.pack import build_submission_pack
from atlas.summaries.pack_asks import delivery_ask, install_ask, repair_ask
from atlas.summaries.pack_recipient import (
    choose_contact,
    main_ward,
    office_recipient,
    resolve_recipient,
)
from atlas.summaries.pack_records import records_evidence
from atlas.summaries.pack_words import check_language
from tests.atlas.test_cli_store import run
from tests.atlas.test_report import big_cluster
from tests.conftest import METRIC

CLUSTER = "Kgotso South Cluster"
DAY = date(2026, 3, 3)
TAPS = [
    ("Khayalethu", 42), ("Bophelong Ext 2", 29), ("Kgotsong", 19), ("Tšhepong", 12),
    ("Emaphupheni", 11), ("Reitumetse", 8), ("Ubuntu Corner", 7), ("Lerato Park", 3),
]  # fmt: skip
#: Hand-built contacts: two terms of ward 16's councillor, another ward's, the offices, and
#: departments for water, for waste and for every service.
CONTACTS = [
    {"id": "C1", "role": "ward_councillor", "name": "Sizwe Old", "ward_id": "99900016",
     "valid_from": "2016-08-01", "valid_to": "2021-10-31"},
    {"id": "C2", "role": "ward_councillor", "name": "Nomvula Dube", "office": None,
     "ward_id": "99900016", "valid_from": date(2021, 11, 1), "valid_to": None,
     "email": "ndube@example.org", "source": "City councillor list 2026"},
    {"id": "C3", "role": "ward_councillor", "name": "Karabo Next", "ward_id": "99900023"},
    {"id": "C4", "role": "idp_office", "name": "Lindiwe Mokoena",
     "office": "IDP Manager, Office of the City Manager"},
    {"id": "C5", "role": "mpac_chair", "name": "Pieter Jacobs", "office": None},
    {"id": "C6", "role": "speaker", "name": "Fatima Adams", "office": "Speaker of the Council"},
    {"id": "C7", "role": "department", "name": "Water and Sanitation", "category": "water"},
    {"id": "C8", "role": "department", "name": "Solid Waste Management", "category": "waste"},
    {"id": "C9", "role": "department", "name": "Basic Services Directorate", "category": None},
]  # fmt: skip


@pytest.fixture(scope="module")
def sample() -> tuple[Dataset, GapResult]:
    ds = atlas.load_sample()
    return ds, atlas.compute_gaps(ds, atlas.load_standard("cape-town"))


# -- the recipient ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "ward", "category", "on", "expected"),
    [
        ("ward_councillor", "99900016", None, DAY, "C2"),
        ("ward_councillor", "99900016", None, date(2019, 5, 1), "C1"),  # the earlier term
        ("ward_councillor", "99900023", None, DAY, "C3"),
        ("ward_councillor", "99900015", None, DAY, None),  # nobody kept for that ward
        ("idp_office", None, None, DAY, "C4"),
        ("department", None, "water", DAY, "C7"),
        ("department", None, "waste", DAY, "C8"),
        ("department", None, "sanitation", DAY, "C9"),  # none of its own: every service's
    ],
)
def test_the_contact_fits_role_ward_category_and_term(
    role: str, ward: str | None, category: str | None, on: date, expected: str | None
) -> None:
    found = choose_contact(CONTACTS, role, ward_id=ward, category=category, on=on)
    assert (found or {}).get("id") == expected


def test_a_contact_before_the_wards_layer_before_the_office(
    sample: tuple[Dataset, GapResult],
) -> None:
    ds, _ = sample
    kept = resolve_recipient("ward_councillor", contacts=CONTACTS, wards=ds.wards,
                             ward_id="99900016", on=DAY)  # fmt: skip
    assert (kept.name, kept.office, kept.source, kept.contact_id, kept.email) == (
        "Nomvula Dube", "Ward Councillor, Ward 99900016", "contacts", "C2", "ndube@example.org"
    )  # fmt: skip
    layer = resolve_recipient("ward_councillor", wards=ds.wards, ward_id="99900016")
    assert (layer.line, layer.source) == ("Tshepo Ndlovu, Ward Councillor, Ward 99900016", "wards")
    office = resolve_recipient("ward_councillor", wards=None, ward_id="99900016")
    assert (office.name, office.addressee, office.source) == (
        None, "The Ward Councillor, Ward 99900016", "office"
    )  # fmt: skip
    assert resolve_recipient("idp_office", contacts=CONTACTS).line == (
        "Lindiwe Mokoena, IDP Manager, Office of the City Manager"
    )
    assert resolve_recipient("department", category="waste").addressee == (
        "The Head of Department, solid waste services"
    )


def test_a_party_in_the_councillor_field_is_not_a_councillor(
    sample: tuple[Dataset, GapResult],
) -> None:
    ds, _ = sample
    wards = ds.wards.copy()
    wards.loc[wards["ward_id"] == "99900016", "councillor"] = "AFRICAN NATIONAL CONGRESS"
    found = resolve_recipient("ward_councillor", wards=wards, ward_id="99900016")
    assert found.source == "office" and found.name is None


def test_a_ward_councillor_needs_a_ward_and_roles_are_checked() -> None:
    with pytest.raises(SchemaError, match="needs the ward"):
        office_recipient("ward_councillor")
    with pytest.raises(SchemaError, match="ward_councillor, idp_office, mpac_chair"):
        office_recipient("mayor")


def test_the_main_ward_holds_most_households(sample: tuple[Dataset, GapResult]) -> None:
    _, result = sample
    members = result.settlements[result.settlements["cluster"] == CLUSTER]
    assert main_ward(result, members["settlement_id"]) == "99900016"


def test_the_main_ward_of_the_18_settlements_by_area_shares() -> None:
    ds, _ = big_cluster()
    result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    members = result.settlements[result.settlements["cluster"] == "Masakhane Cluster"]
    # The oracle: shapely's own intersections, each settlement's households by area share.
    homes = members.to_crs(METRIC)
    wards = ds.wards.to_crs(METRIC)
    weight = {
        w: sum(
            h * s.intersection(g).area / s.area
            for s, h in zip(
                homes.geometry, result.settlements.loc[homes.index, "households"], strict=True
            )
            if not math.isnan(h)
        )
        for w, g in zip(wards["ward_id"], wards.geometry, strict=True)
    }
    assert main_ward(result, members["settlement_id"]) == max(weight, key=weight.__getitem__)


# -- the law ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "category", "water", "expected"),
    [
        ("idp_office", "water", True, ["MSA s26(b)", "MSA s17(2)", "Regulation 3"]),
        ("idp_office", "water", False, ["MSA s26(b)", "MSA s17(2)"]),
        (
            "ward_councillor",
            "water",
            True,
            ["MSA s17(2)", "Structures Act ss73-74", "Regulation 3"],
        ),
        ("mpac_chair", "water", False, ["Structures Act s79A", "MSA s73(1)"]),
        ("speaker", "water", True, ["MSA s17(2)", "Regulation 3"]),
        ("department", "water", True, ["WSA s3", "Regulation 3"]),
        ("department", "sanitation", False, ["WSA s3", "Regulation 2"]),
        ("department", "waste", False, ["MSA s73(1)", "Constitution s152(1)(b)"]),
    ],
)
def test_the_law_fits_the_recipient(
    role: str, category: str, water: bool, expected: list[str]
) -> None:
    assert [p.short for p in legal_basis(role, category, water=water)] == expected


def test_regulation_3_says_the_national_basic_water_supply() -> None:
    (text,) = [p.says for p in legal_basis("speaker", water=True) if p.key == "regulation_3"]
    for words in ("25 litres", "per person per day", "200 metres", "10 litres a minute",
                  "7 full days"):  # fmt: skip
        assert words in text


# -- the asks -----------------------------------------------------------------------------------


def test_the_asks_are_the_gaps_of_the_gap_result(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    report = build_cluster_report(result, ds, CLUSTER, generated=DAY)
    totals = result.clusters[result.clusters["cluster"] == CLUSTER].iloc[0]
    taps = install_ask(report, "water")
    assert taps is not None and list(taps.parts) == TAPS
    assert taps.total == 131 == totals["water_gap"]
    assert taps.text.startswith(
        "Install 131 taps in Kgotso South Cluster, to reach 1 tap for 25 households: "
        "42 in Khayalethu, 29 in Bophelong Ext 2, 19 in Kgotsong,"
    )
    assert taps.text.endswith("7 in Ubuntu Corner and 3 in Lerato Park.")
    toilets = install_ask(report, "sanitation")
    assert toilets is not None and toilets.total == 857 == totals["sanitation_gap"]
    assert toilets.parts[0] == ("Khayalethu", 253) and len(toilets.parts) == 9
    members = result.settlements[result.settlements["cluster"] == CLUSTER]
    for category, broken in (("water", 12), ("sanitation", 32)):
        ask = repair_ask(report, category)
        assert ask is not None and ask.total == broken == totals[f"{category}_broken"]
        by_name = dict(zip(members["name"], members[f"{category}_broken"], strict=True))
        assert dict(ask.parts) == {n: b for n, b in by_name.items() if b > 0}
    assert repair_ask(report, "water").text.startswith(  # type: ignore[union-attr]
        "Repair the 12 broken taps: 4 in Khayalethu, 4 in Bophelong Ext 2, 2 in Vukuzenzele"
    )


def test_the_asks_of_18_settlements_add_up_and_say_who_is_not_counted() -> None:
    ds, truth = big_cluster()
    result = atlas.compute_gaps(ds, atlas.load_standard("cape-town"))
    report = build_cluster_report(result, ds, "Masakhane Cluster", generated=DAY)
    ask = install_ask(report, "water")
    assert ask is not None
    expected = {t["name"]: t["water_gap"] for t in truth if t["water_gap"]}
    assert dict(ask.parts) == expected
    assert ask.total == sum(expected.values())
    assert ask.text.endswith("Not counted: Generated Settlement 18 (households not known).")


def test_missed_deliveries_are_asked_for(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    table, period = delivery_compliance(result)
    report = build_cluster_report(result, ds, CLUSTER, generated=DAY, compliance=table)
    ask = delivery_ask(report, table, period)
    # Kgotsong (SET-025) alone has a schedule: 13 deliveries, 3 missed, 1 late, 2 short.
    assert ask is not None and (ask.total, ask.parts) == (3, (("Kgotsong", 3),))
    assert ask.text == (
        "Deliver water as scheduled: 3 of the 13 deliveries scheduled from 1 August 2026 to "
        "30 October 2026 did not come (3 in Kgotsong), and 3 came late or short."
    )


def delivery_compliance(result: GapResult) -> tuple[object, tuple[date, date]]:
    settlements = result.settlements.drop(columns="geometry")
    comparison = compare_files(SAMPLE_SCHEDULE, SAMPLE_DELIVERIES)
    return compliance(comparison.outcomes, "settlement", settlements=settlements), (
        comparison.period
    )


# -- the open reports ---------------------------------------------------------------------------


def sast(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_ZONE)


def life(rid: str, sid: str, category: str, *steps: tuple[str, str]) -> ReportLife:
    """A lifecycle observed at its first step's time."""
    problem = {"water": "broken", "sanitation": "blocked"}[category]
    timed = tuple((sast(at), state) for at, state in steps)
    return ReportLife(rid, sid, None, category, problem, timed[0][0], timed)


MOMENT = sast("2026-03-03T12:00")
LIVES = [
    # Khayalethu: seen 10 February 08:00, still reported: 21 days open.
    life("a", "SET-021", "water", ("2026-02-10T08:00", "reported")),
    # Kgotsong: seen 10 January, confirmed, referred: 52 days open.
    life("b", "SET-025", "water", ("2026-01-10T08:00", "reported"),
         ("2026-01-11T09:00", "confirmed"), ("2026-01-15T09:00", "referred")),
    # Fixed 10 and 20 days after they were seen: the median is 15 days.
    life("c", "SET-021", "water", ("2026-02-01T08:00", "reported"), ("2026-02-11T08:00", "fixed")),
    life("d", "SET-027", "water", ("2026-02-05T08:00", "reported"), ("2026-02-25T08:00", "fixed")),
    # A duplicate counts for nothing; another cluster's report is not this cluster's.
    life("e", "SET-021", "water", ("2026-02-12T08:00", "reported"), ("2026-02-13T08:00", "duplicate")),
    life("f", "SET-001", "water", ("2026-01-02T08:00", "reported")),
    # Ubuntu Corner: seen on 1 January, fixed, reopened on 20 February: open 11 days.
    life("g", "SET-023", "water", ("2026-01-01T08:00", "reported"), ("2026-01-05T08:00", "fixed"),
         ("2026-02-20T08:00", "reported")),
    # Reitumetse's toilets: seen on 2 February: 29 days open.
    life("h", "SET-022", "sanitation", ("2026-02-02T08:00", "reported")),
]  # fmt: skip


def members(result: GapResult) -> dict[str, str]:
    rows = result.settlements[result.settlements["cluster"] == CLUSTER]
    return dict(zip(rows["settlement_id"], rows["name"], strict=True))


def test_the_open_reports_oldest_first_and_the_response(sample: tuple[Dataset, GapResult]) -> None:
    _, result = sample
    found = records_evidence(LIVES, members(result), MOMENT, cluster=CLUSTER,
                             references={"b": "C-2026-0117"})  # fmt: skip
    assert [(r.report_id, r.settlement, r.days_open, r.reference) for r in found.rows] == [
        ("g", "Ubuntu Corner", 11, None),
        ("b", "Kgotsong", 52, "C-2026-0117"),
        ("h", "Reitumetse", 29, None),
        ("a", "Khayalethu", 21, None),
    ]
    assert (found.open_count, found.over_30, found.oldest) == (4, 1, date(2026, 1, 1))
    assert found.response == {
        "opened": 6,  # a, b, c, d, g, h (not e, a duplicate; not f, another cluster's)
        "fixed": 2,
        "open_over_7_days": 4,
        "open_over_30_days": 1,
        "median_days_to_fix": 15.0,
    }
    assert found.sentences[0] == (
        "In the 12 months to 3 March 2026, the cluster reported 6 problems; 2 fixed, in a "
        "median of 15 days from when the problem was seen."
    )
    water = records_evidence(LIVES, members(result), MOMENT, cluster=CLUSTER, category="water")
    assert [r.report_id for r in water.rows] == ["g", "b", "a"]


def test_the_pack_asks_for_the_open_reports(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    to = resolve_recipient("mpac_chair", contacts=CONTACTS)
    pack = build_submission_pack(result, ds, CLUSTER, to, generated=DAY, lives=LIVES,
                                 moment=MOMENT)  # fmt: skip
    kinds = [a.kind for a in pack.asks]
    assert kinds == ["install", "install", "repair", "repair", "reports", "answer"]
    assert pack.asks[4].text == (
        "Fix the 4 problems we reported that are still open, the oldest seen on 1 January "
        "2026 (1 open for more than 30 days): they are listed in the evidence."
    )
    assert pack.asks[5].text.startswith("Answer this submission in writing by 2 April 2026")
    assert pack.letter.recipient[:2] == ("Pieter Jacobs", "Chairperson, Municipal Public "
                                         "Accounts Committee (MPAC)")  # fmt: skip


def test_a_department_is_asked_about_its_own_service(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    to = resolve_recipient("department", contacts=CONTACTS, category="sanitation")
    pack = build_submission_pack(result, ds, CLUSTER, to, generated=DAY, lives=LIVES,
                                 moment=MOMENT)  # fmt: skip
    assert [(a.kind, a.category, a.total) for a in pack.asks] == [
        ("install", "sanitation", 857), ("repair", "sanitation", 32), ("reports", None, 1),
        ("answer", None, 0),
    ]  # fmt: skip
    assert [p.short for p in pack.provisions] == ["WSA s3", "Regulation 2"]
    assert pack.letter.subject.startswith("Sanitation in the 9 settlements")


def test_without_a_ratio_a_department_is_asked_for_repairs_only(
    sample: tuple[Dataset, GapResult],
) -> None:
    ds, result = sample
    to = office_recipient("department", category="electricity")
    pack = build_submission_pack(result, ds, CLUSTER, to, generated=DAY)
    totals = result.clusters[result.clusters["cluster"] == CLUSTER].iloc[0]
    assert [(a.kind, a.total) for a in pack.asks] == [
        ("repair", totals["electricity_broken"]), ("answer", 0)
    ]  # fmt: skip
    assert pack.asks[0].text.startswith("Repair the 8 broken lights: 3 in Khayalethu, 2 in")


def test_how_the_numbers_were_made(sample: tuple[Dataset, GapResult]) -> None:
    ds, result = sample
    table, period = delivery_compliance(result)
    to = resolve_recipient("speaker", contacts=CONTACTS)
    pack = build_submission_pack(result, ds, CLUSTER, to, generated=DAY, compliance=table,
                                 delivery_period=period, lives=LIVES, moment=MOMENT)  # fmt: skip
    method = "\n".join(pack.method)
    digest = hashlib.sha256(Path(ds.reports[0].source).read_bytes()).hexdigest()
    assert f"settlements.geojson (settlements): 30 of 30 rows used, coordinates in EPSG:4326 " \
           f"(SHA-256 {digest[:16]}…)." in method  # fmt: skip
    assert "Statuses of the service points: as the services file gives them." in method
    assert "Standard used: City of Cape Town target." in method
    assert "Household counts estimated from population (2.94 people per household): " \
           "Khayalethu, Reitumetse." in method  # fmt: skip
    assert "from 1 August 2026 to 30 October 2026" in method
    assert "the cluster's own records, as of 3 March 2026" in method
    assert "Recipient: the cluster's contacts (contact C6)." in method
    assert pack.sheet.intro.endswith("as a petition under section 17 of the Municipal Systems Act.")


# -- languages ----------------------------------------------------------------------------------


def test_the_pack_is_written_in_the_atlas_languages(sample: tuple[Dataset, GapResult]) -> None:
    assert [check_language(c) for c in ("EN", "zu", "xh", "st", "nso", "af")] == [
        "en", "zu", "xh", "st", "nso", "af",
    ]  # fmt: skip
    with pytest.raises(SchemaError, match=r"not available in Setswana \(tn\) yet"):
        check_language("tn")
    with pytest.raises(SchemaError, match="not available in 'klingon' yet: it is written in"):
        check_language("klingon")
    ds, result = sample
    pack = build_submission_pack(result, ds, CLUSTER, office_recipient("speaker"), language="af")
    assert pack.language == "af"


# -- atlas pack ---------------------------------------------------------------------------------


def test_atlas_pack_writes_a_pdf_to_the_wards_councillor(capsys, monkeypatch, tmp_path) -> None:
    target = tmp_path / "pack.pdf"
    argv = ["pack", "--cluster", CLUSTER, "--to", "ward_councillor", "--output", str(target)]
    code, _, err = run(capsys, monkeypatch, *argv)
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    assert "addressed to Tshepo Ndlovu, Ward Councillor, Ward 99900016" in err


def test_atlas_pack_says_when_it_writes_to_the_office(capsys, monkeypatch, tmp_path) -> None:
    argv = ["pack", "--cluster", CLUSTER, "--to", "idp_office", "--quiet",
            "--output", str(tmp_path / "pack.pdf")]  # fmt: skip
    code, _, err = run(capsys, monkeypatch, *argv)
    assert code == 0, err
    assert "the letter is addressed to 'The Integrated Development Planning (IDP) Office'" in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--record"], "--record keeps the submission in the cluster's store: add --db URL"),
        # The cluster's wards by households (area shares): 16 has 1 682, 23 has 1 374.5
        # (Vukuzenzele 106, Emaphupheni 459, 69.9 % of Bophelong Ext 2's 1 158), 17 has 467,
        # 15 has 422, 22 has 352, 24 has 348.6.
        (["--ward", "12345"], "There is no ward '12345' in the wards layer: use a ward_id, e.g. "
                              "99900016, 99900023, 99900017, 99900015, 99900022, 99900024."),
        (["--category", "roads"], "--category roads: the standard measures water, sanitation"),
        (["--cluster", "Kgotso"], "There is no cluster 'Kgotso': use one of Ilanga East Cluster"),
    ],
)  # fmt: skip
def test_atlas_pack_errors_are_one_paragraph(
    extra: list[str], message: str, capsys, monkeypatch, tmp_path
) -> None:
    argv = ["pack", "--cluster", CLUSTER, "--to", "speaker", "--output", str(tmp_path / "p.pdf")]
    code, _, err = run(capsys, monkeypatch, *argv, *extra, "--quiet")
    assert code == 1 and message in err and "Traceback" not in err, err


def test_atlas_pack_with_a_store_names_the_contact_and_records_it(
    capsys, monkeypatch, tmp_path
) -> None:
    from atlas import store as st

    pytest.importorskip("atlas.store.contacts")
    db = tmp_path / "atlas.sqlite"
    store = st.open_store(db)
    ds = atlas.load_sample()
    st.sync_register(store, atlas.compute_gaps(ds, atlas.load_standard("cape-town")))
    admin = st.add_user(store, None, "thandi", "admin", "admin password")
    cid = st.add_contact(store, admin, st.NewContact(
        "ward_councillor", "Nomvula Dube", ward_id="99900016", source="City list 2026"))  # fmt: skip
    added = st.add_report(store, admin, st.NewReport("SET-021", "water", "broken",
                                                     "2026-01-10T08:00"))  # fmt: skip
    st.update_report(store, admin, added.id, "confirmed", at="2026-01-11T09:00")
    st.update_report(store, admin, added.id, "referred", reference="C-77", at="2026-01-12T09:00")
    store.close()
    target = tmp_path / "pack.pdf"
    argv = ["pack", "--cluster", CLUSTER, "--to", "ward_councillor", "--output", str(target),
            "--db", str(db), "--as", "thandi", "--record"]  # fmt: skip
    code, _, err = run(capsys, monkeypatch, *argv, password="admin password")
    assert code == 0, err
    assert "addressed to Nomvula Dube, Ward Councillor, Ward 99900016 (the store's contacts)" in err
    store = st.open_store(db)
    try:
        (kept,) = st.list_submissions(store, st.sign_in(store, "thandi", "admin password"))
        with store.engine.connect() as conn:
            from sqlalchemy import select

            from atlas.store import schema

            row = conn.execute(select(schema.submissions)).one()
    finally:
        store.close()
    assert (kept["cluster"], kept["recipient"], kept["recipient_role"]) == (
        CLUSTER, "Nomvula Dube, Ward Councillor, Ward 99900016", "ward_councillor"
    )  # fmt: skip
    assert row.contact_id == cid
    assert row.pack_sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert (row.due - row.sent).days == 30


def test_hand_made_wards_without_a_councillor_field() -> None:
    wards = gpd.GeoDataFrame({"ward_id": ["1"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    assert resolve_recipient("ward_councillor", wards=wards, ward_id="1").source == "office"
