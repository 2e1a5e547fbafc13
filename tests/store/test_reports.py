"""Reports: the checks every report passes, its id, its lifecycle with a history row for each
change, and the possible duplicates offered (never merged)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from pyproj import Geod

from atlas import store as st
from atlas.errors import AccessDenied, StoreError
from atlas.measure import GapResult
from tests.store.conftest import CLUSTER, Team, scalar

# SET-001 Sizwe Village (Northern Ridge): water points SRV-0071 …; sanitation SRV-0010 …
# SRV-0001 is a water point of SET-014 (data/sample/services.geojson).
GOOD = {"settlement_id": "SET-001", "category": "water", "problem": "broken"}
GOOD_TIME = "2025-11-03T08:30"


def _entry(**changes: object) -> st.NewReport:
    values: dict[str, object] = {**GOOD, "observed_at": GOOD_TIME, **changes}
    return st.NewReport(**values)  # type: ignore[arg-type]


FUTURE = (datetime.now(UTC) + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"settlement_id": "SET-999"},
            "There is no settlement 'SET-999' in the register",
            id="settlement",
        ),
        pytest.param(
            {"category": "roads"},
            "'roads' is not a service category: use one of water, ",
            id="category",
        ),
        pytest.param(
            {"problem": "not_cleaned"},
            "'not_cleaned' is not a water problem: use one of broken,",
            id="problem",
        ),
        pytest.param(
            {"observed_at": "yesterday"}, "observed_at 'yesterday' is not a time", id="time-words"
        ),
        pytest.param(
            {"observed_at": "2025-13-01"},
            "observed_at '2025-13-01' is not a time",
            id="time-month-13",
        ),
        pytest.param({"observed_at": FUTURE}, r"observed_at .* is in the future", id="time-future"),
        pytest.param(
            {"observed_at": "1999-12-31T12:00"},
            r"observed_at 1999-12-31T12:00:00\+02:00 is before 2000",
            id="time-before-2000",
        ),
        pytest.param(
            {"service_id": "SRV-0010"},
            "The service point SRV-0010 is a sanitation point, not water",
            id="service-category",
        ),
        pytest.param(
            {"service_id": "SRV-0001"},
            "SRV-0001 serves settlement SET-014, not SET-001",
            id="service-settlement",
        ),
        pytest.param(
            {"service_id": "SRV-9999"},
            "There is no service point 'SRV-9999' in the register",
            id="service-unknown",
        ),
        pytest.param(
            {"channel": "fax"},
            "'fax' is not a channel: use one of app, paper, meeting, kobo, sms",
            id="channel",
        ),
        pytest.param({"lon": 28.3}, "Give both a longitude and a latitude", id="lon-without-lat"),
        pytest.param(
            {"lon": 200.0, "lat": -26.0}, r"\(200.0, -26.0\) is not a place", id="lon-200"
        ),
        pytest.param(
            {"note": "x" * 2001},
            "The note is 2001 characters long: keep it under 2000",
            id="note-long",
        ),
        pytest.param(
            {"contact": "0" * 201},
            "The contact is 201 characters long: keep it under 200",
            id="contact-long",
        ),
    ],
)
def test_a_wrong_report_is_refused_naming_what(
    team: Team, registered: st.Store, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        st.add_report(registered, team.coordinator, _entry(**changes))
    assert scalar(registered, "SELECT count(*) FROM reports") == 0
    assert scalar(registered, "SELECT count(*) FROM report_history") == 0


@pytest.mark.parametrize(
    ("settlement", "name"), [("SET-011", "Masakhane"), ("SET-030", "Lesedi Extension")]
)
def test_a_member_reports_only_in_their_cluster(
    team: Team, registered: st.Store, settlement: str, name: str
) -> None:
    with pytest.raises(AccessDenied, match=f"{name} is not in your cluster \\({CLUSTER}\\)"):
        st.add_report(registered, team.member, _entry(settlement_id=settlement))
    assert scalar(registered, "SELECT count(*) FROM reports") == 0
    # a coordinator reports for any settlement, in a cluster or not
    st.add_report(registered, team.coordinator, _entry(settlement_id=settlement))


def test_a_report_as_kept(team: Team, registered: st.Store, gaps: GapResult) -> None:
    entry = _entry(
        service_id=" SRV-0071 ",
        problem=" No_Water ",
        note="  the tap at the crèche  ",
        contact="  082   555 0101 ",
        channel="SMS",
        external_id="form-17",
    )
    added = st.add_report(registered, team.member, entry)
    [record] = st.list_reports(registered, team.coordinator, with_contacts=True)
    point = gaps.services.set_index("service_id").geometry["SRV-0071"]
    stamp = record.pop("requested_datetime")
    assert record.pop("updated_datetime") == stamp
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+02:00", stamp)
    assert record == {
        "service_request_id": added.id,
        "external_id": "form-17",
        "state": "reported",
        "status": "open",
        "settlement_id": "SET-001",
        "settlement_name": "Sizwe Village",
        "cluster": CLUSTER,
        "service_id": "SRV-0071",
        "category": "water",
        "problem": "no_water",
        "description": "the tap at the crèche",
        "observed_at": "2025-11-03T08:30:00+02:00",
        "channel": "sms",
        "reporter": "mandla",
        "reference": None,
        "agency_responsible": None,
        "duplicate_of": None,
        "status_notes": None,
        "lon": round(point.x, 7),
        "lat": round(point.y, 7),
        "contact": "082 555 0101",
    }
    assert added.possible_duplicates == ()
    # observed 08:30 South African time is kept as 06:30 UTC
    kept = scalar(registered, "SELECT observed_at FROM reports")
    assert str(kept).startswith("2025-11-03 06:30:00")


def test_report_ids_are_random_base32(team: Team, registered: st.Store) -> None:
    ids = [st.add_report(registered, team.member, _entry()).id for _ in range(20)]
    assert all(re.fullmatch(r"[a-z2-7]{16}", rid) for rid in ids), ids
    assert len(set(ids)) == 20
    assert scalar(registered, "SELECT count(DISTINCT id) FROM reports") == 20


def test_an_external_id_is_used_once(team: Team, registered: st.Store) -> None:
    first = st.add_report(registered, team.member, _entry(external_id="paper-3")).id
    with pytest.raises(StoreError, match=f"external id paper-3 is already kept \\(as {first}\\)"):
        st.add_report(registered, team.member, _entry(external_id="paper-3", problem="leaking"))
    assert scalar(registered, "SELECT count(*) FROM reports") == 1


def _history(store: st.Store, user: st.User, rid: str) -> list[tuple[object, ...]]:
    return [
        (h["state_from"], h["state_to"], h["actor"], h["at"], h["note"], h["reference"])
        for h in st.history(store, user, rid)
    ]


def test_the_lifecycle_reported_confirmed_referred_fixed(team: Team, registered: st.Store) -> None:
    rid = st.add_report(registered, team.member, _entry()).id
    confirmed = st.update_report(
        registered, team.coordinator, rid, "confirmed", note="seen", at="2025-11-04T09:00"
    )
    assert (confirmed["state"], confirmed["status"], confirmed["status_notes"]) == (
        "confirmed",
        "open",
        "seen",
    )
    with pytest.raises(StoreError, match="referred with the municipality's reference number"):
        st.update_report(registered, team.coordinator, rid, "referred", reference="  ")
    referred = st.update_report(
        registered,
        team.coordinator,
        rid,
        "referred",
        reference="CPT-2025-0042",
        agency="Water and Sanitation",
        at="2025-11-05T10:15+02:00",
    )
    assert (referred["reference"], referred["agency_responsible"]) == (
        "CPT-2025-0042",
        "Water and Sanitation",
    )
    fixed = st.update_report(
        registered, team.admin, rid, "fixed", note="tap replaced", at="2025-11-12T08:00:00Z"
    )
    assert (fixed["state"], fixed["status"], fixed["status_notes"]) == (
        "fixed",
        "closed",
        "tap replaced",
    )
    assert fixed["updated_datetime"] == "2025-11-12T10:00:00+02:00"
    assert fixed["reference"] == "CPT-2025-0042"  # kept from the referral
    assert _history(registered, team.member, rid) == [
        (None, "reported", "mandla", "2025-11-03T08:30:00+02:00", None, None),
        ("reported", "confirmed", "cora", "2025-11-04T09:00:00+02:00", "seen", None),
        ("confirmed", "referred", "cora", "2025-11-05T10:15:00+02:00", None, "CPT-2025-0042"),
        ("referred", "fixed", "admin", "2025-11-12T10:00:00+02:00", "tap replaced", None),
    ]
    assert scalar(registered, "SELECT count(*) FROM report_history") == 4
    updates = [
        (a["actor"], a["subject"], a["detail"])
        for a in st.read_audit(registered, team.admin)
        if a["action"] == "report.updated"
    ]
    assert updates == [
        ("cora", rid, {"state_from": "reported", "state_to": "confirmed"}),
        ("cora", rid, {"state_from": "confirmed", "state_to": "referred"}),
        ("admin", rid, {"state_from": "referred", "state_to": "fixed"}),
    ]
    # a closed report may be reopened
    assert st.update_report(registered, team.coordinator, rid, "reported")["status"] == "open"


@pytest.mark.parametrize(
    ("path", "step", "allowed"),
    [
        ([], "fixed", "confirmed, duplicate, rejected"),
        ([], "referred", "confirmed, duplicate, rejected"),
        (["confirmed"], "reported", "duplicate, fixed, not_fixed, referred, rejected"),
        (["rejected"], "confirmed", "reported"),
        (["confirmed", "fixed"], "not_fixed", "reported"),
    ],
)
def test_a_step_the_lifecycle_does_not_allow_is_refused(
    team: Team, registered: st.Store, path: list[str], step: str, allowed: str
) -> None:
    rid = st.add_report(registered, team.member, _entry()).id
    for state in path:
        st.update_report(registered, team.coordinator, rid, state)
    current = path[-1] if path else "reported"
    message = f"Report {rid} is {current}: it can become {allowed}, not {step}."
    with pytest.raises(StoreError, match=re.escape(message)):
        st.update_report(registered, team.coordinator, rid, step, reference="R-1")
    assert scalar(registered, "SELECT count(*) FROM report_history") == 1 + len(path)


def test_an_unknown_state_or_report_is_refused(team: Team, registered: st.Store) -> None:
    rid = st.add_report(registered, team.member, _entry()).id
    with pytest.raises(StoreError, match="'done' is not a report state: use one of reported,"):
        st.update_report(registered, team.coordinator, rid, "done")
    with pytest.raises(StoreError, match="There is no report 'aaaaaaaaaaaaaaaa'"):
        st.update_report(registered, team.coordinator, "aaaaaaaaaaaaaaaa", "confirmed")
    with pytest.raises(StoreError, match="'done' is not a report state"):
        st.list_reports(registered, team.coordinator, state="done")


def test_a_duplicate_names_another_report(team: Team, registered: st.Store) -> None:
    first = st.add_report(registered, team.member, _entry()).id
    second = st.add_report(registered, team.member, _entry(problem="no_water")).id
    third = st.add_report(registered, team.member, _entry(problem="leaking")).id
    with pytest.raises(StoreError, match="Say which report this one repeats"):
        st.update_report(registered, team.coordinator, second, "duplicate")
    with pytest.raises(StoreError, match="cannot be a duplicate of itself"):
        st.update_report(registered, team.coordinator, second, "duplicate", duplicate_of=second)
    with pytest.raises(StoreError, match="There is no report 'nosuchreport0000'"):
        st.update_report(
            registered, team.coordinator, second, "duplicate", duplicate_of="nosuchreport0000"
        )
    with pytest.raises(StoreError, match="Only a report marked duplicate names the report"):
        st.update_report(registered, team.coordinator, second, "confirmed", duplicate_of=first)
    marked = st.update_report(
        registered, team.coordinator, second, "duplicate", duplicate_of=first, note="same tap"
    )
    assert (marked["state"], marked["status"], marked["duplicate_of"]) == (
        "duplicate",
        "closed",
        first,
    )
    assert st.history(registered, team.member, second)[-1]["duplicate_of"] == first
    with pytest.raises(StoreError, match=f"{second} is itself a duplicate \\(of {first}\\)"):
        st.update_report(registered, team.coordinator, third, "duplicate", duplicate_of=second)
    reopened = st.update_report(registered, team.coordinator, second, "reported")
    assert reopened["duplicate_of"] is None
    states = {r["service_request_id"]: r["state"] for r in st.list_reports(registered, team.admin)}
    assert states == {first: "reported", second: "reported", third: "reported"}


def test_changes_are_recorded_in_the_order_they_happened(team: Team, registered: st.Store) -> None:
    rid = st.add_report(registered, team.member, _entry()).id  # observed 2025-11-03T08:30
    with pytest.raises(StoreError, match=r"2025-11-03T08:00:00\+02:00 is before the report's"):
        st.update_report(registered, team.coordinator, rid, "confirmed", at="2025-11-03T08:00")
    st.update_report(registered, team.coordinator, rid, "confirmed", at="2025-11-06T12:00")
    message = (
        r"2025-11-05T12:00:00\+02:00 is before the report's last change "
        r"\(2025-11-06T12:00:00\+02:00\)"
    )
    with pytest.raises(StoreError, match=message):
        st.update_report(
            registered, team.coordinator, rid, "referred", reference="R-1", at="2025-11-05T12:00"
        )
    with pytest.raises(StoreError, match=r"--at .* is in the future"):
        st.update_report(registered, team.coordinator, rid, "referred", reference="R-1", at=FUTURE)
    with pytest.raises(StoreError, match="--at 'next week' is not a time"):
        st.update_report(
            registered, team.coordinator, rid, "referred", reference="R-1", at="next week"
        )
    # the same moment as the last change is in order; now (no --at) too
    st.update_report(
        registered, team.coordinator, rid, "referred", reference="R-1", at="2025-11-06T12:00"
    )
    st.update_report(registered, team.coordinator, rid, "fixed")
    assert [h["state_to"] for h in st.history(registered, team.member, rid)] == [
        "reported",
        "confirmed",
        "referred",
        "fixed",
    ]


def test_list_filters(team: Team, registered: st.Store) -> None:
    a = st.add_report(registered, team.member, _entry()).id
    b = st.add_report(registered, team.member, _entry(settlement_id="SET-002")).id
    c = st.add_report(registered, team.other_member, _entry(settlement_id="SET-011")).id
    st.update_report(registered, team.coordinator, b, "rejected", note="not a water point")

    def ids(**filters: object) -> list[str]:
        listed = st.list_reports(registered, team.coordinator, **filters)  # type: ignore[arg-type]
        return [r["service_request_id"] for r in listed]

    assert ids() == [a, b, c]  # oldest first
    assert ids(state="reported") == [a, c]
    assert ids(state=["rejected", "fixed"]) == [b]
    assert ids(settlement_id="SET-002") == [b]
    assert ids(cluster="Ilanga East Cluster") == [c]
    assert ids(cluster=CLUSTER, state="reported") == [a]
    [rejected] = st.list_reports(registered, team.member, state="rejected")
    assert rejected["status_notes"] == "not a water point"


# 30 m and 80 m along a meridian at 26.03° S: one degree of latitude there is
# 111132.954 - 559.822 cos(2φ) + 1.175 cos(4φ) = 110788.5 m (WGS84).
LON0, LAT0 = 28.3047, -26.0338  # inside SET-001, Sizwe Village
METRES_PER_DEGREE = 110_788.5
NORTH_30 = LAT0 + 30 / METRES_PER_DEGREE
SOUTH_80 = LAT0 - 80 / METRES_PER_DEGREE


def test_the_hand_computed_distances() -> None:
    geod = Geod(ellps="WGS84")
    assert geod.inv(LON0, LAT0, LON0, NORTH_30)[2] == pytest.approx(30.0, abs=0.05)
    assert geod.inv(LON0, LAT0, LON0, SOUTH_80)[2] == pytest.approx(80.0, abs=0.05)
    assert geod.inv(LON0, NORTH_30, LON0, SOUTH_80)[2] == pytest.approx(110.0, abs=0.05)


def test_possible_duplicates_are_offered_never_merged(team: Team, registered: st.Store) -> None:
    def add(**changes: object) -> st.AddedReport:
        values = {"category": "electricity", "problem": "no_power", **changes}
        return st.add_report(registered, team.member, _entry(**values))

    here = add(lon=LON0, lat=LAT0)
    assert here.possible_duplicates == ()
    near = add(lon=LON0, lat=NORTH_30)  # 30 m away: within 50 m
    assert near.possible_duplicates == (here.id,)
    far = add(lon=LON0, lat=SOUTH_80)  # 80 m from here, 110 m from near
    assert far.possible_duplicates == ()
    other_category = add(category="waste", problem="overflowing", lon=LON0, lat=NORTH_30)
    assert other_category.possible_duplicates == ()
    unplaced = add()
    assert unplaced.possible_duplicates == ()
    # only open reports: once `here` is rejected, a report beside it no longer names it
    st.update_report(registered, team.coordinator, here.id, "rejected")
    again = add(lon=LON0, lat=LAT0)
    assert again.possible_duplicates == (near.id,)
    # the same service point, whatever the distance
    tap = st.add_report(registered, team.member, _entry(service_id="SRV-0071"))
    tap2 = st.add_report(registered, team.member, _entry(service_id="SRV-0071", problem="leaking"))
    assert tap.possible_duplicates == ()
    assert tap2.possible_duplicates == (tap.id,)
    other_tap = st.add_report(registered, team.member, _entry(service_id="SRV-0273"))
    assert tap.id not in other_tap.possible_duplicates
    # offered, not merged: every report is kept, as reported
    listed = st.list_reports(registered, team.coordinator)
    assert len(listed) == 9
    assert {r["state"] for r in listed if r["service_request_id"] != here.id} == {"reported"}
