"""Water deliveries in the store (issue 14): recording one and its checks, who lists which,
withdrawing (never deleting), importing a file idempotently, and the table the schedule
comparison reads, on SQLite and PostgreSQL. Counts are worked out by hand in the comments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from atlas import store as st
from atlas.errors import AccessDenied, DataFileError, StoreError
from atlas.registry import SAMPLE_DELIVERIES
from atlas.schedules import (
    LOCAL_TZ,
    classify_deliveries,
    clean_deliveries,
    clean_schedule,
    read_deliveries,
)
from atlas.store.delivery_listing import FRAME_COLUMNS
from tests.store.conftest import CLUSTER, OTHER_CLUSTER, Team, scalar

#: SET-001 … SET-010 are in CLUSTER (the member's), SET-011 … SET-020 in OTHER_CLUSTER.
MINE, THEIRS = "SET-003", "SET-012"


def delivery(
    settlement: str = MINE, arrived: str = "2026-08-04T10:00", **more: object
) -> st.NewDelivery:
    return st.NewDelivery(settlement, arrived, **{"litres": 15000, **more})


def cells(column: pd.Series) -> list[object]:
    """A column's values, missing ones as None (a text column holds them as NaN)."""
    return [None if pd.isna(v) else v for v in column]


# Recording one.


def test_a_member_records_for_their_own_cluster_only(team: Team, registered: st.Store) -> None:
    did = st.add_delivery(registered, team.member, delivery())
    assert len(did) == 16 and did.isalnum()
    with pytest.raises(AccessDenied, match=r"is not in your cluster \(Northern Ridge Cluster\)"):
        st.add_delivery(registered, team.member, delivery(THEIRS))
    with pytest.raises(AccessDenied, match="vusi is a viewer: recording a delivery needs a member"):
        st.add_delivery(registered, team.viewer, delivery(arrived="2026-08-05T10:00"))
    st.add_delivery(registered, team.coordinator, delivery(THEIRS))  # every cluster
    assert scalar(registered, "SELECT count(*) FROM deliveries") == 2
    kept = scalar(registered, "SELECT reporter FROM deliveries WHERE id = :i", i=did)
    assert kept == "mandla"  # the user who recorded it


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"settlement_id": "SET-999"}, "There is no settlement 'SET-999' in the register"),
        ({"arrived_at": "2026-08-04"}, "arrived_at '2026-08-04' has no time of day"),
        ({"arrived_at": "at nine"}, "arrived_at 'at nine' is not a time"),
        ({"arrived_at": "2099-08-04T10:00"}, "is in the future"),
        ({"arrived_at": "1999-08-04T10:00"}, "is before 2000"),
        ({"litres": None}, "Say how much water came: the litres, the number of tanks, or both"),
        ({"litres": -5}, "The litres -5 cannot be a volume: write 0 or more"),
        ({"litres": float("nan")}, "The litres nan cannot be a volume"),
        ({"litres": float("inf")}, "The litres inf cannot be a volume"),
        ({"tanks": "three"}, "The tanks 'three' is not a number"),
        ({"channel": "fax"}, "'fax' is not a channel"),
        ({"note": "x" * 2001}, "The note is 2001 characters long: keep it under 2000"),
    ],
)
def test_a_wrong_delivery_is_refused_saying_what_to_fix(
    team: Team, registered: st.Store, change: dict[str, object], words: str
) -> None:
    entry = st.NewDelivery(
        **{"settlement_id": MINE, "arrived_at": "2026-08-04T10:00", "litres": 15000, **change}
    )
    with pytest.raises(StoreError) as caught:
        st.add_delivery(registered, team.member, entry)
    assert words in str(caught.value)
    assert scalar(registered, "SELECT count(*) FROM deliveries") == 0


def test_volumes_are_read_as_a_delivery_file_writes_them(team: Team, registered: st.Store) -> None:
    st.add_delivery(registered, team.member, delivery(litres="20 000", tanks="2,5"))
    st.add_delivery(registered, team.member, delivery(arrived="2026-08-05T10:00", litres=0))
    frame = st.delivery_frame(registered, team.member)
    assert frame["litres"].tolist() == [20000.0, 0.0]  # 0 is a volume: nothing came
    assert frame["tanks"].tolist()[0] == 2.5 and np.isnan(frame["tanks"].tolist()[1])


