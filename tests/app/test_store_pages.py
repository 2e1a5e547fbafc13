"""The cluster's records in the app (Streamlit's AppTest): signing in, the first admin, the
Report a problem page, the Reports queue, what each role sees, and nothing of one browser
session reaching another.

Each test has its own store (``ATLAS_DB`` in a temporary folder) with the sample's settlements
registered and one user per role. The app runs as `atlas serve` runs it: every rerun runs
``streamlit_app.py`` (its sidebar, where people sign in, and ``st.navigation``), then the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import atlas
import pages.state.accounts as accounts
import pages.state.reports as report_widgets
from atlas.store import (
    NewReport,
    add_report,
    add_user,
    list_reports,
    open_store,
    read_audit,
    sync_register,
)
from atlas.store import sign_in as store_sign_in
from pages.state import keys
from pages.state.accounts import is_local_request

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
CONTACT = "082 555 0101"
USERS = {
    "thandi": ("admin", "admin password", None),
    "nomsa": ("coordinator", "coordinator password", None),
    "sipho": ("member", "member password", "Ilanga East Cluster"),
    "lebo": ("member", "another member password", "Kgotso South Cluster"),
    "ayanda": ("viewer", "viewer password", None),
}
SNAKE = re.compile(r"\b[a-z]+_[a-z]+(?:_[a-z]+)*\b")


class _ServedPages(PagesManager):
    """AppTest's pages as `atlas serve` has them: no pages/ folder rule, so that every rerun
    runs streamlit_app.py (the sidebar and st.navigation) and not the page file alone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def served_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_test, "PagesManager", _ServedPages)


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[atlas.store.Store]:
    """A store of this test only, with the sample's settlements and no user yet."""
    path = tmp_path / "atlas.sqlite"
    monkeypatch.setenv("ATLAS_DB", str(path))
    monkeypatch.delenv("ATLAS_SERVE", raising=False)
    db = open_store(path)
    sync_register(db, atlas.compute_gaps(atlas.load_sample(), atlas.load_standard("cape-town")))
    yield db
    db.close()


@pytest.fixture
def store(empty_store: atlas.store.Store) -> atlas.store.Store:
    """The test's store with one user of each role (two members, of two clusters)."""
    admin = None
    for name, (role, password, cluster) in USERS.items():
        user = add_user(empty_store, admin, name, role, password, cluster)
        admin = admin or user
    return empty_store


def as_user(store: atlas.store.Store, name: str) -> atlas.store.User:
    return store_sign_in(store, name, USERS[name][1])


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str, password: str | None = None) -> AppTest:
    at.sidebar.text_input(key=keys.SIGN_IN_NAME).input(name)
    at.sidebar.text_input(key=keys.SIGN_IN_PASSWORD).input(password or USERS[name][1])
    at.sidebar.button(key=keys.SIGN_IN_SUBMIT).click().run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    """Everything the page shows as text: elements, widgets' labels, options and values,
    tables, and the map component's arguments (its HTML)."""
    found: list[str] = []
    for kind in (
        "markdown", "caption", "info", "success", "warning", "error", "header", "subheader",
        "title", "text", "code", "metric", "exception", "json",
    ):  # fmt: skip
        found += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for kind in ("text_input", "text_area", "selectbox", "radio", "multiselect", "button"):
        for widget in at.get(kind):
            found.append(str(getattr(widget, "label", "")))
            found.append(str(getattr(widget, "value", "")))
            found += [str(o) for o in getattr(widget, "options", [])]
    found += [e.value.to_string() for e in at.get("dataframe")]
    found += [str(e.proto) for e in at.get("component_instance")]
    return "\n".join(found)


def shown(at: AppTest) -> str:
    """What a person reads: the page's messages (not the widgets' keys or component data)."""
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in at.get(kind))


# Signing in.


def test_a_wrong_password_says_so_and_signs_nobody_in(store: atlas.store.Store) -> None:
    at = sign_in(start(), "sipho", "not the password")
    errors = [e.value for e in at.sidebar.error]
    assert errors and "The user name or the password is wrong" in errors[0]
    assert "Traceback" not in texts(at)
    assert at.session_state[keys.SIGN_IN_PASSWORD] == ""
    assert not any("Signed in as" in m.value for m in at.sidebar.markdown)
    # An unknown name reads the same: nobody learns which names exist.
    at = sign_in(at, "nobody", "not the password")
    assert "The user name or the password is wrong" in at.sidebar.error[0].value


