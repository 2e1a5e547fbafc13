"""Who may do what, enforced in the library (DESIGN §7): every role against every operation,
from a hand-written table; and reporters' contact details, which only coordinators and admins
see, each time written to the audit log without the details themselves."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from atlas import store as st
from atlas.errors import AccessDenied
from tests.store.conftest import (
    BACKENDS,
    CLUSTER,
    OTHER_CLUSTER,
    THIRD_CLUSTER,
    RegisterTemplates,
    Team,
    make_team,
    scalar,
)
from tests.store.helpers import write_rows

CONTACT = "Thandeka Mokoena 082 555 0101"
ROLES = ("viewer", "member", "other_member", "coordinator", "admin")

# The access table, written by hand from DESIGN §7. ``member`` belongs to the cluster of the
# report and the settlement each operation is about (SET-001, Northern Ridge), ``other_member``
# to another (Ilanga East). ok: allowed; denied: AccessDenied; refused: the import goes on
# but refuses the row (a member imports only their own cluster's reports).
#                                    viewer    member    other     coord  admin
ACCESS: dict[str, tuple[str, str, str, str, str]] = {
    "add_report":                   ("denied", "ok",     "denied", "ok", "ok"),
    "import_reports":               ("denied", "ok",     "refused", "ok", "ok"),
    "list_reports":                 ("denied", "ok",     "ok",     "ok", "ok"),
    "list_reports_own_cluster":     ("denied", "ok",     "ok",     "ok", "ok"),
    "list_reports_third_cluster":   ("denied", "denied", "denied", "ok", "ok"),
    "list_reports_with_contacts":   ("denied", "denied", "denied", "ok", "ok"),
    "update_report":                ("denied", "denied", "denied", "ok", "ok"),
    "history":                      ("denied", "ok",     "denied", "ok", "ok"),
    "reveal_contact":               ("denied", "denied", "denied", "ok", "ok"),
    "report_counts":                ("ok",     "ok",     "ok",     "ok", "ok"),
    "read_audit":                   ("denied", "denied", "denied", "denied", "ok"),
    "add_user":                     ("denied", "denied", "denied", "denied", "ok"),
    "list_users":                   ("denied", "denied", "denied", "denied", "ok"),
    "nearest_services":             ("denied", "ok",     "denied", "ok", "ok"),
}  # fmt: skip

CASES = [
    pytest.param(op, role, outcome, id=f"{op}-{role}")
    for op, outcomes in ACCESS.items()
    for role, outcome in zip(ROLES, outcomes, strict=True)
]


@dataclass
class World:
    """One store shared by the table's cases: the users, a report of SET-001 with a contact,
    and a folder for import files."""

    store: st.Store
    team: Team
    target: str
    folder: Path
    serial: Iterator[int]

    def fresh_report(self) -> str:
        entry = st.NewReport("SET-001", "water", "leaking", "2025-10-01T10:00", contact=CONTACT)
        return st.add_report(self.store, self.team.admin, entry).id

    def reports(self) -> int:
        return int(scalar(self.store, "SELECT count(*) FROM reports"))  # type: ignore[call-overload]


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    register_templates: RegisterTemplates,
) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("access")
    with register_templates.copy(request.param, folder, request) as store:
        team = make_team(store)
        entry = st.NewReport("SET-001", "water", "broken", "2025-10-01T08:00", contact=CONTACT)
        target = st.add_report(store, team.admin, entry).id
        yield World(store, team, target, folder, itertools.count(1))


def _add_report(w: World, user: st.User) -> Any:
    entry = st.NewReport("SET-001", "water", "no_water", "2025-10-02T08:00", channel="meeting")
    return st.add_report(w.store, user, entry)


def _import(w: World, user: st.User) -> Any:
    n = next(w.serial)
    row = {"external_id": f"acc-{n}", "settlement_id": "SET-001", "category": "water"}
    row |= {"problem": "leaking", "observed_at": "2025-10-03", "contact": CONTACT}
    return st.import_reports(w.store, user, write_rows(w.folder / f"acc-{n}.csv", [row]))


def _own_cluster(w: World, user: st.User) -> Any:
    return st.list_reports(w.store, user, cluster=user.cluster or CLUSTER)


def _add_user(w: World, user: st.User) -> Any:
    return st.add_user(w.store, user, f"newcomer{next(w.serial)}", "viewer", "a long password")


OPERATIONS: dict[str, Callable[[World, st.User], Any]] = {
    "add_report": _add_report,
    "import_reports": _import,
    "list_reports": lambda w, u: st.list_reports(w.store, u),
    "list_reports_own_cluster": _own_cluster,
    "list_reports_third_cluster": lambda w, u: st.list_reports(w.store, u, cluster=THIRD_CLUSTER),
    "list_reports_with_contacts": lambda w, u: st.list_reports(w.store, u, with_contacts=True),
    "update_report": lambda w, u: st.update_report(w.store, u, w.fresh_report(), "confirmed"),
    "history": lambda w, u: st.history(w.store, u, w.target),
    "reveal_contact": lambda w, u: st.reveal_contact(w.store, u, w.target),
    "report_counts": lambda w, u: st.report_counts(w.store, u),
    "read_audit": lambda w, u: st.read_audit(w.store, u),
    "add_user": _add_user,
    "list_users": lambda w, u: st.list_users(w.store, u),
    "nearest_services": lambda w, u: st.nearest_services(w.store, u, "SET-001", "water"),
}


def test_the_table_covers_every_operation() -> None:
    assert set(ACCESS) == set(OPERATIONS)


@pytest.mark.parametrize(("op", "role", "outcome"), CASES)
def test_access(world: World, op: str, role: str, outcome: str) -> None:
    user = world.team.by_key(role)
    before = world.reports()
    if outcome == "denied":
        with pytest.raises(AccessDenied, match=f"{user.name} is |not in your cluster"):
            OPERATIONS[op](world, user)
        if op != "update_report":  # which adds its report as the admin first
            assert world.reports() == before, "a refused call changed nothing"
        return
    result = OPERATIONS[op](world, user)
    CHECKS.get(op, lambda *_: None)(world, user, outcome, result, before)


def _check_added(w: World, user: st.User, _outcome: str, result: Any, before: int) -> None:
    assert len(result.id) == 16
    assert w.reports() == before + 1
    reporter = scalar(w.store, "SELECT reporter FROM reports WHERE id = :id", id=result.id)
    assert reporter == user.name


def _check_import(w: World, user: st.User, outcome: str, result: Any, before: int) -> None:
    if outcome == "refused":
        assert (result.added, result.unchanged) == (0, 0)
        [rejected] = result.rejected
        assert rejected["line"] == 2
        assert "Sizwe Village is not in your cluster (Ilanga East Cluster)" in rejected["reason"]
        assert w.reports() == before
    else:
        assert (result.added, result.unchanged, result.rejected) == (1, 0, [])
        assert w.reports() == before + 1


def _check_listed(w: World, user: st.User, _outcome: str, result: Any, _before: int) -> None:
    assert all("contact" not in r for r in result)
    clusters = {r["cluster"] for r in result}
    ids = {r["service_request_id"] for r in result}
    if user.role is st.Role.MEMBER:
        assert clusters <= {user.cluster}
        assert (w.target in ids) == (user.cluster == CLUSTER)
    else:
        assert w.target in ids
        assert len(result) == w.reports()


def _check_own_cluster(w: World, user: st.User, outcome: str, result: Any, before: int) -> None:
    assert {r["cluster"] for r in result} <= {user.cluster or CLUSTER}
    assert (w.target in {r["service_request_id"] for r in result}) == (
        user.cluster != OTHER_CLUSTER
    )


def _check_contacts(w: World, user: st.User, _outcome: str, result: Any, _before: int) -> None:
    assert all("contact" in r for r in result)
    [target] = [r for r in result if r["service_request_id"] == w.target]
    assert target["contact"] == CONTACT
    with w.store.engine.connect() as conn:
        action, actor = conn.execute(
            text("SELECT action, actor FROM audit ORDER BY id DESC LIMIT 1")
        ).one()
    assert (action, actor) == ("contacts.shown", user.name)


def _check_updated(w: World, _user: st.User, _outcome: str, result: Any, _before: int) -> None:
    assert result["state"] == "confirmed"
    assert "contact" not in result


def _check_history(w: World, user: st.User, _outcome: str, result: Any, _before: int) -> None:
    assert [(h["state_from"], h["state_to"], h["actor"]) for h in result] == [
        (None, "reported", "admin")
    ]


def _check_nearest(w: World, _user: st.User, _outcome: str, result: Any, _before: int) -> None:
    # SET-001's water points (data/sample/services.geojson), nearest first
    ids = [p["service_id"] for p in result]
    assert sorted(ids) == ["SRV-0071", "SRV-0273", "SRV-0312", "SRV-0523", "SRV-0638", "SRV-0678"]
    distances = [p["distance_m"] for p in result]
    assert distances == sorted(distances)


CHECKS: dict[str, Callable[[World, st.User, str, Any, int], None]] = {
    "add_report": _check_added,
    "import_reports": _check_import,
    "list_reports": _check_listed,
    "list_reports_own_cluster": _check_own_cluster,
    "list_reports_with_contacts": _check_contacts,
    "update_report": _check_updated,
    "history": _check_history,
    "reveal_contact": lambda w, u, o, result, b: _equal(result, CONTACT),
    "report_counts": lambda w, u, o, result, b: _equal(sum(r["total"] for r in result), b),
    "list_users": lambda w, u, o, result, b: _equal(result[0]["name"], "admin"),
    "nearest_services": _check_nearest,
}


def _equal(found: object, expected: object) -> None:
    assert found == expected


# --------------------------------------------------------------------------- contacts


def _audit_text(store: st.Store) -> str:
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM audit")).all()
    return "\n".join(" ".join(str(v) for v in row) for row in rows)


def test_members_never_see_contacts(team: Team, registered: st.Store) -> None:
    own = st.NewReport("SET-002", "water", "broken", "2025-10-01", contact=CONTACT)
    rid = st.add_report(registered, team.member, own).id
    listed = st.list_reports(registered, team.member)
    assert [r["service_request_id"] for r in listed] == [rid]
    assert "contact" not in listed[0]
    assert CONTACT not in repr(listed)
    with pytest.raises(AccessDenied, match="mandla is a member: seeing reporters' contact"):
        st.list_reports(registered, team.member, with_contacts=True)
    with pytest.raises(AccessDenied, match="mandla is a member"):
        st.reveal_contact(registered, team.member, rid)
    assert "contact" not in st.update_report(registered, team.coordinator, rid, "confirmed")
    assert CONTACT not in repr(st.history(registered, team.member, rid))


def test_coordinators_see_contacts_only_when_asked_and_audited(
    team: Team, registered: st.Store
) -> None:
    with_contact = [
        st.add_report(
            registered,
            team.member,
            st.NewReport("SET-001", "water", "broken", f"2025-10-0{n}", contact=f"{CONTACT} #{n}"),
        ).id
        for n in (1, 2)
    ]
    without = st.add_report(
        registered, team.member, st.NewReport("SET-003", "water", "leaking", "2025-10-03")
    ).id
    plain = st.list_reports(registered, team.coordinator)
    assert [r["service_request_id"] for r in plain] == [*with_contact, without]
    assert all("contact" not in r for r in plain)
    audited = scalar(registered, "SELECT count(*) FROM audit WHERE action LIKE 'contacts.%'")
    assert audited == 0  # nothing shown, nothing audited

    shown = st.list_reports(registered, team.coordinator, with_contacts=True)
    assert [r["contact"] for r in shown] == [f"{CONTACT} #1", f"{CONTACT} #2", None]
    exported = st.list_reports(registered, team.admin, with_contacts=True, purpose="exported")
    assert len(exported) == 3
    assert st.reveal_contact(registered, team.coordinator, with_contact[1]) == f"{CONTACT} #2"
    assert st.reveal_contact(registered, team.coordinator, without) is None

    rows = [
        (a["actor"], a["action"], a["subject"], a["detail"])
        for a in st.read_audit(registered, team.admin)
        if a["action"].startswith("contacts.")
    ]
    assert rows == [
        ("cora", "contacts.shown", None, {"count": 2, "reports": with_contact}),
        ("admin", "contacts.exported", None, {"count": 2, "reports": with_contact}),
        ("cora", "contacts.shown", with_contact[1], {"count": 1}),
        ("cora", "contacts.shown", without, {"count": 0}),
    ]
    assert CONTACT not in _audit_text(registered)
    assert "082 555" not in _audit_text(registered)


def test_no_contact_reaches_the_audit_log_by_any_path(
    team: Team, registered: st.Store, tmp_path: Path
) -> None:
    entry = st.NewReport("SET-001", "water", "broken", "2025-10-01", contact=CONTACT)
    rid = st.add_report(registered, team.member, entry).id
    row = {"external_id": "x-1", "settlement_id": "SET-001", "category": "water"}
    row |= {"problem": "leaking", "observed_at": "2025-10-03", "contact": CONTACT}
    st.import_reports(registered, team.member, write_rows(tmp_path / "x.csv", [row]))
    st.list_reports(registered, team.coordinator, with_contacts=True)
    st.reveal_contact(registered, team.coordinator, rid)
    st.update_report(registered, team.coordinator, rid, "confirmed", note="seen on site")
    assert scalar(registered, "SELECT count(*) FROM reports WHERE contact = :c", c=CONTACT) == 2
    assert CONTACT not in _audit_text(registered)


def test_a_member_of_another_cluster_cannot_read_a_reports_history(
    team: Team, registered: st.Store
) -> None:
    entry = st.NewReport("SET-001", "water", "broken", "2025-10-01")
    rid = st.add_report(registered, team.member, entry).id
    with pytest.raises(AccessDenied, match=f"Report {rid} is not in your cluster"):
        st.history(registered, team.other_member, rid)
    with pytest.raises(AccessDenied, match="a member sees the reports of their own cluster"):
        st.list_reports(registered, team.other_member, cluster=CLUSTER)
    assert st.list_reports(registered, team.other_member) == []
    assert len(st.list_reports(registered, team.other_member, cluster=OTHER_CLUSTER)) == 0