def test_the_same_delivery_is_kept_once(team: Team, registered: st.Store) -> None:
    first = st.add_delivery(registered, team.member, delivery(external_id="K-1"))
    # The same settlement in the same minute is the same delivery, whoever records it.
    with pytest.raises(StoreError, match=rf"already recorded \(delivery {first}\)"):
        st.add_delivery(registered, team.coordinator, delivery(arrived="2026-08-04T10:00:40"))
    with pytest.raises(StoreError, match=rf"external id K-1 is already kept \(as {first}\)"):
        st.add_delivery(
            registered, team.member, delivery(arrived="2026-08-05T10:00", external_id="K-1")
        )
    st.add_delivery(registered, team.member, delivery(arrived="2026-08-04T10:01"))  # next minute
    st.withdraw_delivery(registered, team.coordinator, first, "recorded at the wrong time")
    st.add_delivery(registered, team.member, delivery())  # withdrawn: may be recorded again
    assert scalar(registered, "SELECT count(*) FROM deliveries") == 3


# Who lists which.


def _three(team: Team, store: st.Store) -> dict[str, str]:
    """A delivery of each cluster's, and one just after midnight (00:30 SAST on the 6th is
    22:30 UTC on the 5th)."""
    return {
        "mine": st.add_delivery(store, team.member, delivery(note="queue was long")),
        "night": st.add_delivery(store, team.member, delivery("SET-001", "2026-08-06T00:30")),
        "theirs": st.add_delivery(store, team.other_member, delivery(THEIRS, "2026-08-06T09:00")),
    }


def test_members_list_their_cluster_coordinators_every_one_viewers_none(
    team: Team, registered: st.Store
) -> None:
    ids = _three(team, registered)
    mine = st.list_deliveries(registered, team.member)
    assert [r["id"] for r in mine] == [ids["mine"], ids["night"]]  # by time of arrival
    assert mine[0] == {
        "id": ids["mine"],
        "external_id": None,
        "settlement_id": MINE,
        "settlement_name": "Thabong View",
        "cluster": CLUSTER,
        "arrived_at": "2026-08-04T10:00:00+02:00",
        "litres": 15000.0,
        "tanks": None,
        "provider": None,
        "note": "queue was long",
        "channel": "app",
        "reporter": "mandla",
        "recorded_at": mine[0]["recorded_at"],
        "withdrawn_at": None,
        "withdrawn_by": None,
    }
    assert [r["id"] for r in st.list_deliveries(registered, team.other_member)] == [ids["theirs"]]
    everyone = st.list_deliveries(registered, team.coordinator)
    assert [r["id"] for r in everyone] == [ids["mine"], ids["night"], ids["theirs"]]
    only = st.list_deliveries(registered, team.coordinator, cluster=OTHER_CLUSTER)
    assert [r["id"] for r in only] == [ids["theirs"]]
    with pytest.raises(AccessDenied, match="a member sees the deliveries of their own cluster"):
        st.list_deliveries(registered, team.member, cluster=OTHER_CLUSTER)
    with pytest.raises(AccessDenied, match="listing deliveries needs a member"):
        st.list_deliveries(registered, team.viewer)


def test_a_period_is_of_local_days_both_included(team: Team, registered: st.Store) -> None:
    ids = _three(team, registered)
    coordinator = team.coordinator

    def listed(start: str | date | None, end: str | date | None) -> list[str]:
        return [r["id"] for r in st.list_deliveries(registered, coordinator, start=start, end=end)]

    # 00:30 on the 6th is the 6th in South Africa, though the 5th in UTC.
    assert listed("2026-08-05", "2026-08-05") == []
    assert listed(date(2026, 8, 6), None) == [ids["night"], ids["theirs"]]
    assert listed(None, "2026-08-05") == [ids["mine"]]
    assert listed("2026-08-04", "2026-08-04") == [ids["mine"]]
    with pytest.raises(StoreError, match=r"ends \(2026-08-04\) before it starts \(2026-08-06\)"):
        listed("2026-08-06", "2026-08-04")
    with pytest.raises(StoreError, match="The first day 'August' is not a date"):
        listed("August", None)
    frame = st.delivery_frame(registered, coordinator, start="2026-08-05", end="2026-08-06")
    assert frame["settlement_id"].tolist() == ["SET-001", THEIRS]
    assert frame["line"].tolist() == [1, 2]


# Withdrawing.