def test_the_right_password_signs_in_until_sign_out(store: atlas.store.Store) -> None:
    at = sign_in(start(), "sipho")
    assert any(
        m.value == "Signed in as sipho \\(member of Ilanga East Cluster\\)"
        for m in at.sidebar.markdown
    )
    assert at.session_state[keys.SIGN_IN_PASSWORD] == ""  # the password is not kept
    at.sidebar.button(key=keys.SIGN_OUT).click().run()
    assert not at.exception
    assert at.sidebar.text_input(key=keys.SIGN_IN_NAME).value == ""
    assert not any("Signed in as" in m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize(
    ("ip", "headers", "local"),
    [
        (None, {"Host": "localhost:8501"}, True),
        (None, {"Host": "127.0.0.1:8501"}, True),
        (None, {"Host": "[::1]:8501"}, True),
        ("127.0.0.2", {"Host": "127.0.0.2:8501"}, True),
        ("::ffff:127.0.0.1", {"Host": "localhost"}, True),
        (None, {}, False),  # unknown: AppTest, a session without a connection
        ("192.168.1.20", {"Host": "192.168.1.5:8501"}, False),
        ("192.168.1.20", {"Host": "localhost:8501"}, False),
        (None, {"Host": "localhost:8501", "X-Forwarded-For": "41.13.2.9"}, False),
        (None, {"Host": "127.0.0.1", "Forwarded": "for=41.13.2.9"}, False),
        (None, {"Host": "atlas.example.org"}, False),  # a name someone else controls
        ("not an address", {"Host": "localhost"}, False),
    ],
)
def test_only_a_browser_on_this_computer_counts_as_local(
    ip: str | None, headers: dict[str, str], local: bool
) -> None:
    assert is_local_request(ip, headers) is local


def test_an_empty_store_is_not_offered_to_an_unknown_browser(
    empty_store: atlas.store.Store,
) -> None:
    at = start()  # AppTest has no connection: not known to be this computer
    assert any("atlas users add" in i.value for i in at.sidebar.info)
    assert not at.sidebar.get("text_input")


def test_the_first_start_creates_the_admin_on_this_computer(
    empty_store: atlas.store.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "from_this_computer", lambda: True)
    at = start()
    assert at.sidebar.button(key=keys.ADMIN_SUBMIT).label == "Create the admin account"
    at.sidebar.text_input(key=keys.ADMIN_NAME).input("thandi")
    at.sidebar.text_input(key=keys.ADMIN_PASSWORD).input("admin password")
    at.sidebar.text_input(key=keys.ADMIN_REPEAT).input("admin passwort")
    at.sidebar.button(key=keys.ADMIN_SUBMIT).click().run()
    assert "not the same" in at.sidebar.error[0].value
    at.sidebar.text_input(key=keys.ADMIN_NAME).input("thandi")
    at.sidebar.text_input(key=keys.ADMIN_PASSWORD).input("short")
    at.sidebar.text_input(key=keys.ADMIN_REPEAT).input("short")
    at.sidebar.button(key=keys.ADMIN_SUBMIT).click().run()
    assert "too short" in at.sidebar.error[0].value
    at.sidebar.text_input(key=keys.ADMIN_NAME).input("thandi")
    at.sidebar.text_input(key=keys.ADMIN_PASSWORD).input("admin password")
    at.sidebar.text_input(key=keys.ADMIN_REPEAT).input("admin password")
    at.sidebar.button(key=keys.ADMIN_SUBMIT).click().run()
    assert not at.exception
    assert any(m.value == "Signed in as thandi \\(admin\\)" for m in at.sidebar.markdown)
    assert store_sign_in(empty_store, "thandi", "admin password").role.label == "admin"
    # The store has its admin now: the next browser is offered the sign-in, not the creation.
    other = start()
    assert other.sidebar.text_input(key=keys.SIGN_IN_NAME)
    assert not any(b.key == keys.ADMIN_SUBMIT for b in other.sidebar.get("button"))


# What each role may open.


@pytest.mark.parametrize("page", ["pages/report.py", "pages/reports.py"])
def test_a_records_page_without_sign_in_says_how_to_sign_in(
    store: atlas.store.Store, page: str
) -> None:
    at = open_page(start(), page)
    assert "needs you to sign in" in at.info[0].value and "Sign in" in at.info[0].value


def test_a_viewer_cannot_report_and_is_told_why(store: atlas.store.Store) -> None:
    at = open_page(sign_in(start(), "ayanda"), "pages/report.py")
    assert "needs a member or above" in at.warning[0].value
    assert not at.get("button") or not any(b.key == keys.REPORT_SEND for b in at.button)


# Reporting a problem.


def report(at: AppTest, problem: str, point: int = 1, contact: str = "", note: str = "") -> AppTest:
    at.selectbox(key=keys.REPORT_POINT).select_index(point)
    at.radio(key=keys.REPORT_PROBLEM).set_value(problem)
    at.text_input(key=keys.REPORT_CONTACT).input(contact)
    at.text_area(key=keys.REPORT_NOTE).input(note)
    at.button(key=keys.REPORT_SEND).click().run()
    assert not at.exception, at.exception
    return at


def test_a_member_reports_a_problem_and_sees_it(store: atlas.store.Store) -> None:
    at = open_page(sign_in(start(), "sipho"), "pages/report.py")
    # Only the settlements of the member's own cluster are offered.
    ilanga = {
        e.settlement_id
        for e in atlas.store.registered_settlements(store)
        if e.cluster == "Ilanga East Cluster"
    }
    assert set(at.selectbox(key=keys.REPORT_SETTLEMENT).options) <= {
        f"{e.name} ({e.settlement_id})" for e in atlas.store.registered_settlements(store)
    }
    assert len(at.selectbox(key=keys.REPORT_SETTLEMENT).options) == len(ilanga)
    points = at.selectbox(key=keys.REPORT_POINT).options
    assert points[0].startswith("Not a specific point") and re.search(r", \d+ m \(", points[1])
    assert at.radio(key=keys.REPORT_PROBLEM).value is None  # no default problem
    assert "No water" in at.radio(key=keys.REPORT_PROBLEM).options
    assert any("only the cluster's coordinators" in c.value for c in at.caption)

    # Without a problem chosen, nothing is sent.
    at.button(key=keys.REPORT_SEND).click().run()
    assert "Choose what is wrong" in at.error[0].value
    assert list_reports(store, as_user(store, "nomsa")) == []

    at = report(at, "no_water", contact=CONTACT, note="Dry since Monday")
    sent = at.success[0].value
    rid = re.search(r"\*\*(\w+)\*\*", sent).group(1)  # type: ignore[union-attr]
    # The form is empty again for the next report: no resident's contact left on the screen.
    assert at.text_input(key=keys.REPORT_CONTACT).value == ""
    assert at.text_area(key=keys.REPORT_NOTE).value == ""
    (kept,) = list_reports(store, as_user(store, "nomsa"), with_contacts=True)
    assert kept["service_request_id"] == rid and kept["contact"] == CONTACT
    assert kept["problem"] == "no_water" and kept["description"] == "Dry since Monday"
    assert kept["settlement_id"] in ilanga and kept["service_id"]

    # The same point again: offered as a possible duplicate, never merged.
    at = report(at, "no_water")
    assert "may be the same" in at.warning[0].value
    assert len(list_reports(store, as_user(store, "nomsa"))) == 2

    at = open_page(at, "pages/reports.py")
    table = at.dataframe[0].value
    assert rid in set(table["Report"]) and set(table["Problem"]) == {"No water"}
    text = texts(at)
    assert CONTACT not in text and "Show contact" not in text
    assert not any(b.key and "save" in b.key for b in at.get("button"))  # no actions


def test_every_state_and_problem_reads_in_plain_words(store: atlas.store.Store) -> None:
    member = as_user(store, "sipho")
    sid = next(
        e.settlement_id
        for e in atlas.store.registered_settlements(store)
        if e.cluster == "Ilanga East Cluster"
    )
    for problem in ("no_water", "low_pressure", "dirty_water"):
        add_report(store, member, NewReport(sid, "water", problem, "2026-11-03T08:30"))
    at = open_page(sign_in(start(), "nomsa"), "pages/reports.py")
    at.multiselect(key=keys.QUEUE_STATES).set_value(list(atlas.store.STATES)).run()
    words = shown(at) + "\n" + "\n".join(e.value.to_string() for e in at.dataframe)
    words += "\n".join(o for r in at.radio for o in r.options)
    assert not SNAKE.findall(words), SNAKE.findall(words)


# The queue.


def first_report(store: atlas.store.Store, contact: str | None = CONTACT) -> str:
    member = as_user(store, "sipho")
    sid = next(
        e.settlement_id
        for e in atlas.store.registered_settlements(store)
        if e.cluster == "Ilanga East Cluster"
    )
    return add_report(
        store, member, NewReport(sid, "water", "broken", "2026-11-03T08:30", contact=contact)
    ).id


def step(at: AppTest, rid: str, state: str, to: str, **fields: str) -> AppTest:
    at.radio(key=keys.report_key(rid, state, "step")).set_value(to)
    for name, value in fields.items():
        widget = at.text_input if name == "reference" else at.text_area
        widget(key=keys.report_key(rid, state, name)).input(value)
    at.button(key=keys.report_key(rid, state, "save")).click().run()
    assert not at.exception, at.exception
    return at


def test_a_coordinator_confirms_and_refers_a_report(store: atlas.store.Store) -> None:
    rid = first_report(store)
    at = open_page(sign_in(start(), "nomsa"), "pages/reports.py")
    assert list(at.dataframe[0].value["Report"]) == [rid]
    assert CONTACT not in texts(at)  # hidden until asked for
    assert at.radio(key=keys.report_key(rid, "reported", "step")).options == [
        "Confirm",
        "Mark as a duplicate",
        "Reject",
    ]
    at = step(at, rid, "reported", "confirmed", note="Seen it myself")
    assert any(f"{rid} is now confirmed" in s.value for s in at.success)
    # Referring needs the municipality's reference number.
    at = step(at, rid, "confirmed", "referred")
    assert "reference number" in at.error[0].value
    assert not SNAKE.findall(at.error[0].value.replace("\\_", "_"))
    at = step(at, rid, "confirmed", "referred", reference="CPT-2026-0042")
    assert any(f"{rid} is now referred" in s.value for s in at.success)
    (record,) = list_reports(store, as_user(store, "nomsa"))
    assert record["state"] == "referred" and record["reference"] == "CPT-2026-0042"
    history = at.dataframe[1].value
    assert list(history["To"]) == ["reported", "confirmed", "referred"]
    assert "Seen it myself" in set(history["Note"])


def test_show_contact_reveals_it_once_and_writes_it_in_the_log(store: atlas.store.Store) -> None:
    rid = first_report(store)
    at = open_page(sign_in(start(), "nomsa"), "pages/reports.py")
    at.button(key=keys.report_key(rid, "contact")).click().run()
    assert any(CONTACT in i.value for i in at.info)
    log = read_audit(store, as_user(store, "thandi"))
    assert [(a["actor"], a["subject"]) for a in log if a["action"] == "contacts.shown"] == [
        ("nomsa", rid)
    ]
    assert all(CONTACT not in str(a) for a in log)
    at.run()  # any other click: hidden again, never kept in the session
    assert CONTACT not in texts(at)
    assert CONTACT not in repr(at.session_state.to_dict())


def test_a_viewer_sees_counts_and_never_a_report_or_a_contact(store: atlas.store.Store) -> None:
    rid = first_report(store)
    at = open_page(sign_in(start(), "ayanda"), "pages/reports.py")
    counts = at.dataframe[0].value
    assert counts.iloc[0]["Open"] == 1 and counts.iloc[0]["Service"] == "Water"
    text = texts(at)
    assert CONTACT not in text and rid not in text
    assert not at.get("selectbox") or not any(s.key == keys.QUEUE_REPORT for s in at.selectbox)
    # The settlement profile: counts only.
    settlement = list_reports(store, as_user(store, "nomsa"))[0]["settlement_id"]
    at.session_state[keys.SETTLEMENT] = settlement
    at = open_page(at, "pages/settlement.py")
    text = texts(at)
    assert CONTACT not in text and rid not in text
    assert at.dataframe[-1].value.iloc[0]["Open"] == 1


def test_a_member_sees_only_their_own_clusters_reports(store: atlas.store.Store) -> None:
    rid = first_report(store)
    at = open_page(sign_in(start(), "lebo"), "pages/reports.py")
    assert rid not in texts(at)
    assert any("No report matches" in i.value for i in at.info)


# Sessions.


def test_the_map_draws_the_reports_the_signed_in_user_may_see(
    store: atlas.store.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = first_report(store)
    drawn: list[list[str]] = []
    real = report_widgets.report_overlays

    def record(points: Any) -> Any:
        drawn.append(list(points["report"]))
        return real(points)

    monkeypatch.setattr(report_widgets, "report_overlays", record)
    start()  # nobody signed in: no reports on the map
    assert drawn == []
    member = sign_in(start(), "sipho")
    assert drawn[-1] == [rid]
    page = texts(member)  # with the map component's HTML: the tooltip, never the contact
    assert "Water: Broken" in page and "Open reports (1)" in page and CONTACT not in page
    sign_in(start(), "lebo")  # another cluster's member
    assert drawn[-1] == []
    at = sign_in(start(), "ayanda")  # a viewer: counts only, no map markers
    assert len(drawn) == 2
    assert CONTACT not in texts(at)


def test_nothing_of_one_session_reaches_another(store: atlas.store.Store) -> None:
    rid = first_report(store)
    first = open_page(sign_in(start(), "nomsa"), "pages/reports.py")
    first.button(key=keys.report_key(rid, "contact")).click().run()
    assert any(CONTACT in i.value for i in first.info)

    second = start()  # another browser, in the same process (the same caches)
    assert keys.SIGN_IN_NAME in [t.key for t in second.sidebar.text_input]
    assert not any("Signed in as" in m.value for m in second.sidebar.markdown)
    for page in ("pages/reports.py", "pages/report.py", "pages/settlement.py", "pages/map.py"):
        second = open_page(second, page)
        text = texts(second)
        assert CONTACT not in text and rid not in text and "nomsa" not in text
        assert "Open reports (" not in text
    assert "records_user" in first.session_state.to_dict()
    assert "records_user" not in second.session_state.to_dict()

    # And the first session is still signed in as itself.
    first.run()
    assert any("Signed in as nomsa" in m.value for m in first.sidebar.markdown)


def test_a_coordinator_marks_a_duplicate_rejects_and_reopens(store: atlas.store.Store) -> None:
    first, second = first_report(store), first_report(store, contact=None)
    at = open_page(sign_in(start(), "nomsa"), "pages/reports.py")
    at.selectbox(key=keys.QUEUE_REPORT).set_value(second).run()
    at.radio(key=keys.report_key(second, "reported", "step")).set_value("duplicate").run()
    original = at.selectbox(key=keys.report_key(second, "reported", "duplicate_of"))
    assert original.options == [f"{first}: {original.options[0].split(': ', 1)[1]}"]
    at = step(at, second, "reported", "duplicate")
    assert any(f"{second} is now duplicate" in s.value for s in at.success)
    # The duplicate left the open queue; the original stays, and is rejected, then reopened.
    assert list(at.dataframe[0].value["Report"]) == [first]
    at = step(at, first, "reported", "rejected", note="Not a service of the municipality")
    assert any("No report matches" in i.value for i in at.info)
    at.multiselect(key=keys.QUEUE_STATES).set_value(["rejected", "duplicate"]).run()
    at.selectbox(key=keys.QUEUE_REPORT).set_value(first).run()
    assert at.radio(key=keys.report_key(first, "rejected", "step")).options == ["Reopen"]
    at = step(at, first, "rejected", "reported")
    states = {r["service_request_id"]: r for r in list_reports(store, as_user(store, "nomsa"))}
    assert states[first]["state"] == "reported"
    assert (states[second]["state"], states[second]["duplicate_of"]) == ("duplicate", first)
