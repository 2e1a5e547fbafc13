"""Counts of reports per settlement and per cluster (what a viewer sees), and the audit log and
report history, which no one can change or delete."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import exc, text

from atlas import store as st
from atlas.errors import AccessDenied, StoreError
from tests.store.conftest import CLUSTER, OTHER_CLUSTER, Team, scalar


def _counts(**counts: int) -> dict[str, int]:
    row = dict.fromkeys(st.STATES, 0)
    row.update(counts)
    row["total"] = sum(counts.values())
    row["open"] = sum(n for s, n in counts.items() if s in st.OPEN_STATES)
    return row


def _report(store: st.Store, team: Team, sid: str, category: str, problem: str, *steps: str) -> str:
    rid = st.add_report(
        store, team.coordinator, st.NewReport(sid, category, problem, "2025-10-01")
    ).id
    for step in steps:
        st.update_report(store, team.coordinator, rid, step, reference="R-7")
    return rid


@pytest.fixture
def reported(team: Team, registered: st.Store) -> st.Store:
    _report(registered, team, "SET-001", "water", "broken")
    _report(registered, team, "SET-001", "water", "leaking", "confirmed")
    _report(registered, team, "SET-001", "sanitation", "blocked")
    _report(registered, team, "SET-002", "water", "broken", "rejected")
    _report(registered, team, "SET-011", "water", "broken", "confirmed", "referred")
    _report(registered, team, "SET-030", "waste", "overflowing", "confirmed", "fixed")
    return registered


def test_counts_per_settlement(team: Team, reported: st.Store) -> None:
    rows = st.report_counts(reported, team.viewer)  # a viewer may count
    keys = ("settlement_id", "name", "cluster", "category")
    assert [tuple(r[k] for k in keys) for r in rows] == [
        ("SET-001", "Sizwe Village", CLUSTER, "sanitation"),
        ("SET-001", "Sizwe Village", CLUSTER, "water"),
        ("SET-002", "Ithemba Lethu", CLUSTER, "water"),
        ("SET-011", "Masakhane", OTHER_CLUSTER, "water"),
        ("SET-030", "Lesedi Extension", None, "waste"),
    ]
    counts = [{k: v for k, v in r.items() if k not in keys} for r in rows]
    assert counts == [
        _counts(reported=1),
        _counts(reported=1, confirmed=1),
        _counts(rejected=1),
        _counts(referred=1),
        _counts(fixed=1),
    ]
    assert counts[1]["open"] == 2 and counts[2]["open"] == 0


def test_counts_per_cluster(team: Team, reported: st.Store) -> None:
    rows = st.report_counts(reported, team.viewer, "cluster")
    summary: list[tuple[Any, ...]] = [
        (r["cluster"], r["category"], r["open"], r["total"]) for r in rows
    ]
    assert summary == [
        (None, "waste", 0, 1),  # SET-030 is in no cluster
        (OTHER_CLUSTER, "water", 1, 1),
        (CLUSTER, "sanitation", 1, 1),
        (CLUSTER, "water", 2, 3),
    ]
    assert {k: rows[3][k] for k in st.STATES} == {
        **dict.fromkeys(st.STATES, 0),
        "reported": 1,
        "confirmed": 1,
        "rejected": 1,
    }
    assert set(rows[0]) == {"cluster", "category", "open", "total", *st.STATES}


def test_counts_of_an_empty_store_and_a_wrong_level(team: Team, registered: st.Store) -> None:
    assert st.report_counts(registered, team.viewer) == []
    with pytest.raises(StoreError, match="'ward' is not a level: use settlement or cluster"):
        st.report_counts(registered, team.viewer, "ward")  # type: ignore[arg-type]
    with pytest.raises(AccessDenied, match="'nobody' is not"):
        st.report_counts(registered, st.User("nobody", st.Role.VIEWER))


def test_the_audit_log_is_read_by_admins_oldest_first(team: Team, reported: st.Store) -> None:
    entries = st.read_audit(reported, team.admin)
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    actions = [e["action"] for e in entries]
    assert actions[:6] == ["register.synced", *["user.added"] * 5]
    assert actions.count("report.added") == 6
    assert actions.count("report.updated") == 6
    last_two = st.read_audit(reported, team.admin, limit=2)
    assert last_two == entries[-2:]
    assert entries[1]["actor"] == "first start"  # the first admin, added by nobody
    assert entries[1]["detail"] == {"role": "admin", "cluster": None}
    with pytest.raises(AccessDenied, match="cora is a coordinator: reading the audit log"):
        st.read_audit(reported, team.coordinator)


@pytest.mark.parametrize("table", ["audit", "report_history"])
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET actor = 'someone else'", "DELETE FROM {table}"],
    ids=["update", "delete"],
)
def test_audit_and_history_are_append_only(reported: st.Store, table: str, statement: str) -> None:
    before = scalar(reported, f"SELECT count(*) FROM {table}")
    actors = scalar(reported, f"SELECT count(DISTINCT actor) FROM {table}")
    assert before and before >= 12  # type: ignore[operator]
    with (
        pytest.raises(exc.DBAPIError, match=f"{table} is append-only"),
        reported.engine.begin() as conn,
    ):
        conn.execute(text(statement.format(table=table)))
    assert scalar(reported, f"SELECT count(*) FROM {table}") == before
    assert scalar(reported, f"SELECT count(DISTINCT actor) FROM {table}") == actors
    # one row at a time is refused just the same
    with (
        pytest.raises(exc.DBAPIError, match="append-only"),
        reported.engine.begin() as conn,
    ):
        conn.execute(text(f"DELETE FROM {table} WHERE id = (SELECT max(id) FROM {table})"))
    assert scalar(reported, f"SELECT count(*) FROM {table}") == before


def test_reports_themselves_change_only_through_history(team: Team, reported: st.Store) -> None:
    # the current state is on the report row; every state it had is in its history
    with reported.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.state, h.state_to FROM reports r JOIN report_history h "
                "ON h.report_id = r.id WHERE h.id = (SELECT max(id) FROM report_history "
                "WHERE report_id = r.id)"
            )
        ).all()
    assert len(rows) == 6
    assert all(state == last for state, last in rows)