def test_a_coordinator_withdraws_and_nothing_is_deleted(team: Team, registered: st.Store) -> None:
    ids = _three(team, registered)
    with pytest.raises(AccessDenied, match="withdrawing a delivery needs a coordinator"):
        st.withdraw_delivery(registered, team.member, ids["mine"], "recorded twice")
    with pytest.raises(StoreError, match="Say why the delivery is withdrawn"):
        st.withdraw_delivery(registered, team.coordinator, ids["mine"], "  ")
    with pytest.raises(StoreError, match="There is no delivery 'nope'"):
        st.withdraw_delivery(registered, team.coordinator, "nope", "recorded twice")
    record = st.withdraw_delivery(registered, team.coordinator, ids["mine"], "recorded twice")
    assert record["withdrawn_by"] == "cora" and record["withdrawn_at"] is not None
    with pytest.raises(StoreError, match=f"Delivery {ids['mine']} is withdrawn already .by cora"):
        st.withdraw_delivery(registered, team.admin, ids["mine"], "again")
    assert scalar(registered, "SELECT count(*) FROM deliveries") == 3  # kept
    listed = [r["id"] for r in st.list_deliveries(registered, team.member)]
    assert listed == [ids["night"]]
    withdrawn = st.list_deliveries(registered, team.member, withdrawn=True)
    assert [r["withdrawn_by"] for r in withdrawn] == ["cora", None]
    assert st.delivery_frame(registered, team.coordinator)["settlement_id"].tolist() == [
        "SET-001",
        THEIRS,
    ]


def test_every_change_is_audited_without_notes(team: Team, registered: st.Store) -> None:
    ids = _three(team, registered)
    st.withdraw_delivery(registered, team.coordinator, ids["theirs"], "wrong settlement")
    rows = [r for r in st.read_audit(registered, team.admin) if r["action"].startswith("deliver")]
    assert [(r["actor"], r["action"], r["subject"]) for r in rows] == [
        ("mandla", "delivery.added", ids["mine"]),
        ("mandla", "delivery.added", ids["night"]),
        ("olwethu", "delivery.added", ids["theirs"]),
        ("cora", "delivery.withdrawn", ids["theirs"]),
    ]
    assert rows[0]["detail"] == {"settlement": MINE, "channel": "app"}
    assert rows[3]["detail"] == {"settlement": THEIRS, "reason": "wrong settlement"}
    assert "queue was long" not in str(rows)  # a delivery's note stays in the delivery


# The table the comparison reads.

SAME_AS_A_FILE = (
    "settlement_id,arrived_at,litres,tanks,reporter,note\n"
    "SET-003,2026-08-04 10:00,15000,,mandla,queue was long\n"
    "SET-001,2026-08-05 23:30,,3,mandla,\n"
    "SET-012,2026-08-06 09:00,15000,,olwethu,\n"
)


