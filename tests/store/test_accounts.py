"""Users and roles: the first user is an admin; after that only admins add users; a member
belongs to one registered cluster; passwords are argon2id hashes; signing in fails the same way
for a wrong password and an unknown name, and each failure is audited; rights are read from the
store at each call."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from atlas import store as st
from atlas.errors import AccessDenied, SignInError, StoreError
from atlas.store import accounts
from tests.store.conftest import CLUSTER, PASSWORD, Team, scalar


def test_the_first_user_must_be_an_admin_and_needs_no_actor(registered: st.Store) -> None:
    assert st.needs_first_admin(registered)
    for role in ("viewer", "member", "coordinator"):
        with pytest.raises(StoreError, match="the first one must be an admin"):
            st.add_user(
                registered, None, "thandi", role, PASSWORD, CLUSTER if role == "member" else None
            )
    assert st.needs_first_admin(registered)
    admin = st.add_user(registered, None, "thandi", "admin", PASSWORD)
    assert admin == st.User("thandi", st.Role.ADMIN, None)
    assert not st.needs_first_admin(registered)
    assert scalar(registered, "SELECT created_by FROM users") is None


def test_later_users_need_an_admin_actor(team: Team, registered: st.Store) -> None:
    with pytest.raises(AccessDenied, match="only an admin may add one"):
        st.add_user(registered, None, "intruder", "admin", PASSWORD)
    for actor in (team.coordinator, team.member, team.viewer):
        with pytest.raises(AccessDenied, match="adding a user needs an admin or above"):
            st.add_user(registered, actor, "intruder", "viewer", PASSWORD)
    assert scalar(registered, "SELECT count(*) FROM users WHERE name = 'intruder'") == 0
    added = st.add_user(registered, team.admin, "nomsa", "coordinator", PASSWORD)
    assert added == st.User("nomsa", st.Role.COORDINATOR, None)
    assert scalar(registered, "SELECT created_by FROM users WHERE name = 'nomsa'") == "admin"
    users = st.list_users(registered, team.admin)
    assert [(u["name"], u["role"], u["cluster"]) for u in users] == [
        ("admin", "admin", None),
        ("cora", "coordinator", None),
        ("mandla", "member", CLUSTER),
        ("nomsa", "coordinator", None),
        ("olwethu", "member", "Ilanga East Cluster"),
        ("vusi", "viewer", None),
    ]
    assert all(set(u) == {"name", "role", "cluster", "active"} for u in users)


def test_a_member_needs_a_registered_cluster(team: Team, registered: st.Store) -> None:
    with pytest.raises(StoreError, match="none was given") as caught:
        st.add_user(registered, team.admin, "m2", "member", PASSWORD)
    # the message lists the register's clusters
    assert "Clusters: Ilanga East Cluster, Kgotso South Cluster, Northern Ridge Cluster." in str(
        caught.value
    )
    with pytest.raises(StoreError, match="'Southern Cluster' is not one"):
        st.add_user(registered, team.admin, "m2", "member", PASSWORD, "Southern Cluster")
    member = st.add_user(registered, team.admin, "m2", "member", PASSWORD, "Kgotso South Cluster")
    assert member.cluster == "Kgotso South Cluster"


def test_a_member_needs_a_register_with_clusters(store: st.Store) -> None:
    admin = st.add_user(store, None, "admin", "admin", PASSWORD)
    with pytest.raises(StoreError, match="register settlements with clusters first"):
        st.add_user(store, admin, "m", "member", PASSWORD, CLUSTER)


@pytest.mark.parametrize("role", ["viewer", "coordinator", "admin"])
def test_only_a_member_has_a_cluster(team: Team, registered: st.Store, role: str) -> None:
    with pytest.raises(StoreError, match=f"Only a member belongs to one cluster: a {role}"):
        st.add_user(registered, team.admin, "x2", role, PASSWORD, CLUSTER)


def test_the_first_admin_with_a_cluster_is_refused(registered: st.Store) -> None:
    with pytest.raises(StoreError, match="Only a member belongs to one cluster"):
        st.add_user(registered, None, "thandi", "admin", PASSWORD, CLUSTER)
    assert st.needs_first_admin(registered)


@pytest.mark.parametrize("name", ["Admin", "ADMIN", " admin ", "cORA"])
def test_names_are_unique_whatever_their_case(team: Team, registered: st.Store, name: str) -> None:
    with pytest.raises(StoreError, match=r"There is already a user called '(admin|cora)'"):
        st.add_user(registered, team.admin, name, "viewer", PASSWORD)


@pytest.mark.parametrize("name", ["", "two words", "x" * 101, "semi;colon"])
def test_unusable_names_are_refused(registered: st.Store, name: str) -> None:
    with pytest.raises(StoreError, match="cannot be a user name"):
        st.add_user(registered, None, name, "admin", PASSWORD)


def test_a_short_password_is_refused(registered: st.Store) -> None:
    with pytest.raises(StoreError, match="too short: use at least 8 characters"):
        st.add_user(registered, None, "thandi", "admin", "1234567")
    assert st.needs_first_admin(registered)
    st.add_user(registered, None, "thandi", "admin", "12345678")


def test_an_unknown_role_is_refused(registered: st.Store) -> None:
    with pytest.raises(ValueError, match="'boss' is not a role: use one of viewer, member"):
        st.add_user(registered, None, "thandi", "boss", PASSWORD)


def test_sign_in_with_the_right_password(team: Team, registered: st.Store) -> None:
    assert st.sign_in(registered, "mandla", PASSWORD) == team.member
    assert st.sign_in(registered, "  MANDLA ", PASSWORD) == team.member  # names: any case
    assert st.sign_in(registered, "admin", PASSWORD) == team.admin


def test_a_wrong_password_and_an_unknown_name_fail_alike(team: Team, registered: st.Store) -> None:
    messages = []
    for name, password in [
        ("mandla", "wrong password"),
        ("mandla", PASSWORD.upper()),  # passwords are case-sensitive
        ("nobody", PASSWORD),
        ("", PASSWORD),
    ]:
        with pytest.raises(SignInError) as caught:
            st.sign_in(registered, name, password)
        messages.append(str(caught.value))
    assert len(set(messages)) == 1
    assert messages[0].startswith("The user name or the password is wrong.")
    assert isinstance(caught.value, AccessDenied)  # SignInError is an AccessDenied
    failed = [
        (a["actor"], a["action"])
        for a in st.read_audit(registered, team.admin)
        if a["action"].startswith("signin")
    ]
    assert failed == [
        ("mandla", "signin.failed"),
        ("mandla", "signin.failed"),
        ("nobody", "signin.failed"),
        ("?", "signin.failed"),
    ]


def test_a_successful_sign_in_is_audited(team: Team, registered: st.Store) -> None:
    st.sign_in(registered, "cora", PASSWORD)
    last = st.read_audit(registered, team.admin, limit=1)[0]
    assert (last["actor"], last["action"]) == ("cora", "signin")


def test_passwords_are_kept_as_argon2id_hashes(team: Team, registered: st.Store) -> None:
    with registered.engine.connect() as conn:
        rows = conn.execute(text("SELECT name, password_hash FROM users")).all()
    hashes = {str(name): str(value) for name, value in rows}
    assert len(hashes) == 5
    assert all(h.startswith("$argon2id$") for h in hashes.values())
    assert len(set(hashes.values())) == 5  # salted: one password, five hashes
    dump = " ".join(hashes.values())
    assert PASSWORD not in dump
    everything = _whole_database_text(registered)
    assert PASSWORD not in everything


def test_the_atlas_hashes_with_a_memory_hard_cost(
    _quick_password_hashes: PasswordHasher,
) -> None:
    real = _quick_password_hashes  # the hasher of the atlas (the tests use a quicker one)
    assert real.type.name == "ID"
    assert real.memory_cost >= 19 * 1024  # KiB; OWASP's least for argon2id
    assert real.time_cost >= 2
    assert accounts._DUMMY_HASH.startswith("$argon2id$")


def test_an_old_hash_is_upgraded_at_sign_in(
    team: Team, registered: st.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = scalar(registered, "SELECT password_hash FROM users WHERE name = 'cora'")
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=2, memory_cost=2048))
    st.sign_in(registered, "cora", PASSWORD)
    after = str(scalar(registered, "SELECT password_hash FROM users WHERE name = 'cora'"))
    assert after != before
    assert after.startswith("$argon2id$v=19$m=2048,t=2,")
    assert st.sign_in(registered, "cora", PASSWORD) == team.coordinator


def test_a_lowered_role_loses_its_rights_at_once(team: Team, registered: st.Store) -> None:
    report = st.NewReport("SET-001", "water", "broken", "2025-11-03T08:30")
    st.add_report(registered, team.coordinator, report)  # the User object says coordinator
    with registered.engine.begin() as conn:
        conn.execute(text("UPDATE users SET role = 'viewer' WHERE name = 'cora'"))
    with pytest.raises(AccessDenied, match="cora is a viewer: adding a report needs a member"):
        st.add_report(registered, team.coordinator, report)
    with pytest.raises(AccessDenied, match="cora is a viewer"):
        st.list_reports(registered, team.coordinator)
    assert len(st.report_counts(registered, team.coordinator)) == 1  # a viewer still counts


def test_a_deactivated_user_loses_every_right(team: Team, registered: st.Store) -> None:
    with registered.engine.begin() as conn:
        conn.execute(text("UPDATE users SET active = :no WHERE name = 'admin'"), {"no": False})
    with pytest.raises(AccessDenied, match="'admin' is not \\(or no longer\\) a user"):
        st.report_counts(registered, team.admin)
    with pytest.raises(SignInError):
        st.sign_in(registered, "admin", PASSWORD)


def test_a_made_up_user_grants_nothing(team: Team, registered: st.Store) -> None:
    with pytest.raises(AccessDenied, match="'ghost' is not"):
        st.list_users(registered, st.User("ghost", st.Role.ADMIN))
    # a real viewer claiming to be an admin is what the store says: a viewer
    with pytest.raises(AccessDenied, match="vusi is a viewer"):
        st.read_audit(registered, st.User("vusi", st.Role.ADMIN))
    # a member claiming another cluster reports for their own
    forged = st.User("mandla", st.Role.MEMBER, "Ilanga East Cluster")
    with pytest.raises(AccessDenied, match=r"Masakhane is not in your cluster \(Northern Ridge"):
        st.add_report(registered, forged, st.NewReport("SET-011", "water", "broken", "2025-11-03"))
    assert [r["cluster"] for r in st.list_reports(registered, forged)] == []
    st.add_report(registered, forged, st.NewReport("SET-001", "water", "broken", "2025-11-03"))
    assert [r["cluster"] for r in st.list_reports(registered, forged)] == [CLUSTER]


def _whole_database_text(store: st.Store) -> str:
    """Every value of every table, as one text."""
    from atlas.store import schema

    parts: list[str] = []
    with store.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_a_sign_in_need_not_be_recorded(team: Team, registered: st.Store) -> None:
    before = scalar(registered, "SELECT count(*) FROM audit")
    assert st.sign_in(registered, "cora", PASSWORD, record=False) == team.coordinator
    assert scalar(registered, "SELECT count(*) FROM audit") == before
    with pytest.raises(SignInError):  # a failure always is
        st.sign_in(registered, "cora", "wrong password", record=False)
    assert scalar(registered, "SELECT count(*) FROM audit") == before + 1  # type: ignore[operator]


def test_passwords_are_set_by_an_admin_or_their_user(team: Team, registered: st.Store) -> None:
    st.set_password(registered, team.admin, "mandla", "a new long password")
    with pytest.raises(SignInError):
        st.sign_in(registered, "mandla", PASSWORD)
    assert st.sign_in(registered, "mandla", "a new long password") == team.member
    st.set_password(registered, team.viewer, "VUSI", "vusi's own password")  # their own
    assert st.sign_in(registered, "vusi", "vusi's own password") == team.viewer
    with pytest.raises(AccessDenied, match="cora is a coordinator: setting another user's"):
        st.set_password(registered, team.coordinator, "vusi", "taken over!")
    with pytest.raises(StoreError, match="too short"):
        st.set_password(registered, team.admin, "vusi", "short")
    with pytest.raises(StoreError, match="There is no user 'nobody'"):
        st.set_password(registered, team.admin, "nobody", "a long password")
    assert st.sign_in(registered, "vusi", "vusi's own password") == team.viewer
    changes = [
        (a["actor"], a["subject"])
        for a in st.read_audit(registered, team.admin)
        if a["action"] == "user.password_set"
    ]
    assert changes == [("admin", "mandla"), ("vusi", "vusi")]  # as the store names them
