"""The settlements register: a sync upserts, and retires (never deletes) what a file no longer
has; reports refer only to active settlements and service points."""

from __future__ import annotations

import dataclasses

import pytest

from atlas import store as st
from atlas.errors import StoreError
from atlas.measure import GapResult
from tests.store.conftest import CLUSTER, OTHER_CLUSTER, THIRD_CLUSTER, Team, scalar

# SET-030's service points in data/sample/services.geojson: 3 lights, 8 toilets, 2 waste
# points and 12 water points.
SET_030_SERVICES = 25


def test_the_sample_register(registered: st.Store, gaps: GapResult) -> None:
    assert st.register_size(registered) == 30
    entries = st.registered_settlements(registered)
    # Dikgageng, Ekuthuleni, Ext 7 'Phola' … of Ilanga East first
    assert [e.settlement_id for e in entries[:3]] == ["SET-019", "SET-015", "SET-017"]
    # by cluster, those in no cluster last (on both backends), then by name
    assert [e.cluster for e in entries] == (
        [OTHER_CLUSTER] * 10 + [THIRD_CLUSTER] * 9 + [CLUSTER] * 10 + [None]
    )
    assert entries[-1] == st.SettlementEntry(
        "SET-030", "Lesedi Extension", None, entries[-1].lon, entries[-1].lat
    )
    names = [e.name or "" for e in entries[:10]]
    assert names == sorted(names)
    first = gaps.settlements.set_index("settlement_id").geometry["SET-001"]
    [sizwe] = [e for e in entries if e.settlement_id == "SET-001"]
    point = first.representative_point()
    assert (sizwe.lon, sizwe.lat) == (round(point.x, 7), round(point.y, 7))
    assert scalar(registered, "SELECT count(*) FROM services WHERE settlement_id IS NULL") == 32


def test_syncing_the_same_register_again_changes_nothing(
    registered: st.Store, gaps: GapResult
) -> None:
    assert st.sync_register(registered, gaps) == st.RegisterCounts()


def test_a_settlement_left_out_is_retired_not_deleted(
    team: Team, registered: st.Store, gaps: GapResult
) -> None:
    kept = st.add_report(
        registered, team.coordinator, st.NewReport("SET-030", "water", "broken", "2025-10-01")
    ).id
    settlements = gaps.settlements[gaps.settlements["settlement_id"] != "SET-030"].copy()
    settlements.loc[settlements["settlement_id"] == "SET-001", "name"] = "Sizwe Village Ext 1"
    services = gaps.services[gaps.services["settlement_id"] != "SET-030"]
    smaller = dataclasses.replace(gaps, settlements=settlements, services=services)

    counts = st.sync_register(registered, smaller, by="atlas db sync")
    assert counts.to_record() == {
        "settlements_added": 0,
        "settlements_updated": 1,
        "settlements_retired": 1,
        "services_added": 0,
        "services_updated": 0,
        "services_retired": SET_030_SERVICES,
    }
    assert st.register_size(registered) == 29
    assert "SET-030" not in {e.settlement_id for e in st.registered_settlements(registered)}
    assert scalar(registered, "SELECT count(*) FROM settlements") == 30  # kept, inactive
    with pytest.raises(StoreError, match="There is no settlement 'SET-030' in the register"):
        st.add_report(
            registered, team.coordinator, st.NewReport("SET-030", "water", "broken", "2025-10-02")
        )
    # its old report is still there, and still counted
    assert [r["service_request_id"] for r in st.list_reports(registered, team.admin)] == [kept]
    assert st.report_counts(registered, team.viewer)[0]["settlement_id"] == "SET-030"
    renamed = scalar(registered, "SELECT name FROM settlements WHERE settlement_id = 'SET-001'")
    assert renamed == "Sizwe Village Ext 1"

    # the whole file again: SET-030 and its points come back, SET-001 gets its name back
    back = st.sync_register(registered, gaps)
    assert (back.settlements_updated, back.settlements_retired) == (2, 0)
    assert (back.services_updated, back.services_added) == (SET_030_SERVICES, 0)
    assert st.register_size(registered) == 30
    synced = [
        a["detail"]["counts"]
        for a in st.read_audit(registered, team.admin)
        if a["action"] == "register.synced"
    ]
    assert len(synced) == 3 and synced[1]["settlements_retired"] == 1


def test_nearest_service_points(team: Team, registered: st.Store, gaps: GapResult) -> None:
    points = gaps.services.set_index("service_id").geometry
    tap = points["SRV-0273"]
    found = st.nearest_services(registered, team.member, "SET-001", "water", lon=tap.x, lat=tap.y)
    assert found[0]["service_id"] == "SRV-0273"
    assert found[0]["distance_m"] == 0.0
    assert len(found) == 6
    assert (
        st.nearest_services(registered, team.member, "SET-001", "water", limit=2)
        == (st.nearest_services(registered, team.member, "SET-001", "water")[:2])
    )
    assert st.nearest_services(registered, team.member, "SET-001", "roads") == []
    assert st.nearest_services(registered, team.coordinator, "SET-999", "water") == []