def test_delivery_frame_has_exactly_the_shape_of_clean_deliveries(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    st.add_delivery(registered, team.member, delivery(note="queue was long"))
    st.add_delivery(
        registered, team.member, delivery("SET-001", "2026-08-05T23:30", litres=None, tanks=3)
    )
    st.add_delivery(registered, team.other_member, delivery(THEIRS, "2026-08-06T09:00"))
    frame = st.delivery_frame(registered, team.coordinator)
    path = tmp_path / "deliveries.csv"
    path.write_text(SAME_AS_A_FILE, encoding="utf-8")
    from_file, _ = read_deliveries(path)
    assert list(frame.columns) == list(from_file.columns) == FRAME_COLUMNS
    assert frame.dtypes.to_dict() == from_file.dtypes.to_dict()
    assert frame["line"].tolist() == [1, 2, 3]
    assert frame["arrived_at"].tolist() == [
        pd.Timestamp("2026-08-04 10:00", tz=LOCAL_TZ),
        pd.Timestamp("2026-08-05 23:30", tz=LOCAL_TZ),
        pd.Timestamp("2026-08-06 09:00", tz=LOCAL_TZ),
    ]
    assert str(frame["arrived_at"].dt.tz) == "Africa/Johannesburg"
    pd.testing.assert_frame_equal(frame.drop(columns="line"), from_file.drop(columns="line"))


def test_who_recorded_and_notes_only_where_the_actor_may_list(
    team: Team, registered: st.Store
) -> None:
    _three(team, registered)
    member = st.delivery_frame(registered, team.member)
    # Every cluster's times and volumes; names and notes of the member's own cluster only.
    assert member["settlement_id"].tolist() == [MINE, "SET-001", THEIRS]
    assert cells(member["reporter"]) == ["mandla", "mandla", None]
    assert cells(member["note"]) == ["queue was long", None, None]
    viewer = st.delivery_frame(registered, team.viewer)
    assert viewer["settlement_id"].tolist() == [MINE, "SET-001", THEIRS]
    assert cells(viewer["reporter"]) == [None, None, None]
    assert cells(viewer["note"]) == [None, None, None]
    assert st.delivery_frame(registered, team.coordinator)["reporter"].tolist() == [
        "mandla",
        "mandla",
        "olwethu",
    ]


def test_an_empty_store_gives_an_empty_table(team: Team, registered: st.Store) -> None:
    frame = st.delivery_frame(registered, team.viewer)
    assert frame.empty and list(frame.columns) == FRAME_COLUMNS


#: Mondays SET-001 08:00-10:00 20 000 l; Tuesdays SET-003 09:00-11:00 15 000 l.
SCHEDULE = pd.DataFrame(
    {
        "settlement_id": ["SET-001", "SET-003"],
        "provider": ["Metro Water Services", "Metro Water Services"],
        "weekday": ["Monday", "Tuesday"],
        "start": ["08:00", "09:00"],
        "end": ["10:00", "11:00"],
        "litres": ["20000", "15000"],
    }
)


def test_classify_deliveries_reads_the_store_unchanged(team: Team, registered: st.Store) -> None:
    member = team.member
    for settlement, arrived, litres in [
        ("SET-001", "2026-08-03T08:30", 20000),  # Mon 3rd, in the window: delivered
        ("SET-003", "2026-08-04T13:30", 15000),  # Tue 4th, 2 h 30 after 11:00: late
        ("SET-001", "2026-08-10T09:00", 12000),  # Mon 10th, 12 000 < 90 % of 20 000: short
        ("SET-001", "2026-08-05T10:00", 5000),  # a Wednesday: not on the schedule
        ("SET-003", "2026-08-11T10:00", 15000),  # Tue 11th, but withdrawn below: missed
    ]:
        last = st.add_delivery(registered, member, delivery(settlement, arrived, litres=litres))
    st.withdraw_delivery(registered, team.coordinator, last, "it did not come")
    schedule, report = clean_schedule(SCHEDULE)
    assert report.ok
    outcomes = classify_deliveries(
        schedule, st.delivery_frame(registered, team.viewer), date(2026, 8, 3), date(2026, 8, 11)
    )
    assert outcomes["status"].value_counts().to_dict() == {
        "delivered": 1,
        "late": 1,
        "short": 1,
        "missed": 1,
        "unscheduled": 1,
    }
    by_slot = outcomes.set_index("scheduled_start")["status"].dropna()
    assert by_slot[pd.Timestamp("2026-08-11 09:00", tz=LOCAL_TZ)] == "missed"
    assert by_slot[pd.Timestamp("2026-08-04 09:00", tz=LOCAL_TZ)] == "late"


def test_a_delivery_in_a_file_and_the_store_counts_once(team: Team, registered: st.Store) -> None:
    st.add_delivery(
        registered, team.member, delivery("SET-001", "2026-08-03T08:30:20", litres=20000)
    )
    st.add_delivery(registered, team.member, delivery("SET-003", "2026-08-04T10:00"))
    from_file, _ = clean_deliveries(
        pd.DataFrame(
            {"settlement_id": ["SET-001"], "arrived_at": ["2026-08-03 08:30"], "litres": ["20000"]}
        )
    )
    combined = st.combine_deliveries(
        from_file, st.delivery_frame(registered, team.viewer), ["SET-001", "SET-003"]
    )
    assert (combined.from_file, combined.from_store, combined.in_both, combined.left_out) == (
        1,
        2,
        1,
        0,
    )
    assert combined.frame["line"].tolist() == [2, 3]  # the file's row 2, then the store's
    schedule, _ = clean_schedule(SCHEDULE)
    outcomes = classify_deliveries(schedule, combined.frame, date(2026, 8, 3), date(2026, 8, 4))
    # Counted twice, the second SET-001 delivery would be "unscheduled".
    assert outcomes["status"].tolist() == ["delivered", "delivered"]
    only_one = st.combine_deliveries(None, st.delivery_frame(registered, team.viewer), ["SET-001"])
    assert (only_one.from_file, only_one.from_store, only_one.left_out) == (0, 1, 1)
    assert only_one.sentences(None) == [
        "Deliveries compared: 1 recorded in the store.",
        "1 delivery recorded in the store is for a settlement not in the settlements layer, "
        "and left out.",
    ]


# Importing a file.

HEADER = "external_id,settlement_id,arrived_at,litres,tanks,reporter,note"
LINES = [
    HEADER,  # 1
    "d-1,SET-001,2026-08-03 08:33,20000,4,Nomsa,",  # 2
    'd-2,SET-003,2026-08-04 10:00,15000,3,Kagiso,"two',  # 3: a note on two lines
    'lines"',  # 4
    "d-3,SET-999,2026-08-04 10:00,15000,3,,",  # 5: no such settlement
    "",  # 6: blank
    "d-4,SET-012,2026-08-05 13:27,10000,2,,",  # 7: another cluster
    ",SET-002,2026-08-05 13:27,10000,2,,",  # 8: no external id
    "d-1,SET-005,2026-08-06 09:00,10000,,,",  # 9: d-1 again
    "d-5,SET-006,2026-08-07,20000,,,",  # 10: a day without a time
    "d-6,SET-006,2026-08-07 14:43,,,,",  # 11: no volume
    "d-7,SET-001,2026-08-03 08:33,20000,4,Thabo,",  # 12: the same delivery as d-1
]
REFUSED = {
    5: "There is no settlement 'SET-999' in the register",
    7: "Moshate Gardens is not in your cluster (Northern Ridge Cluster)",
    8: "No external_id: give every row its own id",
    9: "external_id d-1 is on line 2 already",
    10: "arrived_at '2026-08-07' has no time of day",
    11: "Say how much water came",
    12: "A delivery to SET-001 that arrived at 2026-08-03T08:33:00+02:00 is already recorded",
}


def _file(folder: Path, lines: list[str]) -> Path:
    path = folder / "deliveries.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_is_idempotent_and_names_every_line_it_refuses(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    path = _file(tmp_path, LINES)
    done: list[tuple[int, int]] = []
    result = st.import_deliveries(
        registered, team.member, path, progress=lambda n, a: done.append((n, a)), batch=4
    )
    assert (result.added, result.unchanged) == (2, 0)  # d-1 and d-2
    refused = {r["line"]: r["reason"] for r in result.rejected}
    assert sorted(refused) == sorted(REFUSED)
    for line, words in REFUSED.items():
        assert words in refused[line], line
    assert done == [(4, 2), (8, 2), (9, 2)]  # 9 rows (the note's and blank lines), by 4
    frame = st.delivery_frame(registered, team.member)
    assert frame["settlement_id"].tolist() == ["SET-001", "SET-003"]
    assert cells(frame["note"]) == [None, "two\nlines"]
    assert cells(frame["reporter"]) == ["mandla", "mandla"]  # the file's reporter is not kept
    again = st.import_deliveries(registered, team.member, path)
    assert (again.added, again.unchanged, len(again.rejected)) == (0, 2, 7)
    assert scalar(registered, "SELECT count(*) FROM deliveries") == 2
    imported = [
        r for r in st.read_audit(registered, team.admin) if r["action"] == "deliveries.imported"
    ]
    assert [r["detail"] for r in imported] == [{"added": 2}]


def test_a_changed_row_is_rejected_never_overwritten(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    st.import_deliveries(registered, team.member, _file(tmp_path, LINES[:3] + LINES[3:4]))
    changed = [HEADER, "d-1,SET-001,2026-08-03 08:33,18000,4,Nomsa,"]  # 18 000, not 20 000
    result = st.import_deliveries(registered, team.member, _file(tmp_path, changed))
    assert (result.added, result.unchanged) == (0, 0)
    (rejected,) = result.rejected
    assert rejected["line"] == 2
    assert "external_id d-1 is already kept" in rejected["reason"]
    assert "never overwrites" in rejected["reason"]
    assert st.delivery_frame(registered, team.member)["litres"].tolist()[0] == 20000.0


def test_a_viewer_cannot_import_and_a_file_without_the_columns_is_refused(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    with pytest.raises(AccessDenied, match="importing deliveries needs a member"):
        st.import_deliveries(registered, team.viewer, _file(tmp_path, LINES))
    without = _file(tmp_path, ["settlement_id,arrived_at,litres", "SET-001,2026-08-03 08:33,1"])
    with pytest.raises(DataFileError, match="has no column external_id: a deliveries file"):
        st.import_deliveries(registered, team.member, without)


def test_the_sample_deliveries_import_with_ids_added(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    lines = SAMPLE_DELIVERIES.read_text(encoding="utf-8").splitlines()
    numbered = [f"external_id,{lines[0]}"] + [f"s-{n},{line}" for n, line in enumerate(lines[1:])]
    result = st.import_deliveries(registered, team.coordinator, _file(tmp_path, numbered))
    assert (result.added, result.rejected) == (136, [])
    kept = st.delivery_frame(registered, team.coordinator)
    first = kept.iloc[0]
    assert (first["settlement_id"], first["arrived_at"]) == (
        "SET-025",
        pd.Timestamp(datetime(2026, 8, 1, 7, 46, tzinfo=UTC)).tz_convert(LOCAL_TZ),
    )
